"""A table of leads, one row each (or one per appointment), that says which
lead the rep chose with Enter (or a click): `LeadTable.LeadChosen(lead_id)`.

    table = LeadTable(("Name", 24), ("Phone", 16), ("Address", None))
    table.show([(lead.id, (lead.name, lead.cell_phone, lead.address)), ...])

The screen decides the columns and what the cells say; a column of width
None shares what the fixed columns leave, so the table fills 80 or 200
columns without cutting anything off; a column given a third item, WIDE_ONLY,
shows only on a wide terminal (as in `row_table`). The table keeps the lead
id of every row, so rows may repeat a lead (a drill-down of appointments).
"""

from __future__ import annotations

import uuid
from typing import Iterable, Sequence

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from rep_tui.widgets.row_table import WIDE

Cell = str | Text
LeadRow = tuple[uuid.UUID, Sequence[Cell]]
MIN_FLEX_WIDTH = 10
WIDE_ONLY = True  # the third item of a column that shows from WIDE terminal columns on


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

    def __init__(self, *columns: tuple[str, int | None] | tuple[str, int | None, bool], id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id, classes=classes)
        self._column_spec = columns
        self._rows: list[LeadRow] = []
        self._layout: tuple[tuple[int, ...], int] = ((), 0)  # the columns shown and the flexible width

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

    def _fitted(self) -> tuple[tuple[int, ...], int]:
        """The columns shown at the terminal's width, and the width of each flexible one."""
        wide = self.app.size.width >= WIDE
        shown = tuple(i for i, spec in enumerate(self._column_spec) if wide or not (len(spec) > 2 and spec[2]))
        widths = [self._column_spec[i][1] for i in shown]
        flexible = widths.count(None)
        if not flexible:
            return shown, 0
        padding = 2 * self.cell_padding * len(shown)
        # keep room for the vertical scrollbar, which appears only once rows overflow
        spare = self.content_region.width - self.styles.scrollbar_size_vertical - sum(w or 0 for w in widths) - padding
        return shown, max(MIN_FLEX_WIDTH, spare // flexible)

    def _build(self) -> None:
        self.clear(columns=True)
        self._layout = shown, flex = self._fitted()
        for i in shown:
            label, width = self._column_spec[i][:2]
            self.add_column(label, width=width or flex)
        for number, (_lead_id, cells) in enumerate(self._rows):
            self.add_row(*(cells[i] for i in shown), key=str(number))

    def on_mount(self) -> None:
        self._build()

    def on_resize(self) -> None:
        if self._fitted() != self._layout:
            row = self.cursor_row
            self._build()
            self.move_cursor(row=row)

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self._rows):
            self.post_message(self.LeadChosen(self._rows[event.cursor_row][0]))
