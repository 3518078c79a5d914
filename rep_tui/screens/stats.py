"""My Stats: the rep's figures for a period (today, week, month, year or a
custom range), each with its formula and this period's numbers, a drill-down
into the appointments behind a figure, and sold $ by week. A manager also
sees the team: totals, a table per rep and a leaderboard by net sold $."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from rep_tui.domain.stats import Figure
from rep_tui.domain.validation import format_money
from rep_tui.store.queries import StatRow
from rep_tui.widgets.date_range import DateRange
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.sales_chart import SalesChart

CHART_WEEKS = 12
# The per-rep table of the team view: narrow columns, no cell padding, so it fits beside the figures at 80x24.
REP_COLUMNS = (("Iss", 4), ("Dem", 4), ("Sal", 4), ("Close", 7), ("Sold $", 9))
REP_FIGURES = ("issued", "demos", "sales", "close_rate", "gross")


@dataclass(frozen=True)
class Period:
    """What the rep is looking at: a kind and a day inside it (or a custom range)."""

    kind: str  # day | week | month | year | custom
    anchor: date
    until: date | None = None  # last day, custom ranges only

    def shifted(self, step: int) -> Period:
        """The previous (-1) or next (+1) period of the same kind."""
        if self.kind == "day":
            return Period("day", self.anchor + timedelta(days=step))
        if self.kind == "week":
            return Period("week", self.anchor + timedelta(days=7 * step))
        if self.kind == "month":
            first = self.anchor.replace(day=1)
            moved = first - timedelta(days=1) if step < 0 else first + timedelta(days=32)
            return Period("month", moved.replace(day=1))
        if self.kind == "year":
            return Period("year", self.anchor.replace(year=self.anchor.year + step, month=1, day=1))
        length = timedelta(days=((self.until or self.anchor) - self.anchor).days + 1)
        return Period("custom", self.anchor + step * length, (self.until or self.anchor) + step * length)

    def bounds(self, tz_name: str) -> tuple[datetime, datetime, str]:
        """UTC start and end, and a label for the screen."""
        from rep_tui.store.queries import day_bounds, period_bounds

        if self.kind != "custom":
            return period_bounds(self.kind, self.anchor, tz_name)
        until = self.until or self.anchor
        start, end = day_bounds(self.anchor, tz_name, (until - self.anchor).days + 1)
        return start, end, f"{self.anchor:%b %-d, %Y} – {until:%b %-d, %Y}"


@dataclass(frozen=True)
class RepLine:
    """One rep's figures in the team view."""

    rep_id: uuid.UUID
    name: str
    figures: dict[str, Figure]


@dataclass(frozen=True)
class StatsView:
    """Everything the screen shows for one period and scope."""

    label: str
    team: bool
    figures: dict[str, Figure]
    rows: list[StatRow]
    weeks: list[tuple[date, int]]
    reps: list[RepLine] = field(default_factory=list)
    rep_names: dict[uuid.UUID, str] = field(default_factory=dict)


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


def leaderboard(reps: list[RepLine], bar_width: int = 10) -> Text:
    """Reps ranked by net sold $, each with a bar."""
    ranked = sorted(reps, key=lambda r: (-(r.figures["net"].value or 0), r.name))
    top = max((r.figures["net"].value or 0 for r in ranked), default=0) or 1
    text = Text()
    for rank, rep in enumerate(ranked, start=1):
        net = rep.figures["net"].value or 0
        bar = "█" * round(bar_width * net / top)
        text.append(f"{rank:>2}. {rep.name[:12]:<12} ")
        text.append(f"{bar:<{bar_width}}", style="bold")
        text.append(f" {format_money(int(net)):>9}\n")
    text.rstrip()
    return text if text else Text("No reps on this team yet.")


class FigureTable(DataTable):
    """The figures; Enter lists the appointments behind the one under the cursor."""

    BINDINGS = [Binding("enter", "select_cursor", "Details", tooltip="Behind the number: the appointments it counts")]


# One footer item each: "dwmy Period", "pn Prev/next".
PERIOD_KEYS, SHIFT_KEYS = Binding.Group("Period"), Binding.Group("Prev/next")


class StatsScreen(Screen):
    """Figures with formulas, a drill-down, weekly chart, and the team view."""

    TITLE = "My Stats"
    CSS_PATH = "../styles/stats.tcss"
    BINDINGS = [
        Binding("d", "period('day')", "Today", group=PERIOD_KEYS),
        Binding("w", "period('week')", "Week", group=PERIOD_KEYS),
        Binding("m", "period('month')", "Month", group=PERIOD_KEYS),
        Binding("y", "period('year')", "Year", group=PERIOD_KEYS),
        Binding("c", "custom", "Custom"),
        Binding("p", "shift(-1)", "Prev", group=SHIFT_KEYS),
        Binding("n", "shift(1)", "Next", group=SHIFT_KEYS),
        Binding("t", "toggle_team", "Me/Team"),
        Binding("escape", "back", "Close the date range / back", show=False),
    ]

    period: reactive[Period | None] = reactive(None, init=False)
    team: reactive[bool] = reactive(False, init=False)

    class Loaded(Message):
        """Figures for a period are ready (posted from the worker)."""

        def __init__(self, view: StatsView) -> None:
            super().__init__()
            self.view = view

    def __init__(self) -> None:
        super().__init__()
        self._view: StatsView | None = None

    @property
    def is_manager(self) -> bool:
        return self.app.user.role in ("manager", "admin")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="period-bar")
        yield DateRange(id="custom-range")
        with Horizontal(id="stats-body"):
            with Vertical(id="figures-pane"):
                yield FigureTable(cursor_type="row", zebra_stripes=True, id="figures")
            with VerticalScroll(id="side-pane"):
                yield Static("Team", classes="section-title team-only")
                yield DataTable(cursor_type="row", zebra_stripes=True, cell_padding=0, id="reps", classes="team-only")
                yield Static("Leaderboard — net sold $", classes="section-title team-only")
                yield Static("", id="leaderboard", classes="team-only")
                yield SalesChart(f"Sold $ by week, last {CHART_WEEKS} weeks", id="chart")
        yield Static("", id="formula")
        yield RepFooter()

    def on_mount(self) -> None:
        from rep_tui.clock import local_today

        self.query_one("#custom-range").display = False
        figures = self.query_one("#figures", DataTable)
        figures.add_column("Figure", width=19, key="label")
        figures.add_column("Value", width=10, key="value")
        reps = self.query_one("#reps", DataTable)
        reps.add_column("Rep", width=11)
        for label, width in REP_COLUMNS:
            reps.add_column(Text(label, justify="right"), width=width)
        self.team = self.is_manager
        self.period = Period("month", local_today(self.app.tz))
        figures.focus()

    def on_screen_resume(self) -> None:
        if self._view is not None:
            self._load(self.period, self.team)

    # --- keys ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "toggle_team":
            return self.is_manager
        return True

    def action_period(self, kind: str) -> None:
        from rep_tui.clock import local_today

        self.action_close_custom()
        self.period = Period(kind, local_today(self.app.tz))

    def action_custom(self) -> None:
        custom = self.query_one("#custom-range", DateRange)
        custom.display = True
        custom.focus()

    async def action_back(self) -> None:
        """Esc: the custom date range closes first; then back to the Dashboard."""
        if self.query_one("#custom-range").display:
            self.action_close_custom()
        else:
            await self.app.action_back()

    def action_close_custom(self) -> None:
        self.query_one("#custom-range").display = False
        self.query_one("#figures").focus()

    def action_shift(self, step: int) -> None:
        self.period = self.period.shifted(step)

    def action_toggle_team(self) -> None:
        self.team = not self.team

    @on(Input.Submitted, "#custom-range Input")
    def _custom_done(self) -> None:
        self.query_one("#figures").focus()

    @on(DateRange.Changed, "#custom-range")
    def _custom_changed(self, event: DateRange.Changed) -> None:
        if event.since and event.until:
            self.period = Period("custom", event.since, event.until)

    def watch_period(self) -> None:
        self._load(self.period, self.team)

    def watch_team(self, team: bool) -> None:
        self.set_class(team, "-team")
        self.title = "Team Stats" if team else "My Stats"
        if self.period is not None:
            self._load(self.period, team)

    # --- loading ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _load(self, period: Period, team: bool) -> None:
        from rep_tui.clock import local_today, zone
        from rep_tui.domain.stats import compute
        from rep_tui.store.queries import stat_rows, team_members, week_start

        tz = self.app.tz
        user = self.app.user
        start, end, label = period.bounds(tz)
        last_day = min(end.astimezone(zone(tz)).date() - timedelta(days=1), local_today(tz))
        last_week = week_start(last_day)
        first_week = last_week - timedelta(weeks=CHART_WEEKS - 1)
        with self.app.store.session() as session:
            members = team_members(session, user) if team else [user]
            rep_ids = [m.id for m in members]
            rows = stat_rows(session, rep_ids, start, end)
            chart_start, chart_end, _ = Period("custom", first_week, last_week + timedelta(days=6)).bounds(tz)
            chart_rows = stat_rows(session, rep_ids, chart_start, chart_end)
        names = {m.id: m.full_name for m in members}
        reps = [
            RepLine(m.id, m.full_name, compute(r.outcome for r in rows if r.appointment.rep_id == m.id))
            for m in members
        ] if team else []
        view = StatsView(
            label=label, team=team, figures=compute(r.outcome for r in rows), rows=rows,
            weeks=weekly_sold(chart_rows, first_week, CHART_WEEKS, tz), reps=reps, rep_names=names,
        )
        self.post_message(self.Loaded(view))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        view = event.view
        self._view = view
        scope = f"Team ({len(view.rep_names)} reps)" if view.team else self.app.user.full_name
        bar = Text()
        bar.append(f" {view.label} ", style="bold reverse")
        bar.append(f"  {scope}", style="bold")
        bar.append("   p ◀ ▶ n · d w m y c", style="dim")
        self.query_one("#period-bar", Static).update(bar)
        figures = self.query_one("#figures", DataTable)
        row = figures.cursor_row
        figures.clear()
        for figure in view.figures.values():
            figures.add_row(figure.label, Text(figure.display(), justify="right"), key=figure.key)
        figures.move_cursor(row=row)
        self._explain(figures.cursor_row)
        if view.team:
            self._show_team(view)
        self.query_one("#chart", SalesChart).show(view.weeks)

    def _show_team(self, view: StatsView) -> None:
        reps = self.query_one("#reps", DataTable)
        reps.clear()
        for rep in view.reps:
            reps.add_row(rep.name[:11], *(Text(rep.figures[key].display(), justify="right") for key in REP_FIGURES))
        self.query_one("#leaderboard", Static).update(leaderboard(view.reps))

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
        text.append(f"Enter lists the {behind} appointment{'s' if behind != 1 else ''} behind it", style="dim")
        self.query_one("#formula", Static).update(text)

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
            StatsDrilldownScreen(figure, view.label, rows_behind(view.rows, figure.key),
                                 view.rep_names if view.team else None)
        )
