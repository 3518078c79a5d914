"""The office's bulk writes on real SQLite and PostgreSQL server databases:
`assign --from` of hundreds of leads with everything under them, written in
a few statements per chunk of leads, with the same history and the same
rows on every device as one lead at a time."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import event, select

from rep_tui.clock import utcnow
from rep_tui.server import admin, admin_bulk
from rep_tui.server.models import ScopeExit
from rep_tui.server.seed import add_rows
from rep_tui.store.models import Appointment, ChangeRecord, Lead
from server_fixtures import live_rows, make_company

LEADS = 300
#: Every table under a lead that the test gives rows, with the column naming the lead.
TREE = {"leads": "id", "jobs": "lead_id", "notes": "lead_id", "appointments": "lead_id", "payments": None}


def ann_leads_with_children(engine, company, count: int = LEADS) -> dict[str, list[uuid.UUID]]:
    """`count` more leads of Ann's, each with a job and a payment on it, a
    note, an open appointment and a resulted one; their ids by kind."""
    ann, now = company.users["ann"], utcnow()
    rows: dict[str, list[dict]] = {"leads": [], "jobs": [], "payments": [], "notes": [], "appointments": []}
    ids: dict[str, list[uuid.UUID]] = {"open": [], "done": []}
    for n in range(count):
        lead, job = uuid.uuid4(), uuid.uuid4()
        rows["leads"].append({"id": lead, "first_name": f"Bulk{n}", "last_name": "Lead", "rep_id": ann,
                              "pid": 50_000 + n, "custom": {}})
        rows["jobs"].append({"id": job, "lead_id": lead, "job_number": 60_000 + n, "product": "siding"})
        rows["payments"].append({"id": uuid.uuid4(), "job_id": job, "amount_cents": 10_000, "paid_on": date.today()})
        rows["notes"].append({"id": uuid.uuid4(), "lead_id": lead, "author_name": "Office", "body": "gate code"})
        for kind, days, code in (("open", 1, None), ("done", -1, "SOLD")):
            ids[kind].append(uuid.uuid4())
            rows["appointments"].append({"id": ids[kind][-1], "lead_id": lead, "rep_id": ann, "result_code": code,
                                         "starts_at": now + timedelta(days=days)})
    add_rows(engine, rows)
    return {"leads": [row["id"] for row in rows["leads"]], **ids}


def tree(engine, leads: set[uuid.UUID]) -> dict[str, dict]:
    """The live rows under `leads` in the tables the test fills (a device's store or the server's database)."""
    found = {table: {row_id: row for row_id, row in live_rows(engine, table).items()
                     if str(row.get(column)) in {str(lead) for lead in leads}}
             for table, column in TREE.items() if column}
    jobs = {str(job) for job in found["jobs"]}
    found["payments"] = {row_id: row for row_id, row in live_rows(engine, "payments").items()
                         if str(row["job_id"]) in jobs}
    return found


def test_assign_from_a_rep_moves_hundreds_of_leads_and_their_trees_to_the_new_reps_devices(server, company, devices):
    engine = admin.open_server(server.backend.url)
    try:
        moved = ann_leads_with_children(engine, company)
        leads = set(moved["leads"]) | set(company.leads["ann"])
        ann, maria, carl = devices("ann"), devices("maria"), devices("carl")
        for device in (ann, maria, carl):
            device.sync()
        assert {table: len(rows) for table, rows in tree(ann.store.engine, leads).items()} == {
            "leads": LEADS + 3, "jobs": LEADS + 3, "notes": LEADS + 3, "appointments": 2 * LEADS, "payments": LEADS}
        assert not any(tree(carl.store.engine, leads).values())

        assert admin_bulk.assign(engine, "carl", from_user="ann") == LEADS + 3
        for device in (ann, maria, carl):
            device.sync()

        on_server = tree(engine, leads)
        assert not any(tree(ann.store.engine, leads).values())  # Ann and her manager lost the leads and all under them
        assert not any(tree(maria.store.engine, leads).values())
        assert tree(carl.store.engine, leads) == on_server
        assert {row["rep_id"] for row in on_server["leads"].values()} == {str(company.users["carl"])}
        reps = {str(a): row["rep_id"] for a, row in on_server["appointments"].items()}
        assert {reps[str(a)] for a in moved["open"]} == {str(company.users["carl"])}
        assert {reps[str(a)] for a in moved["done"]} == {str(company.users["ann"])}  # resulted: stays with who ran it
        with engine.connect() as conn:
            history = conn.execute(select(ChangeRecord.table_name, ChangeRecord.row_id, ChangeRecord.field,
                                          ChangeRecord.old_value, ChangeRecord.new_value, ChangeRecord.kind)
                                   .where(ChangeRecord.field == "rep_id")).all()
            lost = conn.execute(select(ScopeExit.lead_id, ScopeExit.user_id)).all()
        ann_id, carl_id = str(company.users["ann"]), str(company.users["carl"])
        assert sorted(history) == sorted([("leads", lead, "rep_id", ann_id, carl_id, "edit") for lead in leads]
                                         + [("appointments", a, "rep_id", ann_id, carl_id, "edit")
                                            for a in moved["open"]])
        assert sorted(lost) == sorted((lead, user) for lead in leads
                                      for user in (company.users["ann"], company.users["maria"]))
        for device in (ann, maria, carl):  # nothing left to pull
            before = tree(device.store.engine, leads)
            device.sync()
            assert tree(device.store.engine, leads) == before
    finally:
        engine.dispose()


def test_assign_from_a_rep_writes_in_a_few_statements_per_chunk_of_leads_not_several_per_lead(backend):
    engine = admin.open_server(backend.url)
    try:
        company = make_company(engine)
        ann_leads_with_children(engine, company)
        statements = []

        def count(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        assert admin_bulk.assign(engine, "bob", from_user="ann") == LEADS + 3
        event.remove(engine, "before_cursor_execute", count)
        assert len(statements) < LEADS // 2, f"{len(statements)} statements for {LEADS + 3} leads"
        with engine.connect() as conn:
            assert set(conn.execute(select(Lead.rep_id).where(Lead.last_name == "Lead")).scalars()) == {
                company.users["bob"]}
            assert conn.execute(select(Appointment.id).where(Appointment.rep_id == company.users["ann"],
                                                             Appointment.result_code.is_(None))).first() is None
    finally:
        engine.dispose()
