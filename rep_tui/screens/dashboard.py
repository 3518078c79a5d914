"""User Dashboard: the rep's day at a glance.

Today's appointments; past appointments still missing a result (a nag, in
red); the user's reminders due today or overdue (Space crosses one off, and
puts it back); follow-ups due today or overdue; this week's and this
month's KPIs. Every row opens its lead with Enter (a reminder's, when the
user sees the lead); `r` results an appointment; Tab moves between sections. Data loads in a worker and reloads whenever the screen
comes back (after resulting, after editing a lead).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from rep_tui.domain.dates import format_time
from rep_tui.domain.stats import Figure
from rep_tui.messages import reload_when_synced
from rep_tui.store_io import in_store
from rep_tui.store.models import ResultCode
from rep_tui.store.queries import AgendaRow, BeBack
from rep_tui.store.reminders import Due
from rep_tui.widgets.agenda_table import AgendaTable
from rep_tui.widgets.be_back_table import BeBackTable
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.kpi import KpiRow
from rep_tui.widgets.loading import loaded
from rep_tui.widgets.reminder_table import ReminderTable
from rep_tui.widgets.row_table import TableSection

KPI_FIGURES = (("issued", "Issued"), ("demos", "Demos"), ("sales", "Sales"), ("close_rate", "Close"),
               ("gross", "Sold"))
ROOMY = (110, 34)  # terminal size from which KPIs show as cards


@dataclass(frozen=True)
class DashboardData:
    today: date
    now: datetime
    codes: dict[str, ResultCode]
    appointments: list[AgendaRow]
    missing: list[AgendaRow]
    reminders: list[Due]
    follow_ups: list[BeBack]
    periods: list[tuple[str, dict[str, Figure]]]  # (label, figures) for this week, this month


def load_dashboard(session, rep_id, tz: str) -> DashboardData:
    """Everything the dashboard shows, read in one session."""
    from rep_tui.clock import local_today, utcnow
    from rep_tui.store import queries, reminders

    today, now = local_today(tz), utcnow()
    periods = []
    for period, label in (("week", "This week"), ("month", "This month")):
        start, end, _ = queries.period_bounds(period, today, tz)
        periods.append((label, queries.stats_for(session, [rep_id], start, end)))
    return DashboardData(
        today=today,
        now=now,
        codes={c.code: c for c in queries.result_codes(session)},
        appointments=queries.appointments_on(session, rep_id, today, tz),
        missing=queries.missing_results(session, rep_id, now),
        reminders=reminders.due_for(session, rep_id, today, queries.day_bounds(today, tz)[0]),
        follow_ups=queries.follow_ups_due(session, rep_id, today),
        periods=periods,
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class DashboardScreen(Screen):
    TITLE = "Dashboard"
    CSS_PATH = "../styles/dashboard.tcss"

    class Loaded(Message):
        def __init__(self, data: DashboardData) -> None:
            super().__init__()
            self.data = data

    def compose(self) -> ComposeResult:
        self._fit(self.app.size.width, self.app.size.height)  # before the children: no restyle of them all
        yield Header()
        yield Static("", id="day-line")
        with Vertical(id="kpis"):
            yield KpiRow("This week", KPI_FIGURES, id="kpi-week")
            yield KpiRow("This month", KPI_FIGURES, id="kpi-month")
        with VerticalScroll(id="sections", can_focus=False):
            yield TableSection("Today's appointments", AgendaTable(id="today"), "No appointments today.",
                               id="today-section")
            yield TableSection("Needs a result", AgendaTable(dated=True, id="missing"),
                               "Every past appointment has its result.", id="missing-section")
            yield TableSection("Reminders due", ReminderTable(id="reminders"), "No reminders due.",
                               id="reminders-section")
            yield TableSection("Follow-ups due", BeBackTable(id="follow-ups"), "No follow-ups due.",
                               id="follow-ups-section")
        yield RepFooter()

    def on_mount(self) -> None:
        self.query_one("#sections").loading = True
        self._fit(self.app.size.width, self.app.size.height)
        reload_when_synced(self, {"leads", "jobs", "appointments", "engagements", "payments", "commissions",
                                  "reminders", "result_codes"},
                           self._load)

    def on_screen_resume(self) -> None:
        self._load()

    def on_resize(self) -> None:
        self._fit(self.size.width, self.size.height)

    def _fit(self, width: int, height: int) -> None:
        compact = width < ROOMY[0] or height < ROOMY[1]
        self.set_class(compact, "-compact")
        for row in self.query(KpiRow):
            row.compact = compact

    def _load(self) -> None:
        rep_id, tz = self.app.user.id, self.app.tz
        in_store(self, "load the dashboard", lambda session: load_dashboard(session, rep_id, tz),
                 lambda data: self.post_message(self.Loaded(data)), group="dashboard")

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        data, tz = event.data, self.app.tz
        for row, (label, figures) in zip(self.query(KpiRow), data.periods):
            row.show(label, figures)
        day = data.today.strftime("%A, %B %-d, %Y")
        if data.appointments:
            first = format_time(data.appointments[0].appointment.starts_at, tz)
            day += f" · {_plural(len(data.appointments), 'appointment')}, first at {first}"
        self.query_one("#day-line", Static).update(day)

        today = self.query_one("#today", AgendaTable)
        today.show_agenda(data.appointments, tz, data.codes, data.now)
        self.query_one("#today-section", TableSection).show(f"Today's appointments ({len(data.appointments)})")

        missing = self.query_one("#missing", AgendaTable)
        missing.show_agenda(data.missing, tz, data.codes, data.now)
        section = self.query_one("#missing-section", TableSection)
        section.set_class(bool(data.missing), "-nag")
        verb = "needs" if len(data.missing) == 1 else "need"
        section.show(f"⚠ {_plural(len(data.missing), 'past appointment')} {verb} a result" if data.missing
                     else "Needs a result")

        self.query_one("#reminders", ReminderTable).show_reminders(data.reminders, data.today)
        open_ones = [item.reminder for item in data.reminders if item.reminder.done_at is None]
        overdue = sum(1 for reminder in open_ones if reminder.due_on < data.today)
        self.query_one("#reminders-section", TableSection).show(
            f"Reminders due ({len(open_ones)}" + (f", {overdue} overdue)" if overdue else ")"))

        follow_ups = self.query_one("#follow-ups", BeBackTable)
        follow_ups.show_be_backs(data.follow_ups, data.today, tz, data.codes)
        overdue = sum(1 for item in data.follow_ups if item.overdue(data.today))
        title = f"Follow-ups due ({len(data.follow_ups)}"
        self.query_one("#follow-ups-section", TableSection).show(
            title + (f", {overdue} overdue)" if overdue else ")"))

        loaded(self.query_one("#sections"))
        if self.focused is None:
            self.focus_top()

    @on(ReminderTable.ToggleDone)
    def _toggle_done(self, event: ReminderTable.ToggleDone) -> None:
        from rep_tui.store.reminders import set_done

        actor = self.app.actor

        def written(_reminder: object) -> None:
            self.notify("Reminder done (Space again puts it back)." if event.done else "Reminder not done.")
            self._load()

        in_store(self, "mark the reminder done" if event.done else "put the reminder back",
                 lambda session: set_done(session, actor, event.reminder_id, event.done), written, exclusive=False)

    def focus_top(self) -> None:
        """The first section with rows (1 and F1 come here too); none before the data is in."""
        tables = (self.query_one(f"#{name}") for name in ("today", "missing", "reminders", "follow-ups"))
        first = next((table for table in tables if table.rows_shown), None)
        self.set_focus(first)
