"""Reassigning leads across devices, with a real server (SQLite and
PostgreSQL): the manager's device writes it offline like any edit; on the
next sync the leads leave the old rep's device with everything under them
(jobs, notes, attachments and their files, the search index) and arrive on
the new rep's, open appointments with them; the history says who gave them to whom. A rep who tries it,
and a manager who gives a lead to another team's rep, are refused in plain
words and the lead stays where it was on every device."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import select

from rep_tui.blobs import blob_path
from rep_tui.server.seed import add_rows
from rep_tui.store import writes
from rep_tui.store.leads import add_attachment, store_blob
from rep_tui.store.models import ChangeRecord, Lead
from rep_tui.store.reassign import reassign_leads
from rep_tui.store.search import search
from server_fixtures import server_rows


def _under(device, lead_ids) -> dict[str, int]:
    """How many rows of each table hang off these leads on the device."""
    wanted = {str(lead) for lead in lead_ids}
    return {table: sum(1 for row in device.rows(table).values() if row["lead_id"] in wanted)
            for table in ("jobs", "notes", "attachments")}


def test_a_manager_reassigns_two_leads_and_they_move_between_the_reps_devices(server, company, devices, tmp_path):
    ann, bob, maria = devices("ann"), devices("bob"), devices("maria")
    moving = company.leads["ann"][:2]
    booked, ran = uuid.uuid4(), uuid.uuid4()  # an open appointment goes along; one she ran stays hers
    add_rows(server.engine, {"appointments": [
        {"id": booked, "lead_id": moving[0], "rep_id": company.users["ann"], "result_code": None,
         "starts_at": datetime(2026, 11, 30, 18, tzinfo=timezone.utc)},
        {"id": ran, "lead_id": moving[0], "rep_id": company.users["ann"], "result_code": "SOLD",
         "starts_at": datetime(2026, 11, 2, 18, tzinfo=timezone.utc)}]})
    contract = tmp_path / "contract.txt"
    contract.write_text("Signed: 14 windows\n")
    sha, size = store_blob(ann.blobs_dir, contract, 1 << 20)
    ann.sync()
    with ann.store.session() as s:
        add_attachment(s, ann.actor, moving[0], contract.name, "Signed contract", sha, size)
    ann.sync()
    bob.sync()
    maria.sync()
    assert _under(ann, moving) == {"jobs": 2, "notes": 2, "attachments": 1}
    with ann.store.session() as s:
        assert {hit.lead_id for hit in search(s, "ann0")} == {moving[0]}

    with maria.store.session() as s:  # offline: a local write like any edit
        assert reassign_leads(s, maria.actor, moving, company.users["bob"]) == 2
    report = maria.sync()
    assert report.rejected == []
    assert {server_rows(server.engine, "leads")[lead]["rep_id"] for lead in moving} == {str(company.users["bob"])}
    appointments = server_rows(server.engine, "appointments")
    assert (appointments[booked]["rep_id"], appointments[ran]["rep_id"]) == (str(company.users["bob"]),
                                                                           str(company.users["ann"]))

    ann.sync()
    assert not set(moving) & set(ann.rows("leads"))
    assert _under(ann, moving) == {"jobs": 0, "notes": 0, "attachments": 0}
    assert not blob_path(ann.blobs_dir, sha).exists()  # the contract left her laptop with the lead
    with ann.store.session() as s:
        assert search(s, "ann0") == [] and search(s, "ann1") == []
    assert company.leads["ann"][2] in ann.rows("leads")  # the lead she kept stays

    bob.sync()
    assert set(moving) <= set(bob.rows("leads"))
    assert _under(bob, moving) == {"jobs": 2, "notes": 2, "attachments": 1}
    assert blob_path(bob.blobs_dir, sha).read_bytes() == contract.read_bytes()
    with bob.store.session() as s:
        assert {hit.lead_id for hit in search(s, "ann0")} == {moving[0]}
        given = s.scalars(select(ChangeRecord).where(ChangeRecord.row_id.in_(moving),
                                                     ChangeRecord.field == "rep_id")).all()
    assert {(r.row_id, r.old_value, r.new_value, r.user_name) for r in given} == {
        (lead, str(company.users["ann"]), str(company.users["bob"]), "Maria") for lead in moving}


def test_a_rep_who_reassigns_a_lead_is_refused_in_plain_words(server, company, devices):
    ann = devices("ann")
    ann.sync()
    lead = company.leads["ann"][0]
    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, lead), rep_id=company.users["bob"])
    report = ann.sync()
    assert len(report.rejected) == 1 and "you may not reassign leads" in report.rejected[0]
    assert server_rows(server.engine, "leads")[lead]["rep_id"] == str(company.users["ann"])
    assert ann.rows("leads")[lead]["rep_id"] == str(company.users["ann"])  # the device has the lead back as it was


def test_a_manager_cannot_give_a_lead_to_another_teams_rep(server, company, devices):
    maria = devices("maria")
    maria.sync()
    lead = company.leads["ann"][0]
    with maria.store.session() as s:
        reassign_leads(s, maria.actor, [lead], company.users["carl"])
    report = maria.sync()
    assert len(report.rejected) == 1 and "Carl is not on your team" in report.rejected[0]
    assert server_rows(server.engine, "leads")[lead]["rep_id"] == str(company.users["ann"])
    assert maria.rows("leads")[lead]["rep_id"] == str(company.users["ann"])
