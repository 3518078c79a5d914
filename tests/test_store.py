"""The local database: migrations on start, refusal of a newer schema, and
writes that record history and outbox together or not at all."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from rep_tui.domain.validation import normalize_phone
from rep_tui.store import migrations, writes
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.db import SchemaTooNew, Store
from rep_tui.store.models import ChangeRecord, Lead

ACTOR = writes.Actor(None, "Dana Reyes", "test-device")


def test_new_database_is_migrated_to_head(tmp_path):
    store = Store(tmp_path / "a.sqlite3")
    with sqlite3.connect(store.path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        stamped = {r[0] for r in conn.execute("SELECT version_num FROM alembic_version")}
    assert {"leads", "jobs", "appointments", "outbox", "change_history", "lead_search"} <= tables
    assert migrations.is_current(stamped, migrations.CLIENT)
    store.close()
    Store(tmp_path / "a.sqlite3").close()  # opening again is harmless


def test_newer_schema_is_refused_with_a_clear_message(tmp_path):
    Store(tmp_path / "a.sqlite3").close()
    with sqlite3.connect(tmp_path / "a.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'domain_9999' WHERE version_num LIKE 'domain%'")
        stamped = conn.execute("SELECT version_num FROM alembic_version ORDER BY 1").fetchall()
    with pytest.raises(SchemaTooNew, match="newer rep-tui"):
        Store(tmp_path / "a.sqlite3")
    with sqlite3.connect(tmp_path / "a.sqlite3") as conn:  # nothing was changed
        assert conn.execute("SELECT version_num FROM alembic_version ORDER BY 1").fetchall() == stamped


def test_update_records_history_and_outbox(empty_store):
    with empty_store.session() as s:
        lead = writes.insert(s, ACTOR, Lead(first_name="Ann", last_name="Lee", city="Aurora"))
    with empty_store.session() as s:
        lead = s.get(Lead, lead.id)
        changed = writes.update(s, ACTOR, lead, city="Naperville", last_name="Lee")
    assert changed == {"city": ("Aurora", "Naperville")}
    with empty_store.session() as s:
        history = s.scalars(select(ChangeRecord).where(ChangeRecord.field == "city")).one()
        assert (history.old_value, history.new_value, history.user_name) == ("Aurora", "Naperville", "Dana Reyes")
        ops = [(e.op, e.fields.get("city")) for e in s.scalars(select(OutboxEntry).order_by(OutboxEntry.seq))]
        assert ops == [("insert", [None, "Aurora"]), ("update", ["Aurora", "Naperville"])]


def test_a_failed_transaction_leaves_no_history_or_outbox(empty_store):
    with pytest.raises(RuntimeError):
        with empty_store.session() as s:
            writes.insert(s, ACTOR, Lead(first_name="Ann", last_name="Lee"))
            raise RuntimeError("killed mid-write")
    with empty_store.session() as s:
        assert s.scalar(select(func.count()).select_from(Lead)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 0
        assert s.scalar(select(func.count()).select_from(ChangeRecord)) == 0


def test_edits_reach_the_search_index(empty_store):
    from rep_tui.store.search import search

    with empty_store.session() as s:
        lead = writes.insert(s, ACTOR, Lead(first_name="Ann", last_name="Lee", cell_phone="630 555 0199",
                                            cell_phone_e164=normalize_phone("630 555 0199")))
    with empty_store.session() as s:
        assert [h.lead_id for h in search(s, "0199")] == [lead.id]
        writes.update(s, ACTOR, s.get(Lead, lead.id), last_name="O'Hara")
    with empty_store.session() as s:
        assert [h.matched for h in search(s, "ohara")] == ["name"]
        assert search(s, "lee") == []
        writes.delete(s, ACTOR, s.get(Lead, lead.id))
    with empty_store.session() as s:
        assert search(s, "ohara") == []


def test_a_phone_that_is_not_a_valid_number_is_found_by_its_digits(empty_store):
    from rep_tui.store.search import search

    with empty_store.session() as s:
        lead = writes.insert(s, ACTOR, Lead(first_name="Bo", last_name="Dee", home_phone="(555) 123-4567"))
    assert normalize_phone("(555) 123-4567") is None
    with empty_store.session() as s:
        for typed in ("555.123.4567", "123-4567", "4567"):
            assert [(h.lead_id, h.matched) for h in search(s, typed)] == [(lead.id, "phone")], typed
