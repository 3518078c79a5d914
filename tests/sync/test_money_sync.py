"""Money across devices and the office, over HTTP against a real server
(SQLite and PostgreSQL): payments taken on two office devices reach the rep
and the job's balance adds them all up; a payment deleted on one device and
edited on another converges; a rep's Sold result makes a commission row
offline that the server accepts, and a forged one is refused."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from rep_tui.store import writes
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Appointment, Commission, Job, Payment, ResultCode
from rep_tui.store.money import add_payment, delete_payment
from rep_tui.store.resulting import ResultEntry, record_result
from server_fixtures import server_rows

SALE = 1_234_500  # $12,345.00
ANN_RATE_COMMISSION = 98_760  # Ann's 8.00 % of it


def _sold_job(server, company) -> uuid.UUID:
    """Ann's first lead's job, sold for SALE by the office."""
    lead = company.leads["ann"][0]
    with server.engine.begin() as conn:
        job = conn.execute(select(Job.id).where(Job.lead_id == lead)).scalar_one()
        conn.execute(update(Job).where(Job.id == job).values(contract_cents=SALE, version=Job.version + 0))
    return job


def _pay(device, job_id, cents, day=date(2026, 11, 30), method="Check"):
    with device.store.session() as s:
        return add_payment(s, device.actor, job_id, {"amount_cents": cents, "paid_on": day, "method": method,
                                                    "note": None}).id


def _balance(engine, job_id):
    return server_rows(engine, "jobs")[job_id]["balance_cents"]


def test_payments_from_two_office_devices_add_up_and_reach_the_rep(server, company, devices):
    job = _sold_job(server, company)
    desk, laptop, ann = devices("ada"), devices("ada"), devices("ann")
    for d in (desk, laptop, ann):
        d.sync()
    _pay(desk, job, 200_000)       # both offline, each sees the balance before the other's payment
    _pay(laptop, job, 34_500, method="Cash")
    for d in (desk, laptop, ann, desk):
        assert d.sync().rejected == []
    assert _balance(server.engine, job) == SALE - 234_500  # the server's sum, not either device's guess
    for d in (desk, laptop, ann):
        assert d.rows("jobs")[job]["balance_cents"] == SALE - 234_500
        assert sorted(p["amount_cents"] for p in d.rows("payments").values() if p["job_id"] == str(job)) \
            == [34_500, 200_000]


def test_a_rep_without_the_permission_cannot_push_a_payment(server, company, devices):
    job = _sold_job(server, company)
    ann = devices("ann")
    ann.sync()
    payment = _pay(ann, job, 10_000)
    report = ann.sync()
    assert len(report.rejected) == 1 and "add and delete payments needs a permission" in report.rejected[0]
    assert payment not in server_rows(server.engine, "payments")
    with ann.store.session() as s:  # kept on the device as refused, for the rep to see in Sync (as every refused create)
        assert s.scalar(select(OutboxEntry.state).where(OutboxEntry.row_id == payment)) == "rejected"


@pytest.mark.parametrize("first", ["the edit", "the delete"])
def test_a_payment_deleted_on_one_device_and_edited_on_another_ends_deleted(server, company, devices, first):
    """Whichever reaches the server first, the payment ends deleted everywhere
    and the balance without it: a delete takes the row out, and an edit of a
    deleted row is refused (the edit stays in the editing device's history)."""
    job = _sold_job(server, company)
    desk, laptop = devices("ada"), devices("ada")
    desk.sync()
    payment = _pay(desk, job, 50_000)
    desk.sync()
    laptop.sync()
    with desk.store.session() as s:  # offline on both
        delete_payment(s, desk.actor, payment)
    with laptop.store.session() as s:
        writes.update(s, laptop.actor, s.get(Payment, payment), amount_cents=60_000)
    order = (laptop, desk) if first == "the edit" else (desk, laptop)
    for d in (*order, *order):
        d.sync()
    assert payment not in server_rows(server.engine, "payments")
    assert payment not in desk.rows("payments") and payment not in laptop.rows("payments")
    assert _balance(server.engine, job) == SALE
    assert laptop.rows("jobs")[job]["balance_cents"] == SALE


def _appointment(device, lead_id) -> uuid.UUID:
    with device.store.session() as s:
        start = datetime(2026, 11, 30, 18, tzinfo=timezone.utc)
        return writes.insert(s, device.actor, Appointment(lead_id=lead_id, rep_id=device.user_id, starts_at=start,
                                                          ends_at=start + timedelta(hours=2))).id


def test_a_sold_result_offline_makes_a_commission_the_server_accepts(server, company, devices):
    with server.engine.begin() as conn:  # Sold asks for the sale, as the office's codes do
        conn.execute(update(ResultCode).where(ResultCode.code == "SOLD").values(needs_sale=True))
    ann, maria = devices("ann"), devices("maria")
    ann.sync()
    lead = company.leads["ann"][1]
    appointment = _appointment(ann, lead)
    with ann.store.session() as s:  # offline: the rep results it Sold
        job = record_result(s, ann.actor, appointment, ResultEntry("SOLD", "windows", 10, SALE),
                            "America/Chicago").job.id
    assert [c["amount_cents"] for c in ann.rows("commissions").values()] == [ANN_RATE_COMMISSION]
    assert ann.sync().rejected == []
    stored = [c for c in server_rows(server.engine, "commissions").values() if c["job_id"] == str(job)]
    assert [(c["rep_id"], c["amount_cents"], c["paid_cents"]) for c in stored] == \
        [(str(ann.user_id), ANN_RATE_COMMISSION, 0)]
    assert _balance(server.engine, job) == SALE

    with ann.store.session() as s:  # re-resulted with a bigger sale: the same row follows
        record_result(s, ann.actor, appointment, ResultEntry("SOLD", "windows", 12, 1_500_000), "America/Chicago")
    assert ann.sync().rejected == []
    maria.sync()
    stored = [c for c in maria.rows("commissions").values() if c["job_id"] == str(job)]
    assert [c["amount_cents"] for c in stored] == [120_000]


def test_a_forged_commission_is_refused(server, company, devices):
    job = _sold_job(server, company)
    ann = devices("ann")
    ann.sync()
    with ann.store.session() as s:
        forged = writes.insert(s, ann.actor, Commission(job_id=job, rep_id=ann.user_id, amount_cents=500_000)).id
        paid = writes.insert(s, ann.actor, Commission(job_id=job, rep_id=ann.user_id, amount_cents=ANN_RATE_COMMISSION,
                                                      paid_cents=ANN_RATE_COMMISSION)).id
    report = ann.sync()
    assert len(report.rejected) == 2
    assert "is not the rep's 8.00% of the sale $12,345" in report.rejected[0]
    assert "office's to record" in report.rejected[1]
    assert not {forged, paid} & set(server_rows(server.engine, "commissions"))


def test_the_office_catalogue_reaches_the_rep_whose_invoice_item_reaches_the_manager(server, company, devices):
    from rep_tui.store.money import add_invoice_item, save_catalogue_item

    job = _sold_job(server, company)
    office, ann, maria = devices("ada"), devices("ann"), devices("maria")
    office.sync()
    with office.store.session() as s:
        item = save_catalogue_item(s, office.actor, None, {"sku": "WIN-DH", "name": "Double-hung", "price_cents": 64_900}).id
    assert office.sync().rejected == []
    ann.sync()
    with ann.store.session() as s:  # offline: the rep puts 6 on the job
        add_invoice_item(s, ann.actor, job, item, 6)
    with ann.store.session() as s:  # a rep may not change the catalogue itself
        save_catalogue_item(s, ann.actor, item, {"price_cents": 1})
    report = ann.sync()
    assert len(report.rejected) == 1 and "edit the invoice item catalogue needs a permission" in report.rejected[0]
    maria.sync()
    assert [(i["sku"], i["quantity"], i["amount_cents"]) for i in maria.rows("invoice_items").values()
            if i["job_id"] == str(job)] == [("WIN-DH", 6, 389_400)]
    assert server_rows(server.engine, "catalogue_items")[item]["price_cents"] == 64_900
    # (the refused edit waits on Ann's device for her to dismiss in Sync, as every refused edit does)


def test_a_user_whose_group_does_not_see_payments_is_not_sent_them(server, company, devices):
    from dataclasses import replace

    from rep_tui.server.auth import Principal
    from rep_tui.server.pull import pull

    job = _sold_job(server, company)
    office = devices("ada")
    office.sync()
    _pay(office, job, 70_000)
    office.sync()
    ann = Principal(company.users["ann"], "ann", "Ann", "rep", None)
    sees = pull(server.engine, ann, 0, "ann-laptop")
    assert [row["amount_cents"] for row in sees.upserts["payments"]] == [70_000]
    assert any(h.table_name == "payments" for h in sees.history)
    blind = pull(server.engine, replace(ann, group_permissions=frozenset()), 0, "ann-laptop")
    assert "payments" not in blind.upserts and "jobs" in blind.upserts
    assert not any(h.table_name == "payments" for h in blind.history)


def test_a_co_rep_put_on_a_job_offline_splits_the_commission_on_every_device(server, company, devices):
    """Ann's group lets her put users on jobs: offline she puts Bob on her sold
    job at 40 %; the server takes the shares and both commission rows as the
    device wrote them (60 % and 40 % of her 8 %), and her manager gets them."""
    from decimal import Decimal

    from rep_tui.server import admin
    from rep_tui.store.job_users import add_job_user

    admin.add_group(server.engine, "Reps who split sales", permissions=["see_payments", "edit_job_users"])
    admin.set_user_group(server.engine, "ann", "Reps who split sales")
    job = _sold_job(server, company)
    ann, maria = devices("ann"), devices("maria")
    ann.sync()
    with ann.store.session() as s:
        add_job_user(s, ann.actor, job, company.users["bob"], "co-rep", Decimal(40))
    assert ann.sync().rejected == []
    maria.sync()
    shares = {(u["user_id"], u["role"]): Decimal(u["share_pct"]) for u in maria.rows("job_users").values()
              if u["job_id"] == str(job)}
    assert shares == {(str(company.users["ann"]), "rep"): 60, (str(company.users["bob"]), "co-rep"): 40}
    commissions = {c["rep_id"]: c["amount_cents"] for c in maria.rows("commissions").values()
                   if c["job_id"] == str(job)}
    assert commissions == {str(company.users["ann"]): 59_256, str(company.users["bob"]): 39_504}
