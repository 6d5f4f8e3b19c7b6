"""Turning a rendered figure into image bytes, fast or small.

Live mode needs speed: :func:`png_fast` writes a valid PNG straight from
the Agg buffer (no row filters, zlib level 1), a few milliseconds for a
640 x 300 frame, where Pillow's adaptive filters take twice as long.
The static scrubber needs size: :func:`encode_compact` writes a 256-colour
PNG (crisp text and lines) or, for busy pictures such as shaded surfaces,
a lossy WebP/JPEG, whichever the caller asks for; :func:`encode_overlay`
writes only what a frame changes from the scrubber's opening frame (the
moving artists, usually a small part of the picture) as a 256-colour PNG
that is transparent elsewhere, to be drawn over the opening frame.

Measured on the 24 frames of ``quadratic_approximation`` at 780 x 300
CSS px (the heaviest scrubber of the Hessians chapter; sizes of the
frames' bytes): at 1x, full frames as PNG 256 colours 658 kB, lossy WebP
q80 737 kB, lossless WebP 1115 kB; overlays over the opening frame as
PNG 256 colours 80 kB, as lossless WebP 82 kB (see the HiDPI table in
the report of issue 17 for 2x). Overlays as PNG are used: as small as
WebP, exact where nothing moves, and readable by every browser and by
the PDF build.
"""

import base64
import io
import struct
import zlib

import numpy as np

__all__ = ["png_fast", "encode_compact", "encode_overlay", "data_uri",
           "LOSSY"]


def _chunk(tag, data):
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def png_fast(rgba):
    """PNG bytes of an (h, w, 4) uint8 RGBA image, dropping alpha.

    Examples
    --------
    >>> img = np.zeros((2, 3, 4), np.uint8)
    >>> data = png_fast(img)
    >>> data[:8] == b"\\x89PNG\\r\\n\\x1a\\n", len(data) < 100
    (True, True)
    """
    h, w = rgba.shape[:2]
    raw = np.empty((h, 3 * w + 1), np.uint8)
    raw[:, 0] = 0                       # filter type 0 (none) on every row
    pixels = raw[:, 1:].reshape(h, w, 3)        # a view into raw
    pixels[...] = rgba[..., :3]
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
            + _chunk(b"IDAT", zlib.compress(raw, 1))
            + _chunk(b"IEND", b""))


def _lossy_format():
    from PIL import features
    return "webp" if features.check("webp") else "jpeg"


LOSSY = None  # resolved on first use: "webp" if Pillow has it, else "jpeg"


def encode_compact(rgb, kind):
    """(bytes, mime type) of an (h, w, 3) uint8 image.

    kind is "png8" (256-colour palette PNG, no dithering) or "lossy"
    (WebP at quality 80, or JPEG at quality 85 without WebP support).
    """
    global LOSSY
    from PIL import Image
    img = Image.fromarray(np.ascontiguousarray(rgb[..., :3]))
    buf = io.BytesIO()
    if kind == "png8":
        img = img.quantize(256, method=Image.Quantize.FASTOCTREE,
                           dither=Image.Dither.NONE)
        img.save(buf, format="PNG", optimize=True)
        return buf.getvalue(), "image/png"
    if LOSSY is None:
        LOSSY = _lossy_format()
    if LOSSY == "webp":
        img.save(buf, format="WEBP", quality=80, method=4)
        return buf.getvalue(), "image/webp"
    img.save(buf, format="JPEG", quality=85, optimize=True)
    return buf.getvalue(), "image/jpeg"


#: pixels (of the 2x frame) around each changed pixel that an overlay
#: also covers: enough for a browser's resampling filter down to about a
#: third of the frame's size
MARGIN = 3


def _grow(mask, r):
    """``mask`` (h, w) grown by ``r`` pixels in each direction (a square).

    >>> _grow(np.eye(3, dtype=bool)[:1], 1).astype(int).tolist()
    [[1, 1, 0]]
    """
    h, w = mask.shape
    padded = np.pad(mask, r)
    out = np.zeros_like(mask)
    for dy in range(2 * r + 1):
        for dx in range(2 * r + 1):
            out |= padded[dy:dy + h, dx:dx + w]
    return out


def encode_overlay(rgb, base):
    """PNG bytes of what (h, w, 3) ``rgb`` changes from ``base``, or b"".

    Pixels equal to ``base`` are transparent, except within ``MARGIN``
    pixels of a changed one; those and the changed ones are opaque, in at
    most 255 colours plus transparency (no dithering). Drawn over ``base``
    the overlay gives ``rgb`` up to the palette (exactly ``rgb`` away from
    what changed). The margin matters when the browser scales the frame
    (a narrow screen, a padded box): it resamples the overlay and the
    opening frame one by one, and a changed pixel next to a transparent
    one would blend with nothing, leaving a faint trace of the opening
    frame around everything that changed. A frame equal to ``base`` has
    no overlay (b"").

    Examples
    --------
    >>> base = np.zeros((2, 3, 3), np.uint8)
    >>> encode_overlay(base, base)
    b''
    >>> frame = base.copy(); frame[0, 1] = (255, 0, 0)
    >>> from PIL import Image
    >>> img = Image.open(io.BytesIO(encode_overlay(frame, base)))
    >>> rgba = np.asarray(img.convert("RGBA"))
    >>> rgba[0, 1].tolist(), int((rgba[..., 3] == 255).sum())
    ([255, 0, 0, 255], 6)
    """
    from PIL import Image
    rgb = np.ascontiguousarray(rgb[..., :3])
    changed = np.any(rgb != base[..., :3], axis=-1)
    if not changed.any():
        return b""
    changed = _grow(changed, MARGIN)
    rgba = np.zeros(rgb.shape[:2] + (4,), np.uint8)
    rgba[changed, :3] = rgb[changed]
    rgba[changed, 3] = 255
    img = Image.fromarray(rgba, "RGBA").quantize(
        256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def data_uri(data, mime):
    """A data: URI holding ``data`` (bytes) of type ``mime``.

    >>> data_uri(b"hi", "image/png")
    'data:image/png;base64,aGk='
    """
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
