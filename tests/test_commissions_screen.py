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


async def test_s_saves_what_is_shown_as_a_csv_in_the_documents_folder_and_says_where(store):
    """The CSV holds the screen's lines, cell for cell (one rep's, after u), and the screen names the file."""
    import csv

    start, _end = busiest_month(store)
    app = RepApp(store)
    app.permissions = granted("manager")
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(CommissionsScreen(start))
        await settle(pilot)
        screen = app.screen
        await pilot.press("u")
        await settle(pilot)
        table = screen.query_one("#commission-table")
        await wait_until(pilot, lambda: table.row_count > 0, "one rep's lines")
        shown = [[str(cell).strip() for cell in table.get_row_at(n)] for n in range(table.row_count)]
        path = screen.csv_path()
        assert path.parent == app.settings.paths.documents_dir and not path.exists()
        await pilot.press("s")
        await wait_until(pilot, lambda: any(str(path) in str(n.message) for n in app._notifications),
                         "the screen to say where it saved")
    with path.open(encoding="utf-8") as saved:
        rows = list(csv.DictReader(saved))
    from datetime import date

    from rep_tui.widgets.when import us_date

    money = lambda text: format_money(round(float(text) * 100))  # noqa: E731
    saved_cells = [[r["User"], r["Job ID"], r["Customer"], r["Role"], f"{r['Share %']}%",
                    us_date(date.fromisoformat(r["Sold"])), money(r["Sale"]), money(r["Commission"]),
                    money(r["Payable Now"]), money(r["Comm. Paid"]), f"{r['Paid %']}%"] for r in rows]
    assert len(saved_cells) == len(shown)
    for saved_line, shown_line in zip(saved_cells, shown):
        for value, cell in zip(saved_line, shown_line, strict=True):  # a long name is cut with "…" on screen
            assert value == cell or (cell.endswith("…") and value.startswith(cell[:-1])), (value, cell)
