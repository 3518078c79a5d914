"""`rep-tui admin export --zip` and `admin import zip`: a company's data out
and back in, exactly (every row of every table, deleted ones and the sync
bookkeeping too, and the attachments byte for byte), so devices sync from
the restored server; a damaged zip or a database already in use is refused
in words and nothing is written. SQLite and PostgreSQL, and from one to the
other (a company moving up)."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from rep_tui.blobs import BlobStore
from rep_tui.cli import main
from rep_tui.server import admin_bulk
from rep_tui.server.admin import AdminError, open_server
from rep_tui.server.admin_export import _encode_row, _encoder, export_zip, import_zip, tables
from rep_tui.server.seed import add_rows
from rep_tui.store import writes
from rep_tui.store.models import Attachment, Comment
from server_fixtures import Device, Server, make_company

PICTURE = bytes(range(256)) * 300 + b"the porch, before"
CONTRACT = b"%PDF-1.4 signed contract \\N, \"quoted\"\n" * 200


def _company(server: Server, tmp_path: Path) -> dict[str, uuid.UUID]:
    """The test company plus what a restore must carry: appointments, comments,
    payments, custom field values, a deleted lead, odd text, and attachments
    with real contents, one pushed by a device (its births, sequence and upload
    record come along)."""
    company = make_company(server.engine)
    ann_lead, bob_lead = company.leads["ann"][0], company.leads["bob"][0]
    with server.engine.connect() as conn:
        job = conn.execute(text("SELECT id FROM jobs ORDER BY job_number LIMIT 1")).scalar_one()
    job = uuid.UUID(str(job))
    office_sha = BlobStore(server.blobs_dir).write([PICTURE]).sha
    add_rows(server.engine, {
        "custom_fields": [{"id": uuid.uuid4(), "key": "roof_age", "label": "Roof age", "kind": "text",
                           "choices": []}],
        "leads": [{"id": uuid.uuid4(), "first_name": "Gone", "last_name": "Away", "rep_id": company.users["ann"],
                   "pid": 1900, "custom": {"roof_age": "12 years"}, "deleted": True, "address": None},
                  {"id": uuid.uuid4(), "first_name": "\\N", "last_name": "", "address": "\\back, \"slash\"\n2nd",
                   "rep_id": company.users["bob"], "pid": 1901, "custom": {"roof_age": "new", "n": [1, None]}, "deleted": False}],
        "appointments": [{"id": uuid.uuid4(), "lead_id": bob_lead, "rep_id": company.users["bob"],
                          "starts_at": datetime(2026, 12, 9, 15, 30, tzinfo=timezone.utc), "result_code": "SOLD"}],
        "payments": [{"id": uuid.uuid4(), "job_id": job, "amount_cents": 123456, "paid_on": date(2026, 12, 1)}],
        "attachments": [{"id": uuid.uuid4(), "lead_id": bob_lead, "kind": "picture", "filename": "porch.jpg",
                         "description": "before", "sha256": office_sha, "size": len(PICTURE),
                         "mime": "image/jpeg"}],
    })
    ann = Device(tmp_path / "ann-device", server, "ann")
    try:
        ann.sync()
        sha = BlobStore(ann.blobs_dir).write([CONTRACT]).sha
        with ann.store.session() as s:
            writes.insert(s, ann.actor, Comment(lead_id=ann_lead, author_id=ann.user_id, author_name="Ann",
                                                body="Wants a quote by Friday"))
            writes.insert(s, ann.actor, Attachment(lead_id=ann_lead, kind="document", filename="contract.pdf",
                                                   description="signed", sha256=sha, size=len(CONTRACT),
                                                   mime="application/pdf"))
        assert ann.sync().blobs_up == 1
    finally:
        ann.close()
    admin_bulk.assign(server.engine, "carl", pid=1001)  # ann's devices drop it: a scope exit
    return company.users


def _all_rows(engine) -> dict[str, list[list[str]]]:
    """Every exported table's rows, every column, as the zip's exact cells."""
    found = {}
    with engine.connect() as conn:
        for table in tables():
            encoders = [_encoder(c.type) for c in table.columns]
            found[table.name] = [_encode_row(encoders, row) for row in
                                 conn.execute(select(table).order_by(*table.primary_key.columns))]
    return found


def _blobs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in root.glob("*/*") if p.is_file()}


@pytest.fixture
def second_db(backend, tmp_path):
    """A new, empty server database on the same kind of database as `backend`."""
    return _new_database(backend.name, backend.cluster if backend.name == "postgresql" else None, tmp_path)


def _new_database(kind: str, cluster, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    return cluster.create_database(f"restored{os.getpid()}_{uuid.uuid4().hex[:8]}")


def _restore_and_check(source: Server, target_url: str, tmp_path: Path) -> None:
    """Export `source`, import into the empty `target_url`, compare everything, and sync a device from it."""
    zip_path = tmp_path / "company.zip"
    report = export_zip(source.engine, source.blobs_dir, zip_path)
    assert report.rows["leads"] == 11 and report.blobs == 2 and not report.missing_blobs
    before, blobs_before = _all_rows(source.engine), _blobs(source.blobs_dir)
    assert all(before[name] for name in ("payments", "appointments", "comments", "attachments", "change_history",
                                         "server_passwords", "server_row_births", "server_client_sequences",
                                         "server_blob_uploads", "server_scope_exits"))
    source.stop()

    restored_blobs = tmp_path / "restored-blobs"
    engine = open_server(target_url, defaults=False)
    try:
        imported = import_zip(engine, restored_blobs, zip_path)
        assert imported.rows == report.rows and imported.blobs == 2
        assert _all_rows(engine) == before
        admin_bulk.assign(engine, "ann", pid=1001)  # new scope exits and versions go on after the zip's
    finally:
        engine.dispose()
    assert _blobs(restored_blobs) == blobs_before

    from server_fixtures import Backend

    restored = Server(Backend("restored", target_url), restored_blobs).start()
    try:
        bob = Device(tmp_path / "bob-device", restored, "bob")  # signs in with the password he had
        try:
            bob.sync()
            leads = {row["first_name"] for row in bob.rows("leads").values()}
            assert {"bob0", "bob1", "bob2", "\\N"} <= leads and "Gone" not in leads
            porch = bob.rows("attachments")
            assert [a["filename"] for a in porch.values()] == ["porch.jpg"]
            assert (bob.blobs_dir / next(iter(porch.values()))["sha256"][:2]).is_dir()
        finally:
            bob.close()
        maria = Device(tmp_path / "maria-device", restored, "maria")
        try:
            maria.sync()
            contract = hashlib.sha256(CONTRACT).hexdigest()
            assert (maria.blobs_dir / contract[:2] / contract).read_bytes() == CONTRACT  # ann's upload record came along
            assert "Wants a quote by Friday" in {c["body"] for c in maria.rows("comments").values()}
        finally:
            maria.close()
    finally:
        restored.stop()


def test_a_company_exported_and_imported_into_an_empty_server_is_the_same(server, second_db, tmp_path):
    _company(server, tmp_path)
    _restore_and_check(server, second_db, tmp_path)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_company_moves_from_sqlite_to_postgresql(server, pg_cluster, tmp_path):
    _company(server, tmp_path)
    _restore_and_check(server, _new_database("postgresql", pg_cluster, tmp_path), tmp_path)


# --- refusals: nothing written ------------------------------------------------------------


def _rewritten(zip_path: Path, out: Path, change) -> Path:
    """A copy of the zip with `change(name, data)` applied to each member (None: left out)."""
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = change(name, source.read(name))
            if data is not None:
                target.writestr(name, data)
    return out


@pytest.fixture
def exported(server, tmp_path) -> Path:
    _company(server, tmp_path)
    zip_path = tmp_path / "company.zip"
    export_zip(server.engine, server.blobs_dir, zip_path)
    return zip_path


def _one_byte_changed(name: str, data: bytes) -> bytes:
    return data.replace(b"bob1", b"bob7") if name == "tables/leads.csv" else data


def _blob_left_out(name: str, data: bytes) -> bytes | None:
    return None if name == f"blobs/{hashlib.sha256(CONTRACT).hexdigest()}" else data


def _unknown_column(name: str, data: bytes) -> bytes:
    return data.replace(b"first_name,", b"nickname,", 1) if name == "tables/leads.csv" else data


def _bad_cell(name: str, data: bytes) -> bytes:
    if name != "tables/payments.csv":
        return data
    header, row, *rest = data.split(b"\n")
    return b"\n".join([header, row.replace(b"123456", b"12x456"), *rest])


@pytest.mark.parametrize("damage, message", [
    (_one_byte_changed, "company.zip: tables/leads.csv: its SHA-256 does not match the manifest"),
    (_blob_left_out, f"company.zip: blobs/{hashlib.sha256(CONTRACT).hexdigest()}: missing from the zip"),
    (_unknown_column, "company.zip: tables/leads.csv, line 1: unknown or repeated column(s) 'nickname'"),
    (_bad_cell, "company.zip: tables/payments.csv, line 2: a cell is not a payments value"),
])
def test_a_damaged_zip_is_refused_and_nothing_is_written(exported, second_db, tmp_path, damage, message):
    (tmp_path / "damaged").mkdir()
    damaged = _rewritten(exported, tmp_path / "damaged" / "company.zip", damage)
    engine = open_server(second_db, defaults=False)
    try:
        with pytest.raises(AdminError, match="Nothing was imported") as refused:
            import_zip(engine, tmp_path / "restored-blobs", damaged)
        assert message in str(refused.value)
        assert not any(_all_rows(engine)[t.name] for t in tables() if t.name != "server_counter")
    finally:
        engine.dispose()
    assert not _blobs(tmp_path / "restored-blobs")


def test_a_zip_whose_bytes_are_damaged_is_refused(exported, second_db, tmp_path):
    data = bytearray(exported.read_bytes())
    start = data.index(b"tables/leads.csv") + 200  # inside the compressed CSV
    data[start] ^= 0xFF
    exported.write_bytes(bytes(data))
    engine = open_server(second_db, defaults=False)
    try:
        with pytest.raises(AdminError, match="tables/leads.csv.*(damaged|does not match|not readable)"):
            import_zip(engine, tmp_path / "restored-blobs", exported)
        assert not any(_all_rows(engine)[t.name] for t in tables() if t.name != "server_counter")
    finally:
        engine.dispose()


def test_a_server_in_use_is_not_imported_into(server, exported, tmp_path):
    before = _all_rows(server.engine)
    with pytest.raises(AdminError, match=r"not empty \(.*users: 5.*leads: 11.*\).*Nothing was imported"):
        import_zip(server.engine, server.blobs_dir, exported)
    assert _all_rows(server.engine) == before


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_failed_export_leaves_the_old_zip_and_no_partial_file(backend, tmp_path):
    engine = open_server(backend.url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE server_settings"))  # a table exported late: earlier ones were written
    zip_path = tmp_path / "company.zip"
    zip_path.write_bytes(b"last week's export")
    try:
        with pytest.raises(AdminError, match="no zip was written"):
            export_zip(engine, tmp_path / "blobs", zip_path)
    finally:
        engine.dispose()
    assert zip_path.read_bytes() == b"last week's export"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("server.sqlite3")] == ["company.zip"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_cli_exports_and_imports_with_json_counts(server, tmp_path):
    _company(server, tmp_path)
    server.stop()
    runner = CliRunner()
    zip_path = tmp_path / "out" / "company.zip"
    zip_path.parent.mkdir()
    out = runner.invoke(main, ["admin", "--db", server.backend.url, "export", "--zip", str(zip_path),
                               "--blobs", str(server.blobs_dir), "--json"])
    assert out.exit_code == 0, out.output
    said = json.loads(out.output)
    assert said["rows"]["leads"] == 11 and said["blobs"] == 2
    with zipfile.ZipFile(zip_path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == 1 and "server_passwords" in manifest["secrets"]
    assert manifest["tables"]["leads"]["rows"] == 11 and len(manifest["blobs"]) == 2

    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    args = ["admin", "--db", target, "import", "zip", str(zip_path), "--blobs", str(tmp_path / "restored-blobs")]
    out = runner.invoke(main, [*args, "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["rows"] == said["rows"]
    again = runner.invoke(main, args)
    assert again.exit_code == 1 and "The server database is not empty" in again.output
