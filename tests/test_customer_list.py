"""The customer list (Customers, key 8): the store's pages and count against
a plain-Python reading of every lead of the demo company (1,500 leads, real
SQLite), in every order and under every filter; the screen driven by keys
in bursts: it reads pages as the cursor moves down, Home/End, Enter opens
the right customer, s sorts, filters set in the form by keys; a snapshot."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from rep_pilot import burst, settle, wait_until
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.store import customer_list
from rep_tui.store.customer_list import CHOICE_FIELDS, SORTS, CustomerFilters, CustomerQuery
from rep_tui.store.models import Appointment, CustomField, Job, Lead, Team, User
from rep_tui.store.queries import day_bounds

TZ = "America/Chicago"
STATUS = next(iter(CHOICE_FIELDS))  # the customer's status: the lead's one field picked from a list
SORT_KEYS = {
    "name": lambda lead: (lead.last_name, lead.first_name),
    "created": lambda lead: (lead.created_at,),
    "city": lambda lead: (lead.city or "",),
    "zip": lambda lead: (lead.zip or "",),
    "pid": lambda lead: (lead.pid or 0,),
}


def every_page(session, query: CustomerQuery, limit: int = 97) -> list[uuid.UUID]:
    """The whole list, read forward a page at a time."""
    ids, after = [], None
    while True:
        rows = customer_list.page(session, query, after=after, limit=limit)
        ids += [row.lead_id for row in rows]
        if len(rows) < limit:
            return ids
        after = rows[-1].key


def every_page_backwards(session, query: CustomerQuery, limit: int = 97) -> list[uuid.UUID]:
    rows = customer_list.page(session, query, last=True, limit=limit)
    ids = [row.lead_id for row in rows]
    while len(rows) == limit:
        rows = customer_list.page(session, query, before=rows[0].key, limit=limit)
        ids = [row.lead_id for row in rows] + ids
    return ids


def test_sort_keys_cover_every_order():
    assert set(SORT_KEYS) == set(SORTS)


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", list(SORT_KEYS))
def test_pages_walk_every_lead_once_in_order_both_ways(store, sort, descending):
    with store.session() as s:
        leads = list(s.scalars(select(Lead).where(Lead.deleted.is_(False))))
        expected = [lead.id for lead in sorted(leads, key=lambda lead: (*SORT_KEYS[sort](lead), lead.id.hex),
                                                reverse=descending)]
        query = CustomerQuery(sort=sort, descending=descending)
        assert every_page(s, query) == expected
        assert every_page_backwards(s, query) == expected
        assert customer_list.count(s, query) == len(expected)


def _oracle(session) -> dict:
    """Everything the filters look at, read plainly."""
    leads = {lead.id: lead for lead in session.scalars(select(Lead).where(Lead.deleted.is_(False)))}
    last_result, appointments = {}, {}
    for appt in session.scalars(select(Appointment).where(Appointment.deleted.is_(False))
                                .order_by(Appointment.starts_at)):
        appointments.setdefault(appt.lead_id, []).append(appt.starts_at)
        if appt.result_code:
            last_result[appt.lead_id] = appt.result_code
    products = {}
    for job in session.scalars(select(Job).where(Job.deleted.is_(False))):
        products.setdefault(job.lead_id, set()).add(job.product)
    users = {user.id: user for user in session.scalars(select(User))}
    teams = {team.id: team for team in session.scalars(select(Team))}
    return {"leads": leads, "last_result": last_result, "appointments": appointments, "products": products,
            "users": users, "teams": teams}


def _matches(o: dict, lead: Lead, f: CustomerFilters) -> bool:
    rep = o["users"].get(lead.rep_id)
    team = o["teams"].get(rep.team_id) if rep and rep.team_id else None
    starts = o["appointments"].get(lead.id, [])

    def within(moments, since, until) -> bool:
        low = day_bounds(since, TZ)[0] if since else None
        high = day_bounds(until, TZ)[1] if until else None
        return any((low is None or m >= low) and (high is None or m < high) for m in moments)

    return all((
        f.result is None or o["last_result"].get(lead.id) == f.result,
        f.product is None or lead.product_interest == f.product or f.product in o["products"].get(lead.id, ()),
        f.source is None or lead.source == f.source,
        f.rep_id is None or lead.rep_id == f.rep_id,
        f.team_id is None or (rep is not None and rep.team_id == f.team_id),
        f.office_id is None or (team is not None and team.office_id == f.office_id),
        not (f.created_from or f.created_until) or within([lead.created_at], f.created_from, f.created_until),
        not (f.appointment_from or f.appointment_until) or within(starts, f.appointment_from, f.appointment_until),
        f.zip is None or (lead.zip or "").startswith(f.zip),
        f.city is None or (lead.city or "").lower() == f.city.lower(),
        all(getattr(lead, name) == value for name, value in f.picked),
        all(_custom_matches((lead.custom or {}).get(key), value, key) for key, value in f.custom),
    ))


def _custom_matches(stored, wanted, key: str) -> bool:
    if key == "gate_code":  # the text field: any part, any case
        return isinstance(stored, str) and wanted.lower() in stored.lower()
    return stored == wanted


def _with_custom_values(store) -> None:
    """A text and a choice field, filled on every 7th and 5th lead."""
    with store.session() as s:
        s.add_all([CustomField(key="gate_code", label="Gate Code", kind="text", sort_order=1),
                   CustomField(key="siding", label="Siding", kind="choice", choices=["Cedar", "Vinyl"], sort_order=2)])
        for n, lead in enumerate(s.scalars(select(Lead).order_by(Lead.pid))):
            custom = dict(lead.custom or {})
            if n % 7 == 0:
                custom["gate_code"] = f"Gate #{n % 3}42"
            if n % 5 == 0:
                custom["siding"] = "Cedar" if n % 2 else "Vinyl"
            lead.custom = custom


def test_every_filter_gives_exactly_the_leads_that_match(store):
    _with_custom_values(store)
    with store.session() as s:
        o = _oracle(s)
        choices = customer_list.filter_choices(s)
        rep = next(lead.rep_id for lead in o["leads"].values() if lead.rep_id)
        team = o["users"][rep].team_id
        office = o["teams"][team].office_id
        a_lead = next(lead for lead in o["leads"].values() if lead.zip and lead.city)
        cases = [
            CustomerFilters(result="SOLD"), CustomerFilters(result="BB"),
            CustomerFilters(product=choices.products[0]), CustomerFilters(source=choices.sources[0]),
            CustomerFilters(rep_id=rep), CustomerFilters(team_id=team), CustomerFilters(office_id=office),
            CustomerFilters(created_from=date(2026, 10, 1), created_until=date(2026, 11, 15)),
            CustomerFilters(appointment_from=date(2026, 11, 20)),
            CustomerFilters(appointment_until=date(2026, 11, 1)),
            CustomerFilters(zip=a_lead.zip[:3]), CustomerFilters(city=a_lead.city.upper()),
            CustomerFilters(picked=((STATUS, "prospect"),)),
            CustomerFilters(custom=(("gate_code", "gate #1"),)), CustomerFilters(custom=(("siding", "Cedar"),)),
            CustomerFilters(source=choices.sources[0], office_id=office, result="DNS"),
        ]
        kinds = tuple((d.key, d.kind) for d in choices.custom)
        for filters in cases:
            query = CustomerQuery(filters=filters, tz=TZ, custom_kinds=kinds)
            expected = {lead.id for lead in o["leads"].values() if _matches(o, lead, filters)}
            found = every_page(s, query)
            assert expected, f"the demo data has no lead for {filters}: the case tests nothing"
            assert len(expected) < len(o["leads"]), f"{filters} leaves every lead: the case tests nothing"
            assert set(found) == expected and len(found) == len(expected), filters
            assert customer_list.count(s, query) == len(expected), filters


# --- the screen ---------------------------------------------------------------


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _names_in_order(store, query: CustomerQuery = CustomerQuery()) -> list[uuid.UUID]:
    with store.session() as s:
        return every_page(s, query, limit=500)


async def _open(pilot):
    from rep_tui.screens.customer_list import CustomerListScreen

    burst(pilot, "8")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CustomerListScreen)
    await wait_until(pilot, lambda: screen.rows and screen.total is not None, "the first page and the count")
    return screen


def _at_cursor(screen) -> uuid.UUID:
    from rep_tui.screens.customer_list import CustomerTable

    return screen.query_one(CustomerTable).current.lead_id


@pytest.mark.anyio
async def test_moving_down_reads_pages_as_it_goes_and_never_holds_them_all(store):
    from rep_tui.screens.customer_list import WINDOW

    order = _names_in_order(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        assert len(screen.rows) == customer_list.PAGE_SIZE
        burst(pilot, *["down"] * 450)  # faster than any page arrives
        await settle(pilot)
        assert screen.window_start + screen.query_one("#customers").cursor_row == 450
        assert _at_cursor(screen) == order[450]
        assert len(screen.rows) <= WINDOW
        burst(pilot, *["up"] * 400)
        await settle(pilot)
        assert _at_cursor(screen) == order[50]
        burst(pilot, "end")
        await settle(pilot)
        assert _at_cursor(screen) == order[-1]
        assert f"{len(order):,} customers · row {len(order):,}" in str(screen.query_one("#customer-count").render())
        burst(pilot, "home")
        await settle(pilot)
        assert _at_cursor(screen) == order[0]


@pytest.mark.anyio
async def test_keys_typed_before_the_next_page_arrives_move_the_cursor_once_it_does(store, monkeypatch):
    """A slow disk: the pages after the first are held until the keys are all in."""
    import threading

    from rep_pilot import keys_delivered

    order = _names_in_order(store)
    disk = threading.Event()
    read = customer_list.page

    def slow_page(session, query, **where):
        if where.get("after") is not None:
            assert disk.wait(30), "the test never let the page be read"
        return read(session, query, **where)

    monkeypatch.setattr(customer_list, "page", slow_page)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        burst(pilot, *["down"] * 250)
        await keys_delivered(pilot)
        assert screen.query_one("#customers").cursor_row == customer_list.PAGE_SIZE - 1  # the last row held
        disk.set()
        await settle(pilot)
        assert _at_cursor(screen) == order[250]


@pytest.mark.anyio
async def test_a_sync_reads_the_count_and_rows_again_keeping_the_cursor_on_its_customer(store):
    order = _names_in_order(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        burst(pilot, *["down"] * 120)
        await settle(pilot)
        assert _at_cursor(screen) == order[120]
        with store.session() as s:  # what a pull would bring: a new customer, first in the list
            s.add(Lead(first_name="Aaron", last_name="Aaberg", source="web"))
        app.rows_changed_signal.publish(frozenset({"leads"}))
        await settle(pilot)
        assert screen.total == len(order) + 1
        assert _at_cursor(screen) == order[120]
        burst(pilot, "home")
        await settle(pilot)
        assert screen.rows[0].name == "Aaron Aaberg"


@pytest.mark.anyio
async def test_enter_opens_the_customer_under_the_cursor(store):
    from rep_tui.screens.customer import CustomerScreen

    order = _names_in_order(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        burst(pilot, *["down"] * 130, "enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert app.screen.lead_id == order[130]
        burst(pilot, "escape")
        await settle(pilot)
        assert _at_cursor(app.screen) == order[130]


@pytest.mark.anyio
async def test_s_sorts_by_the_next_column_and_shift_s_reverses(store):
    newest_first = _names_in_order(store, CustomerQuery(sort="created", descending=True))
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        burst(pilot, "s")
        await settle(pilot)
        assert (screen.query_now.sort, screen.query_now.descending) == ("created", True)
        assert _at_cursor(screen) == newest_first[0]
        burst(pilot, "S")
        await settle(pilot)
        assert _at_cursor(screen) == newest_first[-1]
        assert "by Created ↑" in str(screen.query_one("#customer-count").render())


@pytest.mark.anyio
async def test_the_palette_opens_customers_and_a_click_on_a_header_sorts_by_it(store):
    from test_shell import palette_pick

    from rep_tui.screens.customer_list import CustomerListScreen, CustomerTable

    by_city = _names_in_order(store, CustomerQuery(sort="city"))
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await palette_pick(pilot, "Customers: every customer")
        screen = app.screen
        assert isinstance(screen, CustomerListScreen)
        await wait_until(pilot, lambda: screen.rows, "the first page")
        table = screen.query_one(CustomerTable)
        city = next(n for n, (index, _width) in enumerate(table._widths) if table.all_columns[index].label == "City")
        x = sum(width + 2 * table.cell_padding for _index, width in table._widths[:city]) + 1
        await pilot.click(CustomerTable, offset=(x, 0))
        await settle(pilot)
        assert screen.query_now.sort == "city" and _at_cursor(screen) == by_city[0]
        await pilot.click(CustomerTable, offset=(x, 0))
        await settle(pilot)
        assert screen.query_now.descending and _at_cursor(screen) == by_city[-1]


@pytest.mark.anyio
async def test_filters_set_by_keys_narrow_the_list_and_x_clears_them(store):
    with store.session() as s:
        source = customer_list.filter_choices(s).sources[1]  # the second source: Down twice from "any"
        city = s.scalar(select(Lead.city).where(Lead.source == source, Lead.city.is_not(None)).limit(1))
        expected = customer_list.count(s, CustomerQuery(filters=CustomerFilters(source=source, city=city)))
        every = customer_list.count(s, CustomerQuery())
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        burst(pilot, "f")
        await settle(pilot)
        burst(pilot, "tab", "tab", "enter")  # Last result, Product, then Source's list opens
        await settle(pilot)
        burst(pilot, "down", "down", "enter")
        await settle(pilot)
        burst(pilot, *["tab"] * 10, city.lower(), "ctrl+s")  # past the dates and ZIP to City
        await settle(pilot)
        assert screen.query_now.filters == CustomerFilters(source=source, city=city.lower())
        assert screen.total == expected < every
        assert f"Source {source} · City {city.lower()}" in str(screen.query_one("#customer-filters").render())
        with store.session() as s:
            shown = {lead.id: lead for lead in s.scalars(select(Lead).where(Lead.id.in_(
                [row.lead_id for row in screen.rows])))}
        assert shown and all(lead.source == source and lead.city == city for lead in shown.values())
        burst(pilot, "x")
        await settle(pilot)
        assert screen.total == every
        assert "All customers" in str(screen.query_one("#customer-filters").render())


@pytest.mark.anyio
async def test_a_date_that_is_not_one_is_refused_in_the_form(store):
    from rep_tui.screens.customer_filters import CustomerFiltersDialog

    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        burst(pilot, "f")
        await settle(pilot)
        burst(pilot, *["tab"] * 7, "next blurday", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFiltersDialog)
        assert "Created from" in str(app.screen.query_one("#field-created_from .field-error").render())
        assert screen.query_now.filters == CustomerFilters()


def test_customers_at_80x24(snap_compare, store):
    async def run_before(pilot) -> None:
        screen = await _open(pilot)
        burst(pilot, *["down"] * 3)
        await settle(pilot)
        await wait_until(pilot, lambda: screen.query_one("#customers").row_count == len(screen.rows),
                         "the table to be drawn")

    assert snap_compare(RepApp(store), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.anyio
async def test_the_filters_line_shows_typed_text_as_typed_never_as_markup(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        screen._filter(CustomerFilters(city="[b]Oak[/b] [@click=app.quit]x"))
        await settle(pilot)
        assert "City [b]Oak[/b] [@click=app.quit]x" in str(screen.query_one("#customer-filters").render())
        assert screen.total == 0 and screen.query_one("#customer-empty").display
