"""What a rep actually sees, measured on the rendered screen: the WCAG
contrast of every piece of text against the colour behind it, and the
screen's text as one string (to look for words a rep should never see).

Both read the strips Textual's compositor draws (every Segment with its
final colours), so they judge the styles in effect, whichever CSS file,
DEFAULT_CSS, theme variable or Rich style produced them."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from textual.app import App
from textual.geometry import Region

AA = 4.5  # WCAG 2 AA for normal text
DIM_FACTOR = 0.5  # how far a terminal fades `dim` text towards its background (as Textual's DimFilter)


def _channel(value: int) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int]) -> float:
    red, green, blue = (_channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio, 1 (none) to 21 (black on white)."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _is_text(char: str) -> bool:
    """Letters, digits, marks: not spaces, box lines, blocks (borders,
    scrollbars, tab underlines) or braille (a loading indicator)."""
    return not (char.isspace() or "\u2500" <= char <= "\u259f" or "\u2800" <= char <= "\u28ff")


@dataclass(frozen=True)
class LowContrast:
    text: str
    ratio: float
    fg: str
    bg: str

    def __str__(self) -> str:
        return f"{self.text!r}: {self.fg} on {self.bg} is {self.ratio:.2f}:1"


def _colours(segment: Segment) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    style = segment.style
    assert style is not None and style.color is not None and style.bgcolor is not None, \
        f"{segment.text!r} has no resolved colours: {style}"
    fg, bg = tuple(style.color.get_truecolor()), tuple(style.bgcolor.get_truecolor())
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = tuple(round(b + (f - b) * DIM_FACTOR) for f, b in zip(fg, bg))
    return fg, bg


def rendered_lines(app: App) -> list[list[Segment]]:
    """The current screen as drawn, with the screens behind a dialog, one list of segments per line."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return [[segment for strip in line for segment in strip] for line in update.strips]


def low_contrast(app: App, region: Region | None = None, minimum: float = AA,
                 exempt: list[Region] = ()) -> list[LowContrast]:
    """Every distinct text-and-colours of the screen (inside `region`, not in
    an `exempt` region) below `minimum`."""
    region = region or app.screen.region
    found: dict[tuple, LowContrast] = {}
    for y, line in enumerate(rendered_lines(app)):
        if not region.y <= y < region.bottom:
            continue
        x = 0
        for segment in line:
            start, x = x, x + segment.cell_length
            if not (region.x <= start < region.right) or any(r.contains(start, y) for r in exempt):
                continue
            text = "".join(ch for ch in segment.text if _is_text(ch))
            if not text:
                continue
            fg, bg = _colours(segment)
            ratio = contrast(fg, bg)
            if ratio < minimum and (fg, bg) not in found:
                found[(fg, bg)] = LowContrast(segment.text.strip()[:30], ratio, "#%02X%02X%02X" % fg, "#%02X%02X%02X" % bg)
    return list(found.values())


def screen_text(app: App) -> str:
    """Everything written on the screen, line by line."""
    return "\n".join("".join(segment.text for segment in line) for line in rendered_lines(app))
