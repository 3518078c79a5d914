"""The server's change history of the leads a user sees comes down with pull:
who changed what elsewhere shows in the rep's History tab, once each, and
never for a lead she may not see."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, insert, select

from rep_tui.clock import utcnow
from rep_tui.server.db import current_version
from rep_tui.store import writes
from rep_tui.store.leads import lead_history
from rep_tui.store.models import ChangeRecord, Lead
from rep_tui.sync import state


def _edit(device, lead_id: uuid.UUID, **changes) -> None:
    with device.store.session() as s:
        writes.update(s, device.actor, s.get(Lead, lead_id), **changes)


def _records(device, **where) -> list[tuple[str | None, str | None]]:
    """(who, new value) of the device's change records matching `where`."""
    with device.store.session() as s:
        stmt = select(ChangeRecord.user_name, ChangeRecord.new_value).filter_by(**where)
        return [tuple(row) for row in s.execute(stmt)]


def test_a_managers_edit_shows_in_the_reps_history_once(server, company, devices):
    ann, maria = devices("ann"), devices("maria")
    ann.sync()
    maria.sync()
    lead = company.leads["ann"][0]
    with ann.store.session() as s:
        cursor = state.get_int(s, state.CURSOR)
    _edit(maria, lead, home_phone="312-555-0199")
    maria.sync()
    ann.sync()
    assert _records(ann, lead_id=lead, field="home_phone") == [("Maria", "312-555-0199")]
    with ann.store.session() as s:  # what the History tab reads
        newest = lead_history(s, lead)[0]
        assert (newest.user_name, newest.field, newest.at) == ("Maria", "home_phone", utcnow())
    with ann.store.session() as s:  # the reply was lost: the same page comes again
        state.set_int(s, state.CURSOR, cursor)
    ann.sync()
    assert _records(ann, lead_id=lead, field="home_phone") == [("Maria", "312-555-0199")]


def test_own_edits_are_not_recorded_twice(server, company, devices):
    ann, maria = devices("ann"), devices("maria")
    ann.sync()
    lead = company.leads["ann"][1]
    _edit(ann, lead, city="Naperville")
    ann.sync()
    ann.sync()
    assert _records(ann, lead_id=lead, field="city") == [("Ann", "Naperville")]
    maria.sync()  # another device of the team gets it, by ann
    assert _records(maria, lead_id=lead, field="city") == [("Ann", "Naperville")]


def test_a_rep_never_receives_history_of_a_lead_she_may_not_see(server, company, devices):
    ann, maria, ada = devices("ann"), devices("maria"), devices("ada")
    for device in (ann, maria, ada):
        device.sync()
    bobs, carls, moving = company.leads["bob"][0], company.leads["carl"][0], company.leads["ann"][2]
    _edit(maria, bobs, city="Evanston")
    _edit(ada, carls, city="Joliet")
    maria.sync()
    ada.sync()
    _edit(maria, moving, city="Oak Park")
    _edit(maria, moving, rep_id=company.users["bob"])  # and then it leaves ann
    maria.sync()
    ann.sync()
    assert _records(ann, lead_id=bobs) == _records(ann, lead_id=carls) == _records(ann, lead_id=moving) == []
    fresh = devices("ann")  # a first sync obeys the same scope
    fresh.sync()
    with fresh.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ChangeRecord)) == 0
    maria.sync()
    assert _records(maria, lead_id=carls) == []  # another team's lead
    assert _records(maria, lead_id=bobs) == [("Maria", "Evanston")]  # her own, not twice


def test_a_first_sync_brings_recent_history_only(server, company, devices):
    lead = company.leads["ann"][0]
    with server.engine.begin() as conn:
        version = current_version(conn)
        old = {"table_name": "leads", "row_id": lead, "lead_id": lead, "user_name": "Pat Morgan", "kind": "edit",
               "version": version}
        conn.execute(insert(ChangeRecord), [
            {**old, "id": uuid.uuid4(), "field": "city", "new_value": "Long Ago", "at": utcnow() - timedelta(days=91)},
            {**old, "id": uuid.uuid4(), "field": "zip", "new_value": "60601", "at": utcnow() - timedelta(days=89)},
        ])
    ann = devices("ann")
    ann.sync()
    assert _records(ann, lead_id=lead) == [("Pat Morgan", "60601")]
