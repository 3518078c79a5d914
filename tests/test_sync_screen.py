"""The Sync status screen (F7) on the demo: each queued change and its state
(pending, sent, rejected with the reason), the values that lost a conflict
with `a` to apply one again as a new edit, and the quarantine."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from rep_pilot import anyio_backend, palette_answered, settle  # noqa: F401  (anyio_backend is a fixture)
from rep_tui.app import RepApp
from rep_tui.screens.sync_status import SyncStatusScreen
from rep_tui.store import writes
from rep_tui.store.client_models import OutboxEntry, QuarantinedChange
from rep_tui.store.models import ChangeRecord, Comment, Lead

pytestmark = pytest.mark.anyio
REJECTION = "that row is outside what you may change"


def make_sync_history(store) -> uuid.UUID:
    """A pending comment, a rejected edit, a conflict on an email and a
    quarantined edit; returns the lead with the conflict."""
    with store.session() as s:
        leads = list(s.scalars(select(Lead).where(Lead.email.is_not(None)).order_by(Lead.pid).limit(3)))
        actor = writes.Actor(leads[0].rep_id, "Dana Reyes", "test-device")
        writes.update(s, actor, leads[1], city="Naperville")
        s.flush()
        rejected = s.scalars(select(OutboxEntry).order_by(OutboxEntry.seq.desc())).first()
        rejected.state, rejected.error = "rejected", REJECTION
        writes.insert(s, actor, Comment(lead_id=leads[0].id, author_name="Dana Reyes", body="Back on Friday"))
        s.add(ChangeRecord(table_name="leads", row_id=leads[2].id, lead_id=leads[2].id, field="email",
                           old_value=leads[2].email, new_value="kim.new@example.com", kind="conflict",
                           user_name="sync: the office's value was kept", device_id="test-device"))
        s.add(QuarantinedChange(table_name="leads", row_id=uuid.uuid4(), lead_id=None,
                                reason="the lead is no longer assigned to you",
                                row={"first_name": "Walter", "last_name": "Gray"},
                                changes=[{"seq": 99, "op": "update", "fields": {"zip": ["60601", "60602"]}}]))
        return leads[2].id


async def open_sync_status(pilot) -> SyncStatusScreen:
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SyncStatusScreen)
    return pilot.app.screen


async def test_lists_each_change_with_its_state_and_reason(store):
    make_sync_history(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync_status(pilot)
        states = [(c.what, c.customer != "", c.state, c.reason) for c in screen.review.changes]
        assert states == [("comment added", True, "pending", None),
                          ("lead edited: city", True, "rejected", REJECTION)]
        await pilot.press("down")  # the rejected edit: its reason in full below the tables
        await settle(pilot)
        assert REJECTION in str(screen.query_one("#sync-detail").render())
        assert [q.what for q in screen.review.quarantine] == ["lead edited: zip code"]
        assert "zip code → 60602" in screen.review.quarantine[0].details


async def test_a_applies_the_reps_losing_value_again_as_a_new_edit(store):
    lead_id = make_sync_history(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync_status(pilot)
        await pilot.press("a")  # on the changes table: not a conflict, nothing happens
        await settle(pilot)
        with store.session() as s:
            assert s.get(Lead, lead_id).email != "kim.new@example.com"
        await pilot.press("tab")
        await settle(pilot)
        assert screen.focused.id == "sync-conflicts"
        await pilot.press("a")
        await settle(pilot)
        await settle(pilot)
        with store.session() as s:
            assert s.get(Lead, lead_id).email == "kim.new@example.com"
            queued = s.scalars(select(OutboxEntry).order_by(OutboxEntry.seq.desc())).first()
            assert (queued.row_id, queued.op, queued.state) == (lead_id, "update", "pending")
            assert queued.fields["email"][1] == "kim.new@example.com"
        assert screen.review.conflicts[0].yours_now
        assert screen.review.changes[0].what == "lead edited: email"


async def test_sync_commands_are_in_the_palette(store):
    from textual.command import CommandPalette

    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Sync status")
        await palette_answered(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SyncStatusScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_sync_status(snap_compare, store, size):
    make_sync_history(store)

    async def run_before(pilot) -> None:
        await open_sync_status(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)


async def test_a_refused_change_is_dismissed_or_sent_again_from_f7(store):
    make_sync_history(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync_status(pilot)
        assert "Send again" not in footer_keys(screen)  # the pending comment is highlighted
        await pilot.press("down")
        await settle(pilot)
        assert {"Send again", "Dismiss"} <= footer_keys(screen)
        assert "s: send it again once fixed, d: dismiss" in str(screen.query_one("#sync-detail").render())
        await pilot.press("s")
        await settle(pilot)
        await settle(pilot)
        assert [c.state for c in screen.review.changes] == ["pending", "pending", "sent again"]
        with store.session() as s:
            again = s.scalars(select(OutboxEntry).order_by(OutboxEntry.seq.desc())).first()
            assert (again.op, again.fields["city"][1], again.state) == ("update", "Naperville", "pending")



def footer_keys(screen) -> set[str]:
    """What the screen's keys offer right now (a key whose action does not apply is left out)."""
    return {active.binding.description for active in screen.active_bindings.values() if active.enabled}
