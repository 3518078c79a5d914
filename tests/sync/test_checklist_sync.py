"""The installer checklist across devices, over HTTP against a real server
(SQLite and PostgreSQL): items the office adds reach the rep; the rep ticks
one offline and the office's device gets the tick; the same item ticked on
two devices offline stays one row; a tick naming an item the server does not
have, or signed for someone else, is refused in plain words."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from rep_tui.store.checklist import of_job, save_item, tick
from rep_tui.store.models import Job, JobCheck
from server_fixtures import server_rows


def _anns_job(server, company) -> uuid.UUID:
    with server.engine.connect() as conn:
        return conn.execute(select(Job.id).where(Job.lead_id == company.leads["ann"][0])).scalar_one()


def test_ticks_go_both_ways_and_the_server_checks_them(server, company, devices):
    job = _anns_job(server, company)
    office, ann, ann_phone = devices("ada"), devices("ann"), devices("ann")
    office.sync()
    with office.store.session() as s:
        hauled = save_item(s, office.actor, None, {"label": "Old windows hauled away"}).id
        screens = save_item(s, office.actor, None, {"label": "Screens fitted"}).id
    assert office.sync().rejected == []
    ann.sync(), ann_phone.sync()
    with ann.store.session() as s:
        assert [line.item.label for line in of_job(s, job)] == ["Old windows hauled away", "Screens fitted"]
        tick(s, ann.actor, job, hauled, True)
    with ann_phone.store.session() as s:  # the same item, offline on her other device
        tick(s, ann_phone.actor, job, hauled, True)
    assert ann.sync().rejected == [] and ann_phone.sync().rejected == []
    rows = [r for r in server_rows(server.engine, "job_checklist").values() if r["job_id"] == str(job)]
    assert len(rows) == 1 and rows[0]["done"] is True and rows[0]["done_by_id"] == str(company.users["ann"])
    office.sync()
    with office.store.session() as s:
        assert {line.item.label: line.done for line in of_job(s, job)} == {
            "Old windows hauled away": True, "Screens fitted": False}
        tick(s, office.actor, job, hauled, False)  # the office unticks it: Ann's device follows
    assert office.sync().rejected == []
    ann.sync()
    with ann.store.session() as s:
        assert not any(line.done for line in of_job(s, job))

    refused = _pushed_by_ann(server, company, [  # what a forged device could send
        {"id": JobCheck.id_for(job, missing := uuid.uuid4()), "job_id": job, "item_id": missing,
         "done": True, "done_by_id": company.users["ann"]},
        {"id": JobCheck.id_for(job, screens), "job_id": job, "item_id": screens, "done": True,
         "done_by_id": company.users["bob"]},
        {"id": uuid.uuid4(), "job_id": job, "item_id": screens, "done": True, "done_by_id": company.users["ann"]},
    ])
    assert "item_id: no such checklist_items row" in refused[0]
    assert "a checklist tick is signed by whoever ticks it" in refused[1]
    assert "row's id is made from its job and item" in refused[2]
    assert not any(r["done"] for r in server_rows(server.engine, "job_checklist").values())


def _pushed_by_ann(server, company, rows: list[dict]) -> list[str | None]:
    """Each row pushed as a new job_checklist row by Ann; the reason each was refused (None: applied)."""
    from rep_tui.server.auth import Principal
    from rep_tui.server.push import push
    from rep_tui.store.serialize import to_json
    from rep_tui.sync.protocol import Mutation, PushRequest

    ann = Principal(company.users["ann"], "ann", "Ann", "rep", None)
    mutations = [Mutation(seq=n, table="job_checklist", row_id=row["id"], op="insert",
                          fields={k: [None, to_json(v)] for k, v in row.items() if k != "id"})
                 for n, row in enumerate(rows, start=1)]
    answer = push(server.engine, ann, PushRequest(client_id=f"forged-{uuid.uuid4()}", acked_seq=0, mutations=mutations))
    return [r.reason if r.status == "rejected" else None for r in answer.results]
