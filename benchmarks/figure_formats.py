"""Image formats for the HiDPI figures (issue 17): bytes per encoding.

    python benchmarks/figure_formats.py WIDGET png8,webp-q80,ovl-png8,ovl-webp-ll,webp-ll

The 24 frames of one widget scrubber at 1x and 2x: whole frames (PNG 256
colours, lossy WebP q80, lossless WebP) and overlays over the opening frame
(what mathlib/widgets/_frames.encode_overlay writes). For notebook figures
see benchmarks/figure_formats_notebooks.py. Sizes only, no thresholds.
"""
import io, sys, time
import numpy as np
from PIL import Image
from mathlib import widgets as W
from mathlib.widgets import _base

def q(img):
    return img.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)

def enc(rgb, fmt, base=None):
    img = Image.fromarray(np.ascontiguousarray(rgb))
    buf = io.BytesIO()
    if fmt == "png":
        img.save(buf, "PNG", optimize=True)
    elif fmt == "png8":
        q(img).save(buf, "PNG", optimize=True)
    elif fmt == "webp-ll":
        img.save(buf, "WEBP", lossless=True, quality=100, method=4)
    elif fmt == "webp-q80":
        img.save(buf, "WEBP", quality=80, method=4)
    elif fmt in ("ovl-png8", "ovl-webp-ll"):
        same = np.all(rgb == base, axis=-1)
        if same.all():
            return 0
        rgba = np.dstack([rgb, np.where(same, 0, 255).astype(np.uint8)])
        rgba[same, :3] = 0
        o = Image.fromarray(rgba, "RGBA")
        if fmt == "ovl-png8":
            o.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(buf, "PNG", optimize=True)
        else:
            o.save(buf, "WEBP", lossless=True, quality=100, method=4)
    return len(buf.getvalue())

fmts = sys.argv[2].split(",")
name = sys.argv[1]
for scale in (1, 2):
    _base.Widget.SCALES = {"live": 1, "static": scale}
    w = getattr(W, name)(mode="static", frames=24)
    main, frames = w._sweep()
    base = frames[len(frames)//2][1]
    out = []
    for f in fmts:
        t = time.time()
        n = sum(enc(rgb, f, base) for _, rgb, _, _ in frames)
        if f.startswith("ovl"):
            n += enc(base, "png8" if f == "ovl-png8" else "webp-ll")
        out.append(f"{f}={n/1e3:.0f}kB({time.time()-t:.1f}s)")
    print(name, f"{scale}x", w.pixel_size, " ".join(out), flush=True)
