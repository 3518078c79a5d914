"""A table whose rows belong to leads: Enter opens the row's lead; and a
titled section holding one.

Cells are plain text or `Toned` text; tones are component classes styled with
theme variables, so the table re-renders its rows when the theme changes.
Columns marked `wide_only` appear when the terminal is wide enough.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from rep_tui.messages import OpenLead

WIDE = 110  # terminal columns from which `wide_only` columns are shown
TONES = ("error", "warning", "success", "muted", "strong")


@dataclass(frozen=True)
class Column:
    """A column of fixed width (longer text is cut with …), so the layout
    never waits on measuring and does not jump when the data changes."""

    label: str
    width: int
    wide_only: bool = False


@dataclass(frozen=True)
class Toned:
    text: str
    tone: str  # one of TONES


Cell = str | Toned


@dataclass(frozen=True)
class TableRow:
    key: str
    lead_id: uuid.UUID | None  # None: a row that belongs to no lead (a free hour)
    cells: tuple[Cell, ...]


class RowTable(DataTable):
    """Rows of leads; Enter posts `OpenLead` for the row under the cursor."""

    COMPONENT_CLASSES = {f"row-table--{tone}" for tone in TONES}
    DEFAULT_CSS = """
    RowTable { height: auto; max-height: 100%; }
    RowTable > .row-table--error { color: $text-error; text-style: bold; }
    RowTable > .row-table--warning { color: $text-warning; }
    RowTable > .row-table--success { color: $text-success; }
    RowTable > .row-table--muted { color: $text-muted; }
    RowTable > .row-table--strong { text-style: bold; }
    """
    BINDINGS = [Binding("enter", "select_cursor", "Open lead")]
    ROW_HEIGHT = 1  # lines per row

    def __init__(self, columns: Sequence[Column], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id, classes=classes)
        self.all_columns = tuple(columns)
        self.rows_shown: list[TableRow] = []
        self._wide: bool | None = None

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.call_after_refresh(self._render_rows))

    def show(self, rows: Sequence[TableRow]) -> None:
        """Replace the rows, keeping the cursor on the same row when it is still there."""
        selected = self.current.key if self.current else None
        self.rows_shown = list(rows)
        self._render_rows(selected)

    @property
    def current(self) -> TableRow | None:
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]

    def _render_rows(self, selected: str | None = None) -> None:
        """Draw `rows_shown` with the columns that fit, the cursor on `selected`."""
        if selected is None and self.current is not None:
            selected = self.current.key
        old_row = self.cursor_row
        self._wide = self.app.size.width >= WIDE
        keep = [i for i, c in enumerate(self.all_columns) if self._wide or not c.wide_only]
        self.clear(columns=True)
        for i in keep:
            self.add_column(self.all_columns[i].label, width=self.all_columns[i].width)
        for row in self.rows_shown:
            self.add_row(*(self._cell(row.cells[i], self.all_columns[i]) for i in keep), key=row.key,
                         height=self.ROW_HEIGHT)
        keys = [row.key for row in self.rows_shown]
        if keys:  # the same row if it is still there, else the one now in its place
            self.move_cursor(row=keys.index(selected) if selected in keys else min(old_row, len(keys) - 1),
                             animate=False)

    def _cell(self, cell: Cell, column: Column) -> Text:
        if isinstance(cell, Toned):
            text = Text(cell.text, style=self.get_component_rich_style(f"row-table--{cell.tone}", partial=True))
        else:
            text = Text(cell)
        text.truncate(column.width, overflow="ellipsis")
        return text

    def on_resize(self, _event: events.Resize) -> None:
        if self._wide is not None and (self.app.size.width >= WIDE) != self._wide:
            self._render_rows()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.current
        if row is not None and row.lead_id is not None:
            self.post_message(OpenLead(row.lead_id))


class TableSection(Vertical):
    """A titled table, with a line said instead of the table when it is empty."""

    DEFAULT_CSS = """
    TableSection { height: auto; }
    TableSection > .section-empty { color: $text-muted; padding: 0 1 0 2; }
    """

    def __init__(self, title: str, table: RowTable, empty: str, *, fit_rows: bool = True,
                 id: str | None = None, classes: str | None = None) -> None:
        """`fit_rows`: the table is as tall as its rows (up to its max-height); else the CSS decides."""
        super().__init__(id=id, classes=classes)
        self.fit_rows = fit_rows
        self.title_label = Label(title, classes="section-title")
        self.table = table
        self.empty_line = Static(empty, classes="section-empty")

    def compose(self) -> ComposeResult:
        yield self.title_label
        yield self.table
        yield self.empty_line

    def show(self, title: str) -> None:
        """Retitle, and show the table or, when it has no rows, the empty line."""
        self.title_label.update(title)
        has_rows = bool(self.table.rows_shown)
        if self.fit_rows:  # set, not `auto`: DataTable learns its height only when idle, too late for layout
            self.table.styles.height = len(self.table.rows_shown) + 1
        self.table.display = has_rows
        self.empty_line.display = not has_rows
