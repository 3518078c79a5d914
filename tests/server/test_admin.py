"""`rep_tui.server.admin` on real SQLite and PostgreSQL server databases:
users and teams, CSV imports (good, broken and duplicate lines), assigning
leads away, pruning; and the whole path to a rep's device over real HTTP."""

from __future__ import annotations

import io
import os
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rep_tui.clock import utcnow
from rep_tui.server import admin, admin_bulk, auth
from rep_tui.server.db import current_version
from rep_tui.server.models import ClientSequence, RowBirth, ScopeExit, Token
from rep_tui.server.seed import add_rows
from server_fixtures import make_company
from rep_tui.store.models import Appointment, Attachment, ChangeRecord, Lead, Note, User

HEADER = "first_name,last_name,address,city,state,zip,home_phone,cell_phone,work_phone,email,source\n"
GOOD = [
    "Jane,Doe,1 Main St,Chicago,il,60614,312-555-0142,,,jane@example.com,web\n",
    "Raj,Patel,9 Elm Ave,Evanston,IL,60201,,(847) 555-0123,,,call-center\n",
    "Lu,Chen,4 Oak Ct,Skokie,IL,60076,,,+1 224 555 0177 x12,lu@example.com,\n",
]


@pytest.fixture
def db(backend):
    engine = admin.open_server(backend.url)
    company = make_company(engine)
    yield engine, company
    engine.dispose()


def csv_text(*lines: str, header: str = HEADER) -> io.StringIO:
    return io.StringIO(header + "".join(lines))


def lead_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Lead)).scalar_one()


def imported(engine, last_name: str):
    with engine.connect() as conn:
        return conn.execute(select(Lead.__table__).where(Lead.last_name == last_name)).one()


def test_import_writes_checked_leads_with_server_pids_versions_and_history(db):
    engine, company = db
    with engine.connect() as conn:
        before = current_version(conn)
    report = admin_bulk.import_leads(engine, csv_text(*GOOD), rep="ann")
    assert (report.lines, report.written, report.bad_lines, report.problems) == (3, 3, 0, [])
    assert len(report.pids) == 3 and report.pids == sorted(set(report.pids))
    assert "3 lead(s) written (PIDs" in report.text()
    jane, lu = imported(engine, "Doe"), imported(engine, "Chen")
    assert jane.rep_id == company.users["ann"] and jane.pid in report.pids
    assert (jane.state, jane.home_phone, jane.home_phone_e164, jane.source) == ("IL", "312-555-0142", "+13125550142",
                                                                                "web")
    assert (lu.work_phone_e164, lu.email, lu.source) == ("+12245550177", "lu@example.com", "call-center")
    with engine.connect() as conn:
        assert jane.version > before and current_version(conn) >= jane.version  # pullable after any older cursor
        history = conn.execute(select(ChangeRecord.user_name, ChangeRecord.new_value).where(
            ChangeRecord.row_id == jane.id)).all()
        assert history == [("rep-tui admin", "created")]
        assert conn.execute(select(ClientSequence).where(ClientSequence.user_id == admin.ADMIN.id)).first() is None


def test_one_bad_line_writes_nothing_and_names_its_line_and_column(db):
    engine, _company = db
    source = csv_text(GOOD[0], "John,Roe,2 Main St,Chicago,IL,60614,,555-12,,,web\n", "\n",
                      ",,,,,,,,,,\n",  # an empty line is no line
                      "Mary,Major,3 Oak,Chicago,XX,6061,(773) 555-0199,,,not-an-email,\n",
                      "Sam,,,,,,,,,,\n",
                      GOOD[1])
    count = lead_count(engine)
    report = admin_bulk.import_leads(engine, source, rep="ann")
    assert report.held_back and report.written == 0 and lead_count(engine) == count
    assert report.problems == [
        "line 3, cell_phone: '555-12': A phone needs 10 digits with the area code; this has 5.",
        "line 6, email: 'not-an-email': An email address must have an @-sign.",
        "line 6, state: 'XX': Use the two-letter state code, like IL or TX.",
        "line 6, zip: '6061': A ZIP code is 5 digits, or 5+4 like 60614-1234.",
        "line 7, home_phone: Give at least one phone or an address.",
    ]
    assert report.text().endswith("Nothing written: 3 bad line(s) of 5. Fix them, or use --skip-bad to write the "
                                  "2 good one(s).")


def test_skip_bad_writes_the_good_lines_and_reports_the_bad(db):
    engine, _company = db
    count = lead_count(engine)
    report = admin_bulk.import_leads(engine, csv_text(GOOD[0], "John,Roe,,,,,,555-12,,,\n", GOOD[2]), rep="bob",
                                skip_bad=True)
    assert (report.written, report.bad_lines, lead_count(engine)) == (2, 1, count + 2)
    assert report.problems == ["line 3, cell_phone: '555-12': A phone needs 10 digits with the area code; "
                               "this has 5."]


def test_values_longer_than_their_column_are_bad_lines_on_every_backend(db):
    engine, _company = db
    report = admin_bulk.import_leads(engine, csv_text(f"{'A' * 81},Long,1 Main St,,,,,,,,\n"), rep="ann", skip_bad=True)
    assert report.problems == [f"line 2, first_name: '{'A' * 81}': at most 80 characters"]
    assert report.written == 0


def test_rep_column_per_line_and_its_problems(db):
    engine, company = db
    admin.disable_user(engine, "bob")
    header = "first_name,last_name,address,rep\n"
    report = admin_bulk.import_leads(engine, io.StringIO(header + "A,One,1 Elm,carl\nB,Two,2 Elm,\nC,Three,3 Elm,nobody\n"
                                                    "D,Four,4 Elm,bob\n"), rep="ann", skip_bad=True)
    assert report.problems == ["line 4, rep: 'nobody': no user named 'nobody'", "line 5, rep: 'bob': bob is disabled"]
    assert imported(engine, "One").rep_id == company.users["carl"]
    assert imported(engine, "Two").rep_id == company.users["ann"]  # an empty cell takes --rep
    with pytest.raises(admin.AdminError, match="Give --rep USERNAME, or a rep column"):
        admin_bulk.import_leads(engine, csv_text(GOOD[0]))
    with pytest.raises(admin.AdminError, match="--rep: no user named 'anne'"):
        admin_bulk.import_leads(engine, csv_text(GOOD[0]), rep="anne")


def test_unknown_columns_and_ragged_lines_are_clear_errors(db):
    engine, _company = db
    with pytest.raises(admin.AdminError, match="line 1: unknown column\\(s\\) 'fone'"):
        admin_bulk.import_leads(engine, io.StringIO("first_name,fone\nA,1\n"), rep="ann")
    with pytest.raises(admin.AdminError, match="empty"):
        admin_bulk.import_leads(engine, io.StringIO(""), rep="ann")
    report = admin_bulk.import_leads(engine, io.StringIO("First Name,Last-Name,address\nA,B,1 Elm,extra\n"), rep="ann")
    assert report.problems == ["line 2: 4 cells, but the header names 3"] and report.held_back


def test_duplicates_are_reported_and_skipped_on_request(db):
    engine, _company = db
    admin_bulk.import_leads(engine, csv_text(GOOD[0]), rep="ann")
    jane = imported(engine, "Doe")
    again = csv_text("Janet,Doe,,,,,,3125550142,,,\n",  # Jane's phone in another format
                     "J,Doe,5 Pine,,,,,,,JANE@example.com,\n",  # her email, other case
                     "Kim,Park,7 Birch,,,,,,,kim@example.com,\n",
                     "Kimberly,Park,7 Birch,,,,,,,kim@example.com,\n")  # same as the line above
    report = admin_bulk.import_leads(engine, again, rep="bob", skip_duplicates=True)
    assert report.duplicates == [
        f"line 2: may be a duplicate of PID {jane.pid} Jane Doe (phone) — skipped",
        f"line 3: may be a duplicate of PID {jane.pid} Jane Doe (email) — skipped",
        "line 5: may be a duplicate of line 4 (email) — skipped",
    ]
    assert (report.written, report.skipped_duplicates) == (1, 3)
    kept = admin_bulk.import_leads(engine, csv_text("Janet,Doe,,,,,,3125550142,,,\n"), rep="bob")
    assert kept.written == 1 and len(kept.duplicates) == 1  # reported, written


def test_users_add_sign_in_change_password_and_disable(db):
    engine, _company = db
    admin.add_team(engine, "West", manager="maria")
    user_id = admin.add_user(engine, "dee", "s3cret-pass", full_name="Dee Diaz", role="rep", team="West")
    with engine.begin() as conn:
        principal, token, _ = auth.login(conn, "dee", "s3cret-pass", "test", timedelta(days=1))
    assert (principal.id, principal.full_name, principal.role) == (user_id, "Dee Diaz", "rep")
    assert ("dee", "Dee Diaz", "rep", "West", True, "Reps") in [tuple(vars(u).values()) for u in admin.list_users(engine)]
    for bad, message in ((("dee", "another-pass"), "already exists"), (("eve", "short"), "at least 8"),
                         (("two words", "long-enough"), "one word")):
        with pytest.raises(admin.AdminError, match=message):
            admin.add_user(engine, *bad)
    with pytest.raises(admin.AdminError, match="No teams named 'Nowhere' \\(known: North, South, West\\)"):
        admin.add_user(engine, "eve", "long-enough", team="Nowhere")

    admin.set_user_password(engine, "dee", "new-pass-word")
    with engine.begin() as conn:
        auth.login(conn, "dee", "new-pass-word", "test", timedelta(days=1))
    assert admin.disable_user(engine, "dee") == (True, 2)
    with engine.begin() as conn:
        with pytest.raises(auth.AuthError):
            auth.authenticate(conn, token)
        with pytest.raises(auth.AuthError):
            auth.login(conn, "dee", "new-pass-word", "test2", timedelta(days=1))
        assert conn.execute(select(User.active).where(User.id == user_id)).scalar_one() is False
    assert admin.disable_user(engine, "dee") == (False, 0)


def test_teams_add_and_list(db):
    engine, _company = db
    admin.add_team(engine, "East", manager="maria", office="Chicago")
    assert [tuple(vars(t).values()) for t in admin.list_teams(engine)] == [
        ("East", "Chicago", "maria", 0), ("North", "Chicago", "maria", 3), ("South", "Chicago", "", 1)]
    with pytest.raises(admin.AdminError, match="ann is a rep"):
        admin.add_team(engine, "Other", manager="ann")
    with pytest.raises(admin.AdminError, match="No offices named 'Gary' \\(known: Chicago\\)"):
        admin.add_team(engine, "Other", office="Gary")
    with pytest.raises(admin.AdminError, match="already exists"):
        admin.add_team(engine, "East")


def test_assign_moves_leads_and_open_appointments_and_records_who_lost_them(db):
    engine, company = db
    ann, carl, maria = (company.users[n] for n in ("ann", "carl", "maria"))
    lead = company.leads["ann"][0]
    with engine.begin() as conn:
        pid = conn.execute(select(Lead.pid).where(Lead.id == lead)).scalar_one()
    open_, done = uuid.uuid4(), uuid.uuid4()
    add_rows(engine, {"appointments": [
        {"id": open_, "lead_id": lead, "rep_id": ann, "starts_at": utcnow() + timedelta(days=1),
         "result_code": None},
        {"id": done, "lead_id": lead, "rep_id": ann, "starts_at": utcnow() - timedelta(days=1), "result_code": "SOLD"},
    ]})
    assert admin_bulk.assign(engine, "carl", pid=pid) == 1
    with engine.connect() as conn:
        assert conn.execute(select(Lead.rep_id).where(Lead.id == lead)).scalar_one() == carl
        reps = dict(conn.execute(select(Appointment.id, Appointment.rep_id)).all())
        assert (reps[open_], reps[done]) == (carl, ann)  # a resulted appointment stays with who ran it
        lost = set(conn.execute(select(ScopeExit.user_id).where(ScopeExit.lead_id == lead)).scalars())
        assert lost == {ann, maria}  # ann and her manager; carl's team has none

    assert admin_bulk.assign(engine, "carl", from_user="ann") == 2
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(Lead.rep_id == ann)).scalar_one() == 0
    for kwargs, message in (({"pid": 1}, "No lead with PID 1"), ({}, "Say which leads"),
                            ({"pid": pid, "from_user": "ann"}, "Say which leads")):
        with pytest.raises(admin.AdminError, match=message):
            admin_bulk.assign(engine, "carl", **kwargs)
    admin.disable_user(engine, "bob")
    with pytest.raises(admin.AdminError, match="bob is disabled"):
        admin_bulk.assign(engine, "bob", pid=pid)


def test_prune_removes_old_tokens_and_unreferenced_old_blobs_only(db, tmp_path):
    engine, company = db
    now, ann = utcnow(), company.users["ann"]
    with engine.begin() as conn:
        live, _ = auth.issue_token(conn, ann, timedelta(days=30))
        auth.issue_token(conn, ann, timedelta(days=-40))  # expired 40 days ago
        auth.issue_token(conn, ann, timedelta(days=-5))  # expired recently: kept a while
        revoked, _ = auth.issue_token(conn, ann, timedelta(days=30))
        auth.revoke(conn, revoked)
        conn.execute(Token.__table__.update().where(Token.revoked_at.is_not(None))
                     .values(revoked_at=now - timedelta(days=31)))
    blobs = tmp_path / "server-blobs"
    old, young = (now - timedelta(days=2)).timestamp(), (now - timedelta(hours=2)).timestamp()
    files = {}
    for name, age in (("kept-referenced", old), ("orphan-old", old), ("orphan-young", young)):
        sha = f"{len(files):x}" * 64
        path = blobs / sha[:2] / sha
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode())
        os.utime(path, (age, age))
        files[name] = path
    add_rows(engine, {"attachments": [{"id": uuid.uuid4(), "lead_id": company.leads["ann"][0], "kind": "document",
                                       "filename": "a.pdf", "description": "old", "size": 15, "mime": "x/y",
                                       "sha256": files["kept-referenced"].name, "deleted": True}]})

    report = admin.prune(engine, blobs, timedelta(days=30))
    assert report.tokens == 2
    assert report.blobs == [str(files["orphan-old"].relative_to(blobs))] and report.blob_bytes == len("orphan-old")
    assert files["kept-referenced"].exists() and files["orphan-young"].exists() and not files["orphan-old"].exists()
    assert "Removed 2 expired or revoked token(s)" in report.text()
    with engine.connect() as conn:
        auth.authenticate(conn, live)
        assert conn.execute(select(func.count()).select_from(Token)).scalar_one() == 2
        assert conn.execute(select(func.count()).select_from(Attachment)).scalar_one() == 1
    assert admin.prune(engine, tmp_path / "no-such-dir", timedelta(days=30)).blobs == []


def test_imported_leads_reach_the_reps_device_and_assigned_ones_leave_it(server, company, devices):
    """The whole path: admin writes on the server database directly; devices
    sync over real HTTP and see the change on their next pull."""
    from rep_tui.store.search import search

    engine = admin.open_server(server.backend.url)  # the admin's own connection, as from `rep-tui admin`
    try:
        ann, carl = devices("ann"), devices("carl")
        ann.sync()
        carl.sync()
        report = admin_bulk.import_leads(engine, csv_text(GOOD[0], GOOD[1]), rep="ann")
        assert report.written == 2
        ann.sync()
        with ann.store.session() as s:
            by_phone = search(s, "555-0142")
            by_pid = search(s, str(report.pids[1]))
            assert [(h.name, h.pid) for h in by_phone] == [("Jane Doe", report.pids[0])]
            assert [h.name for h in by_pid] == ["Raj Patel"]
        assert not any(row["last_name"] in ("Doe", "Patel") for row in carl.rows("leads").values())

        admin_bulk.assign(engine, "carl", pid=report.pids[0])
        ann.sync()
        carl.sync()
        moved = imported(engine, "Doe").id
        assert moved not in ann.rows("leads") and moved in carl.rows("leads")
        with ann.store.session() as s:
            assert search(s, "555-0142") == []
        with carl.store.session() as s:
            assert [h.name for h in search(s, "Jane Doe")] == ["Jane Doe"]
    finally:
        engine.dispose()


def test_imported_notes_become_office_notes_of_their_lead(db):
    engine, _company = db
    report = admin_bulk.import_leads(engine, io.StringIO("first_name,last_name,address,notes\nAl,Notes,1 Elm,gate code 42\n"
                                                    "Bo,Plain,2 Elm,\n"), rep="ann")
    assert report.written == 2
    with engine.connect() as conn:
        notes = conn.execute(select(Note.lead_id, Note.author_name, Note.body)).all()
    assert (imported(engine, "Notes").id, "Import", "gate code 42") in notes
    assert all(lead_id != imported(engine, "Plain").id for lead_id, _a, _b in notes)


def test_a_change_the_server_refuses_is_named_and_nothing_is_written(db):
    engine, company = db
    lead = company.leads["ann"][0]
    changes = [admin.Change("leads", lead, "update", {"city": (None, "Oak Park")}, "first"),
               admin.Change("leads", lead, "update", {"shoe_size": (None, 9)}, "line 9"),
               admin.Change("leads", uuid.uuid4(), "update", {"city": (None, "Cicero")})]
    with pytest.raises(admin.AdminError) as refused:
        admin._apply(engine, changes)
    assert str(refused.value) == ("The server refused 2 change(s); nothing written:\n"
                                  "  line 9: leads has no field 'shoe_size'\n"
                                  "  leads: no such leads row (deleted, or never synced)")
    with engine.connect() as conn:
        assert conn.execute(select(Lead.city).where(Lead.id == lead)).scalar_one() != "Oak Park"
        assert conn.execute(select(ClientSequence).where(ClientSequence.user_id == admin.ADMIN.id)).first() is None


def test_a_file_longer_than_one_push_is_written_whole(db):
    engine, _company = db
    lines = [f"F{i},Batch,{i} Elm St,,,,312-555-{i:04d},,,,\n" for i in range(admin.BATCH + 5)]
    report = admin_bulk.import_leads(engine, csv_text(*lines), rep="carl")
    assert report.written == admin.BATCH + 5 and len(set(report.pids)) == admin.BATCH + 5
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(Lead.last_name == "Batch")).scalar_one() == admin.BATCH + 5


def test_a_customer_status_column_is_imported_by_label_or_value_and_a_bad_one_names_its_line(db):
    engine, _company = db
    header = "first_name,last_name,address,Customer Status\n"
    report = admin_bulk.import_leads(engine, io.StringIO(header + "Al,Stat,1 Elm,Do not contact\nBo,Stat,2 Elm,vip\n"
                                                    "Cy,Stat,3 Elm,SOLD\nDi,Stat,4 Elm,\n"), rep="ann")
    assert report.held_back and report.problems == [
        "line 3, customer_status: 'vip': Customer Status is one of: Prospect, Active customer, Sold, Installed, "
        "Service, Do not contact."]
    report = admin_bulk.import_leads(engine, io.StringIO(header + "Al,Stat,1 Elm,Do not contact\nCy,Stat,3 Elm,SOLD\n"
                                                    "Di,Stat,4 Elm,\n"), rep="ann")
    assert report.written == 3
    with engine.connect() as conn:
        statuses = dict(conn.execute(
            select(Lead.first_name, Lead.customer_status).where(Lead.last_name == "Stat")).all())
    assert statuses == {"Al": "do-not-contact", "Cy": "sold", "Di": None}


def many_lines(count: int, *, bad: int | None = None) -> io.StringIO:
    """`count` distinct leads, every tenth with a note; line `bad` (counting the header as 1) has a bad phone."""
    rows = [f"F{i},Many,{i} Elm St,,,,,312-{200 + i // 10000}-{i % 10000:04d},,,,{'gate' if i % 10 == 0 else ''}\n"
            for i in range(count)]
    if bad is not None:
        rows[bad - 2] = rows[bad - 2].replace(",312-", ",555-")
    return io.StringIO(HEADER.replace("source\n", "source,notes\n") + "".join(rows))


def test_an_import_of_thousands_is_all_or_nothing_then_written_whole_with_progress(db):
    engine, _company = db
    before = lead_count(engine)
    report = admin_bulk.import_leads(engine, many_lines(2500, bad=2400), rep="ann")
    assert report.held_back and report.written == 0 and len(report.problems) == 1
    assert report.problems[0].startswith("line 2400, cell_phone: '555-")
    assert lead_count(engine) == before

    with engine.connect() as conn:
        version = current_version(conn)
    told = []
    report = admin_bulk.import_leads(engine, many_lines(2500), rep="ann", progress=lambda *seen: told.append(seen))
    assert report.written == 2500 and len(set(report.pids)) == 2500
    assert told == [(n, 2500) for n in range(admin_bulk.LINES_PER_BATCH, 2501, admin_bulk.LINES_PER_BATCH)]  # lines done
    with engine.connect() as conn:
        leads = conn.execute(select(Lead.id, Lead.pid, Lead.version).where(Lead.last_name == "Many")).all()
        notes = conn.execute(select(Note.id, Note.lead_id, Note.version).where(Note.author_name == "Import")).all()
        created = conn.execute(select(ChangeRecord.row_id, ChangeRecord.version).where(
            ChangeRecord.field == "*", ChangeRecord.version > version)).all()
        births = conn.execute(select(RowBirth.row_id, RowBirth.version).where(RowBirth.version > version)).all()
    assert len(leads) == 2500 and len(notes) == 250 and {n.lead_id for n in notes} <= {lead.id for lead in leads}
    stamped = {row.id: row.version for row in [*leads, *notes]}
    assert all(v > version for v in stamped.values()) and len(set(stamped.values())) == 2750
    assert dict(created) == stamped and dict(births) == stamped  # each row's history and birth carry its version


def test_a_big_import_reaches_the_reps_device_with_pids_notes_and_history(server, company, devices):
    engine = admin.open_server(server.backend.url)
    try:
        ann = devices("ann")
        ann.sync()
        report = admin_bulk.import_leads(engine, many_lines(1500), rep="ann")
        ann.sync()
        leads = {row["id"]: row["pid"] for row in ann.rows("leads").values() if row["last_name"] == "Many"}
        assert sorted(leads.values()) == report.pids and len(leads) == 1500
        notes = [row for row in ann.rows("notes").values() if row["author_name"] == "Import"]
        assert len(notes) == 150 and {n["lead_id"] for n in notes} <= leads.keys()
        with ann.store.engine.connect() as conn:
            history = {str(row_id) for row_id in conn.execute(
                select(ChangeRecord.row_id).where(ChangeRecord.field == "*")).scalars()}
        assert leads.keys() <= history and {n["id"] for n in notes} <= history
    finally:
        engine.dispose()
