"""My Stats: the rep's figures for a period (today, week, month, year or a
custom range), each with its formula and this period's numbers, a drill-down
into the appointments behind a figure, and sold $ by week.

For a month, progress against the rep's targets (set by their manager) stands
beside the figures when there are any: "Sales ██████░░ $42,000 of $60,000 · 70%".

The same screen shows whose figures the subclasses choose: the Team view
(`screens/team.py`) a manager's reps together, one rep the manager picked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Input, Static

from rep_tui.domain.stats import Figure
from rep_tui.domain.targets import Goal
from rep_tui.messages import reload_when_synced
from rep_tui.store.models import User
from rep_tui.store.queries import Period, StatRow
from rep_tui.store_io import in_store
from rep_tui.widgets.date_range import DateRange
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.sales_chart import SalesChart
from rep_tui.widgets.target_progress import TargetProgress

CHART_WEEKS = 12


@dataclass(frozen=True)
class StatsView:
    """Everything the screen shows for one period: the figures of `scope`
    (a rep's name, or the team) and what a subclass adds beside them."""

    label: str
    scope: str
    figures: dict[str, Figure]
    rows: list[StatRow]
    rep_names: dict[uuid.UUID, str] | None = None  # several reps: the drill-down names each row's rep
    side: Any = None  # what `show_side` shows: the chart's weeks here, more in subclasses
    #: Each rep's progress against their targets (a month only; none set: no goals).
    goals: dict[uuid.UUID, list[Goal]] | None = None


def weekly_sold(rows: list[StatRow], first_week: date, weeks: int, tz_name: str) -> list[tuple[date, int]]:
    """Sold $ (cents) of each week from `first_week`, oldest first."""
    from rep_tui.clock import zone

    totals = {first_week + timedelta(weeks=n): 0 for n in range(weeks)}
    tz = zone(tz_name)
    for row in rows:
        if row.outcome.sale:
            day = row.appointment.starts_at.astimezone(tz).date()
            week = day - timedelta(days=day.weekday())
            if week in totals:
                totals[week] += row.outcome.sale_cents
    return list(totals.items())


class FigureTable(DataTable):
    """The figures; Enter lists the appointments behind the one under the cursor."""

    BINDINGS = [Binding("enter", "select_cursor", "Details", tooltip="Behind the number: the appointments it counts")]


#: The tables every figure is computed from: a sync that changes one re-reads the figures shown
#: (an admin's new flags on a result code included).
STATS_TABLES = frozenset({"appointments", "jobs", "result_codes", "commissions"})

# One footer item each: "dwmy Period", "pn Prev/next".
PERIOD_KEYS, SHIFT_KEYS = Binding.Group("Period"), Binding.Group("Prev/next")


def period_bindings(day: str) -> list[Binding]:
    """d w m y, c, p n: the period keys of My Stats and Reports (`day` names d's period)."""
    return [
        Binding("d", "period('day')", day, group=PERIOD_KEYS),
        Binding("w", "period('week')", "Week", group=PERIOD_KEYS),
        Binding("m", "period('month')", "Month", group=PERIOD_KEYS),
        Binding("y", "period('year')", "Year", group=PERIOD_KEYS),
        Binding("c", "custom", "Custom"),
        Binding("p", "shift(-1)", "Prev", group=SHIFT_KEYS),
        Binding("n", "shift(1)", "Next", group=SHIFT_KEYS),
    ]


class StatsScreen(Screen):
    """Figures with formulas, a drill-down and a weekly chart; `t` opens the Team view for a manager."""

    TITLE = "My Stats"
    CSS_PATH = "../styles/stats.tcss"
    BINDINGS = [
        *period_bindings("Today"),
        Binding("t", "team", "Team", tooltip="Team: each rep's numbers and the leaderboard (also 7 or F8)"),
        Binding("dollar_sign", "commissions", "Commissions", key_display="$",
                tooltip="Commission report of the period's month"),
        Binding("escape", "back", "Close the date range / back", show=False),
    ]

    #: Whether Tab stops at the side pane to scroll it (not when a table there scrolls itself).
    SIDE_SCROLLS = True
    period: reactive[Period | None] = reactive(None, init=False)

    class Loaded(Message):
        """Figures for a period are ready (posted from the worker)."""

        def __init__(self, view: StatsView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, period: Period | None = None) -> None:
        """`period`: the one to open on (another screen's); else this month."""
        super().__init__()
        self._view: StatsView | None = None
        self._first_period = period

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="period-bar")
        yield DateRange(id="custom-range")
        with Horizontal(id="stats-body"):
            with Vertical(id="figures-pane"):
                yield FigureTable(cursor_type="row", zebra_stripes=True, id="figures")
            with VerticalScroll(id="side-pane", can_focus=self.SIDE_SCROLLS):
                yield from self.compose_side()
        yield Static("", id="formula")
        yield RepFooter()

    def compose_side(self) -> ComposeResult:
        """What stands beside the figures."""
        yield TargetProgress(id="targets")
        yield SalesChart(f"Sold $ by week, last {CHART_WEEKS} weeks", id="chart")

    def on_mount(self) -> None:
        from rep_tui.clock import local_today

        self.query_one("#custom-range").display = False
        figures = self.query_one("#figures", DataTable)
        figures.add_column("Figure", width=19, key="label")
        figures.add_column("Value", width=10, key="value")
        self.period = self._first_period or Period("month", local_today(self.app.tz))
        self.first_focus().focus()
        reload_when_synced(self, STATS_TABLES | {"targets"}, lambda: self._load(self.period))

    def on_unmount(self) -> None:
        """Closed (one rep's stats): let go of the sync's signal, or it keeps this screen in memory."""
        self.app.rows_changed_signal.unsubscribe(self)

    def first_focus(self) -> Widget:
        return self.query_one("#figures")

    def on_screen_resume(self) -> None:
        if self._view is not None:
            self._load(self.period)

    # --- keys ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "team":
            return self.app.user.watches_team
        if action == "commissions":
            from rep_tui.domain.permissions import Permission

            return self.app.may(Permission.SEE_COMMISSIONS)
        return True

    def action_commissions(self) -> None:
        from rep_tui.screens.commissions import CommissionsScreen

        self.app.push_screen(CommissionsScreen(self.period.anchor if self.period else None))

    def action_period(self, kind: str) -> None:
        from rep_tui.clock import local_today

        self.action_close_custom()
        self.period = Period(kind, local_today(self.app.tz))

    def action_custom(self) -> None:
        custom = self.query_one("#custom-range", DateRange)
        custom.display = True
        custom.focus()

    async def action_back(self) -> None:
        """Esc: the custom date range closes first; then back."""
        if not self.action_close_custom():
            await self.app.action_back()

    def action_close_custom(self) -> bool:
        """Hide the date range if it is open; says whether it was."""
        custom = self.query_one("#custom-range")
        if not custom.display:
            return False
        custom.display = False
        self.first_focus().focus()
        return True

    def action_shift(self, step: int) -> None:
        self.period = self.period.shifted(step)

    async def action_team(self) -> None:
        await self.app.action_team()

    @on(Input.Submitted, "#custom-range Input")
    def _custom_done(self) -> None:
        self.first_focus().focus()

    @on(DateRange.Changed, "#custom-range")
    def _custom_changed(self, event: DateRange.Changed) -> None:
        if event.since and event.until:
            self.period = Period("custom", event.since, event.until)

    def watch_period(self) -> None:
        self._load(self.period)

    # --- loading ---------------------------------------------------------------

    def _load(self, period: Period) -> None:
        in_store(self, "load the figures", lambda session: self._figures(session, period),
                 lambda view: self.post_message(self.Loaded(view)), group="stats")

    def _figures(self, session, period: Period) -> StatsView:
        """The figures of `period` (in the worker)."""
        from rep_tui.domain.stats import compute
        from rep_tui.store.queries import stat_rows

        start, end, label = period.bounds(self.app.tz)
        members = self.members(session)
        rows = stat_rows(session, [m.id for m in members], start, end)
        scope, rep_names = self.scope(members)
        side = self.load_side(session, members, rows, period)
        goals = self._goals(session, members, rows, period)
        return StatsView(label, scope, compute(r.outcome for r in rows), rows, rep_names, side, goals)

    @staticmethod
    def _goals(session, members: list[User], rows: list[StatRow], period: Period) -> dict[uuid.UUID, list[Goal]]:
        """Each member's progress against their target for the month in view (targets are monthly)."""
        from rep_tui.domain.stats import compute
        from rep_tui.domain.targets import goals, units_sold
        from rep_tui.store.targets import targets_of

        if period.kind != "month":
            return {}
        targets = targets_of(session, [m.id for m in members], period.anchor.replace(day=1))
        progress = {}
        for member in members:
            mine = [row for row in rows if row.appointment.rep_id == member.id]
            progress[member.id] = goals(targets.get(member.id), compute(row.outcome for row in mine), units_sold(mine))
        return progress

    def members(self, session) -> list[User]:
        """Whose figures these are (in the worker)."""
        return [self.app.user]

    def scope(self, members: list[User]) -> tuple[str, dict[uuid.UUID, str] | None]:
        """Who the figures are of, in words, and the names of reps when the drill-down should say whose row it is."""
        return members[0].full_name, None

    def load_side(self, session, members: list[User], rows: list[StatRow], period: Period) -> Any:
        """What `show_side` needs (in the worker): sold $ by week up to the period's end."""
        from rep_tui.clock import local_today, zone
        from rep_tui.store.queries import stat_rows, week_start

        tz = self.app.tz
        _start, end, _label = period.bounds(tz)
        last_day = min(end.astimezone(zone(tz)).date() - timedelta(days=1), local_today(tz))
        last_week = week_start(last_day)
        first_week = last_week - timedelta(weeks=CHART_WEEKS - 1)
        chart_start, chart_end, _ = Period("custom", first_week, last_week + timedelta(days=6)).bounds(tz)
        chart_rows = stat_rows(session, [m.id for m in members], chart_start, chart_end)
        return weekly_sold(chart_rows, first_week, CHART_WEEKS, tz)

    def show_side(self, view: StatsView) -> None:
        self.query_one("#chart", SalesChart).show(view.side)

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        view = event.view
        self._view = view
        bar = Text()
        bar.append(f" {view.label} ", style="bold reverse")
        bar.append(f"  {view.scope}", style="bold")
        bar.append("   p ◀ ▶ n · d w m y c", style="dim")
        self.query_one("#period-bar", Static).update(bar)
        figures = self.query_one("#figures", DataTable)
        row = figures.cursor_row
        figures.clear()
        for figure in view.figures.values():
            figures.add_row(figure.label, Text(figure.display(), justify="right"), key=figure.key)
        figures.move_cursor(row=row)
        self._explain(figures.cursor_row)
        for progress in self.query(TargetProgress):
            progress.show(f"Targets · {view.label}", view.goals or {}, view.rep_names)
        self.show_side(view)

    # --- formulas and drill-down ---------------------------------------------

    def _figure_at(self, row: int) -> Figure | None:
        if self._view is None or not 0 <= row < len(self._view.figures):
            return None
        return list(self._view.figures.values())[row]

    def _explain(self, row: int) -> None:
        from rep_tui.store.queries import rows_behind

        figure = self._figure_at(row)
        if figure is None:
            return
        behind = len(rows_behind(self._view.rows, figure.key))
        text = Text()
        text.append(f"{figure.label}", style="bold")
        text.append(f" = {figure.formula}\n")
        worked = figure.inputs if figure.inputs == figure.display() else f"{figure.inputs} = {figure.display()}"
        text.append(f"{self._view.label}: {worked}\n", style="italic")
        figures = self.query_one("#figures")
        where = "Enter" if figures.has_focus or self.focused is None else "On the figures (Tab), Enter"
        text.append(f"{where} lists the {behind} appointment{'s' if behind != 1 else ''} behind it", style="dim")
        self.query_one("#formula", Static).update(text)

    def on_descendant_focus(self) -> None:
        """The formula's last line says how to reach its appointments from where the focus is."""
        if self._view is not None:
            self._explain(self.query_one("#figures", DataTable).cursor_row)

    @on(DataTable.RowHighlighted, "#figures")
    def _figure_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._explain(event.cursor_row)

    @on(DataTable.RowSelected, "#figures")
    def _drill_down(self, event: DataTable.RowSelected) -> None:
        from rep_tui.screens.stats_drilldown import StatsDrilldownScreen
        from rep_tui.store.queries import rows_behind

        figure = self._figure_at(event.cursor_row)
        if figure is None:
            return
        view = self._view
        self.app.push_screen(
            StatsDrilldownScreen(figure, view.label, rows_behind(view.rows, figure.key), view.rep_names)
        )
