"""Several jobs per lead on Customer Information, driven by keys on the demo
company: a rep adds a second job (typed fast, in a burst), which is shown at
once with its Job ID pending, and queued for sync; a bad value is refused
beside its field and nothing is saved."""

from __future__ import annotations

import pytest
from customer_leads import sale_lead
from rep_pilot import burst, settle, wait_until
from sqlalchemy import func, select

from rep_tui.app import RepApp
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.job_dialog import NewJobScreen
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Job

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def jobs_of(store, lead_id) -> list[Job]:
    with store.session() as session:
        jobs = list(session.scalars(select(Job).where(Job.lead_id == lead_id)))
        session.expunge_all()
        return jobs


async def open_sale(pilot, store):
    with store.session() as session:
        lead_id = sale_lead(session)
    pilot.app.open_lead(lead_id)
    await settle(pilot)
    return lead_id


async def test_a_job_typed_in_a_burst_is_added_shown_and_queued(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_sale(pilot, store)
        before = {j.id for j in jobs_of(store, lead_id)}
        burst(pilot, "J", "Entry Door", "tab", "2", "tab", "2", "tab", "4,850", "ctrl+s")
        await wait_until(pilot, lambda: len(jobs_of(store, lead_id)) == len(before) + 1, "the new job to be saved")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        new = next(j for j in jobs_of(store, lead_id) if j.id not in before)
        assert (new.product, new.total_units, new.sold_units, new.contract_cents, new.job_number) == (
            "Entry Door", 2, 2, 485000, None)
        info = str(app.screen.query_one("#job-info").render())
        assert "Entry Door" in info and "(not synced yet)" in info
        assert f" of {len(before) + 1} ·" in str(app.screen.query_one("#job-picker").render())
        with store.session() as session:
            queued = session.scalars(select(OutboxEntry).where(OutboxEntry.row_id == new.id)).one()
        assert (queued.table_name, queued.op) == ("jobs", "insert")


async def test_a_new_job_without_product_or_with_more_sold_than_quoted_is_refused(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_sale(pilot, store)
        count = len(jobs_of(store, lead_id))
        burst(pilot, "J", "tab", "2", "tab", "3", "ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NewJobScreen)
        assert "Product is required" in str(dialog.query_one("#field-product .field-error").render())
        burst(pilot, "Patio Door", "ctrl+s")  # the refused field has the focus
        await settle(pilot)
        assert "cannot be more than total" in str(dialog.query_one("#field-sold_units .field-error").render())
        assert len(jobs_of(store, lead_id)) == count
