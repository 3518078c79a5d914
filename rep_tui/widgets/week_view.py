"""My Appointments' week: seven day-columns side by side on a wide terminal,
a compact list grouped by day on a narrow one.

Each column (and the list) is an `AgendaTable`, so Enter opens the lead and
`r` results the appointment under the cursor, as in the day view. The screen
moves between the columns with ←/→ (`focus_day`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Mapping, Sequence

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from rep_tui.domain.dates import format_time, local_day, relative_day
from rep_tui.store.models import ResultCode
from rep_tui.store.queries import AgendaRow
from rep_tui.widgets.agenda_table import AgendaTable, result_cell
from rep_tui.widgets.row_table import Cell, Column, TableRow, Toned

DAYS = 7
#: Terminal columns from which the week shows as seven day-columns.
GRID_WIDE = 120
COLUMN_WIDTH = 14
DAY_HEADER = "day-"  # key prefix of a day's heading row in the list


class DayColumn(AgendaTable):
    """One day of the week grid: each appointment's time, then its customer,
    toned by its result (cancelled muted, missing a result red)."""

    ROW_HEIGHT = 2

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="day-column")
        self.day: date | None = None

    def show_column(self, day: date, today: date, rows: Sequence[AgendaRow], tz: str,
                    codes: Mapping[str, ResultCode], now: datetime) -> None:
        self.day = day
        self.all_columns = (Column(f"{'● ' if day == today else ''}{day:%a %b %-d}", COLUMN_WIDTH),)
        self.set_class(day == today, "-today")
        self.appointment_ids = {}
        shown = []
        for row in rows:
            listed = self.agenda_row(row, tz, codes, now)
            appointment = row.appointment
            waiting = appointment.result_code is None and appointment.starts_at >= now
            result = result_cell(row, codes, now)
            tone = None if waiting or not isinstance(result, Toned) else result.tone
            label = result.text if isinstance(result, Toned) else result
            said = "⚠" if appointment.result_code is None else label  # ⚠: still needs its result
            text = f"{format_time(appointment.starts_at, tz)} {said if tone else ''}".rstrip()
            text += f"\n{row.lead.name}"
            shown.append(TableRow(listed.key, listed.lead_id, (Toned(text, tone) if tone else text,)))
        if not shown:
            shown.append(TableRow(f"{DAY_HEADER}{day}", None, (Toned("free", "muted"),)))
        self.show(shown)

    def _cell(self, cell: Cell, width: int, tones: dict[str, Style]) -> Text:
        """Each line cut to the column on its own."""
        tone = cell.tone if isinstance(cell, Toned) else None
        lines = cell.text if isinstance(cell, Toned) else str(cell)
        cut_line = super()._cell
        return Text("\n").join(cut_line(Toned(line, tone) if tone else line, width, tones) for line in lines.split("\n"))


class WeekView(Vertical):
    """The week from Monday: a grid of DayColumns (wide) or one grouped list (narrow)."""

    DEFAULT_CSS = """
    WeekView { height: 1fr; }
    WeekView > #week-grid { height: 1fr; }
    WeekView DayColumn { width: 1fr; height: 1fr; max-height: 100%; margin-right: 1; overflow-x: hidden; }
    WeekView DayColumn.-today > .datatable--header { color: $text-accent; text-style: bold; }
    WeekView > #week-list { height: 1fr; max-height: 100%; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="week-grid"):
            for number in range(DAYS):
                yield DayColumn(id=f"week-day-{number}")
        yield AgendaTable(id="week-list")

    @property
    def wide(self) -> bool:
        return self.app.size.width >= GRID_WIDE

    @property
    def columns(self) -> list[DayColumn]:
        return list(self.query(DayColumn))

    def on_resize(self) -> None:
        """Grid or list as the terminal now allows; what had focus hands it to what shows."""
        had_focus = self.has_focus_within
        self.query_one("#week-grid").display = self.wide
        self.query_one("#week-list").display = not self.wide
        if had_focus:
            (self.columns[0] if self.wide else self.query_one("#week-list")).focus()

    def show_week(self, first: date, today: date, rows: Sequence[AgendaRow], tz: str,
                  codes: Mapping[str, ResultCode], now: datetime) -> None:
        by_day: dict[date, list[AgendaRow]] = {first + timedelta(days=n): [] for n in range(DAYS)}
        for row in rows:
            by_day.setdefault(local_day(row.appointment.starts_at, tz), []).append(row)
        self.query_one("#week-grid").display = self.wide
        self.query_one("#week-list").display = not self.wide
        for column, (day, day_rows) in zip(self.columns, by_day.items()):
            column.show_column(day, today, day_rows, tz, codes, now)
        self._show_list(by_day, today, tz, codes, now)

    def _show_list(self, by_day: dict[date, list[AgendaRow]], today: date, tz: str,
                   codes: Mapping[str, ResultCode], now: datetime) -> None:
        table = self.query_one("#week-list", AgendaTable)
        table.appointment_ids = {}
        shown = []
        for day, day_rows in by_day.items():
            count = f"{len(day_rows)} appt{'' if len(day_rows) == 1 else 's'}" if day_rows else "free"
            when = relative_day(day, today, past="ago")
            shown.append(TableRow(f"{DAY_HEADER}{day}", None, (
                Toned(f"{day:%a}", "strong"), Toned(f"{day:%b %-d} · {when}", "strong"), "", "", "", "",
                Toned(count, "muted"))))
            shown.extend(table.agenda_row(row, tz, codes, now) for row in day_rows)
        table.show(shown)

    def table_of(self, day: date) -> AgendaTable:
        """The table showing `day`: its column when wide, else the list with the cursor on the day."""
        if self.wide:
            return next((c for c in self.columns if c.day == day), self.columns[0])
        table = self.query_one("#week-list", AgendaTable)
        keys = [row.key for row in table.rows_shown]
        if f"{DAY_HEADER}{day}" in keys:
            table.move_cursor(row=keys.index(f"{DAY_HEADER}{day}"), animate=False)
        return table

    def day_of(self, table: AgendaTable) -> date | None:
        """The day of the row under `table`'s cursor."""
        if isinstance(table, DayColumn):
            return table.day
        day = None
        for row in table.rows_shown[: table.cursor_row + 1]:
            if row.key.startswith(DAY_HEADER):
                day = date.fromisoformat(row.key.removeprefix(DAY_HEADER))
        return day
