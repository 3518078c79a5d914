"""Pictures drawn in the terminal with textual-image in half-cells (see
`load_pictures_quietly` for why never Sixel or Kitty graphics), or a plain
sentence saying why one cannot be drawn.

Decoding is split from drawing: `decode_picture` reads and scales the file
(slow for a big photo, so callers run it in a thread; PIL loads there), and
`picture_widget` wraps the result on the UI thread (textual-image loads on
the first picture). Pictures are fitted to a nominal 10×20-pixel cell and
drawn at that many cells, so their shape and size do not depend on what the
terminal reports about itself, and what a test draws is what a rep sees."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.widget import Widget
from textual.widgets import Static

CELL_PIXELS = (10, 20)
NOT_DOWNLOADED = "Not downloaded yet: this picture comes to this device with the next sync."
UNREADABLE = "This file cannot be shown as a picture."


@dataclass(frozen=True)
class Decoded:
    """A picture scaled to fit a box of cells (`image` a PIL image), or why there is none."""

    image: Any = None
    cols: int = 0
    rows: int = 0
    problem: str = ""


def decode_picture(path: Path, cols: int, rows: int) -> Decoded:
    """The picture at `path` scaled (up or down, keeping its shape) to fit cols×rows cells."""
    if not path.is_file():
        return Decoded(problem=NOT_DOWNLOADED)
    if cols < 1 or rows < 1:
        return Decoded(problem="")
    from PIL import Image, ImageOps, UnidentifiedImageError

    box = (cols * CELL_PIXELS[0], rows * CELL_PIXELS[1])
    try:
        with Image.open(path) as opened:
            opened.draft("RGB", box)  # a JPEG decodes at a fraction of its size when that is enough
            upright = ImageOps.exif_transpose(opened)
            fitted = ImageOps.contain(upright, box).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError, UnidentifiedImageError):
        return Decoded(problem=UNREADABLE)
    return Decoded(fitted, max(1, min(cols, round(fitted.width / CELL_PIXELS[0]))),
                   max(1, min(rows, round(fitted.height / CELL_PIXELS[1]))))


def load_pictures_quietly() -> None:
    """Import textual-image without letting it question the terminal.

    On import it writes queries to the terminal (Sixel? Kitty graphics? cell
    size?) and reads the answers from the keyboard with a 0.1 s timeout. On a
    loaded machine or over SSH the answer comes later and arrives in the app
    as key presses (`[?1;2c` typed into Search), and keys the rep typed during
    the wait are eaten. So it is imported while stdout is not a terminal: it
    asks nothing, and pictures are drawn in half-cells, which every terminal,
    tmux and SSH included, shows."""
    if "textual_image.widget" in sys.modules:
        return
    import io

    terminal, sys.__stdout__ = sys.__stdout__, io.StringIO()
    try:
        import textual_image.widget  # noqa: F401
    finally:
        sys.__stdout__ = terminal


def picture_widget(decoded: Decoded, **kwargs) -> Widget:
    """The decoded picture at its size in cells, or a note saying why it is missing."""
    if decoded.image is None:
        classes = " ".join(filter(None, ("muted picture-problem", kwargs.pop("classes", None))))
        return Static(decoded.problem, classes=classes, **kwargs)
    load_pictures_quietly()
    from textual_image.widget import HalfcellImage

    widget = HalfcellImage(decoded.image, **kwargs)
    widget.styles.width, widget.styles.height = decoded.cols, decoded.rows
    return widget
