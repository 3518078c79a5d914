"""An initial sync moves whole pages the fast way (rows encoded column by
column, the search index rebuilt in bulk at the end): the device must end up
with the same rows as the server and find its leads by what a rep remembers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

import rep_tui
from rep_tui.server import auth, scoping
from rep_tui.server.db import take_versions
from rep_tui.server.pull import page_json, pull, pull_json
from rep_tui.server.seed import add_rows
from server_fixtures import server_rows
from rep_tui.store import search
from rep_tui.store.models import SYNCED_TABLES, Lead, User
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


def test_pull_json_is_the_page_pull_gives_with_its_rows_written_by_the_database(server, company):
    """The route's answer (on PostgreSQL each row's JSON is made by the
    database) parses to what `page_json(pull(...))` gives, page by page, with
    rows of every column type and deleted rows among them."""
    leads = _seed_phoned_leads(server.engine, company.users["ann"], range(8))
    _seed_rep_book(server.engine, company.users["ann"], range(100, 130))
    with server.engine.begin() as conn:
        conn.execute(update(Lead).where(Lead.id == leads[3]).values(deleted=True, version=take_versions(conn, 1)))
    with server.engine.connect() as conn:
        team = conn.execute(select(User.team_id).where(User.id == company.users["ann"])).scalar_one()
    ann = auth.Principal(company.users["ann"], "ann", "Ann", "rep", team)
    cursor, pages = 0, 0
    while True:
        expected = json.loads(page_json(pull(server.engine, ann, cursor, "device", 25)))
        assert json.loads(pull_json(server.engine, ann, cursor, "device", 25)) == expected
        pages += 1
        cursor = expected["cursor"]
        if not expected["more"]:
            break
    assert pages > 4


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


def _seed_rep_book(engine, rep_id: uuid.UUID, numbers: range) -> None:
    """A rep's book as the bench makes it, smaller: each lead with a job, an
    appointment, a comment and a note; phones and PIDs from `numbers`."""
    rows: dict[str, list[dict]] = {"leads": [], "jobs": [], "appointments": [], "comments": [], "notes": []}
    for i in numbers:
        lead = uuid.uuid4()
        rows["leads"].append({"id": lead, "first_name": f"Zoë{i}", "last_name": f"O'Brien-{i % 37}",
                              "address": f"{i} Main St", "city": "Springfield", "zip": "62701",
                              "home_phone": f"217-555-{i:04d}", "home_phone_e164": f"+1217555{i:04d}",
                              "email": f"c{i}@example.com", "rep_id": rep_id, "pid": 300000 + i,
                              "custom": {"n": i}})
        rows["jobs"].append({"id": uuid.uuid4(), "lead_id": lead, "job_number": 600000 + i, "product": "windows",
                             "commission_pct": Decimal("7.50"), "sold_on": date(2026, 2, 3)})
        rows["appointments"].append({"id": uuid.uuid4(), "lead_id": lead, "rep_id": rep_id,
                                     "starts_at": datetime(2026, 1, 5, 15, i % 60, tzinfo=timezone.utc)})
        rows["comments"].append({"id": uuid.uuid4(), "lead_id": lead, "author_name": "Rep", "body": f"be back {i}"})
        rows["notes"].append({"id": uuid.uuid4(), "lead_id": lead, "author_name": "Office", "body": "call first"})
    add_rows(engine, rows)


def _servers_view(server, device, table: str) -> dict:
    """The server's live rows of a table that the device's user may see."""
    with server.engine.connect() as conn:
        user = auth.authenticate(conn, device.client.http.headers["Authorization"].removeprefix("Bearer "))
    return server_rows(server.engine, table, scoping.row_filter(table, user))


def _index_of(device) -> dict[str, tuple[str, ...]]:
    """The search index as it is: lead id (hex) -> its six indexed texts."""
    with device.store.engine.connect() as conn:
        return {lead: tuple(doc) for lead, *doc in conn.exec_driver_sql(
            "SELECT k.lead_id, s.name, s.address, s.contact, s.ids, s.phones, s.custom "
            "FROM search_keys k JOIN lead_search s ON s.rowid = k.key")}


def _assert_complete(server, device) -> None:
    """Every table equals the server's view for the device's user, and the
    search index holds exactly one document per live lead, made from the
    server's values (its jobs' numbers included)."""
    for table in ORDERED:
        assert device.rows(table) == _servers_view(server, device, table), table
    leads, jobs = _servers_view(server, device, "leads"), _servers_view(server, device, "jobs")
    numbers: dict[str, list[int]] = {}
    for job in jobs.values():
        numbers.setdefault(job["lead_id"], []).append(job["job_number"])
    expected = {lead_id.hex: search.document(lead, numbers.get(str(lead_id), ())) for lead_id, lead in leads.items()}
    assert _index_of(device) == expected
    with device.store.session() as session:
        assert state.get_int(session, INDEX_STALE) == 0


def test_fast_initial_sync_of_thousands_of_rows_equals_the_server_and_indexes_every_lead(server, company, devices):
    _seed_rep_book(server.engine, company.users["ann"], range(700))
    _seed_rep_book(server.engine, company.users["carl"], range(700, 720))  # another team's: never on ann's device
    ann = devices("ann", page_size=900)
    report = ann.sync()
    assert report.pulled > 3500 and report.requests >= 4  # thousands of rows, several pages
    _assert_complete(server, ann)
    assert _found(ann, "(217) 555-0005") == [next(lead_id for lead_id, lead in ann.rows("leads").items()
                                                  if lead["pid"] == 300005)]


#: A device process that pulls from scratch and is killed by the OS (SIGKILL)
#: while SQLite is writing: in the third page's rows, or in the search index
#: built at the end. A progress handler on the store's connection fires inside
#: the statement once armed, so the kill lands mid-write, not between steps.
_KILLED_MID_WRITE = """
import os, signal, sys
from pathlib import Path
from sqlalchemy import event
from rep_tui.store import search
from rep_tui.store.db import Store
from rep_tui.sync import engine
from rep_tui.sync.engine import SyncClient

path, url, token, where = sys.argv[1:]
armed, pages = [False], [0]
store = Store(Path(path))

def kill_while_writing():
    if armed[0]:
        os.kill(os.getpid(), signal.SIGKILL)
    return 0

@event.listens_for(store.engine, "connect")
def watch(dbapi_conn, _record):
    dbapi_conn.set_progress_handler(kill_while_writing, 5000)
store.engine.dispose()  # connections made from now on are watched

apply_page, rebuild_index = engine.apply_page, search.rebuild_index
def counting_pages(*args, **kwargs):
    pages[0] += 1
    if where == "rows" and pages[0] == 3:
        print("armed", flush=True)
        armed[0] = True
    return apply_page(*args, **kwargs)
def arming_index(conn):
    if where == "index":
        print("armed", flush=True)
        armed[0] = True
    return rebuild_index(conn)
engine.apply_page, search.rebuild_index = counting_pages, arming_index
SyncClient(store, url, token, page_size=900).sync()
print("finished", flush=True)
"""


@pytest.mark.parametrize("where", ["rows", "index"])
def test_initial_sync_killed_by_the_os_mid_write_resumes_to_a_whole_store(server, company, devices, where):
    """SIGKILL while SQLite writes a page's rows or the search index: the
    store is not corrupt, keeps the pages committed before with their
    cursor, and the next sync ends complete, fetching only what was left."""
    _seed_rep_book(server.engine, company.users["ann"], range(700))
    ann = devices("ann", page_size=900)
    token = ann.client.http.headers["Authorization"].removeprefix("Bearer ")
    env = {**os.environ, "PYTHONPATH": str(Path(rep_tui.__file__).parents[1])}
    child = subprocess.run([sys.executable, "-c", _KILLED_MID_WRITE, str(ann.store.path), server.url, token, where],
                           capture_output=True, text=True, env=env, timeout=120)
    assert child.stdout == "armed\n" and child.returncode == -9, (child.stdout, child.stderr)
    with ann.store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    with ann.store.session() as session:
        cursor, stale = state.get_int(session, state.CURSOR), state.get_int(session, INDEX_STALE)
    landed = sum(len(ann.rows(table)) for table in ORDERED)
    assert cursor > 0 and stale == 1
    if where == "rows":
        assert 0 < landed < 3500  # two pages committed, the third rolled back
    assert _index_of(ann) == {}  # the index is built in one transaction at the end: none of it stayed

    resumed = ann.sync()
    fresh = devices("ann", page_size=900)
    whole = fresh.sync()
    assert resumed.pulled == whole.pulled - landed  # nothing fetched twice
    _assert_complete(server, ann)
