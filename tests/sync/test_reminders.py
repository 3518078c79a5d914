"""Reminders across devices and the server (SQLite and PostgreSQL): each
assignee gets theirs, one who does not see the lead gets its summary only,
done travels back, and what a device may not do to a reminder is refused."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from rep_tui.ids import new_id
from rep_tui.store import leads as lead_store
from rep_tui.store import reminders, writes
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Engagement, Lead, Reminder

TODAY = date(2026, 12, 7)
START_OF_TODAY = datetime(2026, 12, 7, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("REP_TUI_NOW", "2026-12-07T15:00:00+00:00")


def _due(device, today: date = TODAY) -> list[reminders.Due]:
    with device.store.session() as s:
        found = reminders.due_for(s, device.user_id, today, START_OF_TODAY)
        s.expunge_all()
        return found


def _add(device, lead_id, *assignees, body="Call about the quote") -> list:
    with device.store.session() as s:
        return [r.id for r in reminders.add(s, device.actor, lead_id, TODAY, body, list(assignees))]


def _refusal(device) -> str:
    with device.store.session() as s:
        return s.scalars(select(OutboxEntry.error).where(OutboxEntry.state == "rejected")).one()


def test_a_reminder_reaches_each_assignee_one_who_does_not_see_the_lead_with_its_summary_only(
        server, company, devices):
    maria, ann, carl = devices("maria"), devices("ann"), devices("carl")
    lead_id = company.leads["ann"][0]
    with server.engine.begin() as conn:  # the lead the office user will know it by
        conn.execute(Lead.__table__.update().where(Lead.id == lead_id).values(
            cell_phone="(312) 555-0142", address="1200 Oak St", city="Chicago", state="IL", zip="60614"))
    for d in (maria, ann, carl):
        d.sync()
    _add(maria, lead_id, ann.user_id, carl.user_id)
    assert not maria.sync().rejected
    ann.sync()
    carl.sync()
    [ann_due] = _due(ann)
    assert (ann_due.customer, ann_due.lead is not None, ann_due.reminder.body) == (
        "ann0 Customer", True, "Call about the quote")
    [carl_due] = _due(carl)
    assert carl_due.lead is None  # carl (another team) does not see ann's lead...
    assert (carl_due.customer, carl_due.phone, carl_due.address) == (
        "ann0 Customer", "(312) 555-0142", "1200 Oak St, Chicago IL 60614")  # ...but can act on it
    assert lead_id not in carl.rows("leads")
    assert not [row for table in ("jobs", "notes", "engagements")
                for row in carl.rows(table).values() if row["lead_id"] == str(lead_id)]
    assert [r["assignee_id"] for r in carl.rows("reminders").values()] == [str(carl.user_id)]

    # ann crosses hers off offline; the manager sees it done, by ann
    with ann.store.session() as s:
        reminders.set_done(s, ann.actor, ann_due.reminder.id, True)
    assert [d.reminder.done_at is not None for d in _due(ann)] == [True]  # still listed today: can be undone
    assert not ann.sync().rejected
    maria.sync()
    with maria.store.session() as s:
        listed = {d.assignee: (d.reminder.done_at is not None, d.done_by) for d in reminders.of_lead(s, lead_id)}
    assert listed == {"Ann": (True, "Ann"), "Carl": (False, "")}

    # carl, the assignee, may cross his off, but not reword it
    with carl.store.session() as s:
        reminders.set_done(s, carl.actor, carl_due.reminder.id, True)
    assert not carl.sync().rejected
    with carl.store.session() as s:
        writes.update(s, carl.actor, s.get(Reminder, carl_due.reminder.id), body="Never mind")
    assert carl.sync().rejected
    assert "only mark this reminder done" in _refusal(carl)

    # the customer's new number reaches carl's summary
    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, lead_id), cell_phone="(312) 555-0199")
    assert not ann.sync().rejected
    carl.sync()
    assert [d.phone for d in _due(carl)] == ["(312) 555-0199"]


def test_a_forged_reminder_on_a_lead_the_pusher_cannot_see_is_refused(server, company, devices):
    carl = devices("carl")
    carl.sync()
    forged = {"lead_id": str(company.leads["ann"][1]), "assignee_id": str(carl.user_id), "due_on": "2026-12-07",
              "body": "peek", "group_id": str(new_id())}
    with carl.store.session() as s:  # carl's device names ann's lead, which it never had
        s.add(OutboxEntry(table_name="reminders", row_id=new_id(), op="insert",
                          fields={name: [None, value] for name, value in forged.items()}))
    report = carl.sync()
    assert report.rejected
    assert "no such leads row" in _refusal(carl)
    with server.engine.connect() as conn:
        assert conn.execute(select(Reminder.id)).first() is None


def test_the_server_fills_the_summary_and_refuses_an_inactive_assignee(server, company, devices):
    ann = devices("ann")
    ann.sync()
    lead_id = company.leads["ann"][0]
    with ann.store.session() as s:
        writes.insert(s, ann.actor, Reminder(lead_id=lead_id, assignee_id=ann.user_id, due_on=TODAY, body="x",
                                             lead_name="Not the lead's name", created_by_id=company.users["bob"]))
    assert not ann.sync().rejected
    with server.engine.connect() as conn:
        row = conn.execute(select(Reminder.lead_name, Reminder.created_by_id)).one()
    assert tuple(row) == ("ann0 Customer", ann.user_id)
    with server.engine.begin() as conn:
        conn.execute(Reminder.__table__.metadata.tables["users"].update()
                     .where(Reminder.__table__.metadata.tables["users"].c.id == company.users["bob"])
                     .values(active=False))
    _add(ann, lead_id, company.users["bob"])
    assert ann.sync().rejected
    assert "active user" in _refusal(ann)


def test_an_engagement_follow_up_is_its_assignees_reminder_on_its_date(server, company, devices):
    ann, carl = devices("ann"), devices("carl")
    ann.sync()
    carl.sync()
    lead_id = company.leads["ann"][2]
    follow = {"subject": "Bring samples", "occurred_at": START_OF_TODAY, "contact_type": "phone",
              "follow_up": True, "follow_up_assignee_id": carl.user_id, "follow_up_on": date(2026, 12, 9)}
    with ann.store.session() as s:
        engagement = lead_store.save_row(s, ann.actor, Engagement, lead_id, None, follow)
        engagement_id = engagement.id
    assert not ann.sync().rejected
    carl.sync()
    assert _due(carl) == []  # not before its day
    [due] = _due(carl, date(2026, 12, 9))
    assert (due.reminder.body, due.customer, due.lead) == ("Bring samples", "ann2 Customer", None)
    with ann.store.session() as s:  # completed: done on carl's Dashboard too
        lead_store.save_row(s, ann.actor, Engagement, lead_id, engagement_id, {"completed": True})
    assert not ann.sync().rejected
    carl.sync()
    assert [d.reminder.done_at is not None for d in _due(carl, date(2026, 12, 9))] == [True]


def test_a_reminder_leaves_a_device_when_it_is_no_longer_seen_and_stays_with_its_assignee(
        server, company, devices):
    # ann pulls one change per page: the lead leaving her and her reminder coming back come apart
    maria, ann, bob, carl = devices("maria"), devices("ann", page_size=1), devices("bob"), devices("carl")
    for d in (maria, ann, bob, carl):
        d.sync()
    lead_id = company.leads["ann"][0]
    _add(maria, lead_id, ann.user_id, carl.user_id)
    _add(maria, lead_id, bob.user_id, body="For bob")
    maria.sync()
    for d in (ann, bob, carl):
        d.sync()
    assert len(ann.rows("reminders")) == 3  # ann sees her lead's reminders, bob only his own
    assert [r["body"] for r in bob.rows("reminders").values()] == ["For bob"]
    # carl is taken off: his row leaves his device
    with maria.store.session() as s:
        carls = s.scalars(select(Reminder).where(Reminder.assignee_id == carl.user_id)).one()
        writes.delete(s, maria.actor, carls)
    maria.sync()
    carl.sync()
    assert carl.rows("reminders") == {}
    # the lead goes to bob: ann loses it, but keeps her own reminder on it
    with maria.store.session() as s:
        writes.update(s, maria.actor, s.get(Lead, lead_id), rep_id=bob.user_id)
    assert not maria.sync().rejected
    ann.sync()
    assert lead_id not in ann.rows("leads")
    assert [r["assignee_id"] for r in ann.rows("reminders").values()] == [str(ann.user_id)]
    assert [d.customer for d in _due(ann)] == ["ann0 Customer"]
    bob.sync()
    assert len(bob.rows("reminders")) == 2  # he sees the lead now: ann's reminder on it and his own


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_after_sync_each_assignee_sees_it_on_their_dashboard(server, company, devices, anyio_backend):
    from rep_pilot import settle
    from rep_tui.app import RepApp
    from rep_tui.widgets.reminder_table import ReminderTable

    maria, ann, carl = devices("maria"), devices("ann"), devices("carl")
    for d in (maria, ann, carl):
        d.sync()
    lead_id = company.leads["ann"][0]
    _add(maria, lead_id, ann.user_id, carl.user_id, body="Call about the quote")
    maria.sync()
    for device, opens_the_lead in ((ann, True), (carl, False)):
        device.sync()
        app = RepApp(device.store, user_id=device.user_id)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            table = app.screen.query_one("#reminders", ReminderTable)
            assert [(row.cells[2], row.cells[3]) for row in table.rows_shown] == [
                ("Call about the quote", "ann0 Customer")]
            assert (table.rows_shown[0].lead_id == lead_id) == opens_the_lead  # Enter opens it for ann only
