"""Two reps and their manager work offline, then sync: everyone converges,
the manager sees both reps' work, neither rep sees the other's leads."""

from __future__ import annotations

from sqlalchemy import select

from rep_tui.store import search, writes
from rep_tui.store.models import Comment, Job, Lead
from server_fixtures import server_rows


def _lead(device, lead_id):
    with device.store.session() as s:
        return s.get(Lead, lead_id)


def test_offline_edits_on_three_devices_converge(server, company, devices):
    ann, bob, maria = devices("ann"), devices("bob"), devices("maria")
    for d in (ann, bob, maria):
        d.sync()
    assert set(ann.rows("leads")) == set(company.leads["ann"])
    assert set(bob.rows("leads")) == set(company.leads["bob"])
    assert set(maria.rows("leads")) == set(company.leads["ann"] + company.leads["bob"])
    assert len(ann.rows("users")) == 5 and len(ann.rows("notes")) == 3  # reference + office data visible

    # offline: ann adds a lead with a job and edits one; bob comments; maria edits ann's lead too
    with ann.store.session() as s:
        new = writes.insert(s, ann.actor, Lead(first_name="Olive", last_name="O'Brien", rep_id=ann.user_id,
                                               home_phone="312 555 0142", custom={}))
        writes.insert(s, ann.actor, Job(lead_id=new.id, product="siding"))
        writes.update(s, ann.actor, s.get(Lead, company.leads["ann"][0]), city="Springfield")
    with bob.store.session() as s:
        writes.insert(s, bob.actor, Comment(lead_id=company.leads["bob"][0], author_name="Bob", body="be back tue"))
    with maria.store.session() as s:
        writes.update(s, maria.actor, s.get(Lead, company.leads["ann"][0]), zip="62701")

    for d in (ann, bob, maria, ann, bob, maria):
        d.sync()

    for table in ("leads", "jobs", "comments", "notes", "appointments"):
        for d in (ann, bob):
            own = {str(lead_id) for lead_id in d.rows("leads")}
            assert all(r["lead_id"] in own for r in d.rows(table).values() if "lead_id" in r)
        expected = server_rows(server.engine, table)
        assert maria.rows(table) == {k: v for k, v in expected.items() if k in maria.rows(table)}
    merged = _lead(ann, company.leads["ann"][0])
    assert (merged.city, merged.zip) == ("Springfield", "62701")  # different fields never conflict
    assert _lead(maria, company.leads["ann"][0]).city == "Springfield"
    new_lead = _lead(maria, new.id)
    assert new_lead is not None and new_lead.pid is not None  # PID given by the server
    assert _lead(ann, new.id).pid == new_lead.pid
    with ann.store.session() as s:
        assert s.scalar(select(Job.job_number).where(Job.lead_id == new.id)) is not None
        hits = search.search(s, str(new_lead.pid))
        assert [h.lead_id for h in hits] == [new.id]  # the search index knows the server's PID
    assert set(bob.rows("leads")).isdisjoint(ann.rows("leads"))
    assert any(c["body"] == "be back tue" for c in maria.rows("comments").values())
    for d in (ann, bob, maria):
        assert d.client.status.state == "synced"
        assert d.sync().requests == 1  # nothing new: one pull


def test_rep_cannot_change_office_data_or_other_reps_leads(server, company, devices):
    ann = devices("ann")
    ann.sync()
    with ann.store.session() as s:
        from rep_tui.store.models import Note

        note = s.scalars(select(Note)).first()
        writes.update(s, ann.actor, note, body="rewritten")
        for i in range(3):
            writes.update(s, ann.actor, s.get(Lead, company.leads["ann"][i]), city=f"Town {i}")
        writes.update(s, ann.actor, s.get(Lead, company.leads["ann"][1]), rep_id=company.users["carl"])
    report = ann.sync()
    assert report.pushed == 3 and len(report.rejected) == 2
    assert any("write office notes needs a permission" in r for r in report.rejected)
    assert any("may not reassign leads" in r for r in report.rejected)
    status = ann.client.status
    assert status.rejected == 2 and "2 rejected" in status.text
    # the server's value came back over the rejected local edit
    with ann.store.session() as s:
        assert s.get(Note, note.id).body == "call first"
    assert {r["city"] for r in server_rows(server.engine, "leads").values() if r["city"]} == {
        "Town 0", "Town 1", "Town 2"}
    assert set(ann.rows("leads")) == set(company.leads["ann"])  # the reassignment did not stick
