"""My Stats driven by keys on the demo company: figures equal stats_for,
periods switch and step, a figure explains itself and drills down to the
appointments (and on to a lead); a manager's are their own, `t` opens the
Team view (tests/test_team_screen.py). Snapshots of the rep view and the
drill-down at 80×24 and 120×40."""

from __future__ import annotations

from datetime import date

import pytest
from rep_pilot import anyio_backend, settle  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.domain.stats import FIGURE_KEYS
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.stats import Period, StatsScreen
from rep_tui.screens.stats_drilldown import StatsDrilldownScreen
from rep_tui.store.models import User
from rep_tui.store.queries import current_user, period_bounds, rows_behind, stat_rows, stats_for
from rep_tui.widgets.lead_table import LeadTable

pytestmark = pytest.mark.anyio
CHICAGO = "America/Chicago"
TODAY = date(2026, 11, 24)  # the fixed clock's day in Chicago


def _manager(store) -> User:
    with store.session() as s:
        return s.scalars(select(User).where(User.username == "demo-manager")).one()


def _figures_shown(screen: StatsScreen) -> dict[str, str]:
    table = screen.query_one("#figures")
    return {key: table.get_cell_at((row, 1)).plain for row, key in enumerate(FIGURE_KEYS)}


def _period_bar(screen: StatsScreen) -> str:
    return str(screen.query_one("#period-bar").render())


async def _open_stats(pilot) -> StatsScreen:
    await pilot.press("6")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StatsScreen)
    return pilot.app.screen


def test_periods_step_back_and_forth_across_months_and_years():
    assert Period("day", date(2026, 3, 1)).shifted(-1) == Period("day", date(2026, 2, 28))
    assert Period("week", date(2026, 11, 24)).shifted(1) == Period("week", date(2026, 12, 1))
    assert Period("month", date(2026, 1, 31)).shifted(-1) == Period("month", date(2025, 12, 1))
    assert Period("month", date(2026, 1, 31)).shifted(1) == Period("month", date(2026, 2, 1))
    assert Period("year", date(2026, 11, 24)).shifted(-1) == Period("year", date(2025, 1, 1))
    custom = Period("custom", date(2026, 11, 1), date(2026, 11, 10))  # ten days
    assert custom.shifted(1) == Period("custom", date(2026, 11, 11), date(2026, 11, 20))
    start, end, label = custom.bounds(CHICAGO)
    assert label == "Nov 1, 2026 – Nov 10, 2026"
    assert (start.isoformat(), end.isoformat()) == ("2026-11-01T05:00:00+00:00", "2026-11-11T06:00:00+00:00")


async def test_figures_are_the_reps_month_and_periods_switch_and_step(store):
    with store.session() as s:
        rep = current_user(s)
        month = stats_for(s, [rep.id], *period_bounds("month", TODAY, CHICAGO)[:2])
        october = stats_for(s, [rep.id], *period_bounds("month", date(2026, 10, 1), CHICAGO)[:2])
    assert month["issued"].value > 0
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_stats(pilot)
        assert "November 2026" in _period_bar(screen)
        assert _figures_shown(screen) == {key: f.display() for key, f in month.items()}
        await pilot.press("p")
        await settle(pilot)
        assert "October 2026" in _period_bar(screen)
        assert _figures_shown(screen) == {key: f.display() for key, f in october.items()}
        for key, label in (("w", "Week of Nov 23, 2026"), ("p", "Week of Nov 16, 2026"), ("n", "Week of Nov 23, 2026"),
                           ("d", "Tue Nov 24, 2026"), ("y", "2026"), ("m", "November 2026")):
            await pilot.press(key)
            await settle(pilot)
            assert label in _period_bar(screen), key


async def test_a_custom_range_is_typed_as_two_dates(store):
    with store.session() as s:
        rep = current_user(s)
        expected = stats_for(s, [rep.id], *Period("custom", date(2026, 9, 1), date(2026, 10, 15)).bounds(CHICAGO)[:2])
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_stats(pilot)
        await pilot.press("c", *"2026-09-01", "tab", *"2026-10-")
        await settle(pilot)
        assert screen.query_one("#until").error == "Not a date. Use YYYY-MM-DD, 12/1, -7, +3, tomorrow or mon…sun."
        assert "November 2026" in _period_bar(screen)  # a half-typed date changes nothing
        await pilot.press("1", "5", "enter")
        await settle(pilot)
        assert "Sep 1, 2026 – Oct 15, 2026" in _period_bar(screen)
        assert _figures_shown(screen) == {key: f.display() for key, f in expected.items()}
        assert app.focused is screen.query_one("#figures")
        await pilot.press("c", "escape")
        assert not screen.query_one("#custom-range").display
        assert app.focused is screen.query_one("#figures")


async def test_each_figure_explains_its_formula_and_drills_down_to_a_lead(store):
    with store.session() as s:
        rep = current_user(s)
        start, end, _ = period_bounds("month", TODAY, CHICAGO)
        sales = rows_behind(stat_rows(s, [rep.id], start, end), "sales")
        figures = stats_for(s, [rep.id], start, end)
    assert sales
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_stats(pilot)
        await pilot.press("down", "down", "down", "down")  # Close rate
        formula = str(screen.query_one("#formula").render())
        assert "Close rate = sales ÷ demos" in formula
        assert f"November 2026: {figures['close_rate'].inputs} = {figures['close_rate'].display()}" in formula
        assert f"the {figures['demos'].value} appointments behind it" in formula
        await pilot.press("up", "up")  # Sales
        await pilot.press("enter")
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, StatsDrilldownScreen)
        table = drill.query_one(LeadTable)
        assert table.lead_ids == [row.lead.id for row in sales]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert app.screen.lead_id == sales[0].lead.id
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is screen


async def test_a_managers_my_stats_are_their_own_and_t_opens_the_team(store):
    from rep_tui.screens.team import TeamScreen

    manager = _manager(store)
    with store.session() as s:
        mine = stats_for(s, [manager.id], *period_bounds("month", TODAY, CHICAGO)[:2])
    app = RepApp(store, user_id=manager.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_stats(pilot)
        assert type(screen) is StatsScreen and manager.full_name in _period_bar(screen)
        assert _figures_shown(screen) == {key: f.display() for key, f in mine.items()}
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)


SNAPSHOT_KEYS = {"rep": (), "drilldown": ("enter",)}  # drilldown: the appointments behind Issued


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("case", list(SNAPSHOT_KEYS))
def test_stats_snapshot(snap_compare, store, case, size):
    async def run_before(pilot) -> None:
        await _open_stats(pilot)
        await pilot.press(*SNAPSHOT_KEYS[case])
        await settle(pilot)

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)


async def test_a_job_in_a_status_flagged_cancelled_counts_as_a_cancel_in_my_stats_and_the_team(store):
    """The demo rep's year: one sale's job is set to Cancelled (flagged so),
    another to On Hold (not flagged: no change) until the office flags On Hold
    as cancelled. My Stats (shown) and the manager's team figures follow."""
    from rep_tui.store import writes
    from rep_tui.store.job_statuses import all_statuses, save_status, set_job_status
    from rep_tui.store.queries import team_members

    office = writes.Actor(None, "Office")
    year = period_bounds("year", TODAY, CHICAGO)[:2]
    with store.session() as s:
        rep = current_user(s)
        team = [m.id for m in team_members(s, _manager(store))]
        assert rep.id in team
        standing = [r for r in stat_rows(s, [rep.id], *year) if r.outcome.sale and not r.outcome.cancelled]
        assert len(standing) >= 2, "the demo rep needs two standing sales this year"
        first, second = standing[0], standing[1]
        mine, ours = stats_for(s, [rep.id], *year), stats_for(s, team, *year)

    def figures(rep_ids) -> dict:
        with store.session() as s:
            return stats_for(s, rep_ids, *year)

    def change(work) -> None:
        with store.session() as s:
            work(s)

    change(lambda s: set_job_status(s, office, first.job.id, "Cancelled"))
    change(lambda s: set_job_status(s, office, second.job.id, "On Hold"))
    for before, after in ((mine, figures([rep.id])), (ours, figures(team))):
        assert after["cancels"].value == before["cancels"].value + 1
        assert after["net"].value == before["net"].value - first.outcome.sale_cents
        assert after["sales"].value == before["sales"].value  # still a sale, now a cancelled one
    with store.session() as s:
        behind = rows_behind(stat_rows(s, [rep.id], *year), "cancels")
    assert first.job.id in {r.job.id for r in behind} and second.job.id not in {r.job.id for r in behind}

    def flag_on_hold(s) -> None:
        on_hold = next(st for st in all_statuses(s) if st.code == "On Hold")
        save_status(s, office, on_hold.id, {"code": on_hold.code, "label": on_hold.label,
                                            "sort_order": on_hold.sort_order, "active": True,
                                            "counts_as_sold": False, "counts_as_installed": False,
                                            "counts_as_cancelled": True})

    change(flag_on_hold)
    now = figures(team)
    assert now["cancels"].value == ours["cancels"].value + 2
    assert "job status counting as cancelled" in now["cancels"].formula
    app = RepApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_stats(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert _figures_shown(screen) == {key: f.display() for key, f in figures([rep.id]).items()}
        assert _figures_shown(screen)["cancels"] == f"{mine['cancels'].value + 2:,}"
