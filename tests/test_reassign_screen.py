"""Reassigning leads from the app, by keys only, on the demo company: a
manager marks results in Search with Space (a burst of keys, as a fast
typist sends them), R picks a rep of the team and, for several leads, asks
"Reassign 3 leads from … to …?" before writing; R on Customer Information
gives one lead. Each is a local write of `rep_id` queued for the sync, with
its history. A rep has none of it."""

from __future__ import annotations

import uuid

import pytest
from rep_pilot import anyio_backend, burst, settle, wait_until  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import select
from test_stats_screen import _manager

from rep_tui.app import RepApp
from rep_tui.dialogs.reassign import RepPicker
from rep_tui.screens.confirm import ConfirmScreen
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.search import SearchScreen
from rep_tui.store import queries
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import ChangeRecord, Lead, User
from rep_tui.widgets.lead_table import LeadTable

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
        assert table.marked == []
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
        assert _reps_of(store, marked) == before and table.marked == marked


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
