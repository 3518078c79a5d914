"""My Appointments: one day laid over the rep's work hours, hour by hour.

←/→ (or [ ]) move a day, Shift+←/→ (or { }) a week, `t` comes back to today;
`r` results the appointment under the cursor, Enter opens its lead.
Appointments before or after work hours are shown too. Reloads whenever the
screen comes back, so a result shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from rep_tui.domain.dates import format_hour, relative_day
from rep_tui.messages import reload_when_synced
from rep_tui.store.models import ResultCode
from rep_tui.store.queries import AgendaRow
from rep_tui.widgets.agenda_table import AgendaTable
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.loading import loaded


@dataclass(frozen=True)
class DayAgenda:
    day: date
    now: datetime
    codes: dict[str, ResultCode]
    rows: list[AgendaRow]


DAY_KEYS = Binding.Group("Prev/next day")  # one footer item: "←→ Prev/next day"


class AppointmentsScreen(Screen):
    TITLE = "My Appointments"
    CSS_PATH = "../styles/appointments.tcss"
    BINDINGS = [
        Binding("left", "move(-1)", "Prev day", key_display="←", priority=True, group=DAY_KEYS),
        Binding("right", "move(1)", "Next day", key_display="→", priority=True, group=DAY_KEYS),
        Binding("shift+left", "move(-7)", "Prev week", key_display="⇧←", priority=True, show=False),
        Binding("shift+right", "move(7)", "Next week", key_display="⇧→", priority=True, show=False),
        Binding("left_square_bracket", "move(-1)", "Prev day", key_display="[", show=False),
        Binding("right_square_bracket", "move(1)", "Next day", key_display="]", show=False),
        Binding("left_curly_bracket", "move(-7)", "Prev week", key_display="{", show=False),
        Binding("right_curly_bracket", "move(7)", "Next week", key_display="}", show=False),
        Binding("t", "today", "Today"),
    ]

    class Loaded(Message):
        def __init__(self, agenda: DayAgenda) -> None:
            super().__init__()
            self.agenda = agenda

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None  # the day asked for
        self.shown_day: date | None = None  # the day on screen

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="day-bar")
        yield Static("", id="day-summary")
        yield AgendaTable(id="agenda")
        yield RepFooter()

    def on_mount(self) -> None:
        from rep_tui.clock import local_today

        self.day = local_today(self.app.tz)
        self.query_one("#agenda").loading = True
        reload_when_synced(self, {"leads", "jobs", "appointments"}, self._load)

    def on_screen_resume(self) -> None:
        self._load()

    def action_move(self, days: int) -> None:
        self.day += timedelta(days=days)
        self._load()

    def action_today(self) -> None:
        from rep_tui.clock import local_today

        self.day = local_today(self.app.tz)
        self._load()

    @work(thread=True, exclusive=True, group="appointments", exit_on_error=False)
    def _load(self) -> None:
        from rep_tui.clock import utcnow
        from rep_tui.store import queries

        app, day = self.app, self.day
        with app.store.session() as session:
            agenda = DayAgenda(
                day=day,
                now=utcnow(),
                codes={c.code: c for c in queries.result_codes(session)},
                rows=queries.appointments_on(session, app.user.id, day, app.tz),
            )
        self.post_message(self.Loaded(agenda))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        from rep_tui.clock import local_today

        agenda = event.agenda
        if agenda.day != self.day:
            return  # the rep moved on; that day's load is on its way
        settings = self.app.settings
        hours = (settings.work_day_start, settings.work_day_end)
        table = self.query_one("#agenda", AgendaTable)
        table.show_day(agenda.rows, self.app.tz, agenda.codes, agenda.now, hours)
        loaded(table)
        if self.shown_day != agenda.day:
            self._put_cursor(table, agenda)
            self.shown_day = agenda.day
        table.focus()

        when = relative_day(agenda.day, local_today(self.app.tz), past="ago")
        self.query_one("#day-bar", Static).update(
            f"◀  [b]{agenda.day.strftime('%A, %B %-d, %Y')}[/b] · {when}  ▶"
        )
        missing = sum(1 for row in agenda.rows if row.appointment.result_code is None
                      and row.appointment.starts_at < agenda.now)
        summary = f"{len(agenda.rows) or 'No'} appointment{'' if len(agenda.rows) == 1 else 's'}"
        if missing:
            summary += f" · [b $text-error]{missing} need{'s' if missing == 1 else ''} a result[/]"
        summary += f" · work hours {format_hour(hours[0])}–{format_hour(hours[1])}"
        self.query_one("#day-summary", Static).update(summary)

    @staticmethod
    def _put_cursor(table: AgendaTable, agenda: DayAgenda) -> None:
        """On the first appointment still to come (or to result), else the first one."""
        keys = [row.key for row in table.rows_shown]
        wanted = [str(r.appointment.id) for r in agenda.rows
                  if r.appointment.result_code is None or r.appointment.starts_at >= agenda.now]
        wanted = wanted or [str(r.appointment.id) for r in agenda.rows]
        table.move_cursor(row=keys.index(wanted[0]) if wanted else 0, animate=False)
