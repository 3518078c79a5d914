"""Team: a manager's reps for a period — the team's figures (with formulas and
drill-down, as in My Stats), a table with a row per rep, a leaderboard by net
sold $ and sold $ by week. Enter on a rep opens `RepStatsScreen`: that rep's
figures and their appointments of the period, Enter on one opens the lead.

A manager (anyone who may set targets) sets the rep under the cursor's
targets for the month in view with `s`; a line per rep shows their progress
for a month that has targets. `a` opens the calendar of the rep under the
cursor (`AppointmentsScreen(rep)`): read-only, or with the permission to edit
another user's calendar, to book, move and cancel for them and set their hours.
`r` opens the reports by period (`ReportsScreen`) on the period in view.

Reached by 7 or F8 from anywhere (managers and admins only), `t` on My Stats,
or "Team" in the Ctrl+P palette."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Static

from rep_tui.domain.permissions import Permission
from rep_tui.domain.safe_text import visible
from rep_tui.domain.stats import Figure
from rep_tui.domain.validation import format_money
from rep_tui.screens.stats import CHART_WEEKS, Period, StatsScreen, StatsView
from rep_tui.store.models import ResultCode, User
from rep_tui.store.queries import AgendaRow, StatRow
from rep_tui.widgets.row_table import Column, RowTable, TableRow, TableSection
from rep_tui.widgets.sales_chart import SalesChart
from rep_tui.widgets.target_progress import TargetProgress

# The per-rep table: narrow columns, no cell padding, so it fits beside the figures at 80x24.
REP_COLUMNS = (("Iss", 4), ("Dem", 4), ("Sal", 4), ("Close", 7), ("Sold $", 9))
REP_FIGURES = ("issued", "demos", "sales", "close_rate", "gross")
NAME_WIDTH = 11


@dataclass(frozen=True)
class RepLine:
    """One rep's figures in the Team view."""

    rep: User
    figures: dict[str, Figure]

    @property
    def name(self) -> str:
        return self.rep.full_name


@dataclass(frozen=True)
class TeamSide:
    reps: list[RepLine]
    weeks: list


def leaderboard(reps: list[RepLine], bar_width: int = 10) -> Text:
    """Reps ranked by net sold $, each with a bar."""
    ranked = sorted(reps, key=lambda r: (-(r.figures["net"].value or 0), r.name))
    top = max((r.figures["net"].value or 0 for r in ranked), default=0) or 1
    text = Text()
    for rank, rep in enumerate(ranked, start=1):
        net = rep.figures["net"].value or 0
        bar = "█" * round(bar_width * net / top)
        text.append(f"{rank:>2}. {visible(rep.name)[:12]:<12} ")
        text.append(f"{bar:<{bar_width}}", style="bold")
        text.append(f" {format_money(int(net)):>9}\n")
    text.rstrip()
    return text if text else Text("No reps on this team yet.")


class RepTable(DataTable):
    """A row per rep; Enter opens that rep's numbers and leads."""

    BINDINGS = [Binding("enter", "select_cursor", "Open rep", tooltip="That rep's numbers and appointments")]

    def on_mount(self) -> None:
        self.add_column("Rep", width=NAME_WIDTH)
        for label, width in REP_COLUMNS:
            self.add_column(Text(label, justify="right"), width=width)


class TeamScreen(StatsScreen):
    """The team's figures, a row per rep (Enter: that rep), the leaderboard and the chart."""

    TITLE = "Team"
    BINDINGS = [Binding("s", "set_target", "Set target", tooltip="Set the targets of the rep under the cursor"),
                Binding("a", "calendar", "Calendar", tooltip="The calendar of the rep under the cursor"),
                Binding("r", "reports", "Reports", tooltip="Reports by period: by rep, team, office, product, source")]

    def compose_side(self) -> ComposeResult:
        yield Static("Reps — Enter opens one", classes="section-title")
        yield RepTable(cursor_type="row", zebra_stripes=True, cell_padding=0, id="reps")
        yield TargetProgress(id="targets")
        yield Static("Leaderboard — net sold $", classes="section-title")
        yield Static("", id="leaderboard")
        yield SalesChart(f"Sold $ by week, last {CHART_WEEKS} weeks", id="chart")

    def first_focus(self) -> Widget:
        return self.query_one("#reps")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "set_target":
            return self.app.may(Permission.SET_TARGETS)
        return False if action == "team" else super().check_action(action, parameters)

    def _rep_under_cursor(self, doing: str) -> User | None:
        table = self.query_one("#reps", DataTable)
        if self._view is None or not 0 <= table.cursor_row < len(self._view.side.reps):
            self.notify(f"No rep to {doing}.", severity="warning")
            return None
        return self._view.side.reps[table.cursor_row].rep

    def action_set_target(self) -> None:
        """s: the targets of the rep under the cursor, for the month in view."""
        from rep_tui.screens.target_dialog import set_target

        if rep := self._rep_under_cursor("set targets for"):
            set_target(self, rep, self.period.anchor.replace(day=1), lambda: self._load(self.period))

    def action_calendar(self) -> None:
        """a: the calendar of the rep under the cursor."""
        from rep_tui.screens.appointments import AppointmentsScreen

        if rep := self._rep_under_cursor("show the calendar of"):
            self.app.push_screen(AppointmentsScreen(rep))

    def action_reports(self) -> None:
        """r: the office's reports, opened on the period in view."""
        from rep_tui.screens.reports import ReportsScreen

        self.app.push_screen(ReportsScreen(self.period))

    def palette_commands(self):
        """The Team view's own actions, for the command palette."""
        commands = [("Calendar of the rep under the cursor", self.action_calendar, "a on the Team view")]
        if self.app.may(Permission.SET_TARGETS):
            commands.append(("Set targets of the rep under the cursor", self.action_set_target, "s on the Team view"))
        return commands

    def members(self, session) -> list[User]:
        from rep_tui.store.queries import team_members

        return team_members(session, self.app.user)

    def scope(self, members: list[User]) -> tuple[str, dict[uuid.UUID, str] | None]:
        return f"Team ({len(members)} reps)", {m.id: m.full_name for m in members}

    def load_side(self, session, members: list[User], rows: list[StatRow], period: Period) -> TeamSide:
        from rep_tui.domain.stats import compute

        reps = [RepLine(m, compute(r.outcome for r in rows if r.appointment.rep_id == m.id)) for m in members]
        return TeamSide(reps, super().load_side(session, members, rows, period))

    def show_side(self, view: StatsView) -> None:
        side: TeamSide = view.side
        table = self.query_one("#reps", DataTable)
        row = table.cursor_row
        table.clear()
        for line in side.reps:
            table.add_row(Text(visible(line.name)[:NAME_WIDTH]),
                          *(Text(line.figures[key].display(), justify="right") for key in REP_FIGURES),
                          key=str(line.rep.id))
        table.move_cursor(row=row, animate=False)
        self.query_one("#leaderboard", Static).update(leaderboard(side.reps))
        self.query_one("#chart", SalesChart).show(side.weeks)

    @on(DataTable.RowSelected, "#reps")
    def _open_rep(self, event: DataTable.RowSelected) -> None:
        if self._view is None or not 0 <= event.cursor_row < len(self._view.side.reps):
            return
        self.app.push_screen(RepStatsScreen(self._view.side.reps[event.cursor_row].rep, self.period))


@dataclass(frozen=True)
class RepAppointments:
    rows: list[AgendaRow]
    codes: dict[str, ResultCode]
    now: datetime


class RepStatsScreen(StatsScreen):
    """One rep as their manager sees them: their figures (as on their My Stats)
    and their appointments of the period; Enter opens the lead, Escape goes back."""

    BINDINGS = [Binding("escape", "back", "Back")]
    SIDE_SCROLLS = False

    def __init__(self, rep: User, period: Period | None = None) -> None:
        super().__init__(period)
        self.rep = rep
        self.title = f"Team · {rep.full_name}"

    def compose_side(self) -> ComposeResult:
        table = RowTable((Column("Day", 10), Column("Time", 8, wide_only=True), Column("Customer", 13),
                          Column("City", 12, wide_only=True), Column("Product", 10, wide_only=True),
                          Column("Result", 12)), id="rep-appointments")
        yield TargetProgress(id="targets")
        yield TableSection("Appointments", table, "No appointments in this period.", fit_rows=False,
                           id="rep-appointments-section")

    def first_focus(self) -> Widget:
        return self.query_one("#rep-appointments")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return False if action == "team" else super().check_action(action, parameters)

    def action_back(self) -> None:
        if not self.action_close_custom():
            self.dismiss()

    def members(self, session) -> list[User]:
        return [self.rep]

    def load_side(self, session, members: list[User], rows: list[StatRow], period: Period) -> Any:
        from rep_tui.clock import utcnow
        from rep_tui.store.queries import appointments_between, result_codes

        start, end, _label = period.bounds(self.app.tz)
        return RepAppointments(appointments_between(session, self.rep.id, start, end),
                               {c.code: c for c in result_codes(session)}, utcnow())

    def show_side(self, view: StatsView) -> None:
        from rep_tui.domain.dates import format_day, format_time, local_day
        from rep_tui.widgets.agenda_table import result_cell

        side: RepAppointments = view.side
        tz = self.app.tz
        table = self.query_one("#rep-appointments", RowTable)
        table.show([
            TableRow(str(row.appointment.id), row.lead.id,
                     (format_day(local_day(row.appointment.starts_at, tz)), format_time(row.appointment.starts_at, tz),
                      row.lead.name, row.lead.city or "", row.product, result_cell(row, side.codes, side.now)))
            for row in side.rows
        ])
        count = len(side.rows)
        self.query_one("#rep-appointments-section", TableSection).show(
            f"Appointments — {count}, {view.label}")
