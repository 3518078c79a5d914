"""Reports by period on a small known company (two offices, three teams,
four reps, October and November 2026), every figure worked out by hand
below: the core per grouping and period, the Reports screen by keys in
bursts (period step, grouping), its CSV equal to the screen, and
`rep-tui admin report` on the server database (SQLite and PostgreSQL)
equal to the core on the device.

The company (days and times in Chicago, where both offices keep time):

    #  rep   day          result       product  source       sale
    1  Ann   Tue Nov 3    Sold         windows  call-center  $10,000
    2  Ann   Thu Nov 5    Sold         siding   web           $6,000
    3  Ann   Tue Nov 10   Demo no sale windows  call-center
    4  Ann   Thu Nov 12   No show      windows  self-gen
    5  Bob   Wed Nov 4    Sold         windows  self-gen      $8,000
    6  Bob   Fri Nov 6    Be back      roofing  call-center
    7  Bob   Wed Nov 18   Reset        roofing  web           (not issued)
    8  Cara  Mon Nov 2    Sold         roofing  web          $20,000
    9  Cara  Fri Nov 20   Demo no sale siding   call-center
   10  Cara  Sat Nov 21   Sold         windows  call-center   $5,000 disregarded in stats
   11  Dan   Sun Nov 8    Sold         siding   call-center   $7,000
   12  Dan   Mon Nov 30 23:30  Sold    windows  web           $9,000 (Dec 1 in UTC)
   13  Dan   Sat Oct 31 23:30  Demo no sale roofing self-gen  (Nov 1 in UTC)
   14  Ann   Wed Oct 14   Sold         windows  call-center  $12,000
   15  Bob   Tue Oct 20   Demo no sale siding   web

Ann and Bob are team North, Cara South (both office Chicago), Dan Lake
(office Milwaukee)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from rep_pilot import burst, settle, wait_until
from sqlalchemy import insert, select, update

from rep_tui.domain.validation import format_money
from rep_tui.store.models import SYNCED_TABLES, Team, User
from rep_tui.store.queries import Period
from rep_tui.store.reports import build_report
from rep_tui.sync.tables import ORDERED
from server_fixtures import backend, pg_cluster  # noqa: F401  (fixtures)

CHICAGO = "America/Chicago"
R = {name: uuid.uuid4() for name in ("ann", "bob", "cara", "dan", "maria", "ada")}
CODES = {  # code: (issued, demo, sale)
    "SOLD": (True, True, True), "DNS": (True, True, False), "BB": (True, True, False),
    "NS": (True, False, False), "RS": (False, False, False),
}
APPOINTMENTS = [  # rep, local day, hour, code, product, source, sale $, disregarded
    ("ann", date(2026, 11, 3), 10, "SOLD", "windows", "call-center", 10_000, False),
    ("ann", date(2026, 11, 5), 10, "SOLD", "siding", "web", 6_000, False),
    ("ann", date(2026, 11, 10), 10, "DNS", "windows", "call-center", None, False),
    ("ann", date(2026, 11, 12), 10, "NS", "windows", "self-gen", None, False),
    ("bob", date(2026, 11, 4), 10, "SOLD", "windows", "self-gen", 8_000, False),
    ("bob", date(2026, 11, 6), 10, "BB", "roofing", "call-center", None, False),
    ("bob", date(2026, 11, 18), 10, "RS", "roofing", "web", None, False),
    ("cara", date(2026, 11, 2), 10, "SOLD", "roofing", "web", 20_000, False),
    ("cara", date(2026, 11, 20), 10, "DNS", "siding", "call-center", None, False),
    ("cara", date(2026, 11, 21), 10, "SOLD", "windows", "call-center", 5_000, True),
    ("dan", date(2026, 11, 8), 10, "SOLD", "siding", "call-center", 7_000, False),
    ("dan", date(2026, 11, 30), 23.5, "SOLD", "windows", "web", 9_000, False),
    ("dan", date(2026, 10, 31), 23.5, "DNS", "roofing", "self-gen", None, False),
    ("ann", date(2026, 10, 14), 10, "SOLD", "windows", "call-center", 12_000, False),
    ("bob", date(2026, 10, 20), 10, "DNS", "siding", "web", None, False),
]

# What each grouping of November shows, by hand: issued, demos, sales, close %, volume, average sale.
NOVEMBER = {
    "rep": [("Ann", 4, 3, 2, "66.7%", "$16,000", "$8,000"), ("Bob", 2, 2, 1, "50.0%", "$8,000", "$8,000"),
            ("Cara", 2, 2, 1, "50.0%", "$20,000", "$20,000"), ("Dan", 2, 2, 2, "100.0%", "$16,000", "$8,000")],
    "team": [("Lake", 2, 2, 2, "100.0%", "$16,000", "$8,000"), ("North", 6, 5, 3, "60.0%", "$24,000", "$8,000"),
             ("South", 2, 2, 1, "50.0%", "$20,000", "$20,000")],
    "office": [("Chicago", 8, 7, 4, "57.1%", "$44,000", "$11,000"),
               ("Milwaukee", 2, 2, 2, "100.0%", "$16,000", "$8,000")],
    "product": [("roofing", 2, 2, 1, "50.0%", "$20,000", "$20,000"),
                ("siding", 3, 3, 2, "66.7%", "$13,000", "$6,500"),
                ("windows", 5, 4, 3, "75.0%", "$27,000", "$9,000")],
    "source": [("call-center", 5, 5, 2, "40.0%", "$17,000", "$8,500"),
               ("self-gen", 2, 1, 1, "100.0%", "$8,000", "$8,000"),
               ("web", 3, 3, 3, "100.0%", "$35,000", "$11,666.67")],
}
NOVEMBER_TOTAL = ("Total", 10, 9, 6, "66.7%", "$60,000", "$10,000")


def company_rows() -> dict[str, list[dict]]:
    """The company above as rows of the domain tables."""
    region, chicago, milwaukee = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    teams = {"North": uuid.uuid4(), "South": uuid.uuid4(), "Lake": uuid.uuid4()}
    team_of = {"ann": "North", "bob": "North", "maria": "North", "cara": "South", "dan": "Lake"}
    rows: dict[str, list[dict]] = {
        "regions": [{"id": region, "name": "Midwest"}],
        "offices": [{"id": chicago, "name": "Chicago", "region_id": region, "time_zone": CHICAGO},
                    {"id": milwaukee, "name": "Milwaukee", "region_id": region, "time_zone": CHICAGO}],
        "teams": [{"id": teams["North"], "name": "North", "office_id": chicago, "manager_id": R["maria"]},
                  {"id": teams["South"], "name": "South", "office_id": chicago},
                  {"id": teams["Lake"], "name": "Lake", "office_id": milwaukee}],
        "users": [{"id": R[name], "username": name, "full_name": name.title(),
                   "role": {"maria": "manager", "ada": "admin"}.get(name, "rep"),
                   "team_id": teams[team_of[name]] if name in team_of else None} for name in R],
        "result_codes": [{"id": uuid.uuid4(), "code": code, "label": code, "key": code[0].lower(), "sort_order": n,
                          "counts_as_issued": i, "counts_as_demo": d, "counts_as_sale": s}
                         for n, (code, (i, d, s)) in enumerate(CODES.items())],
        "leads": [], "jobs": [], "appointments": [],
    }
    tz = ZoneInfo(CHICAGO)
    for n, (rep, day, hour, code, product, source, sale, disregarded) in enumerate(APPOINTMENTS):
        lead, job = uuid.uuid4(), uuid.uuid4() if sale else None
        starts = datetime(day.year, day.month, day.day, int(hour), int(hour % 1 * 60), tzinfo=tz)
        rows["leads"].append({"id": lead, "first_name": f"Customer{n}", "last_name": "Known", "rep_id": R[rep],
                              "source": source, "product_interest": product, "pid": 100 + n, "custom": {}})
        if job:
            rows["jobs"].append({"id": job, "lead_id": lead, "job_number": 500 + n, "product": product,
                                 "result_code": code, "contract_cents": sale * 100, "sold_on": day})
        rows["appointments"].append({"id": uuid.uuid4(), "lead_id": lead, "rep_id": R[rep], "job_id": job,
                                     "starts_at": starts, "time_zone": CHICAGO, "result_code": code,
                                     "disregard_in_stats": disregarded})
    return rows


def fill_store(store) -> None:
    """The company in a device's store (an admin's: every row), Maria signed in."""
    rows = company_rows()
    managers = {row["id"]: row.pop("manager_id", None) for row in rows["teams"]}
    with store.session() as session:
        for table in ORDERED:
            if rows.get(table):
                session.execute(insert(SYNCED_TABLES[table].__table__), rows[table])
        for team, manager in managers.items():
            session.execute(update(Team).where(Team.id == team).values(manager_id=manager))
        from rep_tui.store.queries import set_setting

        set_setting(session, "current_user", str(R["maria"]))


@pytest.fixture
def known(empty_store):
    fill_store(empty_store)
    return empty_store


def shown(report) -> list[tuple]:
    """A report's rows as the hand-worked tables above write them."""
    return [(row.group, *(int(c) if c.isdigit() else c for c in row.cells()[1:])) for row in report.rows]


@pytest.mark.parametrize("by", list(NOVEMBER))
def test_november_by_each_grouping_equals_the_figures_worked_by_hand(known, by):
    with known.session() as session:
        report = build_report(session, Period.parse("month", "2026-11"), by, CHICAGO)
    assert report.label == "November 2026"
    assert shown(report) == NOVEMBER[by]
    assert report.total.cells() == [str(v) for v in NOVEMBER_TOTAL]


def test_october_a_week_from_monday_a_day_a_year_and_a_custom_range(known):
    def total(period: Period, by: str = "rep") -> tuple:
        with known.session() as session:
            report = build_report(session, period, by, CHICAGO)
        return report.label, shown(report), tuple(report.total.cells()[1:])

    # Dan's demo at 23:30 on Oct 31 is October's in Chicago (November's in UTC); Bob closed nothing: no average.
    assert total(Period.parse("month", "2026-10")) == ("October 2026", [
        ("Ann", 1, 1, 1, "100.0%", "$12,000", "$12,000"), ("Bob", 1, 1, 0, "0.0%", "$0", "—"),
        ("Dan", 1, 1, 0, "0.0%", "$0", "—")], ("3", "3", "1", "33.3%", "$12,000", "$12,000"))
    # The week of Wed Nov 4 runs Mon Nov 2 to Sun Nov 8: appointments 1, 2, 5, 6, 8 and Dan's Sunday sale (11).
    label, _rows, figures = total(Period.parse("week", "2026-11-04"))
    assert label == "Week of Nov 2, 2026"
    assert figures == ("6", "6", "5", "83.3%", "$51,000", "$10,200")
    assert total(Period.parse("week", "2026-W45"))[2] == figures  # the same week by its ISO number
    assert total(Period.parse("day", "2026-11-30"))[1] == [("Dan", 1, 1, 1, "100.0%", "$9,000", "$9,000")]
    assert total(Period.parse("year", "2026"))[2] == ("13", "12", "7", "58.3%", "$72,000", "$10,285.71")
    custom = Period("custom", date(2026, 10, 31), date(2026, 11, 3))  # 13, 8, 1
    assert total(custom, "office")[1] == [("Chicago", 2, 2, 2, "100.0%", "$30,000", "$15,000"),
                                          ("Milwaukee", 1, 1, 0, "0.0%", "$0", "—")]


def test_a_reps_row_equals_their_my_stats(known):
    """One place per fact: the report's figures are My Stats' for the same appointments."""
    from rep_tui.store.queries import stats_for

    period = Period.parse("month", "2026-11")
    start, end, _label = period.bounds(CHICAGO)
    with known.session() as session:
        report = build_report(session, period, "rep", CHICAGO)
        mine = stats_for(session, [R["ann"]], start, end)
    ann = report.rows[0]
    assert ann.group == "Ann" and ann.figures == mine


def test_a_period_written_wrong_is_told_how_to_write_it():
    with pytest.raises(ValueError, match="write it as YYYY-MM"):
        Period.parse("month", "Nov 2026")
    with pytest.raises(ValueError, match="use day, week, month, year"):
        Period.parse("fortnight", "2026-11")


# --- the screen ----------------------------------------------------------------


def _table(screen) -> list[list[str]]:
    table = screen.query_one("#report-table")
    return [[str(cell).strip() for cell in table.get_row_at(n)] for n in range(table.row_count)]


def _expected(rows, total=NOVEMBER_TOTAL) -> list[list[str]]:
    return [[str(cell) for cell in row] for row in [*rows, total]]


@pytest.mark.anyio
async def test_the_screen_steps_periods_and_groupings_by_keys_and_writes_what_it_shows(known, tmp_path):
    from rep_tui.app import RepApp
    from rep_tui.screens.reports import ReportsScreen
    from rep_tui.screens.team import TeamScreen

    app = RepApp(known, user_id=R["maria"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        # The Team view opened on this month, November: by rep.
        await wait_until(pilot, lambda: _table(screen) == _expected(NOVEMBER["rep"]), "November by rep")
        burst(pilot, "gg")  # rep -> team -> office
        await wait_until(pilot, lambda: _table(screen) == _expected(NOVEMBER["office"]), "November by office")
        assert "by office" in str(screen.query_one("#report-bar").render())
        burst(pilot, "gggp")  # -> product -> source -> rep; back to October
        await wait_until(pilot, lambda: _table(screen)[-1] == ["Total", "3", "3", "1", "33.3%", "$12,000",
                                                               "$12,000"], "October's total")
        assert [row[0] for row in _table(screen)] == ["Ann", "Bob", "Dan", "Total"]
        burst(pilot, "nwppp")  # back to November, this week (of Nov 23), three weeks back
        await wait_until(pilot, lambda: "Week of Nov 2, 2026" in str(screen.query_one("#report-bar").render()),
                         "the week of Nov 2")
        await wait_until(pilot, lambda: _table(screen)[-1][1:] == ["6", "6", "5", "83.3%", "$51,000",
                                                                   "$10,200"], "that week's total")
        burst(pilot, "mgggg")  # November by source
        await wait_until(pilot, lambda: _table(screen) == _expected(NOVEMBER["source"]), "November by source")
        path = tmp_path / "out" / "november.csv"
        await pilot.press("e")
        await settle(pilot)
        field = screen.query_one("#csv-path")
        assert field.has_focus and field.value.endswith("report-2026-11-01_2026-11-30-by-source.csv")
        field.value = str(path)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(str(path) in str(n.message) for n in app._notifications),
                         "the screen to say where it wrote")
        on_screen = _table(screen)
    with path.open(encoding="utf-8") as saved:
        lines = list(csv.reader(saved))
    assert lines[0] == ["Source", "Issued", "Demos", "Sales", "Close %", "Volume", "Avg sale"]
    money = lambda text: format_money(round(float(text) * 100)) if text else "—"  # noqa: E731
    as_shown = [[group, issued, demos, sales, f"{close}%", money(volume), money(avg)]
                for group, issued, demos, sales, close, volume, avg in lines[1:]]
    assert as_shown == on_screen


@pytest.mark.anyio
async def test_reports_are_in_the_palette_for_a_manager_and_not_for_a_rep(known):
    from rep_tui.app import RepApp
    from rep_tui.screens.reports import ReportsScreen

    for user, offered in (("maria", True), ("ann", False)):
        app = RepApp(known, user_id=R[user])
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await settle(pilot)
            burst(pilot, "reports")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ReportsScreen) == offered, user


def test_the_report_at_80x24(snap_compare, known):
    from rep_tui.app import RepApp
    from rep_tui.screens.reports import ReportsScreen

    app = RepApp(known, user_id=R["maria"])

    async def run_before(pilot) -> None:
        app.push_screen(ReportsScreen(Period.parse("month", "2026-11"), "office"))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


# --- the command line, on the server database -----------------------------------


def admin(url: str, *args: str):
    from rep_tui.cli import main

    return CliRunner().invoke(main, ["admin", "--db", url, *args], catch_exceptions=False)


def test_admin_report_json_and_csv_equal_the_core(backend, known):  # noqa: F811
    from rep_tui.server.admin import open_server
    from rep_tui.server.seed import add_rows

    engine = open_server(backend.url)
    add_rows(engine, company_rows())  # the same company as on the device (`known`)
    engine.dispose()
    for by in ("rep", "product"):
        answer = admin(backend.url, "report", "--period", "month", "--on", "2026-11", "--by", by, "--json")
        assert answer.exit_code == 0, answer.output
        got = json.loads(answer.output)
        assert [row["group"] for row in got["rows"]] == [row[0] for row in NOVEMBER[by]]
        assert got["total"] == {"group": "Total", "issued": 10, "demos": 9, "sales": 6, "close_rate": 6 / 9,
                                "volume_cents": 6_000_000, "average_sale_cents": 1_000_000}
        with known.session() as session:
            core = build_report(session, Period.parse("month", "2026-11"), by, CHICAGO).as_dict()
        assert got == json.loads(json.dumps(core))
    out = admin(backend.url, "report", "--on", "2026-11", "--by", "team", "--csv", "-").output
    assert list(csv.reader(io.StringIO(out)))[1:] == [
        ["Lake", "2", "2", "2", "100.0", "16000.00", "8000.00"], ["North", "6", "5", "3", "60.0", "24000.00", "8000.00"],
        ["South", "2", "2", "1", "50.0", "20000.00", "20000.00"], ["Total", "10", "9", "6", "66.7", "60000.00", "10000.00"]]
    table = admin(backend.url, "report", "--period", "week", "--on", "2026-W45").output
    assert table.splitlines()[0] == "Week of Nov 2, 2026 by rep (America/Chicago)" and "Margin: unknown" in table
    in_utc = json.loads(admin(backend.url, "report", "--on", "2026-11", "--tz", "UTC", "--json").output)
    assert in_utc["time_zone"] == "UTC" and in_utc["rows"][-1] == {  # Dan's Oct 31 23:30 in, Nov 30 23:30 out
        "group": "Dan", "issued": 2, "demos": 2, "sales": 1, "close_rate": 0.5, "volume_cents": 700_000,
        "average_sale_cents": 700_000}
    refused = admin(backend.url, "report", "--on", "2026-11", "--tz", "Mars/Base")
    assert refused.exit_code == 1 and "'Mars/Base' is not a time zone" in refused.output
    refused = admin(backend.url, "report", "--on", "November")
    assert refused.exit_code == 1 and "write it as YYYY-MM" in refused.output
    refused = admin(backend.url, "report", "--period", "custom", "--from", "2026-11-30", "--to", "2026-11-01")
    assert refused.exit_code == 1 and "before --from" in refused.output


def test_two_reps_of_one_name_keep_a_row_each(known):
    with known.session() as session:
        session.execute(update(User).where(User.id == R["bob"]).values(full_name="Ann"))
    with known.session() as session:
        report = build_report(session, Period.parse("month", "2026-11"), "rep", CHICAGO)
    assert sorted(shown(report)[:2], key=lambda row: row[1]) == [("Ann", 2, 2, 1, "50.0%", "$8,000", "$8,000"),
                                                                 ("Ann", 4, 3, 2, "66.7%", "$16,000", "$8,000")]


@pytest.mark.anyio
async def test_a_sync_that_brings_an_appointment_refreshes_the_report_shown(known):
    from rep_tui.app import RepApp
    from rep_tui.messages import RowsChanged
    from rep_tui.screens.reports import ReportsScreen
    from rep_tui.store.models import Appointment, Lead

    app = RepApp(known, user_id=R["maria"])
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ReportsScreen(Period.parse("month", "2026-11")))
        await settle(pilot)
        screen = app.screen
        await wait_until(pilot, lambda: _table(screen)[-1][1] == "10", "November's total")
        with known.session() as session:  # what a pull writes: Ann's no-show on Nov 13
            lead = session.scalars(select(Lead).where(Lead.rep_id == R["ann"])).first()
            session.add(Appointment(lead_id=lead.id, rep_id=R["ann"], time_zone=CHICAGO, result_code="NS",
                                    starts_at=datetime(2026, 11, 13, 16, tzinfo=ZoneInfo("UTC"))))
        app.post_message(RowsChanged(frozenset({"appointments"})))
        await wait_until(pilot, lambda: _table(screen)[-1][1] == "11", "the total to count the new appointment")
        assert _table(screen)[0][:2] == ["Ann", "5"]
