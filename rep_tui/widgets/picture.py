"""Pictures drawn in the terminal with textual-image (Sixel, Kitty or
half-cells, whatever the terminal can do), or a plain sentence saying why
one cannot be drawn.

Decoding is split from drawing: `decode_picture` reads and scales the file
(slow for a big photo, so callers run it in a thread; PIL loads there), and
`picture_widget` wraps the result on the UI thread (textual-image loads on
the first picture). Pictures are fitted to a nominal 10×20-pixel cell and
drawn at that many cells, so their shape and size do not depend on what the
terminal reports about itself; a headless app (tests, snapshots) always uses
half-cells, so what it draws is the same everywhere."""

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


def probe_terminal() -> None:
    """Let textual-image ask the terminal what it can draw, before the app starts.

    It asks on import by writing to the terminal and reading the answer from
    the keyboard; once Textual reads the keyboard that answer would arrive as
    key presses (a stray `?` opened Help). Costs one import and a round trip."""
    if sys.__stdout__ and sys.__stdout__.isatty() and sys.__stdin__ and sys.__stdin__.isatty():
        import textual_image.widget  # noqa: F401


def picture_widget(decoded: Decoded, *, headless: bool, **kwargs) -> Widget:
    """The decoded picture at its size in cells, or a note saying why it is missing."""
    if decoded.image is None:
        classes = " ".join(filter(None, ("muted picture-problem", kwargs.pop("classes", None))))
        return Static(decoded.problem, classes=classes, **kwargs)
    from textual_image.widget import HalfcellImage, Image

    widget = (HalfcellImage if headless else Image)(decoded.image, **kwargs)
    widget.styles.width, widget.styles.height = decoded.cols, decoded.rows
    return widget
