"""Keys that mean one thing, by keys only on the demo company: 1–6 (and F1–F6,
`/`, the palette) show a main screen from its top from anywhere; Esc goes
back one level and never drops typed text unasked; `r` results and `f` sets
the follow-up on Customer Information too; Ctrl+S on a Self Gen duplicate asks."""

from __future__ import annotations

import pytest
from rep_pilot import anyio_backend, retype, settle  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import func, select
from textual.widgets import DataTable, Input, TextArea

from rep_tui.app import RepApp
from rep_tui.clock import utcnow
from rep_tui.dialogs.follow_up import FollowUpDialog
from rep_tui.dialogs.result import ResultDialog
from rep_tui.screens.bebacks import BeBacksScreen
from rep_tui.screens.confirm import ChoiceScreen, ConfirmScreen
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.dashboard import DashboardScreen
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.screens.help import TYPING_NOTE, HelpScreen
from rep_tui.screens.search import SearchScreen
from rep_tui.screens.selfgen import SelfGenScreen
from rep_tui.store.models import Appointment, Lead, User
from rep_tui.store.search import search
from rep_tui.widgets.lead_header import FieldLines

pytestmark = pytest.mark.anyio


def _obrien(store):
    with store.session() as session:
        return search(session, "O'Brien")[0].lead_id


async def _open_from_search(pilot, text: str = "obrien") -> CustomerScreen:
    await pilot.press("2", *text, "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CustomerScreen)
    return pilot.app.screen


def _asks_to_discard(app) -> bool:
    return isinstance(app.screen, ConfirmScreen) and app.screen.question == "Discard changes?"


# --- 1–6, F1–F6, / and the palette: a main screen from its top -----------------------


async def test_from_a_lead_opened_from_search_1_shows_the_dashboard_and_2_the_search_box_selected(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_from_search(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen) and len(app.screen_stack) == 1  # the lead was closed
        box = screen.query_one("#query", Input)
        assert app.focused is box and box.value == "obrien"
        assert box.selected_text == "obrien"
        await pilot.press(*"nguyen")  # typing replaces the selected query
        assert box.value == "nguyen"


async def test_the_key_of_the_screen_you_are_on_goes_to_its_top(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#be-backs", DataTable)
        assert isinstance(screen, BeBacksScreen) and table.row_count > 3
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press("f3")  # from the lead: Be Backs again, from its top
        await settle(pilot)
        assert app.screen is screen and len(app.screen_stack) == 1
        assert app.focused is table and table.cursor_row == 0
        await pilot.press("down", "down", "tab")
        await pilot.press("3")
        await settle(pilot)
        assert app.focused is table and table.cursor_row == 0


async def test_palette_and_slash_show_the_screen_the_same_way(store):
    from test_shell import palette_pick

    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_from_search(pilot)
        await palette_pick(pilot, "Open Search")
        screen = app.screen
        assert isinstance(screen, SearchScreen) and len(app.screen_stack) == 1
        assert app.focused is screen.query_one("#query") and app.focused.selected_text == "obrien"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press("slash")
        await settle(pilot)
        assert app.screen is screen and app.focused.selected_text == "obrien"


async def test_f2_over_a_form_with_typed_text_asks_before_closing_it(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        customer = await _open_from_search(pilot)
        await pilot.press("c", "a")
        await settle(pilot)
        await pilot.press(*"call", "space", *"back")
        dialog = app.screen
        await pilot.press("f2")
        await settle(pilot)
        assert _asks_to_discard(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is dialog and dialog.query_one(TextArea).text == "call back"  # nothing lost
        await pilot.press("f2", "y")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen) and customer not in app.screen_stack


# --- Esc: back one level, nothing typed lost -------------------------------------------


async def test_escape_goes_back_to_the_dashboard_from_a_main_screen_and_search_keeps_its_query(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # nothing behind the Dashboard
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        for key in ("3", "4", "6"):
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen), key
        await pilot.press("2", *"obrien")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("2")
        await settle(pilot)
        assert app.focused.value == "obrien" and app.focused.selected_text == "obrien"


# (keys that open the form on the O'Brien lead, keys that change it)
FORMS = {
    "edit_customer": (("e",), ("x",)),
    "comment": (("c", "a"), ("x",)),
    "contact": (("o", "a"), ("x",)),
    "engagement": (("g", "a"), ("x",)),
    "upload": (("u",), ("x",)),
    "follow_up": (("f",), ("ctrl+u", "x")),
}


def _form_text(screen) -> tuple:
    return tuple(w.text if isinstance(w, TextArea) else w.value for w in screen.query("Input, TextArea"))


async def _open_lead(pilot, lead_id) -> CustomerScreen:
    pilot.app.open_lead(lead_id)
    await settle(pilot)
    assert isinstance(pilot.app.screen, CustomerScreen)
    return pilot.app.screen


async def _open_form(pilot, store, form: str):
    """Customer Information of the O'Brien lead, and the form its keys open on it."""
    customer = await _open_lead(pilot, _obrien(store))
    await pilot.press(*FORMS[form][0])
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, (FormDialog, FollowUpDialog))
    return customer, dialog


@pytest.mark.parametrize("form", list(FORMS))
async def test_escape_on_a_changed_form_asks_and_n_keeps_the_text_y_closes(store, form):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        customer, dialog = await _open_form(pilot, store, form)
        await pilot.press(*FORMS[form][1])
        typed = _form_text(dialog)
        await pilot.press("escape")
        await settle(pilot)
        assert _asks_to_discard(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is dialog and _form_text(dialog) == typed
        await pilot.press("escape")
        await settle(pilot)
        assert _asks_to_discard(app)
        await pilot.press("escape")  # Esc on the question is "no" too
        await settle(pilot)
        assert app.screen is dialog and _form_text(dialog) == typed
        await pilot.press("escape", "y")
        await settle(pilot)
        assert app.screen is customer


@pytest.mark.parametrize("form", list(FORMS))
async def test_escape_on_an_unchanged_form_closes_at_once(store, form):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        customer, _dialog = await _open_form(pilot, store, form)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is customer


async def test_self_gen_escape_asks_when_the_form_holds_anything(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("escape")  # empty form: straight back
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        await pilot.press(*"Jane", "escape")
        await settle(pilot)
        assert _asks_to_discard(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#first_name").value == "Jane"
        await pilot.press("f1", "f5")  # switching away keeps the form as it is
        await settle(pilot)
        assert screen.query_one("#first_name").value == "Jane"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and screen.query_one("#first_name").value == ""


# --- r and f on Customer Information --------------------------------------------------


def _lead_with_open_appointment(store):
    """A demo rep's lead with an appointment still to result, and the one `r` results:
    the latest already started, else the next one ahead."""
    with store.session() as session:
        rep = session.scalars(select(User.id).where(User.username == "demo")).one()
        lead_id = session.scalars(
            select(Appointment.lead_id).where(Appointment.rep_id == rep, Appointment.result_code.is_(None),
                                              Appointment.deleted.is_(False))
            .group_by(Appointment.lead_id).order_by(func.count().desc(), Appointment.lead_id).limit(1)).one()
        appointments = session.scalars(select(Appointment).where(Appointment.lead_id == lead_id)).all()
        unresulted = sorted((a for a in appointments if a.result_code is None and not a.deleted),
                            key=lambda a: a.starts_at)
        started = [a for a in unresulted if a.starts_at <= utcnow()]
    return lead_id, (started[-1] if started else unresulted[0]).id


async def test_r_on_customer_information_results_the_open_appointment(store):
    lead_id, appointment_id = _lead_with_open_appointment(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        customer = await _open_lead(pilot, lead_id)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ResultDialog) and app.screen.appointment_id == appointment_id
        await pilot.press("n", "enter")  # No Demo: nothing more to fill in
        await settle(pilot)
        assert app.screen is customer
    with store.session() as session:
        assert session.get(Appointment, appointment_id).result_code == "ND"


async def test_r_without_an_open_appointment_says_so(store):
    with store.session() as session:
        open_leads = select(Appointment.lead_id).where(Appointment.result_code.is_(None))
        lead_id = session.scalars(select(Lead.id).where(Lead.id.not_in(open_leads)).order_by(Lead.pid)).first()
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        customer = await _open_lead(pilot, lead_id)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is customer
        assert any("no appointment waiting for a result" in str(n.message) for n in app._notifications)


async def test_l_shows_related_and_f_sets_the_follow_up_shown_in_the_header(store):
    lead_id = _obrien(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        customer = await _open_lead(pilot, lead_id)
        await pilot.press("l")
        await settle(pilot)
        assert customer.active_tab == "related"
        header = customer.query_one(FieldLines)
        with store.session() as session:
            assert session.get(Lead, lead_id).follow_up_on is None
        assert "Follow-up" not in str(header.render())  # hidden while there is none
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpDialog)
        await retype(pilot, "fri")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is customer
        assert "Follow-up Fri Nov 27" in str(header.render())
    with store.session() as session:
        assert str(session.get(Lead, lead_id).follow_up_on) == "2026-11-27"


# --- Self Gen: Ctrl+S on a duplicate asks ----------------------------------------------


async def test_ctrl_s_on_a_duplicate_asks_open_or_save_anyway(store):
    with store.session() as session:
        existing = session.scalars(select(Lead).where(Lead.cell_phone_e164.is_not(None)).order_by(Lead.pid)).first()

    def self_gen_count() -> int:
        with store.session() as session:
            return session.scalar(select(func.count()).select_from(Lead).where(Lead.source == "self-gen"))

    before = self_gen_count()
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        await pilot.press(*"Jane", "tab", *"Doe", "tab", "tab", *existing.cell_phone_e164[2:])
        await settle(pilot)
        assert screen.query_one("#duplicates").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen) and existing.name in app.screen.question
        await pilot.press("escape")  # neither: nothing saved, nothing lost
        await settle(pilot)
        assert app.screen is screen and self_gen_count() == before
        assert screen.query_one("#first_name").value == "Jane"
        await pilot.press("ctrl+s", "o")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen) and app.screen.lead_id == existing.id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#last_name").value == "Doe"  # the form as it was
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert self_gen_count() == before + 1
        assert screen.query_one("#first_name").value == ""


# --- Help -------------------------------------------------------------------------------


async def test_help_says_digits_type_in_text_fields_and_function_keys_work_everywhere(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")  # the form's first field has focus
        await settle(pilot)
        await pilot.press("3")
        assert app.screen.query_one("#first_name").value == "3"
        await pilot.press("f1", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert TYPING_NOTE in str(app.screen.query_one(".help-note").render())
        rows = {tuple(str(cell) for cell in table.get_row_at(i))
                for table in app.screen.query(DataTable) for i in range(table.row_count)}
        assert ("esc", "Back") in rows
