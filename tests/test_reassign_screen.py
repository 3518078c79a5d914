"""Reassigning leads and setting targets from the app, by keys only, on the
demo company: a manager marks results in Search with Space (a burst of keys,
as a fast typist sends them), R picks a rep of the team and, for several
leads, asks "Reassign 3 leads from … to …?" before writing; R on Customer
Information gives one lead; s on the Team view sets the targets of the rep
under the cursor, checked as the field specs say, and the view shows the
rep's progress. Each is a local write queued for the sync. A rep has none of it."""

from __future__ import annotations

import uuid

import pytest
from rep_pilot import anyio_backend, burst, settle, wait_until  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import select
from test_stats_screen import TODAY, _manager

from rep_tui.app import RepApp
from rep_tui.dialogs.reassign import RepPicker
from rep_tui.screens.confirm import ConfirmScreen
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.search import SearchScreen
from rep_tui.store import queries
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import ChangeRecord, Lead, User
from rep_tui.widgets.lead_table import LeadTable
from rep_tui.widgets.tabs.tables import ChangeTable

pytestmark = pytest.mark.anyio


def _user(store, username: str) -> User:
    with store.session() as s:
        return s.scalars(select(User).where(User.username == username)).one()


def _reps_of(store, lead_ids) -> dict[uuid.UUID, uuid.UUID]:
    with store.session() as s:
        return dict(s.execute(select(Lead.id, Lead.rep_id).where(Lead.id.in_(lead_ids))).all())


async def _search(pilot, text: str) -> SearchScreen:
    await pilot.press("2")
    await settle(pilot)
    await pilot.press(*text)
    screen = pilot.app.screen
    await wait_until(pilot, lambda: screen._shown is not None and screen._shown.text == text, "the results")
    await settle(pilot)
    return screen


async def test_a_manager_marks_search_results_and_reassigns_them_after_a_confirm(store):
    manager = _manager(store)
    with store.session() as s:
        team = [u.full_name for u in queries.team_members(s, manager)]
    newcomer = _user(store, "wwisniewski")
    app = RepApp(store, user_id=manager.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _search(pilot, "Reyes")
        table = screen.query_one("#results", LeadTable)
        burst(pilot, "down", "space", "space", "space", "up", "up", "space")  # marks 1, 2, 3, then unmarks 2
        await settle(pilot)
        wanted = [table.lead_ids[0], table.lead_ids[2]]
        assert table.marked == wanted
        assert "2 marked: R reassigns them" in str(screen.query_one("#search-status").render())
        await pilot.press("R")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RepPicker)
        assert [name for name, _id in picker.handover.choices] == team  # only the manager's reps
        before = _reps_of(store, wanted)
        burst(pilot, "end", "enter")  # the last name: Wayne Wisniewski
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question.startswith("Reassign 2 leads") and question.question.endswith("to Wayne Wisniewski?")
        await pilot.press("y")
        await settle(pilot)
        await wait_until(pilot, lambda: set(_reps_of(store, wanted).values()) == {newcomer.id}, "the leads to move")
        await settle(pilot)
        assert table.marked == [] and app.focused is table  # on the results still: Space marks the next ones
    with store.session() as s:
        queued = s.scalars(select(OutboxEntry).where(OutboxEntry.row_id.in_(wanted))).all()
        assert sorted(e.fields["rep_id"][1] for e in queued) == [str(newcomer.id)] * 2
        history = s.scalars(select(ChangeRecord).where(ChangeRecord.row_id.in_(wanted),
                                                       ChangeRecord.field == "rep_id")).all()
        assert {(h.row_id, h.old_value, h.new_value) for h in history} == {
            (lead, str(before[lead]), str(newcomer.id)) for lead in wanted}


async def test_escape_at_the_question_reassigns_nothing(store):
    app = RepApp(store, user_id=_manager(store).id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _search(pilot, "Reyes")
        table = screen.query_one("#results", LeadTable)
        burst(pilot, "down", "space", "space", "R")
        await settle(pilot)
        marked = table.marked
        before = _reps_of(store, marked)
        burst(pilot, "end", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert _reps_of(store, marked) == before and table.marked == marked and app.focused is table


async def test_r_on_customer_information_gives_one_lead_without_a_question(store):
    manager = _manager(store)
    newcomer = _user(store, "rgonzalez")
    with store.session() as s:
        lead = s.scalars(select(Lead).where(Lead.rep_id == _user(store, "demo").id).limit(1)).one()
    app = RepApp(store, user_id=manager.id)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lead(lead.id)
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press("R")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RepPicker) and "of Dana Reyes" in str(picker.query_one(".dialog-title").render())
        names = [name for name, _id in picker.handover.choices]
        burst(pilot, *["down"] * names.index(newcomer.full_name), "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: _reps_of(store, [lead.id])[lead.id] == newcomer.id, "the lead to move")
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press("h")  # the History tab says who the lead went to, by name
        await settle(pilot)
        history = app.screen.query_one(ChangeTable)
        newest = [str(cell) for cell in history.get_row_at(0)]
        assert newest[-3:] == ["Rep", "Dana Reyes", "Ruth Gonzalez"]


async def test_a_rep_can_neither_mark_nor_reassign(store):
    app = RepApp(store, user_id=_user(store, "demo").id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _search(pilot, "Reyes")
        table = screen.query_one("#results", LeadTable)
        before = _reps_of(store, table.lead_ids)
        burst(pilot, "down", "space", "R")
        await settle(pilot)
        assert table.marked == [] and isinstance(app.screen, SearchScreen)
        assert _reps_of(store, table.lead_ids) == before
        app.open_lead(table.lead_ids[0])
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)


# --- targets ------------------------------------------------------------------


async def test_a_manager_sets_a_reps_targets_from_the_team_view(store):
    from rep_tui.screens.target_dialog import TargetDialog
    from rep_tui.screens.team import TeamScreen
    from rep_tui.store.models import Target
    from rep_tui.widgets.target_progress import TargetProgress

    manager = _manager(store)
    with store.session() as s:
        first = queries.team_members(s, manager)[0]
    app = RepApp(store, user_id=manager.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7")
        await settle(pilot)
        team = app.screen
        assert isinstance(team, TeamScreen) and not team.query_one(TargetProgress).display
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TargetDialog) and dialog.dialog_title == f"Set Targets · {first.full_name}"
        assert dialog.query_one("#month").value == "2026-11"  # the month in view
        burst(pilot, "60,000", "tab", "ten", "tab", "40", "ctrl+s")  # a word where a number goes: refused
        await settle(pilot)
        assert app.screen is dialog and dialog.query_one("#field-units").has_class("-invalid")
        with store.session() as s:
            assert s.scalars(select(Target)).all() == []  # nothing saved
        burst(pilot, "ctrl+u", "10", "ctrl+s")
        await settle(pilot)
        assert app.screen is team
        await wait_until(pilot, lambda: team.query_one(TargetProgress).display, "the targets to show")
        shown = str(team.query_one(TargetProgress).render())
        # Andrea's November in the demo: $19,745 net sold, 28 units, 2 issued
        assert shown.splitlines() == ["Targets · November 2026", "Andrea Robe Sales 33% Units 280% Iss 5%"]
    with store.session() as s:
        target = s.scalars(select(Target)).one()
        assert (target.rep_id, target.month, target.sales_cents, target.units, target.issued) == (
            first.id, TODAY.replace(day=1), 6_000_000, 10, 40)
        assert s.scalar(select(OutboxEntry.op).where(OutboxEntry.row_id == target.id)) == "insert"


async def test_a_manager_whose_group_may_not_set_targets_has_no_s(store):
    from rep_tui.domain.permissions import Permission
    from rep_tui.screens.team import TeamScreen

    app = RepApp(store, user_id=_manager(store).id)
    app.permissions -= {Permission.SET_TARGETS}  # as a group without the permission grants
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
        assert not any(b.binding.action == "set_target" for b in app.screen.active_bindings.values()
                       if app.screen.check_action(b.binding.action, ()))


def test_the_question_names_whose_leads_move_and_leaves_out_those_already_theirs():
    from rep_tui.store.reassign import Handover

    rita, tom, sam = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    leads = [(uuid.uuid4(), rita, "Rita Rep")] * 7 + [(uuid.uuid4(), tom, "Tom Two")] * 5
    choices = (("Sam Seller", sam), ("Tom Two", tom))
    assert Handover(tuple(leads[:7]), choices).question(sam) == "Reassign 7 leads from Rita Rep to Sam Seller?"
    assert Handover(tuple(leads), choices).question(sam) == \
        "Reassign 12 leads (7 from Rita Rep, 5 from Tom Two) to Sam Seller?"
    assert Handover(tuple(leads), choices).question(tom) == \
        "Reassign 7 leads from Rita Rep to Tom Two? (5 of the marked are theirs already.)"
