"""Search, driven by keys on the demo company: results as you type, Enter
opens the top result, Down then Enter opens a row, filters narrow, `/`
jumps here; snapshots at 80×24 and 120×40."""

from __future__ import annotations

import pytest
from rep_pilot import anyio_backend, settle  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import select
from textual.widgets import Input

from rep_tui.app import RepApp
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.search import SearchScreen, highlight
from rep_tui.store.models import Lead, User
from rep_tui.store.search import SearchFilters, search
from rep_tui.widgets.lead_table import LeadTable

pytestmark = pytest.mark.anyio


def _keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def _search_for(pilot, text: str) -> LeadTable:
    """Go to Search, type `text`, wait for the results."""
    await pilot.press("2")
    await pilot.pause()
    await pilot.press(*_keys(text))
    await settle(pilot)
    return pilot.app.screen.query_one("#results", LeadTable)


def _hits(store, text: str, **filters) -> list:
    with store.session() as session:
        return search(session, text, limit=100, filters=SearchFilters(**filters))


async def test_empty_search_tells_the_rep_what_to_type(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.query_one("#empty-help").display
        assert "phone in any format" in str(screen.query_one("#empty-help").render())
        assert not screen.query_one("#results").display
        assert app.focused is screen.query_one("#query")


async def test_typing_obrien_and_enter_opens_the_top_obrien(store):
    expected = _hits(store, "obrien")
    assert len(expected) > 1 and all("O'Brien" in hit.name for hit in expected)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", *"obrien", "enter")  # Enter before the results arrive still opens the top one
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert app.screen.lead_id == expected[0].lead_id


async def test_back_from_a_lead_lands_on_the_results_so_digits_switch_screens(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", *"obrien", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert app.focused is screen.query_one("#results", LeadTable)
        assert screen.query_one("#query", Input).value == "obrien"
        await pilot.press("4")
        await settle(pilot)
        assert app.current_mode == "appointments"
        await pilot.press("slash")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#query", Input)


async def test_results_show_which_field_matched_and_down_enter_opens_a_row(store):
    expected = _hits(store, "obrien")
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _search_for(pilot, "obrien")
        assert table.lead_ids == [hit.lead_id for hit in expected]
        assert table.get_cell_at((0, 1)).plain == "name"
        assert "match “obrien”" in str(app.screen.query_one("#search-status").render())
        await pilot.press("down")
        assert app.focused is table
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomerScreen)
        assert app.screen.lead_id == expected[1].lead_id
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)


def _column_labels(table: LeadTable) -> list[str]:
    return [str(column.label) for column in table.columns.values()]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_a_managers_results_name_each_leads_rep_and_a_reps_do_not(store, size):
    with store.session() as session:
        manager = session.scalars(select(User).where(User.username == "demo-manager")).one()
        owners = {lead.id: session.get(User, lead.rep_id).full_name for lead in session.scalars(select(Lead))}
    expected = _hits(store, "obrien")
    assert len({owners[hit.lead_id] for hit in expected}) > 1  # leads of several reps
    app = RepApp(store, user_id=manager.id)
    async with app.run_test(size=size) as pilot:
        table = await _search_for(pilot, "obrien")
        labels = _column_labels(table)
        assert labels[:2] == ["Name", "Rep"]
        assert ("Matched" in labels) == (size[0] >= 110)  # at 80 columns Rep takes Matched's room
        assert table.lead_ids == [hit.lead_id for hit in expected]
        assert [str(table.get_cell_at((row, 1))) for row in range(table.row_count)] == [
            owners[hit.lead_id] for hit in expected]
    app = RepApp(store)
    async with app.run_test(size=size) as pilot:
        table = await _search_for(pilot, "obrien")
        assert _column_labels(table) == ["Name", "Matched", "Phone", "Address", "PID"]


async def test_a_phone_typed_in_another_format_finds_the_lead(store):
    with store.session() as session:
        lead = session.scalars(
            select(Lead).where(Lead.home_phone_e164.is_not(None), Lead.home_phone.like("(%")).order_by(Lead.pid)
        ).first()
    number = lead.home_phone_e164[2:]
    dotted = f"{number[:3]}.{number[3:6]}.{number[6:]}"  # stored as "(ddd) ddd-dddd"
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _search_for(pilot, dotted)
        assert lead.id in table.lead_ids
        row = table.lead_ids.index(lead.id)
        assert table.get_cell_at((row, 1)).plain == "phone"


async def test_filters_narrow_the_results(store):
    everyone = _hits(store, "o")
    sold = _hits(store, "o", result_code="SOLD")
    assert 0 < len(sold) < len(everyone)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _search_for(pilot, "o")
        assert table.lead_ids == [hit.lead_id for hit in everyone]
        await pilot.press("ctrl+f")  # the filter row opens on the Result filter
        assert app.screen.query_one("#filters").display
        await pilot.press("enter", "down", "enter")  # the first result code: Sold
        await settle(pilot)
        assert table.lead_ids == [hit.lead_id for hit in sold]
        await pilot.press("ctrl+f")  # closing the row drops the filters
        await settle(pilot)
        assert table.lead_ids == [hit.lead_id for hit in everyone]


async def test_a_bad_date_in_the_filter_says_so_and_keeps_the_results(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _search_for(pilot, "o")
        before = table.lead_ids
        await pilot.press("ctrl+f", "tab", "tab", *"2026-13-01")
        await settle(pilot)
        since = app.screen.query_one("#since")
        assert since.error == "Not a date. Use YYYY-MM-DD, 12/1, -7, +3, tomorrow or mon…sun."
        assert since.value == "2026-13-01"
        assert table.lead_ids == before


async def test_slash_jumps_to_search_and_focuses_the_box(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.focused is app.screen.query_one("#query")
        await pilot.press(*"obr", "escape", "4")  # Escape leaves the box so digits switch screens again
        await pilot.pause()
        assert app.current_mode == "appointments"


async def test_slash_on_a_lead_or_the_results_starts_a_new_search(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", *"obrien", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press("slash")  # on the lead opened from Search
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen) and len(app.screen_stack) == 1
        query = app.screen.query_one("#query", Input)
        assert app.focused is query
        await pilot.press(*"smith")  # the old text was selected: typing replaces it
        await settle(pilot)
        assert query.value == "smith"

        await pilot.press("down")
        assert app.focused is app.screen.query_one("#results", LeadTable)
        await pilot.press("slash", *"6")  # from the results, digits go into the box, not to My Stats
        await settle(pilot)
        assert app.current_mode == "search" and query.value == "6"


def test_highlight_marks_the_matched_text_ignoring_accents_and_punctuation():
    def marked(cell: str, query: str) -> list[str]:
        text = highlight(cell, query)
        return [cell[span.start:span.end] for span in text.spans]

    assert marked("Kathleen O'Brien", "obrien") == ["O'Brien"]
    assert marked("Anh Nguyễn", "nguyen") == ["Nguyễn"]
    assert marked("Margaret Smith-Jones", "jones") == ["Jones"]
    assert marked("(312) 555-0147", "312.555.0147") == ["312) 555-0147"]
    assert marked("(312) 555-0147", "0147") == ["0147"]
    assert marked("Brien Walsh", "obrien") == []


def _steady_cursors(pilot) -> None:
    """Stop the text cursor blinking, so a snapshot does not depend on when it is taken."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_search_snapshot(snap_compare, store, size):
    async def run_before(pilot) -> None:
        await _search_for(pilot, "obrien")
        _steady_cursors(pilot)

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)
