"""The customer forms' checks (domain.forms) and store.leads without the UI: the blob store, file kinds."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal

import pytest

from rep_tui.blobs import blob_path
from rep_tui.domain.forms import FormErrors, check_contact, check_customer_edit, check_engagement, parse_duration
from rep_tui.store.leads import UploadRefused, file_kind, store_blob


def customer_form(**values: str) -> dict[str, str]:
    blank = dict.fromkeys(("home_phone", "cell_phone", "work_phone", "email", "alt_email", "customer_status",
                           "address", "zip", "city", "state", "county", "result_code", "product", "total_units",
                           "sold_units", "contract_cents", "comment"), "")
    return blank | values


def test_customer_edit_names_every_bad_field_at_once():
    with pytest.raises(FormErrors) as caught:
        check_customer_edit(customer_form(cell_phone="555-12", email="nope", zip="6061", state="Illinois",
                                          contract_cents="12.345"))
    assert set(caught.value.errors) == {"cell_phone", "email", "zip", "state", "contract_cents"}
    assert "10 digits" in caught.value.errors["cell_phone"]


def test_customer_edit_cleans_values():
    clean = check_customer_edit(customer_form(home_phone=" (312) 555-0177 ", state="il", contract_cents="$12,450.50",
                                              total_units="12", sold_units="10"))
    assert (clean["home_phone"], clean["state"], clean["contract_cents"]) == ("(312) 555-0177", "IL", 1245050)
    assert clean["work_phone"] is None


def test_sold_units_cannot_exceed_total():
    with pytest.raises(FormErrors) as caught:
        check_customer_edit(customer_form(total_units="3", sold_units="5"))
    assert "cannot be more than total" in caught.value.errors["sold_units"]


def test_contact_needs_a_name_and_a_sane_share():
    with pytest.raises(FormErrors) as caught:
        check_contact({"name": " ", "ownership_pct": "150"})
    assert set(caught.value.errors) == {"name", "ownership_pct"}
    assert check_contact({"name": "Pat", "ownership_pct": "50%"})["ownership_pct"] == Decimal("50.00")


def test_engagement_mandatory_fields_and_follow_up_date():
    with pytest.raises(FormErrors) as caught:
        check_engagement({"subject": "", "day": "", "contact_type": None}, "America/Chicago")
    assert set(caught.value.errors) == {"subject", "day", "contact_type"}
    with pytest.raises(FormErrors) as caught:
        check_engagement({"subject": "Call", "day": "11/24/2026", "contact_type": "phone", "follow_up": True},
                         "America/Chicago")
    assert caught.value.errors == {"follow_up_on": "A follow-up needs a date."}


def test_engagement_time_is_taken_in_the_company_zone():
    clean = check_engagement({"subject": "Visit", "day": "2026-11-24", "at_time": "2:30pm", "contact_type": "visit",
                              "duration": "1h30", "follow_up_on": "12/01/2026", "follow_up": True},
                             "America/Chicago")
    assert clean["occurred_at"].isoformat() == "2026-11-24T14:30:00-06:00"
    assert isinstance(clean["occurred_at"], datetime)
    assert (clean["duration_minutes"], clean["follow_up_on"]) == (90, date(2026, 12, 1))


@pytest.mark.parametrize("typed, minutes", [("45", 45), ("1h30", 90), ("1:30", 90), ("2h", 120), ("1h 5m", 65)])
def test_durations(typed, minutes):
    assert parse_duration(typed) == minutes


def test_store_blob_is_content_addressed_and_leaves_no_temp_files(tmp_path):
    source = tmp_path / "contract.pdf"
    source.write_bytes(b"%PDF-1.4 signed")
    blobs = tmp_path / "blobs"
    sha, size = store_blob(blobs, source, max_bytes=1000)
    assert sha == hashlib.sha256(b"%PDF-1.4 signed").hexdigest() and size == 15
    assert blob_path(blobs, sha) == blobs / sha[:2] / sha
    assert blob_path(blobs, sha).read_bytes() == b"%PDF-1.4 signed"
    assert [p.name for p in blobs.iterdir()] == [sha[:2]]


def test_store_blob_refuses_big_or_missing_files(tmp_path):
    big = tmp_path / "video.mov"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(UploadRefused, match=r"video.mov is 2.0 KB; the limit is 1.0 KB"):
        store_blob(tmp_path / "blobs", big, max_bytes=1024)
    with pytest.raises(UploadRefused, match="Cannot read"):
        store_blob(tmp_path / "blobs", tmp_path / "gone.png", max_bytes=1024)
    assert not (tmp_path / "blobs").exists()


def test_file_kind_from_name():
    assert file_kind("porch.JPG") == ("picture", "image/jpeg")
    assert file_kind("contract.pdf") == ("document", "application/pdf")
    assert file_kind("notes") == ("document", "application/octet-stream")


def test_a_store_made_before_engagement_files_migrates_without_losing_its_files(tmp_path):
    """A device's database at the old client tree's 0002 with a lead, an engagement and a file
    opens with this version: the rows are all there, the file belongs to no engagement
    yet, and can then be linked to one."""
    import sqlite3
    import uuid

    from legacy_schema import build_legacy
    from rep_tui.store import migrations, writes
    from rep_tui.store.db import Store, make_engine
    from rep_tui.store.leads import add_attachment, load_lead

    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    build_legacy(engine, "client", "0002")
    engine.dispose()
    lead_id, engagement_id, attachment_id = (uuid.uuid4().hex for _ in range(3))
    now = "2026-11-24 16:00:00.000000"
    with sqlite3.connect(path) as conn:  # the old schema has no engagement_id: write it as that version did
        conn.execute("INSERT INTO leads (id, first_name, last_name, source, invalid_email, custom, created_at, "
                     "version, deleted, updated_at) VALUES (?, 'Ann', 'Lee', 'web', 0, '{}', ?, 3, 0, ?)",
                     (lead_id, now, now))
        conn.execute("INSERT INTO engagements (id, lead_id, subject, occurred_at, contact_type, follow_up, completed, "
                     "version, deleted, updated_at) VALUES (?, ?, 'Measure visit', ?, 'visit', 0, 0, 4, 0, ?)",
                     (engagement_id, lead_id, now, now))
        conn.execute("INSERT INTO attachments (id, lead_id, kind, filename, description, sha256, size, mime, "
                     "created_at, version, deleted, updated_at) "
                     "VALUES (?, ?, 'picture', 'porch.png', 'Back porch', ?, 3, 'image/png', ?, 5, 0, ?)",
                     (attachment_id, lead_id, "ab" * 32, now, now))
    store = Store(path)
    try:
        with store.session() as session:
            lead_file = load_lead(session, uuid.UUID(lead_id))
            old = lead_file.attachments[0]
            assert (old.id.hex, old.filename, old.description, old.size, old.version, old.engagement_id) == (
                attachment_id, "porch.png", "Back porch", 3, 5, None)
            assert [e.subject for e in lead_file.engagements] == ["Measure visit"]
            add_attachment(session, writes.Actor(None, "Dana Reyes", "dev"), uuid.UUID(lead_id), "quote.pdf",
                           "Signed quote", "cd" * 32, 9, engagement_id=uuid.UUID(engagement_id))
        with store.session() as session:
            lead_file = load_lead(session, uuid.UUID(lead_id))
            assert [a.filename for a in lead_file.engagement_files(uuid.UUID(engagement_id))] == ["quote.pdf"]
        with sqlite3.connect(path) as conn:
            stamped = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
            assert migrations.is_current(stamped, migrations.CLIENT)
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        store.close()


def test_units_show_what_was_quoted_and_what_was_sold():
    from types import SimpleNamespace

    from rep_tui.widgets.job_panel import units_text

    def job(total, sold):
        return SimpleNamespace(total_units=total, sold_units=sold)

    assert units_text(job(28, 24)) == "28 total / 24 sold"
    assert units_text(job(28, None)) == "28 total"  # quoted, not sold (was "28 total / ? sold")
    assert units_text(job(None, 7)) == "7 sold"
    assert units_text(job(None, None)) == ""
