"""Draw the site's icon, book/_extra/favicon.ico: a white partial sign on
the theme's blue, at 16, 32 and 48 px.

    python tools/favicon.py

_config.yml serves it as _static/favicon.ico (html_favicon, linked from
every page) and as /favicon.ico (html_extra_path), where browsers look when
a page names none.
"""
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "book" / "_extra" / "favicon.ico"
BLUE = "#1f4e8c"


def draw(size=256):
    """The icon as an RGBA image of size x size pixels."""
    fig = plt.figure(figsize=(1, 1), dpi=size)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.add_patch(FancyBboxPatch((0.04, 0.04), 0.92, 0.92,
                                boxstyle="round,pad=0,rounding_size=0.18",
                                facecolor=BLUE, edgecolor="none"))
    ax.text(0.5, 0.46, r"$\partial$", color="white", fontsize=0.8 * 72,
            ha="center", va="center")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", transparent=True)
    plt.close(fig)
    return Image.open(buffer).convert("RGBA")


def main():
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    draw().save(TARGET, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
