"""A table whose rows belong to leads: Enter opens the row's lead; and a
titled section holding one.

Cells are plain text or `Toned` text; tones are component classes styled with
theme variables, so the table re-renders its rows when the theme changes.
Columns are laid out for the table's width (`layout`): on a terminal wider
than 80 columns, nothing gets narrower, the `wide_only` columns that fit
come in, and the columns that `grow` (names, addresses, …) share the rest.
Text longer than its column is cut with "…", never silently.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Sequence

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from rep_tui.domain.safe_text import visible
from rep_tui.messages import OpenLead

NARROW = 80  # the terminal width every table is designed to fit without its `wide_only` columns
TONES = ("error", "warning", "success", "muted", "strong")


@dataclass(frozen=True)
class Column:
    """A column's width at 80 columns; one that `grow`s also gets its share
    (by weight) of the room a wider table has. Widths come from the table's
    width, not from measuring the data, so the layout never jumps when the
    data changes; longer text is cut with "…"."""

    label: str
    width: int
    wide_only: bool = False
    grow: int = 0


def _grown(columns: Sequence[Column], widths: Sequence[int], spare: int) -> list[int]:
    """The widths with `spare` cells shared among the growing columns by their `grow`."""
    shares = sum(column.grow for column in columns)
    if spare <= 0 or not shares:
        return list(widths)
    return [width + spare * column.grow // shares for column, width in zip(columns, widths)]


def layout(columns: Sequence[Column], room: int, narrow_room: int, padding: int) -> list[tuple[int, int]]:
    """(index, width) of the columns shown in a table `room` cells wide
    whose cells are padded by `padding` cells in all, given the room it has
    on an 80-column terminal (`narrow_room`). The columns that are always
    there get their width at 80 columns; on a wider table the `wide_only`
    columns that still fit are added, in order; what is left goes to the
    growing columns. So a name column never gets narrower on a wider terminal."""
    always = [i for i, column in enumerate(columns) if not column.wide_only]
    narrow_spare = min(room, narrow_room) - sum(columns[i].width + padding for i in always)
    widths = dict(zip(always, _grown([columns[i] for i in always], [columns[i].width for i in always],
                                     narrow_spare)))
    used = sum(width + padding for width in widths.values())
    for i, column in enumerate(columns):
        if column.wide_only and room > narrow_room and used + column.width + padding <= room:
            widths[i] = column.width
            used += column.width + padding
    shown = sorted(widths)
    return list(zip(shown, _grown([columns[i] for i in shown], [widths[i] for i in shown], room - used)))


def fit(table: DataTable, columns: Sequence[Column]) -> list[tuple[int, int]]:
    """`layout` for a DataTable as it is now: its usable width, and that
    width less what the terminal has beyond 80 columns."""
    room = usable_width(table)
    return layout(columns, room, room - max(0, table.app.size.width - NARROW), 2 * table.cell_padding)


def cut(cell: str | Text, width: int) -> Text:
    """The cell as text at most `width` cells wide, ending in "…" when cut
    (a DataTable would crop it without a sign). Markup is not read, and
    control characters are shown as symbols (`visible`): every table cell
    comes through here."""
    if isinstance(cell, Text):
        text = cell.copy()
        text.plain = visible(text.plain)
    else:
        text = Text(visible(cell))
    text.truncate(width, overflow="ellipsis")
    return text


def usable_width(table: DataTable) -> int:
    """The width the table's columns share, leaving room for a vertical
    scrollbar (which comes and goes with the rows): the app's width until
    the table is laid out."""
    width = table.size.width or table.app.size.width
    return width - table.styles.gutter.width - table.styles.scrollbar_size_vertical


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
        self._widths: list[tuple[int, int]] | None = None  # (index, width) of the columns shown, as last drawn

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.call_after_refresh(self._render_rows))

    def on_unmount(self) -> None:
        """A signal holds its subscribers until it next publishes: without this every
        table of every closed screen (and the screen with it) stays in memory."""
        self.app.theme_changed_signal.unsubscribe(self)

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
        self._widths = shown = fit(self, self.all_columns)
        tones = {tone: self._tone_style(tone) for tone in TONES}
        self.clear(columns=True)
        for i, width in shown:
            self.add_column(self.all_columns[i].label, width=width)
        for row in self.rows_shown:
            self.add_row(*(self._cell(row.cells[i], width, tones) for i, width in shown), key=row.key,
                         height=self.ROW_HEIGHT)
        keys = [row.key for row in self.rows_shown]
        if keys:  # the same row if it is still there, else the one now in its place
            self.move_cursor(row=keys.index(selected) if selected in keys else min(old_row, len(keys) - 1),
                             animate=False)

    def _tone_style(self, tone: str) -> Style:
        """The tone's style with its colour worked out against the screen's
        background: a Rich style cannot hold "auto 60%" ($text-muted), which
        it drew white, unreadable on the light theme."""
        name = f"row-table--{tone}"
        style = self.get_component_rich_style(name, partial=True)
        styles = self.get_component_styles(name)
        if not styles.has_rule("color"):
            return style
        background = self.screen.background_colors[1]  # the table's own changes with its focus tint
        color = background.get_contrast_text(styles.color.a) if styles.auto_color else styles.color
        return style + Style(color=(background + color).rich_color)

    @staticmethod
    def _cell(cell: Cell, width: int, tones: dict[str, Style]) -> Text:
        if isinstance(cell, Toned):
            return cut(Text(cell.text, style=tones[cell.tone]), width)
        return cut(cell, width)

    def on_resize(self, _event: events.Resize) -> None:
        if self._widths is not None and fit(self, self.all_columns) != self._widths:
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
