"""Monthly targets across devices, with a real server (SQLite and
PostgreSQL): the manager sets a rep's target on her device; after a sync the
rep's My Stats shows progress against it ("$42,000 of $60,000 · 70%").
A rep who pushes a target of their own, and a manager who sets one for
another team's rep, are refused in plain words."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest
from rep_pilot import anyio_backend, settle, wait_until  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import select, update

from rep_tui.server.seed import add_rows
from rep_tui.store.models import Job, Target
from rep_tui.store.targets import set_target
from rep_tui.widgets.target_progress import TargetProgress
from server_fixtures import PASSWORD, server_rows

NOVEMBER = date(2026, 11, 1)  # the fixed clock's month


def _a_sale_for_ann(server, company) -> None:
    """Ann sold $42,000 (5 units) on Nov 10: one issued appointment, resulted Sold."""
    lead = company.leads["ann"][0]
    with server.engine.begin() as conn:
        job = conn.execute(select(Job.id).where(Job.lead_id == lead)).scalar_one()
        conn.execute(update(Job).where(Job.id == job).values(contract_cents=4_200_000, sold_units=5))
    add_rows(server.engine, {"appointments": [{
        "id": uuid.uuid4(), "lead_id": lead, "job_id": job, "rep_id": company.users["ann"], "result_code": "SOLD",
        "starts_at": datetime(2026, 11, 10, 18, tzinfo=timezone.utc)}]})


@pytest.mark.anyio
async def test_a_target_set_by_the_manager_shows_on_the_reps_my_stats(server, company, devices):
    from rep_tui.app import RepApp

    _a_sale_for_ann(server, company)
    ann, maria = devices("ann"), devices("maria")
    maria.sync()
    with maria.store.session() as s:
        set_target(s, maria.actor, company.users["ann"], month=NOVEMBER, sales_cents=6_000_000, units=10, issued=2)
    assert maria.sync().rejected == []
    with maria.store.session() as s:  # setting the month again changes the same row
        set_target(s, maria.actor, company.users["ann"], month=NOVEMBER, sales_cents=6_000_000, units=10, issued=4)
    assert maria.sync().rejected == []
    assert [(t["month"], t["issued"]) for t in server_rows(server.engine, "targets").values()] == [("2026-11-01", 4)]
    ann.sync()

    app = RepApp(ann.store, user_id=ann.user_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await settle(pilot)
        progress = app.screen.query_one(TargetProgress)
        await wait_until(pilot, lambda: progress.display, "the targets to show")
        shown = str(progress.render())
        assert "Sales  ██████░░ $42,000 of $60,000 · 70%" in shown
        assert "Units  ████░░░░ 5 of 10 · 50%" in shown
        assert "Issued ██░░░░░░ 1 of 4 · 25%" in shown
        await pilot.press("w")  # targets are monthly: a week shows none
        await settle(pilot)
        assert not progress.display


def test_a_rep_who_pushes_a_target_is_refused(server, company, devices):
    ann = devices("ann")
    ann.sync()
    with ann.store.session() as s:
        set_target(s, ann.actor, company.users["ann"], month=NOVEMBER, sales_cents=1, units=0, issued=0)
    report = ann.sync()
    assert len(report.rejected) == 1 and "set reps' targets needs a permission" in report.rejected[0]
    assert server_rows(server.engine, "targets") == {}


def test_a_manager_cannot_set_another_teams_reps_target(server, company, devices):
    maria = devices("maria")
    maria.sync()
    with maria.store.session() as s:
        set_target(s, maria.actor, company.users["carl"], month=NOVEMBER, sales_cents=1, units=1, issued=1)
    report = maria.sync()
    assert len(report.rejected) == 1 and "outside what you may change" in report.rejected[0]
    assert server_rows(server.engine, "targets") == {}


def test_two_devices_setting_the_same_month_offline_write_one_target(server, company, devices):
    maria, ada = devices("maria"), devices("ada")
    maria.sync()
    ada.sync()
    with maria.store.session() as s:
        set_target(s, maria.actor, company.users["ann"], month=NOVEMBER, sales_cents=6_000_000, units=10, issued=40)
    with ada.store.session() as s:
        set_target(s, ada.actor, company.users["ann"], month=NOVEMBER, sales_cents=5_000_000, units=10, issued=40)
    assert maria.sync().rejected == []
    report = ada.sync()  # the same row: her differing sales figure loses as a conflict, kept in the history
    assert report.rejected == [] and report.conflicts == 1
    maria.sync()
    for device in (maria, ada):
        assert [(t["sales_cents"], t["issued"]) for t in device.rows("targets").values()] == [(6_000_000, 40)]
    assert len(server_rows(server.engine, "targets")) == 1


def test_a_target_is_one_row_per_rep_and_month_whatever_a_device_sends(server, company):
    """A device that makes its own id for a target, or moves one to another
    month, is refused: the pair is the row (else two devices could make two)."""
    import httpx

    from rep_tui.sync import credentials

    token = credentials.login(server.url, "maria", PASSWORD).token
    ann = str(company.users["ann"])

    def push(op: str, row_id, **fields) -> dict:
        body = {"client_id": f"odd-{uuid.uuid4()}", "mutations": [
            {"seq": 1, "table": "targets", "row_id": str(row_id), "op": op,
             "fields": {name: list(pair) for name, pair in fields.items()}}]}
        answer = httpx.post(f"{server.url}/sync/push", json=body, headers={"Authorization": f"Bearer {token}"})
        return answer.json()["results"][0]

    own_id = push("insert", uuid.uuid4(), rep_id=(None, ann), month=(None, "2026-11-01"), sales_cents=(None, 1))
    assert own_id["status"] == "rejected" and "made from its rep and month" in own_id["reason"]
    row = Target.id_for(company.users["ann"], NOVEMBER)
    assert push("insert", row, rep_id=(None, ann), month=(None, "2026-11-01"), sales_cents=(None, 1))["status"] \
        == "applied"
    moved = push("update", row, month=("2026-11-01", "2026-12-01"))
    assert moved["status"] == "rejected" and "do not change" in moved["reason"]
    assert [t["month"] for t in server_rows(server.engine, "targets").values()] == ["2026-11-01"]
