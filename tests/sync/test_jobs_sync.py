"""Several jobs per lead across devices, over HTTP against a real server
(SQLite and PostgreSQL): a job a rep adds offline gets its Job ID from the
server and reaches the office; a job with a value the app's form refuses is
refused by the server in the same words."""

from __future__ import annotations

from rep_tui.store.leads import add_job
from server_fixtures import server_rows


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
