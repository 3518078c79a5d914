"""The commission report screen on the demo company: reached from My Stats
with $ by a user whose permissions include seeing commissions (not by one
without), its lines and totals those of the report query, months and reps
stepped through with keys, Enter opening the job's lead."""

from __future__ import annotations

import pytest
from rep_pilot import settle, wait_until
from sqlalchemy import func, select

from rep_tui.app import RepApp
from rep_tui.domain.permissions import Permission, granted
from rep_tui.domain.validation import format_money
from rep_tui.screens.commissions import CommissionsScreen, month_of
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.stats import StatsScreen
from rep_tui.store.commissions import commission_report
from rep_tui.store.models import Commission, Job

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def busiest_month(store):
    with store.session() as session:
        latest = session.scalar(select(func.max(Job.sold_on)).join(Commission, Commission.job_id == Job.id))
        return month_of(latest)


async def test_from_my_stats_the_report_of_a_month_with_its_totals(store):
    start, end = busiest_month(store)
    with store.session() as session:
        expected = commission_report(session, start, end)
    assert expected.lines
    app = RepApp(store)
    app.permissions = granted("rep") | {Permission.SEE_COMMISSIONS}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("$")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CommissionsScreen)
        while screen.start != start:  # back to the month with sales (the fixed clock's month may have none yet)
            await pilot.press("p" if screen.start > start else "n")
            await settle(pilot)
        table = screen.query_one("#commission-table")
        await wait_until(pilot, lambda: table.row_count == len(expected.lines), "the month's lines")
        totals = str(screen.query_one("#commission-totals").render())
        assert f"commission {format_money(expected.totals['commission_cents'])}" in totals
        assert f"sales {format_money(expected.totals['sale_cents'])}" in totals
        await pilot.press("u")
        await settle(pilot)
        assert expected.lines[0].rep in str(screen.query_one("#commission-period").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)


async def test_without_the_permission_my_stats_has_no_report(store):
    app = RepApp(store)
    assert not app.may(Permission.SEE_COMMISSIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("$")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_report_at_both_sizes(snap_compare, store, size):
    from rep_pilot import settle as settled

    start, _end = busiest_month(store)
    app = RepApp(store)
    app.permissions = granted("manager")

    async def run_before(pilot) -> None:
        app.push_screen(CommissionsScreen(start))
        await settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
