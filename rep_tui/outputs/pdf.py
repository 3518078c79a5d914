"""Mailing labels and letters as PDF (fpdf2, imported only here).

Labels are Avery 5160 / 8160: 30 per US Letter page, 3 across and 10 down,
each 2.625" × 1", with a 0.5" top margin, 0.1875" side margins and 0.125"
between columns (`LABEL`). Postcards are a Letter page's quarters (Avery
8383 / 5389-style 4.25" × 5.5", `POSTCARD`): the message on the left half,
the address on the right."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class Sheet:
    """A label sheet's geometry, in inches."""

    columns: int = 3
    rows: int = 10
    width: float = 2.625
    height: float = 1.0
    top: float = 0.5
    side: float = 0.1875
    gutter: float = 0.125
    #: Where the address starts, from the label's left edge (text stays 0.15" off the right one).
    padding: float = 0.15

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def origin(self, index: int) -> tuple[float, float]:
        """The top-left corner of the label at `index` on its page (across, then down)."""
        row, column = divmod(index % self.per_page, self.columns)
        return self.side + column * (self.width + self.gutter), self.top + row * self.height


LABEL = Sheet()
POSTCARD = Sheet(columns=2, rows=2, width=4.25, height=5.5, top=0, side=0, gutter=0, padding=2.25)


def _document():
    from fpdf import FPDF

    pdf = FPDF(unit="in", format="letter")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0)
    if _FONT.exists():
        pdf.add_font("Body", fname=str(_FONT))
        pdf.set_font("Body", size=10)
    else:  # core font: Latin-1 only
        pdf.set_font("Helvetica", size=10)
    return pdf


def _safe(pdf, text: str) -> str:
    """Text the font can draw: a core font gets '?' for what Latin-1 lacks."""
    return text if pdf.font_family == "body" else text.encode("latin-1", "replace").decode("latin-1")


def _fit(pdf, text: str, width: float) -> str:
    """`text` cut to `width` (ending in "…") so a long line never runs onto the next label."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def labels_pdf(labels: list[list[str]], sheet: Sheet = LABEL, messages: list[str] | None = None) -> bytes:
    """One label per entry (its lines), `sheet` after sheet; an empty list gives one blank page.
    `messages` (postcards): each card's message, on its left half."""
    pdf = _document()
    pdf.add_page()
    line, width = 0.17, sheet.width - sheet.padding - 0.15
    for index, lines in enumerate(labels):
        if index and index % sheet.per_page == 0:
            pdf.add_page()
        x, y = sheet.origin(index)
        if messages:
            pdf.set_xy(x + 0.25, y + 0.4)
            pdf.multi_cell(sheet.padding - 0.5, line, _safe(pdf, messages[index]), align="L")
        top = y + (sheet.height - line * len(lines)) / 2
        for number, text in enumerate(lines):
            pdf.set_xy(x + sheet.padding, top + number * line)
            pdf.cell(width, line, _fit(pdf, _safe(pdf, text), width))
    return bytes(pdf.output())


def letters_pdf(letters: list[str]) -> bytes:
    """One page (or more, for a long one) per letter, with 1" margins."""
    pdf = _document()
    pdf.set_margins(1, 1, 1)
    pdf.set_auto_page_break(True, margin=1)
    pdf.set_font(size=11)
    for letter in letters:
        pdf.add_page()
        pdf.multi_cell(0, 0.2, _safe(pdf, letter), align="L")
    if not letters:
        pdf.add_page()
    return bytes(pdf.output())
