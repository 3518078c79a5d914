"""Snapshots at 80×24 of a lead with two jobs on the fixed demo company: the
Job tab showing the second job (added here with fixed values, as `J` adds
one) and the Notes tab with the office's notes on each job and on the lead."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from customer_leads import sale_lead
from test_customer_snapshots import showing

from rep_tui.app import RepApp
from rep_tui.store.models import Job, Note

JOB_ID = uuid.UUID("00000000-0000-4000-8000-00000000a001")


def _second_job(store) -> uuid.UUID:
    """The sale lead with a second job (an entry door, synced: it has its number) and a note on each job."""
    at = datetime(2026, 11, 20, 15, 30, tzinfo=timezone.utc)
    with store.session() as session:
        lead_id = sale_lead(session)
        first = session.query(Job).filter(Job.lead_id == lead_id).one()
        session.add(Job(id=JOB_ID, lead_id=lead_id, job_number=600001, product="Entry Door", total_units=2,
                        sold_units=2, contract_cents=485_000, status="RTO"))
        session.add_all([
            Note(lead_id=lead_id, job_id=JOB_ID, author_name="Pat Office", body="Door on back order: 3 weeks.",
                 created_at=at),
            Note(lead_id=lead_id, job_id=first.id, author_name="Pat Office", body="Final inspection passed.",
                 created_at=at.replace(hour=16)),
        ])
        session.commit()
    return lead_id


@pytest.mark.parametrize("tab", ["job", "notes"])
def test_a_lead_with_two_jobs(snap_compare, store, tab):
    lead_id = _second_job(store)
    keys = () if tab == "job" else ("n",)
    assert snap_compare(RepApp(store), terminal_size=(80, 24), run_before=showing(lead_id, keys))
