"""Keys typed in a burst land in the intended field, in order, and keys typed
while a screen or dialog opens act on it (see `rep_tui.ordered_keys`).

Every key here is posted at once with `burst`, as tmux, a paste or SSH
batching deliver them; `pilot.press` would wait after each key and hide the bug.
`tests/test_typeahead_tmux.py` does the same over a real terminal."""

from __future__ import annotations

import pytest
from rep_pilot import anyio_backend, burst, settle  # noqa: F401  (anyio_backend is a fixture)
from textual.widgets import Input

from rep_tui.app import RepApp
from rep_tui.dialogs.result import ResultDialog
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.edit_customer import EditCustomerScreen
from rep_tui.screens.search import SearchScreen
from rep_tui.screens.selfgen import SelfGenScreen
from rep_tui.store.models import Lead
from rep_tui.store.search import search

pytestmark = pytest.mark.anyio


def values(screen, *names: str) -> dict[str, str]:
    return {name: screen.query_one(f"#{name}").value for name in names}


async def test_tab_between_fields_in_a_burst_keeps_each_value_in_its_field(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, SelfGenScreen)
        burst(pilot, "Ann", "tab", "Leeuwen", "tab", "6305550199", "tab", "tab", "tab", "ann@example.com")
        await settle(pilot)
        assert values(app.screen, "first_name", "last_name", "home_phone", "email") == {
            "first_name": "Ann", "last_name": "Leeuwen", "home_phone": "6305550199", "email": "ann@example.com"}
        assert values(app.screen, "cell_phone", "work_phone") == {"cell_phone": "", "work_phone": ""}

        burst(pilot, "shift+tab", "shift+tab", "shift+tab", "shift+tab", "end", "-Smit")  # back to Last name
        await settle(pilot)
        assert values(app.screen, "last_name", "home_phone")["last_name"] == "Leeuwen-Smit"


async def test_a_screen_key_then_typing_types_on_the_new_screen(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(pilot, "f5", "Ann", "tab", "Lee")  # from the Dashboard: Self Gen opens, then the name goes in
        await settle(pilot)
        assert isinstance(app.screen, SelfGenScreen)
        assert values(app.screen, "first_name", "last_name") == {"first_name": "Ann", "last_name": "Lee"}

        burst(pilot, "f2", "obrien")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#query", Input).value == "obrien"


async def test_keys_typed_while_a_customer_and_its_edit_dialog_open_act_on_them_in_order(store):
    with store.session() as session:
        lead_id = search(session, "O'Brien")[0].lead_id
        lead = session.get(Lead, lead_id)
        home, cell = lead.home_phone, lead.cell_phone or ""
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_lead(lead_id)
        burst(pilot, "e", "tab", "ctrl+u", "(312) 555-0147")  # before the lead has even loaded
        await settle(pilot)
        assert isinstance(app.screen, EditCustomerScreen)
        assert app.screen.query_one("#home_phone", Input).value == (home or "")
        assert app.screen.query_one("#cell_phone", Input).value == "(312) 555-0147"
        assert cell != "(312) 555-0147"

        burst(pilot, "escape")
        await settle(pilot)


async def test_a_second_e_lands_in_the_dialog_without_wiping_the_saved_value(store):
    with store.session() as session:
        lead_id = search(session, "O'Brien")[0].lead_id
        home = session.get(Lead, lead_id).home_phone or ""
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lead(lead_id)
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        burst(pilot, "e", "e")
        await settle(pilot)
        assert isinstance(app.screen, EditCustomerScreen)
        assert app.screen.query_one("#home_phone", Input).value == home + "e"  # typed after it, not over it


async def test_result_dialog_keys_in_a_burst_pick_the_code_and_fill_each_field(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        burst(pilot, "r", "s", "ctrl+u", "Windows", "tab", "ctrl+u", "3", "tab", "ctrl+u", "14,250")
        await settle(pilot)
        assert isinstance(app.screen, ResultDialog)
        assert values(app.screen, "product", "units", "sale") == {
            "product": "Windows", "units": "3", "sale": "14,250"}
