"""Payments on the Job tab, driven by keys on the demo company: a user whose
permissions let them take payments adds one (typed fast, in a burst) and
deletes one after a confirm, and the balance due and A/R follow at once; a
user without them has no keys for it; one who may not see payments sees none."""

from __future__ import annotations

from datetime import date

import pytest
from customer_leads import sale_lead
from rep_pilot import burst, settle, wait_until
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.domain.permissions import Permission, granted
from rep_tui.domain.validation import format_money
from rep_tui.screens.confirm import ConfirmScreen
from rep_tui.screens.payment_dialog import PaymentScreen
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.leads import load_lead
from rep_tui.store.models import Job, Payment

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def office_app(store) -> RepApp:
    """The app for the demo user as if their group let them take payments."""
    app = RepApp(store)
    app.permissions = granted("rep") | {Permission.EDIT_PAYMENTS}
    return app


def job_of(store, lead_id):
    with store.session() as session:
        job_file = load_lead(session, lead_id).current_job
        session.expunge_all()
        return job_file


def pay_text(app) -> str:
    return str(app.screen.query_one("#job-pay").render())


async def open_sale(pilot, store):
    with store.session() as session:
        lead_id = sale_lead(session)
    pilot.app.open_lead(lead_id)
    await settle(pilot)
    return lead_id


async def test_a_payment_typed_in_a_burst_is_saved_queued_and_the_balance_follows(store):
    app = office_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_sale(pilot, store)
        before = job_of(store, lead_id)
        with store.session() as session:  # room for the payment: the sale is bigger than what was paid
            session.get(Job, before.job.id).contract_cents = before.paid_total + 500_000
        app.screen.reload()
        await settle(pilot)
        due = before.paid_total + 500_000 - before.paid_total
        assert f"Bal Due       {format_money(due)}" in pay_text(app)
        burst(pilot, "a", "$1,234.5", "tab", "ctrl+u", "2026-11-30", "tab", "tab", "check #1042", "ctrl+s")
        await settle(pilot)
        await wait_until(pilot, lambda: not isinstance(app.screen, PaymentScreen), "the payment dialog to close")
        await wait_until(pilot, lambda: format_money(due - 123_450) in pay_text(app), "the balance to follow")
    with store.session() as session:
        added = session.scalars(select(Payment).where(Payment.job_id == before.job.id, Payment.note == "check #1042")).one()
        assert (added.amount_cents, added.paid_on) == (123_450, date(2026, 11, 30))
        assert session.scalars(select(OutboxEntry).where(OutboxEntry.row_id == added.id)).one().op == "insert"


async def test_a_bad_amount_is_refused_in_words_and_nothing_is_saved(store):
    app = office_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_sale(pilot, store)
        count = len(job_of(store, lead_id).payments)
        burst(pilot, "a", "12.345", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PaymentScreen)
        assert "two decimals" in str(app.screen.query_one("#field-amount_cents .field-error").render())
    assert len(job_of(store, lead_id).payments) == count


async def test_deleting_a_payment_asks_first_and_the_balance_follows(store):
    app = office_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_sale(pilot, store)
        before = job_of(store, lead_id)
        first = before.payments[0]
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert len(job_of(store, lead_id).payments) == len(before.payments)
        await pilot.press("x", "y")
        await settle(pilot)
        await wait_until(pilot, lambda: len(job_of(store, lead_id).payments) == len(before.payments) - 1,
                         "the payment to be deleted")
        due = before.balance_due + first.amount_cents if before.job.contract_cents is not None else None
        await wait_until(pilot, lambda: f"Bal Due       {format_money(min(due, before.job.contract_cents))}"
                         in pay_text(app), "the balance to follow the delete")


async def test_a_rep_without_the_permission_has_no_payment_keys(store):
    app = RepApp(store)
    assert not app.may(Permission.EDIT_PAYMENTS)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_sale(pilot, store)
        count = len(job_of(store, lead_id).payments)
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, PaymentScreen)
        assert app.screen.query_one("#payments-table").display  # seen, read-only
        await pilot.press("x")  # on the Job tab, x is for the job's invoice items only
        assert not isinstance(app.screen, ConfirmScreen) or "Remove" in str(app.screen.question)
    assert len(job_of(store, lead_id).payments) == count


async def test_a_user_who_may_not_see_payments_sees_none(store):
    app = RepApp(store)
    app.permissions = frozenset()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sale(pilot, store)
        assert not app.screen.query_one("#job-payments").display
        assert "Bal Due" not in pay_text(app) and "Paid" not in pay_text(app).replace("Comm. Paid", "")
