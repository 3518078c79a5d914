"""An initial sync moves whole pages the fast way (rows encoded column by
column, the search index rebuilt in bulk at the end): the device must end up
with the same rows as the server and find its leads by what a rep remembers."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

import rep_tui
from rep_tui.server.seed import add_rows
from server_fixtures import server_rows
from rep_tui.store import search
from rep_tui.store.models import SYNCED_TABLES, Lead
from rep_tui.sync import state
from rep_tui.sync.apply import INDEX_STALE
from rep_tui.sync.codec import encode_row, encode_rows, wire_columns
from rep_tui.sync.engine import Offline
from rep_tui.sync.tables import ORDERED


def _seed_phoned_leads(engine, rep_id: uuid.UUID, numbers: range) -> list[uuid.UUID]:
    """Leads numbered `numbers` (in their phones, PIDs and Job IDs) with
    timestamps with and without microseconds."""
    leads = {i: uuid.uuid4() for i in numbers}
    add_rows(engine, {
        "leads": [{"id": lead, "first_name": f"Renée{i}", "last_name": "Zimmerman", "rep_id": rep_id,
                   "pid": 770000 + i, "home_phone": f"(217) 555-01{i:02d}", "home_phone_e164": f"+121755501{i:02d}",
                   "email": f"z{i}@example.com", "follow_up_on": date(2026, 12, 1 + i % 28),
                   "created_at": datetime(2026, 1, 5, 15, 0, 0, 1000 * i, tzinfo=timezone.utc),
                   "custom": {"roof": "slate", "n": i}} for i, lead in leads.items()],
        "jobs": [{"id": uuid.uuid4(), "lead_id": lead, "job_number": 880000 + i, "product": "roofing",
                  "contract_cents": 1250000 + i, "sold_on": date(2026, 2, 3), "commission_pct": Decimal("7.50")}
                 for i, lead in leads.items()],
    })
    return list(leads.values())


def test_page_encoding_matches_encode_row(server, company):
    """The pull's per-page encoder gives exactly what `encode_row` gives, on both databases."""
    _seed_phoned_leads(server.engine, company.users["ann"], range(3))
    with server.engine.connect() as conn:
        for table in ("leads", "jobs", "notes"):
            t = SYNCED_TABLES[table].__table__
            expected = [encode_row(table, row) for row in conn.execute(select(t).order_by(t.c.id)).mappings()]
            wire = conn.execute(select(*wire_columns(table, conn.dialect.name)).order_by(t.c.id)).all()
            assert encode_rows(table, wire, conn.dialect.name) == expected


def _found(device, query: str) -> list[uuid.UUID]:
    with device.store.session() as s:
        return [hit.lead_id for hit in search.search(s, query)]


def test_initial_sync_over_many_pages_finds_leads_by_phone_pid_and_job(server, company, devices):
    leads = _seed_phoned_leads(server.engine, company.users["ann"], range(12))
    _seed_phoned_leads(server.engine, company.users["carl"], range(50, 52))  # not ann's: never on her device
    ann = devices("ann", page_size=5)
    report = ann.sync()
    assert report.requests > 5  # many pages
    for table in ("leads", "jobs", "notes"):
        assert ann.rows(table) == server_rows(server.engine, table, SYNCED_TABLES[table].__table__.c.id.in_(
            list(ann.rows(table))))
    assert set(ann.rows("leads")) == set(company.leads["ann"]) | set(leads)

    def found(query: str) -> list[uuid.UUID]:
        return _found(ann, query)

    assert found("217.555.0107") == [leads[7]]
    assert found("(217) 555-0107") == [leads[7]]
    assert found("0107") == [leads[7]]
    assert found("770007") == [leads[7]]  # PID
    assert found("880007") == [leads[7]]  # Job ID
    assert found("renee7") == [leads[7]]  # accent folded
    assert len(found("Zimmerman")) == 12  # carl's two are not here
    assert ann.sync().requests == 1  # nothing new: one pull


def test_initial_sync_cut_off_midway_still_indexes_the_leads_it_brought(server, company, devices):
    """Pages of a pull from scratch are indexed once at its end; when the
    server goes away midway, the next sync must index them too."""
    leads = _seed_phoned_leads(server.engine, company.users["ann"], range(12))
    ann = devices("ann", page_size=5)

    def cut_when_leads_land(_message: str) -> None:
        if leads[0] in ann.rows("leads") and server.thread is not None:
            server.stop()

    with pytest.raises(Offline):
        ann.client.sync(cut_when_leads_land)
    landed = ann.rows("leads")
    assert leads[0] in landed and set(landed) != set(company.leads["ann"]) | set(leads)  # cut off midway
    server.start()
    ann.sync()
    for lead in ann.rows("leads").values():
        assert _found(ann, str(lead["pid"])) == [uuid.UUID(lead["id"])]


#: A device process that pulls from scratch in pages of 5 and stops for good
#: inside the third page's transaction (its rows written, not committed).
_STOPS_IN_THIRD_PAGE = """
import sys, time
from pathlib import Path
from rep_tui.store.db import Store
from rep_tui.sync import apply
from rep_tui.sync.engine import SyncClient

applied, add_history = 0, apply._add_history
def stop_in_third_page(conn, page):
    global applied
    add_history(conn, page)
    applied += 1
    if applied == 3:
        print("in page 3", flush=True)
        time.sleep(600)
apply._add_history = stop_in_third_page
SyncClient(Store(Path(sys.argv[1])), sys.argv[2], sys.argv[3], page_size=5).sync()
"""


def test_initial_sync_killed_mid_page_resumes_from_its_last_page(server, company, devices):
    """SIGKILL in the middle of a page: the pages committed before it stay
    with their cursor, the next sync fetches only what is left, and the
    device ends equal to one that synced in one go, every lead indexed once."""
    leads = _seed_phoned_leads(server.engine, company.users["ann"], range(12))
    ann = devices("ann", page_size=5)
    token = ann.client.http.headers["Authorization"].removeprefix("Bearer ")
    env = {**os.environ, "PYTHONPATH": str(Path(rep_tui.__file__).parents[1])}
    child = subprocess.Popen([sys.executable, "-c", _STOPS_IN_THIRD_PAGE, str(ann.store.path), server.url, token],
                             stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline() == "in page 3\n"  # "" (and a failure) if the child died instead
    finally:
        child.kill()
        child.wait()
    with ann.store.session() as session:
        assert state.get_int(session, state.CURSOR) > 0 and state.get_int(session, INDEX_STALE) == 1
    landed = sum(len(ann.rows(table)) for table in ORDERED)
    assert landed == 10  # two whole pages; the third was rolled back

    resumed = ann.sync()
    fresh = devices("ann", page_size=5)
    whole = fresh.sync()
    assert resumed.pulled == whole.pulled - landed  # nothing fetched twice
    for table in ORDERED:
        assert ann.rows(table) == fresh.rows(table), table
    with ann.store.session() as session:
        live = session.scalar(select(func.count()).select_from(Lead).where(Lead.deleted.is_(False)))
        assert session.scalar(text("SELECT count(*) FROM search_keys")) == live
        assert session.scalar(text("SELECT count(*) FROM lead_search")) == live
        assert state.get_int(session, INDEX_STALE) == 0
    for i, lead in enumerate(leads):
        assert _found(ann, str(770000 + i)) == [lead]
