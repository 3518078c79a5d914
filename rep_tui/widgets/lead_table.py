"""A table of leads, one row each (or one per appointment), that says which
lead the rep chose with Enter (or a click): `LeadTable.LeadChosen(lead_id)`.

    table = LeadTable(Column("Name", 18, grow=1), Column("Phone", 14), Column("Address", 20, grow=2))
    table.show([(lead.id, (lead.name, lead.cell_phone, lead.address)), ...])

The screen decides the columns (widgets/row_table.py `Column`) and what the
cells say; growing columns share what a wider terminal gives, and text
longer than its column ends in "…". The table keeps the lead id of every
row, so rows may repeat a lead (a drill-down of appointments).
"""

from __future__ import annotations

import uuid
from typing import Iterable, Sequence

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from rep_tui.widgets.row_table import Column, cut, fit

Cell = str | Text
LeadRow = tuple[uuid.UUID, Sequence[Cell]]


class LeadTable(DataTable):
    """Rows of leads; Enter posts `LeadChosen`."""

    DEFAULT_CSS = """
    LeadTable {
        height: 1fr;
    }
    """
    BINDINGS = [Binding("enter", "select_cursor", "Open lead")]

    class LeadChosen(Message):
        """The rep picked a lead's row."""

        def __init__(self, lead_id: uuid.UUID) -> None:
            super().__init__()
            self.lead_id = lead_id

    def __init__(self, *columns: Column, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id, classes=classes)
        self._column_spec = columns
        self._rows: list[LeadRow] = []
        self._widths: list[tuple[int, int]] = []

    @property
    def lead_ids(self) -> list[uuid.UUID]:
        """Lead ids in row order."""
        return [lead_id for lead_id, _ in self._rows]

    @property
    def current_lead_id(self) -> uuid.UUID | None:
        """The lead under the cursor, if any."""
        if 0 <= self.cursor_row < len(self._rows):
            return self._rows[self.cursor_row][0]
        return None

    def show(self, rows: Iterable[LeadRow], *, keep_cursor: bool = False) -> None:
        """Replace the rows, with the cursor at the top; with `keep_cursor` (the
        same list read again, e.g. after a sync) on the lead it was on."""
        kept = self.current_lead_id if keep_cursor else None
        self._rows = list(rows)
        self._build()
        if kept in self.lead_ids:
            self.move_cursor(row=self.lead_ids.index(kept), animate=False)

    def _build(self) -> None:
        self.clear(columns=True)
        self._widths = shown = fit(self, self._column_spec)
        for i, width in shown:
            self.add_column(self._column_spec[i].label, width=width)
        for number, (_lead_id, cells) in enumerate(self._rows):
            self.add_row(*(cut(cells[i], width) for i, width in shown), key=str(number))

    def on_mount(self) -> None:
        self._build()

    def on_resize(self) -> None:
        if fit(self, self._column_spec) != self._widths:
            row = self.cursor_row
            self._build()
            self.move_cursor(row=row)

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self._rows):
            self.post_message(self.LeadChosen(self._rows[event.cursor_row][0]))
