"""Several jobs per lead across devices, over HTTP against a real server
(SQLite and PostgreSQL): a job a rep adds offline gets its Job ID from the
server and reaches the office; a job with a value the app's form refuses is
refused by the server in the same words. Office notes on a job: a manager's
reaches the rep, a rep's is refused unless their group grants it, and a note
cannot name another lead's job."""

from __future__ import annotations

from rep_tui.domain.permissions import Permission
from rep_tui.store.leads import add_job, add_note
from server_fixtures import give, server_rows


def _add_job(device, lead_id, **values):
    clean = {"product": "Entry Door", "total_units": 2, "sold_units": None, "contract_cents": 485_000, **values}
    with device.store.session() as s:
        return add_job(s, device.actor, lead_id, clean).id


def test_a_job_added_offline_gets_its_number_and_reaches_the_office(server, company, devices):
    lead = company.leads["ann"][0]
    ann, desk = devices("ann"), devices("ada")
    ann.sync(), desk.sync()
    job = _add_job(ann, lead)  # offline: no number yet
    assert ann.rows("jobs")[job]["job_number"] is None
    assert ann.sync().rejected == []
    number = server_rows(server.engine, "jobs")[job]["job_number"]
    taken = {row["job_number"] for row_id, row in server_rows(server.engine, "jobs").items() if row_id != job}
    assert number is not None and number not in taken
    assert ann.rows("jobs")[job]["job_number"] == number  # the device learns it on the same sync
    desk.sync()
    office = desk.rows("jobs")[job]
    assert (office["lead_id"], office["product"], office["contract_cents"], office["job_number"]) == (
        str(lead), "Entry Door", 485_000, number)
    assert sum(1 for row in desk.rows("jobs").values() if row["lead_id"] == str(lead)) == 2


def test_a_job_the_form_would_refuse_is_refused_by_the_server(server, company, devices):
    ann = devices("ann")
    ann.sync()
    job = _add_job(ann, company.leads["ann"][0], total_units=-3)
    report = ann.sync()
    assert len(report.rejected) == 1 and "total_units" in report.rejected[0]
    assert job not in server_rows(server.engine, "jobs")


def _note(device, lead_id, job_id, body="Permit approved"):
    with device.store.session() as s:
        return add_note(s, device.actor, lead_id, job_id, body).id


def _job_of(engine, lead_id):
    return next(row_id for row_id, row in server_rows(engine, "jobs").items() if row["lead_id"] == str(lead_id))


def test_a_managers_note_on_a_job_reaches_the_rep_who_may_not_write_one(server, company, devices):
    lead = company.leads["ann"][0]
    job = _job_of(server.engine, lead)
    maria, ann = devices("maria"), devices("ann")
    maria.sync(), ann.sync()
    note = _note(maria, lead, job)
    assert maria.sync().rejected == []
    ann.sync()
    assert (ann.rows("notes")[note]["job_id"], ann.rows("notes")[note]["body"]) == (str(job), "Permit approved")
    mine = _note(ann, lead, job, "I wrote this")
    report = ann.sync()
    assert len(report.rejected) == 1 and "write office notes needs a permission" in report.rejected[0]
    assert mine not in server_rows(server.engine, "notes")


def test_a_rep_whose_group_grants_it_writes_notes(server, company, devices):
    give(server.engine, "ann", Permission.WRITE_NOTES.value)
    lead = company.leads["ann"][0]
    ann = devices("ann")
    ann.sync()
    note = _note(ann, lead, None, "Gate code 4412")
    assert ann.sync().rejected == []
    assert server_rows(server.engine, "notes")[note]["job_id"] is None


def test_a_note_naming_another_leads_job_is_refused(server, company, devices):
    maria = devices("maria")
    maria.sync()
    other_job = _job_of(server.engine, company.leads["ann"][1])
    note = _note(maria, company.leads["ann"][0], other_job)
    report = maria.sync()
    assert len(report.rejected) == 1 and "not one of this note's lead's jobs" in report.rejected[0]
    assert note not in server_rows(server.engine, "notes")


def test_a_job_status_from_the_office_list_syncs_and_one_not_in_it_is_refused(server, company, devices):
    from rep_tui.server.admin_jobs import ensure_default_job_statuses
    from rep_tui.store import writes
    from rep_tui.store.job_statuses import set_job_status
    from rep_tui.store.models import Job

    ensure_default_job_statuses(server.engine)  # what the first admin command on this server does
    lead = company.leads["ann"][0]
    job = _job_of(server.engine, lead)
    ann, desk = devices("ann"), devices("ada")
    ann.sync(), desk.sync()
    assert "Ordered" in {row["code"] for row in ann.rows("job_statuses").values()}
    with ann.store.session() as s:
        set_job_status(s, ann.actor, job, "Ordered")
    assert ann.sync().rejected == []
    desk.sync()
    assert desk.rows("jobs")[job]["status"] == "Ordered"
    with ann.store.session() as s:  # a device that skips the app's check (or an old one)
        writes.update(s, ann.actor, s.get(Job, job), status="Shipped")
    report = ann.sync()
    assert len(report.rejected) == 1 and "'Shipped' is not an active job status" in report.rejected[0]
    assert server_rows(server.engine, "jobs")[job]["status"] == "Ordered"
