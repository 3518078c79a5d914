"""Several jobs per lead on Customer Information, driven by keys on the demo
company: a rep adds a second job (typed fast, in a burst), which is shown at
once with its Job ID pending, and queued for sync; a bad value is refused
beside its field and nothing is saved. A user allowed to write office notes
adds one on the current job; a rep reads each note with its job, adds none."""

from __future__ import annotations

import pytest
from customer_leads import sale_lead
from rep_pilot import burst, settle, wait_until
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.domain.permissions import Permission, granted
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.job_dialog import NewJobScreen
from rep_tui.screens.note_dialog import AddNoteScreen
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Job, JobStatus, Note

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


def notes_of(store, lead_id) -> list[Note]:
    with store.session() as session:
        notes = list(session.scalars(select(Note).where(Note.lead_id == lead_id)))
        session.expunge_all()
        return notes


async def test_an_office_user_adds_a_note_on_the_current_job_in_a_burst(store):
    app = RepApp(store)
    app.permissions = granted("rep") | {Permission.WRITE_NOTES}
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_sale(pilot, store)
        job = app.screen.lead_file.jobs[app.screen.job_index].job
        before = len(notes_of(store, lead_id))
        burst(pilot, "n", "a", "Permit approved by the city", "ctrl+s")
        await wait_until(pilot, lambda: len(notes_of(store, lead_id)) == before + 1, "the note to be saved")
        await settle(pilot)
        note = max(notes_of(store, lead_id), key=lambda n: n.created_at)
        assert (note.job_id, note.body) == (job.id, "Permit approved by the city")
        shown = [str(label.render()) for label in app.screen.query("#notes-list .post-author")]
        assert f"Job {job.job_number} · {job.product}" in shown[0]


async def test_a_rep_reads_notes_with_their_job_but_cannot_add_one(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_sale(pilot, store)
        before = len(notes_of(store, lead_id))
        burst(pilot, "n", "a")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen) and not isinstance(app.screen, AddNoteScreen)
        assert len(notes_of(store, lead_id)) == before
        shown = [str(label.render()) for label in app.screen.query("#notes-list .post-author")]
        assert shown and all(" · " in author for author in shown)  # each says what it is about


async def test_the_job_status_is_set_from_the_office_list_in_a_burst(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sale(pilot, store)
        job = app.screen.lead_file.jobs[app.screen.job_index].job
        burst(pilot, "S", "enter", "Ready", "enter", "ctrl+s")  # typed before the dialog has read the statuses
        await wait_until(pilot, lambda: next(j for j in jobs_of(store, job.lead_id) if j.id == job.id).status == "RTO",
                         "the job's status to be saved")
        await settle(pilot)
        assert "Ready to order (RTO)" in str(app.screen.query_one("#job-info").render())


async def test_an_office_user_adds_a_job_status_on_its_screen(store):
    app = RepApp(store)
    app.permissions = granted("rep") | {Permission.EDIT_RESULT_CODES}
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_job_statuses()
        await settle(pilot)
        burst(pilot, "a", "Permit Pending", "tab", "Waiting on permit", "ctrl+s")
        await wait_until(pilot, lambda: "Permit Pending" in codes(store), "the status to be saved")
        await settle(pilot)
        burst(pilot, "a", "ordered", "ctrl+s")  # the same code in other capitals is refused
        await settle(pilot)
        assert "There is already a status ordered" in str(app.screen.query_one("#field-code .field-error").render())
        assert len(codes(store)) == len(set(c.casefold() for c in codes(store)))


def codes(store) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(JobStatus.code)))
