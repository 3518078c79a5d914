"""Customers (8, or "Customers" in the palette): every lead on this device —
exactly the ones the user may see — in one list, sorted and filtered, read
only. Enter opens Customer Information; Esc goes back.

The list is virtual: the table holds a window of at most `WINDOW` rows, read
a page at a time (`store.customer_list`, keyset) in a worker as the cursor
nears either end; rows that fall far behind are let go. Keys typed faster
than a page arrives are not lost: a Down at the last row read waits for the
next page. Home and End read the first and the last page.

s moves the sort to the next column, S reverses it (a click on a header
does either); f opens the filters, x clears them. The line above the table
says the filters; the title line says the count and where the cursor is."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rep_tui.domain.dates import local_day
from rep_tui.domain.safe_text import visible
from rep_tui.messages import reload_when_synced
from rep_tui.store.customer_list import (
    CHOICE_FIELDS, PAGE_SIZE, SORTS, CustomerFilters, CustomerQuery, CustomerRow, FilterChoices,
)
from rep_tui.store_io import in_store
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.loading import loaded
from rep_tui.widgets.row_table import Column, RowTable, TableRow

#: Rows the table holds at most; past it, the rows farthest from the cursor are let go.
WINDOW = 3 * PAGE_SIZE
#: A page is read when the cursor comes this near the first or last row held.
LOOKAHEAD = 30
#: The sort a column's header (by its label) stands for.
COLUMN_SORTS = {"Customer": "name", "City": "city", "ZIP": "zip", "Created": "created", "PID": "pid"}
ORDER = tuple(SORTS)
#: Newest first is what an office wants of dates and numbers; names and places go A to Z.
STARTS_DESCENDING = {"created", "pid"}
COLUMNS = (
    Column("Customer", 18, grow=2),
    Column("Phone", 14),
    Column("City", 12, grow=1),
    Column("Rep", 12, grow=1),
    Column("Result", 10),
    Column("ZIP", 5, wide_only=True),
    Column("Created", 10, wide_only=True),
    Column("PID", 7, wide_only=True),
    *(Column(spec.header.tag if spec.header and spec.header.tag else spec.label, 10, wide_only=True)
      for spec in CHOICE_FIELDS.values()),
)


class CustomerTable(RowTable):
    """The window of customers; Down/Page Down at its last row ask the screen for more."""

    BINDINGS = [Binding("home", "first", "First customer", show=False),
                Binding("end", "last", "Last customer", show=False)]

    def action_cursor_down(self) -> None:
        if self.cursor_row >= self.row_count - 1 and self.screen.owe_rows(1):
            return
        super().action_cursor_down()

    def action_page_down(self) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        if self.cursor_row + page > self.row_count - 1 and self.screen.owe_rows(page):
            self.move_cursor(row=self.row_count - 1, animate=False)
            return
        super().action_page_down()

    def action_first(self) -> None:
        self.screen.jump(last=False)

    def action_last(self) -> None:
        self.screen.jump(last=True)


class CustomerListScreen(Screen):
    TITLE = "Customers"
    CSS_PATH = "../styles/customer_list.tcss"
    BINDINGS = [
        Binding("f", "filters", "Filters"),
        Binding("x", "clear_filters", "Clear filters"),
        Binding("s", "next_sort", "Sort", tooltip="Sort by the next column"),
        Binding("S", "reverse_sort", "Reverse", tooltip="Reverse the order"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_now = CustomerQuery()
        self.choices: FilterChoices | None = None
        self.rows: list[CustomerRow] = []  # the window
        self.window_start = 0  # where the window's first row stands in the whole list
        self.total: int | None = None
        self.at_end = False  # the window holds the list's last row
        self._owed = 0  # rows the cursor still has to move down once the next page is in
        self._loading: str | None = None  # "after" or "before" while a page is on its way
        #: Counts the window's replacements: a page read for an older window is not used.
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="customer-filters")
        yield Static("", id="customer-count")
        yield CustomerTable(COLUMNS, id="customers")
        yield Static("No customer matches these filters: x clears them, f changes them.", id="customer-empty")
        yield RepFooter()

    def on_mount(self) -> None:
        self.query_one("#customer-empty").display = False
        self.query_one("#customers").loading = True
        self.query_now = replace(self.query_now, tz=self.app.tz)
        from rep_tui.store.customer_list import filter_choices

        in_store(self, "read the customer filters", filter_choices, self._have_choices, group="customer-choices")
        reload_when_synced(self, {"leads", "appointments", "jobs"}, self._synced)

    def on_unmount(self) -> None:
        signal = getattr(self.app, "rows_changed_signal", None)
        if signal is not None:
            signal.unsubscribe(self)

    def _have_choices(self, choices: FilterChoices) -> None:
        self.choices = choices
        self._reload()

    # --- reading --------------------------------------------------------------

    def _reload(self) -> None:
        """The list from its top for the query now (new filters or sort, or a sync)."""
        from rep_tui.store import customer_list

        query, generation = self.query_now, self._new_window()
        self.total = None
        self._say()
        in_store(self, "count the customers", lambda s: customer_list.count(s, query),
                 lambda total: self._counted(query, total), group="customer-count", exclusive=False)
        in_store(self, "read the customers", lambda s: customer_list.page(s, query),
                 lambda rows: self._replace(generation, rows, 0, at_end=len(rows) < PAGE_SIZE),
                 group="customer-page", exclusive=False)

    def _new_window(self) -> int:
        """Forget the pages on their way (their answers will be ignored) and what the cursor was owed."""
        self._generation += 1
        self._owed, self._loading = 0, None
        return self._generation

    def _synced(self) -> None:
        """A sync changed leads: the count and the rows held read again, from
        the same place in the list (the cursor stays on its customer while
        they are still there)."""
        from rep_tui.store import customer_list

        if not self.rows:
            self._reload()
            return
        query, generation, first, held = self.query_now, self._new_window(), self.rows[0].key, len(self.rows)
        from_top = self.window_start == 0

        def read(session) -> tuple[list[CustomerRow], int]:
            above = [] if from_top else customer_list.page(session, query, before=first, limit=1)
            rows = customer_list.page(session, query, after=above[-1].key if above else None, limit=held)
            return rows, customer_list.count(session, query)

        def show(found: tuple[list[CustomerRow], int]) -> None:
            rows, self.total = found
            self._replace(generation, rows, min(self.window_start, max(0, self.total - len(rows))),
                          at_end=len(rows) < held, cursor=None)

        in_store(self, "read the customers", read, show, group="customer-page", exclusive=False)

    def jump(self, *, last: bool) -> None:
        """Home: the first page; End: the last one (the cursor on its last row)."""
        from rep_tui.store import customer_list

        if not last and self.window_start == 0:
            self.query_one(CustomerTable).move_cursor(row=0)
            return
        if last and self.at_end:
            self.query_one(CustomerTable).move_cursor(row=len(self.rows) - 1)
            return
        query, generation = self.query_now, self._new_window()

        def read(session) -> tuple[list[CustomerRow], int]:
            rows = customer_list.page(session, query, last=last)
            return rows, customer_list.count(session, query) if last else 0

        def show(found: tuple[list[CustomerRow], int]) -> None:
            rows, total = found
            self._replace(generation, rows, max(0, total - len(rows)) if last else 0,
                          at_end=last or len(rows) < PAGE_SIZE,
                          cursor=len(rows) - 1 if last else 0)

        in_store(self, "read the customers", read, show, group="customer-page", exclusive=False)

    def _counted(self, query: CustomerQuery, total: int) -> None:
        if query == self.query_now:
            self.total = total
            self._say()

    def _replace(self, generation: int, rows: list[CustomerRow], offset: int, *, at_end: bool,
                 cursor: int | None = 0) -> None:
        """Show `rows` as the window, the cursor on row `cursor` (None: on the customer it was on, if still there)."""
        if generation != self._generation:
            return
        self.rows, self.window_start, self.at_end = rows, offset, at_end
        table = self.query_one(CustomerTable)
        table.show(self._table_rows())
        if rows and cursor is not None:
            table.move_cursor(row=cursor, animate=False)
        table.display = bool(rows)
        self.query_one("#customer-empty").display = not rows
        loaded(table)
        table.focus()
        self._say()

    def _more(self, direction: str) -> None:
        """Read the page after the window's last row (or before its first), unless one is on its way."""
        from rep_tui.store import customer_list

        if self._loading or not self.rows:
            return
        self._loading = direction
        query, generation = self.query_now, self._generation
        if direction == "after":
            edge = {"after": self.rows[-1].key}
        else:
            edge = {"before": self.rows[0].key}
        in_store(self, "read more customers", lambda s: customer_list.page(s, query, **edge),
                 lambda rows: self._add(generation, direction, rows), group="customer-more", exclusive=False,
                 opens=bool(self._owed))  # keys typed past the rows held wait for the page they are meant for

    def _add(self, generation: int, direction: str, rows: list[CustomerRow]) -> None:
        """Put a page at the window's end (or start), letting go of rows at the other end past `WINDOW`."""
        if generation != self._generation:
            return
        self._loading = None
        table = self.query_one(CustomerTable)
        cursor = table.cursor_row
        if direction == "after":
            self.at_end = len(rows) < PAGE_SIZE
            window = self.rows + rows
            dropped = max(0, len(window) - WINDOW)
            self.rows, self.window_start, cursor = window[dropped:], self.window_start + dropped, cursor - dropped
        else:
            window = rows + self.rows
            self.window_start -= len(rows)
            self.rows, cursor = window[:WINDOW], cursor + len(rows)
            self.at_end = self.at_end and len(window) <= WINDOW
        table.show(self._table_rows())
        target, last = cursor + self._owed, len(self.rows) - 1
        self._owed = 0 if self.at_end else max(0, target - last)  # what this page did not cover, the next one will
        table.move_cursor(row=min(target, last), animate=False)
        if self._owed:
            self._more("after")
        self._say()

    def owe_rows(self, count: int) -> bool:
        """The cursor is at the last row held and wants `count` more: True when
        more are coming (it moves once they are in), False at the list's end."""
        if self.at_end:
            return False
        self._owed += count
        self._more("after")
        return True

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        """Near either end of the window, read the next page that way (the
        cursor as it is now: events from a window since replaced are stale)."""
        row = self.query_one(CustomerTable).cursor_row
        if not self.at_end and row >= len(self.rows) - LOOKAHEAD:
            self._more("after")
        elif self.window_start > 0 and row < LOOKAHEAD:
            self._more("before")
        self._say()

    # --- showing --------------------------------------------------------------

    def _table_rows(self) -> list[TableRow]:
        codes = dict((code, label) for label, code in self.choices.results) if self.choices else {}
        return [TableRow(str(row.lead_id), row.lead_id, (
            row.name or "(no name)", row.phone, row.city, row.rep or "(unassigned)", codes.get(row.result, row.result),
            row.zip, local_day(row.created, self.app.tz).isoformat(), str(row.pid or ""),
            *(spec.choice_label(value) or "" for spec, value in zip(CHOICE_FIELDS.values(), row.picked))))
            for row in self.rows]

    def _say(self) -> None:
        """The filters line and the count line (with the sort and where the cursor is)."""
        from rep_tui.screens.customer_filters import describe

        query = self.query_now
        said = describe(query.filters, self.choices) if self.choices else ""
        self.query_one("#customer-filters", Static).update(  # names and typed text: never read as markup
            Content(visible(f"Filters: {said} · x clears" if said else "All customers · f filters")))
        arrow = "↓" if query.descending else "↑"
        order = f"by {SORTS[query.sort].label} {arrow}"
        if self.total is None:
            count = "counting…"
        else:
            count = f"{self.total:,} customer{'' if self.total == 1 else 's'}"
            table = self.query_one(CustomerTable)
            if self.rows and table.row_count:
                count += f" · row {self.window_start + table.cursor_row + 1:,}"
        self.query_one("#customer-count", Static).update(f"{count} · {order} · s sort · S reverse")
        self._label_headers()

    def _label_headers(self) -> None:
        """The sorted column's header shows the order's arrow."""
        table = self.query_one(CustomerTable)
        query = self.query_now
        arrow = " ↓" if query.descending else " ↑"
        columns = tuple(replace(c, label=c.label + arrow if COLUMN_SORTS.get(c.label) == query.sort else c.label)
                        for c in COLUMNS)
        if columns != table.all_columns:
            table.all_columns = columns
            table.show(table.rows_shown)

    # --- sorting and filtering ------------------------------------------------

    def _sort_by(self, sort: str, descending: bool) -> None:
        self.query_now = replace(self.query_now, sort=sort, descending=descending)
        self._reload()

    def action_next_sort(self) -> None:
        sort = ORDER[(ORDER.index(self.query_now.sort) + 1) % len(ORDER)]
        self._sort_by(sort, sort in STARTS_DESCENDING)

    def action_reverse_sort(self) -> None:
        self._sort_by(self.query_now.sort, not self.query_now.descending)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """A click on a sortable header sorts by it; on the sorted one, reverses."""
        event.stop()
        table = self.query_one(CustomerTable)
        shown = table._widths or []
        if event.column_index >= len(shown):
            return
        sort = COLUMN_SORTS.get(COLUMNS[shown[event.column_index][0]].label)
        if sort == self.query_now.sort:
            self.action_reverse_sort()
        elif sort is not None:
            self._sort_by(sort, sort in STARTS_DESCENDING)

    def action_filters(self) -> None:
        from rep_tui.screens.customer_filters import CustomerFiltersDialog

        if self.choices is not None:
            self.app.push_screen(CustomerFiltersDialog(self.query_now.filters, self.choices), self._filter)

    def _filter(self, filters: CustomerFilters | None) -> None:
        if filters is None or self.choices is None:
            return
        kinds = tuple((d.key, d.kind) for d in self.choices.custom)
        self.query_now = replace(self.query_now, filters=filters, custom_kinds=kinds)
        self.refresh_bindings()  # x (clear) comes or goes
        self._reload()

    def action_clear_filters(self) -> None:
        if self.query_now.filters.any():
            self._filter(CustomerFilters())

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "clear_filters":
            return self.query_now.filters.any()
        return True

    def palette_commands(self) -> list[tuple[str, Any, str]]:
        return [("Customers: filter", self.action_filters, "f"),
                ("Customers: sort by the next column", self.action_next_sort, "s")]
