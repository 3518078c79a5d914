"""Rows that leave a rep leave the device (no ghosts); unsynced edits to
them go to quarantine; a field changed on both sides keeps the office's
value and the rep's value is kept as a conflict in the change history."""

from __future__ import annotations

from sqlalchemy import select

from rep_tui.store import writes
from rep_tui.store.client_models import OutboxEntry, QuarantinedChange
from rep_tui.store.models import ChangeRecord, Lead
from server_fixtures import give


def test_reassigned_lead_leaves_the_old_rep_and_reaches_the_new_one(server, company, devices):
    ann, bob, maria, carl = devices("ann"), devices("bob"), devices("maria"), devices("carl")
    for d in (ann, bob, maria, carl):
        d.sync()
    moving = company.leads["ann"][0]
    with ann.store.session() as s:  # ann edits offline; the office reassigns meanwhile
        writes.update(s, ann.actor, s.get(Lead, moving), city="Naperville")
    with maria.store.session() as s:
        writes.update(s, maria.actor, s.get(Lead, moving), rep_id=company.users["bob"])
    maria.sync()
    report = ann.sync()
    assert report.rejected  # her edit arrived after the lead left her
    assert moving not in ann.rows("leads")
    assert all(j["lead_id"] != str(moving) for j in ann.rows("jobs").values())
    assert all(n["lead_id"] != str(moving) for n in ann.rows("notes").values())
    bob.sync()
    assert moving in bob.rows("leads")
    assert any(j["lead_id"] == str(moving) for j in bob.rows("jobs").values())  # its tree came with it
    assert any(n["lead_id"] == str(moving) for n in bob.rows("notes").values())
    with ann.store.session() as s:  # her edit is kept, visibly, in quarantine
        held = s.scalars(select(QuarantinedChange)).one()
        assert (held.row_id, held.changes[0]["fields"]["city"][1]) == (moving, "Naperville")
    # the lead moves to carl, on another team: maria's devices drop it too
    admin = devices("ada")
    admin.sync()
    with admin.store.session() as s:
        writes.update(s, admin.actor, s.get(Lead, moving), rep_id=company.users["carl"])
    admin.sync()
    maria.sync()
    carl.sync()
    assert moving not in maria.rows("leads") and moving in carl.rows("leads")


def test_unsynced_edits_to_a_lead_that_left_go_to_quarantine(server, company, devices):
    ann, maria = devices("ann"), devices("maria")
    ann.sync()
    maria.sync()
    moving = company.leads["ann"][1]
    with maria.store.session() as s:
        writes.update(s, maria.actor, s.get(Lead, moving), rep_id=company.users["bob"])
    maria.sync()
    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, moving), last_name="Kept")
        # the pull happens before this edit is pushed (e.g. written during a sync)
    ann.client._pull(ann.client.report, lambda _m: None)
    with ann.store.session() as s:
        held = s.scalars(select(QuarantinedChange)).all()
        assert [(q.table_name, q.row_id) for q in held] == [("leads", moving)]
        assert held[0].row["last_name"] == "Kept" and "no longer assigned" in held[0].reason
        assert held[0].changes[0]["fields"]["last_name"][1] == "Kept"
        assert s.scalar(select(OutboxEntry.state).where(OutboxEntry.row_id == moving)) == "quarantined"
    assert moving not in ann.rows("leads")
    ann.sync()  # the quarantined edit is not pushed
    assert ann.client.status.quarantined == 1 and "1 quarantined" in ann.client.status.text


def test_same_field_changed_on_both_sides_keeps_the_office_value(server, company, devices):
    ann, maria = devices("ann"), devices("maria")
    ann.sync()
    maria.sync()
    lead = company.leads["ann"][2]
    with maria.store.session() as s:
        writes.update(s, maria.actor, s.get(Lead, lead), city="Office City", zip="60601")
    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, lead), city="Rep City", state="IL")
    maria.sync()
    report = ann.sync()
    assert report.conflicts == 1
    row = ann.rows("leads")[lead]
    assert (row["city"], row["zip"], row["state"]) == ("Office City", "60601", "IL")
    with ann.store.session() as s:
        conflict = s.scalars(select(ChangeRecord).where(ChangeRecord.kind == "conflict")).one()
        assert (conflict.field, conflict.new_value, conflict.old_value) == ("city", "Rep City", "Office City")
        assert conflict.lead_id == lead
    assert ann.client.status.conflicts == 1
    maria.sync()
    assert maria.rows("leads")[lead] == row
    from sqlalchemy import func

    with server.engine.connect() as conn:  # the server keeps the losing value too
        assert conn.execute(select(func.count()).where(ChangeRecord.kind == "conflict")).scalar() == 1


def test_deleted_rows_leave_devices_that_had_them_only(server, company, devices):
    give(server.engine, "ann", "delete_leads")
    ann, maria = devices("ann"), devices("maria")
    ann.sync()
    maria.sync()
    with ann.store.session() as s:
        made = writes.insert(s, ann.actor, Lead(first_name="Brief", rep_id=ann.user_id, custom={}))
    ann.sync()
    with ann.store.session() as s:
        writes.delete(s, ann.actor, s.get(Lead, made.id))
        writes.delete(s, ann.actor, s.get(Lead, company.leads["ann"][0]))
    ann.sync()
    report = maria.sync()  # never had "Brief": only the old lead's tombstones come (the lead, its job, its note)
    assert report.removed == 3
    assert made.id not in maria.rows("leads") and company.leads["ann"][0] not in maria.rows("leads")
    with ann.store.session() as s:
        assert s.get(Lead, company.leads["ann"][0]) is None  # the tombstone is gone once shipped


def test_team_changes_move_leads_between_managers(server, company, devices):
    maria, admin = devices("maria"), devices("ada")
    maria.sync()
    admin.sync()
    south = next(i for i, t in admin.rows("teams").items() if t["name"] == "South")
    from rep_tui.store.models import Team, User

    with admin.store.session() as s:  # ann moves to the South team: maria no longer manages her
        writes.update(s, admin.actor, s.get(User, company.users["ann"]), team_id=south)
    admin.sync()
    maria.sync()
    assert set(maria.rows("leads")) == set(company.leads["bob"])
    assert all(n["lead_id"] in {str(i) for i in company.leads["bob"]} for n in maria.rows("notes").values())
    with admin.store.session() as s:  # then maria takes the South team over as well
        writes.update(s, admin.actor, s.get(Team, south), manager_id=company.users["maria"])
    admin.sync()
    maria.sync()
    everyone = set(company.leads["ann"] + company.leads["bob"] + company.leads["carl"])
    assert set(maria.rows("leads")) == everyone
    assert {j["lead_id"] for j in maria.rows("jobs").values()} == {str(i) for i in everyone}
