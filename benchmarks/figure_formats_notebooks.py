"""Notebook figures (after make book) re-encoded: bytes per format.

    python benchmarks/figure_formats_notebooks.py

Reads _build/jupyter_execute/*.png (the figures the build drew at 2x) and
prints per figure and in total (only figures saved as matplotlib's RGBA
PNG, i.e. drawn before tools/inline_figures.py made palette PNGs): the PNG as saved, a 256-colour palette PNG
(with its largest and mean colour error), lossless WebP, optimised RGB PNG.
"""
import io, glob, sys
from PIL import Image
import numpy as np
tot = {}
n = 0
for f in sorted(glob.glob("_build/jupyter_execute/*.png")):
    im = Image.open(f); im.load()
    if im.mode == "P":
        continue        # already a palette PNG (tools/inline_figures.py)
    rgb = im.convert("RGB")
    sizes = {"png (matplotlib)": len(open(f, "rb").read())}
    b = io.BytesIO(); rgb.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(b, "PNG", optimize=True); sizes["png8 256"] = len(b.getvalue())
    q = rgb.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).convert("RGB")
    err = np.abs(np.asarray(q, np.int16) - np.asarray(rgb, np.int16)).max(-1)
    b = io.BytesIO(); rgb.save(b, "WEBP", lossless=True, quality=100, method=4); sizes["webp lossless"] = len(b.getvalue())
    b = io.BytesIO(); rgb.save(b, "PNG", optimize=True); sizes["png rgb optimize"] = len(b.getvalue())
    for k, v in sizes.items(): tot[k] = tot.get(k, 0) + v
    n += 1
    print(f.split('/')[-1][:10], im.size, im.mode, {k: v//1000 for k, v in sizes.items()}, "png8 max err", err.max(), "mean", round(err.mean(), 3))
print(n, "images; totals kB:", {k: v//1000 for k, v in tot.items()})
