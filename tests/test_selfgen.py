"""Self Gen: the store function (checks, one transaction, E.164 phones, no
PID until sync) and the screen driven by keys on the demo company — a bad
phone is refused beside the field, an existing phone warns of a duplicate
that Ctrl+O opens, Ctrl+S saves and the new lead tops the list."""

from __future__ import annotations

import pytest
from rep_pilot import anyio_backend, retype, settle  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import func, select
from textual.widgets import Input

from rep_tui.app import RepApp
from rep_tui.dialogs.book import BookDialog
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.selfgen import SelfGenScreen
from rep_tui.store import writes
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Comment, Lead, User
from rep_tui.store.queries import current_user
from rep_tui.store.selfgen import CONTACT_NEEDED, NAME_NEEDED, FormInvalid, SelfGenForm, create_self_gen_lead, problems
from rep_tui.widgets.lead_table import LeadTable
from rep_tui.widgets.validated_input import ValidatedInput

NEW_CELL = "(630) 555-0177"  # no demo lead has it

pytestmark = pytest.mark.anyio


def _keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


# --- the store function -----------------------------------------------------------


def test_problems_name_each_field_in_words():
    assert problems(SelfGenForm()) == {"first_name": NAME_NEEDED, "home_phone": CONTACT_NEEDED}
    found = problems(SelfGenForm(last_name="Doe", cell_phone="555-12", email="jane@", state="Ill", zip="606"))
    assert found == {
        "cell_phone": "A phone needs 10 digits with the area code; this has 5.",
        "email": "There must be something after the @-sign.",
        "state": "Use the two-letter state code, like IL or TX.",
        "zip": "A ZIP code is 5 digits, or 5+4 like 60614-1234.",
    }  # a bad phone still counts as "a phone was given"
    assert problems(SelfGenForm(first_name="Jane", address="12 Oak St")) == {}


def test_create_saves_lead_comment_history_and_outbox_together(empty_store):
    with empty_store.session() as s:
        rep = User(username="demo", full_name="Dana Reyes")
        s.add(rep)
        s.flush()
        actor = writes.Actor(rep.id, rep.full_name, "dev-1")
        lead = create_self_gen_lead(s, actor, SelfGenForm(
            first_name=" Jane ", last_name="Doe", cell_phone="630.555.0177", state="il", zip="60540",
            email="Jane@Example.com", product_interest="Siding", notes="Met at the home show; wants a quote.",
        ))
    with empty_store.session() as s:
        saved = s.get(Lead, lead.id)
        assert (saved.first_name, saved.source, saved.rep_id, saved.pid) == ("Jane", "self-gen", rep.id, None)
        assert (saved.cell_phone, saved.cell_phone_e164, saved.home_phone_e164) == ("630.555.0177", "+16305550177", None)
        assert (saved.state, saved.zip, saved.email, saved.product_interest) == ("IL", "60540", "Jane@example.com",
                                                                                 "Siding")
        comment = s.scalars(select(Comment).where(Comment.lead_id == lead.id)).one()
        assert (comment.body, comment.author_name) == ("Met at the home show; wants a quote.", "Dana Reyes")
        assert [e.table_name for e in s.scalars(select(OutboxEntry).order_by(OutboxEntry.seq))] == ["leads", "comments"]


def test_an_invalid_form_writes_nothing(empty_store):
    with pytest.raises(FormInvalid) as caught:
        with empty_store.session() as s:
            create_self_gen_lead(s, writes.Actor(None, "x"), SelfGenForm(first_name="Jane", home_phone="12"))
    assert caught.value.problems == {"home_phone": "A phone needs 10 digits with the area code; this has 2."}
    with empty_store.session() as s:
        assert s.scalar(select(func.count()).select_from(Lead)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 0


# --- the screen --------------------------------------------------------------------


def _count_self_gen(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Lead).where(Lead.source == "self-gen"))


async def _open_self_gen(pilot) -> SelfGenScreen:
    await pilot.press("5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SelfGenScreen)
    return pilot.app.screen


async def test_bad_phone_is_refused_then_a_known_phone_warns_and_opens_the_duplicate(store):
    with store.session() as s:
        existing = s.scalars(select(Lead).where(Lead.cell_phone_e164.is_not(None)).order_by(Lead.pid)).first()
    number = existing.cell_phone_e164[2:]
    typed_differently = f"{number[:3]} {number[3:6]} {number[6:]}"
    before = _count_self_gen(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_self_gen(pilot)
        await pilot.press(*"Jane", "enter", *"Doe", "enter", *"555-12")
        await settle(pilot)
        home = screen.query_one("#home_phone", ValidatedInput)
        assert home.error == "A phone needs 10 digits with the area code; this has 5."
        assert home.query_one(".field-error").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _count_self_gen(store) == before
        assert "Not saved" in str(screen.query_one("#form-status").render())
        assert screen.query_one("#first_name", ValidatedInput).value == "Jane"  # nothing typed is lost

        await retype(pilot, _keys(typed_differently))
        await settle(pilot)
        assert home.error is None
        warning = screen.query_one("#duplicates")
        assert warning.display
        assert f"phone matches {existing.name}" in str(warning.render())
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert app.screen.lead_id == existing.id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert home.value == typed_differently
        assert _count_self_gen(store) == before


async def test_name_and_a_phone_or_address_are_required_and_clear_as_typed(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_self_gen(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        first = screen.query_one("#first_name", ValidatedInput)
        home = screen.query_one("#home_phone", ValidatedInput)
        assert (first.error, home.error) == (NAME_NEEDED, CONTACT_NEEDED)
        assert app.focused is first.input
        await pilot.press(*"Jane")
        await settle(pilot)
        assert first.error is None
        assert home.error == CONTACT_NEEDED
        screen.query_one("#address", ValidatedInput).focus()
        await pilot.press(*_keys("12 Oak St"))
        await settle(pilot)
        assert home.error is None


async def test_saving_clears_the_form_and_lists_the_new_lead_first_not_synced(store):
    with store.session() as s:
        rep = current_user(s)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_self_gen(pilot)
        await pilot.press(*"Jane", "tab", *"Doe", "tab", "tab", *_keys(NEW_CELL), "tab", "tab",
                          *"jane.doe@example.com", "tab", *_keys("12 Quiet Ln"), "tab", *"Naperville", "tab",
                          *"il", "tab", *"60540", "tab", "enter", "down", "down", "enter", "tab",
                          *_keys("Met at the home show"))
        await settle(pilot)
        assert not screen.query_one("#duplicates").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookDialog)  # booking the new lead is offered at once
        await pilot.press("escape")  # not now
        await settle(pilot)
        with store.session() as s:
            lead = s.scalars(select(Lead).where(Lead.cell_phone_e164 == "+16305550177")).one()
            note = s.scalars(select(Comment).where(Comment.lead_id == lead.id)).one()
        assert (lead.name, lead.source, lead.rep_id, lead.pid) == ("Jane Doe", "self-gen", rep.id, None)
        assert (lead.state, lead.zip, lead.product_interest, note.body) == ("IL", "60540", "Siding",
                                                                          "Met at the home show")
        table = screen.query_one("#my-leads", LeadTable)
        assert table.lead_ids[0] == lead.id
        assert table.get_cell_at((0, 3)).plain == "not synced"
        assert all(field.value == "" for field in screen.query(ValidatedInput))
        assert "Saved Jane Doe" in str(screen.query_one("#form-status").render())
        assert app.focused is screen.query_one("#first_name", ValidatedInput).input
        await pilot.press("ctrl+l", "enter")  # Ctrl+L leaves the form for the list; Enter opens the lead
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert app.screen.lead_id == lead.id


def _steady_cursors(pilot) -> None:
    """Stop the text cursor blinking, so a snapshot does not depend on when it is taken."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_self_gen_snapshot_with_a_message_and_a_duplicate(snap_compare, store, size):
    with store.session() as s:
        existing = s.scalars(select(Lead).where(Lead.cell_phone_e164.is_not(None)).order_by(Lead.pid)).first()

    async def run_before(pilot) -> None:
        await _open_self_gen(pilot)
        await pilot.press(*"Jane", "tab", *"Doe", "tab", *"555-12", "tab", *existing.cell_phone_e164[2:])
        await settle(pilot)
        _steady_cursors(pilot)

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)
