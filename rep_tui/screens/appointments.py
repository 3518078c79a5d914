"""My Appointments: one day laid over the rep's work hours, hour by hour,
or (`w`) the week from Monday.

←/→ (or [ ]) move a day, Shift+←/→ (or { }) a week, `t` comes back to today;
`r` results the appointment under the cursor, Enter opens its lead; `b`
books (for the lead under the cursor, or on a free hour for a lead typed),
`m` moves and `x` cancels the appointment under the cursor; `h` sets the
work hours (per weekday: `store.work_hours`) the day is laid over.
Appointments before or after work hours are shown too. Reloads whenever the
screen comes back, so a result shows at once.

`AppointmentsScreen(rep)` is a rep's calendar as their manager sees it (`a`
on Team), from the manager's own store: with the permission to edit another
user's calendar the same keys book, move and cancel for the rep and set
their hours (the rep's device receives it on its next sync); without it,
the calendar is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static

from rep_tui.domain.dates import relative_day
from rep_tui.domain.permissions import Permission
from rep_tui.domain.work_hours import format_hours
from rep_tui.messages import reload_when_synced
from rep_tui.store.models import ResultCode, User
from rep_tui.store.queries import AgendaRow, week_start
from rep_tui.widgets.agenda_table import FREE, AgendaTable
from rep_tui.widgets.footer import RepFooter
from rep_tui.store_io import in_store
from rep_tui.widgets.loading import loaded
from rep_tui.widgets.week_view import DAYS, WeekView


@dataclass(frozen=True)
class DayAgenda:
    day: date
    now: datetime
    codes: dict[str, ResultCode]
    rows: list[AgendaRow]
    week: bool = False  # `day` is then the week's Monday
    hours: tuple[int, int] | None = None  # the day's work hours; None: a day off


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
        Binding("b", "book", "Book", tooltip="Book appointment"),
        Binding("w", "show_week(True)", "Week", tooltip="Week view"),
        Binding("w", "show_week(False)", "Day", tooltip="Day view"),
        Binding("t", "today", "Today"),
        Binding("m", "move_appointment", "Move", tooltip="Move the appointment under the cursor"),
        Binding("x", "cancel_appointment", "Cancel", tooltip="Cancel the appointment under the cursor"),
        # Occasional: named in ? and Ctrl+P, so the footer keeps room for the screen keys at 120 columns.
        Binding("h", "work_hours", "Hours", tooltip="Set the work hours of each weekday", show=False),
    ]
    #: What changes the calendar: the user's own, or someone else's with the permission.
    EDITS = frozenset({"book", "move_appointment", "cancel_appointment", "work_hours"})

    def __init__(self, rep: User | None = None) -> None:
        """`rep`: whose calendar (None: the signed-in user's own)."""
        super().__init__()
        self.rep = rep
        if rep is not None:
            self.title = f"Appointments · {rep.full_name}"
        self.day: date | None = None  # the day asked for
        self.shown_day: date | None = None  # the day on screen
        self.week = False  # the week view (of `day`'s week) instead of the day

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="day-bar")
        yield Static("", id="day-summary")
        yield AgendaTable(id="agenda")
        yield WeekView(id="week")
        yield RepFooter()

    def on_mount(self) -> None:
        from rep_tui.clock import local_today

        self.day = local_today(self.app.tz)
        self.query_one("#agenda").loading = True
        self.query_one("#week").display = False
        reload_when_synced(self, {"leads", "jobs", "appointments", "work_hours"}, self._load)

    def on_screen_resume(self) -> None:
        self._load()

    def action_move(self, days: int) -> None:
        if self.week and abs(days) == 1:  # to the next day column (or list group), across weeks at the ends
            week_view = self.query_one(WeekView)
            self.day = (week_view.day_of(self._table()) or self.day) + timedelta(days=days)
            if self.shown_day == week_start(self.day):
                week_view.table_of(self.day).focus()
                return
        else:
            self.day += timedelta(days=days)
        self._load()

    @property
    def rep_id(self):
        """Whose calendar is shown."""
        return self.rep.id if self.rep is not None else self.app.user.id

    @property
    def may_edit(self) -> bool:
        """One's own calendar, or another's with the permission (the server checks it again)."""
        return self.rep_id == self.app.user.id or self.app.may(Permission.EDIT_OTHERS_CALENDAR)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "show_week":  # `w` shows the view not on screen
            return parameters[0] != self.week
        if action in self.EDITS:
            return self.may_edit
        return True

    def action_show_week(self, week: bool) -> None:
        if self.week:
            self.day = self.query_one(WeekView).day_of(self._table()) or self.day
        self.week = week
        self.shown_day = None
        self.query_one("#agenda").display = not self.week
        self.query_one(WeekView).display = self.week
        self.refresh_bindings()
        self._load()

    def action_today(self) -> None:
        from rep_tui.clock import local_today

        self.day = local_today(self.app.tz)
        self.shown_day = None  # the cursor goes to today even when today's week is on screen
        self._load()

    def _load(self) -> None:
        from rep_tui.clock import utcnow
        from rep_tui.store import queries
        from rep_tui.store.work_hours import hours_on

        app, week, rep_id = self.app, self.week, self.rep_id
        day = week_start(self.day) if week else self.day

        def read(session) -> DayAgenda:
            return DayAgenda(
                day=day,
                now=utcnow(),
                codes={c.code: c for c in queries.result_codes(session)},
                rows=queries.appointments_on(session, rep_id, day, app.tz, days=DAYS if week else 1),
                week=week,
                hours=hours_on(session, rep_id, day, app.settings.work_hours),
            )

        in_store(self, "read the appointments", read, self._show, group="appointments")

    def _show(self, agenda: DayAgenda) -> None:
        from rep_tui.clock import local_today

        if (agenda.week, agenda.day) != (self.week, week_start(self.day) if self.week else self.day):
            return  # the rep moved on; that day's load is on its way
        hours = agenda.hours or (0, 0)  # a day off: no free hours laid out
        today = local_today(self.app.tz)
        table = self.query_one("#agenda", AgendaTable)
        loaded(table)
        if agenda.week:
            week_view = self.query_one(WeekView)
            week_view.show_week(agenda.day, today, agenda.rows, self.app.tz, agenda.codes, agenda.now)
            if self.shown_day != agenda.day or not week_view.has_focus_within:
                week_view.table_of(self.day).focus()
            self.shown_day = agenda.day
            last = agenda.day + timedelta(days=DAYS - 1)
            this_week = week_start(today)
            when = "this week" if agenda.day == this_week else relative_day(agenda.day, this_week, past="ago")
            self.query_one("#day-bar", Static).update(
                f"◀  [b]Week of {agenda.day:%a %b %-d} – {last:%a %b %-d, %Y}[/b] · {when}  ▶")
        else:
            table.show_day(agenda.rows, self.app.tz, agenda.codes, agenda.now, hours)
            if self.shown_day != agenda.day:
                self._put_cursor(table, agenda)
                self.shown_day = agenda.day
            table.focus()
            when = relative_day(agenda.day, today, past="ago")
            self.query_one("#day-bar", Static).update(
                f"◀  [b]{agenda.day.strftime('%A, %B %-d, %Y')}[/b] · {when}  ▶"
            )
        missing = sum(1 for row in agenda.rows if row.appointment.result_code is None
                      and row.appointment.starts_at < agenda.now)
        summary = f"{len(agenda.rows) or 'No'} appointment{'' if len(agenda.rows) == 1 else 's'}"
        if missing:
            summary += f" · [b $text-error]{missing} need{'s' if missing == 1 else ''} a result[/]"
        if not agenda.week:
            summary += f" · work hours {format_hours(agenda.hours)}" if agenda.hours else " · a day off"
        self.query_one("#day-summary", Static).update(summary)

    @staticmethod
    def _put_cursor(table: AgendaTable, agenda: DayAgenda) -> None:
        """On the first appointment still to come (or to result), else the first one."""
        keys = [row.key for row in table.rows_shown]
        wanted = [str(r.appointment.id) for r in agenda.rows
                  if r.appointment.result_code is None or r.appointment.starts_at >= agenda.now]
        wanted = wanted or [str(r.appointment.id) for r in agenda.rows]
        table.move_cursor(row=keys.index(wanted[0]) if wanted else 0, animate=False)

    # --- booking ------------------------------------------------------------------

    def _table(self) -> AgendaTable:
        """The table the rep is working in: the focused one, else the day's."""
        focused = self.focused
        return focused if isinstance(focused, AgendaTable) else self.query_one("#agenda", AgendaTable)

    def _appointment_under_cursor(self, doing: str):
        table = self._table()
        row = table.current
        appointment_id = table.appointment_ids.get(row.key) if row else None
        if appointment_id is None:
            self.notify(f"Put the cursor on an appointment to {doing} it.", severity="warning")
        return appointment_id

    def action_book(self) -> None:
        """For the lead under the cursor; on a free hour or a day, for a lead the rep types."""
        from rep_tui.dialogs.book import book_appointment

        table = self._table()
        row = table.current
        day = (self.query_one(WeekView).day_of(table) if self.week else self.day) or self.day
        at = time(int(row.key.removeprefix(FREE))) if row and row.key.startswith(FREE) else None
        book_appointment(self, row.lead_id if row else None, self._load, day=day, at=at,
                         rep_id=self.rep.id if self.rep is not None else None)

    def action_move_appointment(self) -> None:
        from rep_tui.dialogs.book import move_appointment

        if appointment_id := self._appointment_under_cursor("move"):
            move_appointment(self, self._load, appointment_id=appointment_id)

    def action_cancel_appointment(self) -> None:
        from rep_tui.dialogs.book import cancel_appointment

        if appointment_id := self._appointment_under_cursor("cancel"):
            cancel_appointment(self, self._load, appointment_id=appointment_id)

    def action_work_hours(self) -> None:
        from rep_tui.screens.work_hours_dialog import set_work_hours

        name = self.rep.full_name if self.rep is not None else self.app.user.full_name
        set_work_hours(self, self.rep_id, name, self._load)

    def palette_commands(self):
        """This screen's booking actions, for the command palette."""
        if not self.may_edit:
            return [("Week view / day view", lambda: self.action_show_week(not self.week), "w")]
        return [
            ("Book appointment", self.action_book, "b: for the lead under the cursor, or one you type"),
            ("Move appointment", self.action_move_appointment, "m: the one under the cursor"),
            ("Cancel appointment", self.action_cancel_appointment, "x: the one under the cursor"),
            ("Week view / day view", lambda: self.action_show_week(not self.week), "w"),
            ("Set work hours", self.action_work_hours, "h: the hours of each weekday"),
        ]
