"""A table of leads, one row each (or one per appointment), that says which
lead the rep chose with Enter (or a click): `LeadTable.LeadChosen(lead_id)`.

    table = LeadTable(Column("Name", 18, grow=1), Column("Phone", 14), Column("Address", 20, grow=2))
    table.show([(lead.id, (lead.name, lead.cell_phone, lead.address)), ...])

A table made `markable` also lets the rep mark rows with Space (a "✓"
before the first cell) to act on several leads at once (`marked`), and posts
`MarksChanged` as the count changes; marks stay on the leads still shown.

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
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from rep_tui.widgets.row_table import Column, cut, fit

Cell = str | Text
LeadRow = tuple[uuid.UUID, Sequence[Cell]]
MARK = "✓ "


class LeadTable(DataTable):
    """Rows of leads; Enter posts `LeadChosen`."""

    DEFAULT_CSS = """
    LeadTable {
        height: 1fr;
    }
    """
    BINDINGS = [Binding("enter", "select_cursor", "Open lead"),
                Binding("space", "toggle_mark", "Mark", tooltip="Mark this lead, to act on several at once")]

    class LeadChosen(Message):
        """The rep picked a lead's row."""

        def __init__(self, lead_id: uuid.UUID) -> None:
            super().__init__()
            self.lead_id = lead_id

    class MarksChanged(Message):
        """Rows were marked or unmarked; `count` are marked now."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(self, *columns: Column, id: str | None = None, classes: str | None = None,
                 markable: bool = False) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id, classes=classes)
        self._column_spec = columns
        self._rows: list[LeadRow] = []
        self._widths: list[tuple[int, int]] = []
        self.markable = markable
        self._marked: set[uuid.UUID] = set()

    @property
    def marked(self) -> list[uuid.UUID]:
        """The marked leads, in row order."""
        return [lead_id for lead_id in self.lead_ids if lead_id in self._marked]

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
        had = len(self._marked)
        self._marked &= set(self.lead_ids)
        self._build()
        if kept in self.lead_ids:
            self.move_cursor(row=self.lead_ids.index(kept), animate=False)
        if len(self._marked) != had:
            self.post_message(self.MarksChanged(len(self._marked)))

    def _build(self) -> None:
        self.clear(columns=True)
        self._widths = shown = fit(self, self._column_spec)
        for i, width in shown:
            self.add_column(self._column_spec[i].label, width=width)
        for number in range(len(self._rows)):
            self.add_row(*(self._cell(number, i, width) for i, width in shown), key=str(number))

    def _cell(self, number: int, column: int, width: int) -> Text:
        """A row's cell as shown: the first one of a marked row starts with the mark."""
        lead_id, cells = self._rows[number]
        cell = cells[column]
        if column == 0 and lead_id in self._marked:
            cell = Text.assemble((MARK, "bold"), cell)
        return cut(cell, width)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.markable if action == "toggle_mark" else True

    def action_toggle_mark(self) -> None:
        """Space: mark or unmark the lead under the cursor, and move down to the next."""
        lead_id = self.current_lead_id
        if lead_id is None:
            return
        self._marked ^= {lead_id}
        row = self.cursor_row
        self.update_cell_at(Coordinate(row, 0), self._cell(row, self._widths[0][0], self._widths[0][1]))
        self.move_cursor(row=row + 1)
        self.post_message(self.MarksChanged(len(self._marked)))

    def clear_marks(self) -> None:
        if self._marked:
            self._marked.clear()
            self._build_keeping_cursor()
            self.post_message(self.MarksChanged(0))

    def _build_keeping_cursor(self) -> None:
        row = self.cursor_row
        self._build()
        self.move_cursor(row=row, animate=False)

    def on_mount(self) -> None:
        self._build()

    def on_resize(self) -> None:
        if fit(self, self._column_spec) != self._widths:
            self._build_keeping_cursor()

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self._rows):
            self.post_message(self.LeadChosen(self._rows[event.cursor_row][0]))
