"""A picture drawn in the terminal with textual-image (Sixel, Kitty or
half-cells, whatever the terminal can do), or a plain sentence saying why
it cannot be drawn. textual-image and PIL load on the first picture."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget
from textual.widgets import Static


def picture_widget(path: Path, **kwargs) -> Widget:
    """The picture at `path`, or a note when it is not on this device or unreadable."""
    if not path.is_file():
        return Static("Not downloaded to this device yet: it comes with the next sync.", classes="muted", **kwargs)
    from PIL import Image as PILImage, UnidentifiedImageError

    try:
        with PILImage.open(path) as probe:
            probe.verify()
    except (OSError, UnidentifiedImageError):
        return Static("This file cannot be shown as a picture.", classes="muted", **kwargs)
    from textual_image.widget import Image

    return Image(path, **kwargs)
