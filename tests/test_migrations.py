"""One schema history for both kinds of database (rep_tui/store/migrations).

Each kind built from scratch holds exactly the tables its models declare, so
a column added to a model without a migration (or the other way) fails here,
not on a rep's device. Databases the old separate trees built, as devices and
servers in the field hold them, are upgraded in place with every row kept.
A domain migration is one file that both kinds run."""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CHAR, JSON, Boolean, Date, DateTime, Integer, MetaData, Numeric, String, Uuid, column, inspect, \
    select, table

from legacy_schema import HEADS, build_legacy
from rep_tui.server import db as server_db
from rep_tui.server.models import ServerBase
from rep_tui.store import migrations
from rep_tui.store.client_models import LocalSetting
from rep_tui.store.db import Store, make_engine
from rep_tui.store.models import SYNCED_TABLES, Base
from server_fixtures import backend, pg_cluster  # noqa: F401  (fixtures)

DOMAIN_TABLES = set(SYNCED_TABLES) | {"change_history"}
CLIENT_TABLES = DOMAIN_TABLES | {"local_settings", "outbox", "sync_quarantine"}
SERVER_TABLES = DOMAIN_TABLES | set(ServerBase.metadata.tables)
OLD_CLIENT = ["0001", "0002", "0003", "0004", "0005", "0006"]


def _differences(engine, metadata, tables) -> list:
    def include(obj, name, type_, reflected, compare_to):
        owner = obj if type_ == "table" else getattr(obj, "table", None)
        return owner is None or owner.name in tables

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include, "compare_type": True})
        return compare_metadata(context, metadata)


def _client_differences(engine) -> list:
    assert set(Base.metadata.tables) >= CLIENT_TABLES  # LocalSetting's module registered the client tables
    return _differences(engine, Base.metadata, CLIENT_TABLES)


def _server_differences(engine) -> list:
    return _differences(engine, [Base.metadata, ServerBase.metadata], SERVER_TABLES)


def _stamped(engine) -> set[str]:
    with engine.connect() as conn:
        return {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}


# -- built from scratch ------------------------------------------------------

def test_client_built_from_scratch_matches_the_models(tmp_path):
    store = Store(tmp_path / "device.sqlite3")
    try:
        assert _client_differences(store.engine) == []
        assert migrations.is_current(_stamped(store.engine), migrations.CLIENT)
        assert LocalSetting.__tablename__ in inspect(store.engine).get_table_names()
    finally:
        store.close()


def test_server_built_from_scratch_matches_the_models(backend):  # noqa: F811
    engine = server_db.make_engine(backend.url)
    try:
        server_db.migrate(engine)
        assert _server_differences(engine) == []
        assert not set(inspect(engine).get_table_names()) & {"outbox", "local_settings", "sync_quarantine"}
        assert migrations.is_current(_stamped(engine), migrations.SERVER)
    finally:
        engine.dispose()


def test_history_read_from_the_files_matches_alembic(tmp_path):
    """The start-up check reads the files itself (no Alembic import): it must see what Alembic sees."""
    from alembic.script import ScriptDirectory
    from alembic.util import to_tuple

    for kind in (migrations.CLIENT, migrations.SERVER):
        script = ScriptDirectory.from_config(migrations.alembic_config(None, kind))
        alembic_sees = {rev.revision: set(to_tuple(rev.down_revision, ())) | set(to_tuple(rev.dependencies, ()))
                        for rev in script.walk_revisions()}
        assert migrations._history(kind) == alembic_sees
        assert {label for base in script.get_bases() for label in script.get_revision(base).branch_labels} == {
            "domain", kind.name}


# -- databases the old trees built -------------------------------------------

def _value(col, i: int, parents: dict):
    """A value for row `i` of a reflected column, made from its type; a
    foreign key takes row `i` of its parent when the parent has rows."""
    if col.foreign_keys:
        target = next(iter(col.foreign_keys)).column
        key = (target.table.name, target.name)
        if key in parents:
            return parents[key][i]
        assert col.nullable, f"{col} needs {key} first"
        return None
    kind = col.type
    if isinstance(kind, Uuid):
        return uuid.uuid4()
    if isinstance(kind, CHAR) and kind.length == 32:  # a Uuid on SQLite
        return uuid.uuid4().hex
    if isinstance(kind, Boolean):
        return i % 2 == 0
    if isinstance(kind, Integer):
        return 1 + i  # server_counter row 1 is then the one the server keeps
    if isinstance(kind, Numeric):
        return Decimal("12.50") + i
    if isinstance(kind, DateTime):
        return datetime(2026, 11, 24, 16, i, 7, 123456)
    if isinstance(kind, Date):
        return date(2026, 11, 24 + i)
    if isinstance(kind, JSON):
        return {"row": i, "nested": ["é", None]}
    if isinstance(kind, String):
        return f"{i}{col.name} ü"[: kind.length]
    raise AssertionError(f"no value for {col} {kind!r}")


def _fill(engine, rows: int = 3) -> None:
    """`rows` rows in every table of the database, parents before children."""
    metadata = MetaData()
    metadata.reflect(engine, only=lambda name, _: name != "alembic_version" and not name.startswith("lead_search"))
    parents: dict = {}
    todo = list(metadata.tables.values())
    with engine.begin() as conn:
        while todo:
            def waits_for(t, required_only):
                return {fk.column.table.name for c in t.columns for fk in c.foreign_keys
                        if not (required_only and c.nullable)} - {t.name} - {k[0] for k in parents}

            ready = [t for t in todo if not waits_for(t, False)] or [t for t in todo if not waits_for(t, True)]
            assert ready, f"cannot order {[t.name for t in todo]}"
            for t in ready:
                values = [{c.name: _value(c, i, parents) for c in t.columns} for i in range(rows)]
                conn.execute(t.insert(), values)
                parents.update({(t.name, c.name): [v[c.name] for v in values] for c in t.columns})
                todo.remove(t)
        if engine.dialect.name == "sqlite" and "search_keys" in metadata.tables:
            conn.exec_driver_sql("INSERT INTO lead_search (rowid, name, address, contact, ids, phones) "
                                 "VALUES (7, 'Ann Lee', '12 Elm St', 'Bo Lee', '1001', '5551234567')")


def _dump(engine, only: dict | None = None) -> dict[str, tuple[list[str], list]]:
    """Every row of every table (of `only`'s tables and columns, when given)."""
    with engine.connect() as conn:
        names = only or {name: [c["name"] for c in inspect(conn).get_columns(name)]
                         for name in inspect(conn).get_table_names() if name != "alembic_version"}
        return {name: (cols, sorted(map(tuple, conn.execute(select(*[column(c) for c in cols]).select_from(
            table(name)))), key=repr)) for name, cols in names.items()}


def _assert_nothing_lost(before: dict, after: dict) -> None:
    assert sum(len(rows) for _, rows in before.values()) > 60
    for name, (cols, rows) in before.items():
        assert after[name] == (cols, rows), name


@pytest.mark.parametrize("old", OLD_CLIENT)
def test_device_store_of_the_old_tree_is_upgraded_in_place(tmp_path, old):
    path = tmp_path / "device.sqlite3"
    engine = make_engine(path)
    build_legacy(engine, "client", old)
    _fill(engine)
    before = _dump(engine)
    engine.dispose()

    # The search index's FTS5 shadow tables are its storage, made again when a column is added (client_0003):
    # what it holds is compared through lead_search itself, and found by a MATCH below.
    before = {name: dumped for name, dumped in before.items() if not name.startswith("lead_search_")}
    store = Store(path)
    try:
        _assert_nothing_lost(before, _dump(store.engine, {name: cols for name, (cols, _) in before.items()}))
        assert migrations.is_current(_stamped(store.engine), migrations.CLIENT)
        assert _client_differences(store.engine) == []
    finally:
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT rowid FROM lead_search WHERE lead_search MATCH 'elm'").fetchall() == [(7,)]


@pytest.mark.parametrize("old", ["0001", "0005", HEADS["server"]])
def test_server_database_of_the_old_tree_is_upgraded_in_place(backend, old):  # noqa: F811
    engine = server_db.make_engine(backend.url)
    try:
        build_legacy(engine, "server", old)
        _fill(engine)
        before = _dump(engine)
        server_db.migrate(engine)
        _assert_nothing_lost(before, _dump(engine, {name: cols for name, (cols, _) in before.items()}))
        assert migrations.is_current(_stamped(engine), migrations.SERVER)
        assert _server_differences(engine) == []
    finally:
        engine.dispose()


def test_a_database_of_the_other_kind_is_refused_untouched(tmp_path):
    """A server database opened as a device store (the old trees shared their
    revision numbers) must not be re-stamped as a device's."""
    for n, build in enumerate((lambda e: build_legacy(e, "server", HEADS["server"]), server_db.migrate)):
        path = tmp_path / f"server{n}.sqlite3"
        engine = server_db.make_engine(f"sqlite:///{path}")
        build(engine)
        stamped = _stamped(engine)
        engine.dispose()
        with pytest.raises(migrations.WrongKind, match="This is a rep-tui server database, not a device store"):
            Store(path)
        engine = make_engine(path)
        assert _stamped(engine) == stamped
        engine.dispose()


def test_a_device_store_given_to_the_server_is_refused_untouched(tmp_path):
    builds = (lambda e: build_legacy(e, "client", HEADS["client"]), lambda e: migrations.migrate(e, migrations.CLIENT))
    for n, build in enumerate(builds):
        path = tmp_path / f"device{n}.sqlite3"
        engine = make_engine(path)
        build(engine)
        stamped = _stamped(engine)
        engine.dispose()
        engine = server_db.make_engine(f"sqlite:///{path}")
        with pytest.raises(migrations.WrongKind, match="This is a rep-tui device store, not a server database"):
            server_db.migrate(engine)
        assert _stamped(engine) == stamped
        engine.dispose()


# -- one domain migration, both kinds ----------------------------------------

PROBE = '''
from alembic import op
import sqlalchemy as sa

revision = "domain_probe"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch_op:
        batch_op.add_column(sa.Column("probe", sa.String(length=24), nullable=True))
'''


def test_one_domain_migration_runs_on_both_kinds(tmp_path, backend):  # noqa: F811
    """A file added to the domain branch (here in a directory of its own) is
    run by a device store and a server database alike, and keeps their leads."""
    from alembic.script import ScriptDirectory

    domain_head = ScriptDirectory.from_config(migrations.alembic_config(None, migrations.CLIENT)).get_revision(
        "domain@head").revision
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "probe.py").write_text(PROBE.format(head=domain_head))

    store = Store(tmp_path / "device.sqlite3")
    engine = server_db.make_engine(backend.url)
    try:
        server_db.migrate(engine)
        for kind, target in ((migrations.CLIENT, store.engine), (migrations.SERVER, engine)):
            with target.begin() as conn:
                conn.exec_driver_sql("INSERT INTO leads (id, first_name, last_name, invalid_email, source, custom, "
                                     "created_at, version, deleted, updated_at) VALUES ('%s', 'Ann', 'Lee', false, "
                                     "'web', '{}', '2026-11-24 16:00', 1, false, '2026-11-24 16:00')"
                                     % uuid.uuid4().hex)
            probed = dataclasses.replace(kind, locations=kind.locations + (extra,))
            assert not migrations.is_current(_stamped(target), probed)
            migrations.migrate(target, probed)
            assert "probe" in {c["name"] for c in inspect(target).get_columns("leads")}
            assert migrations.is_current(_stamped(target), probed)
            with target.connect() as conn:
                assert conn.exec_driver_sql("SELECT first_name, probe FROM leads").all() == [("Ann", None)]
    finally:
        store.close()
        engine.dispose()


def test_a_store_is_current_when_alembic_left_a_needed_head_unstamped(tmp_path):
    """A client revision that needs the domain head (depends_on) makes Alembic
    stamp only the client one; the start-up check must still see the store as
    current, or every start would load Alembic."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrations.alembic_config(None, migrations.CLIENT))
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "probe.py").write_text(PROBE.replace('"domain_probe"', '"client_probe"').replace(
        "depends_on = None", f"depends_on = {script.get_revision('domain@head').revision!r}").format(
        head=script.get_revision("client@head").revision))
    probed = dataclasses.replace(migrations.CLIENT, locations=migrations.CLIENT.locations + (extra,))
    engine = make_engine(tmp_path / "device.sqlite3")
    try:
        migrations.migrate(engine, probed)
        assert _stamped(engine) == {"client_probe"}
        assert migrations.is_current(_stamped(engine), probed)
    finally:
        engine.dispose()


def test_the_command_says_so_when_the_store_is_a_server_database(tmp_path):
    """The refusal reaches the rep as one sentence, not a traceback."""
    import os
    import subprocess
    import sys

    path = tmp_path / "home" / "data" / "rep-tui.sqlite3"  # where REP_TUI_HOME puts the device store
    path.parent.mkdir(parents=True)
    engine = server_db.make_engine(f"sqlite:///{path}")
    server_db.migrate(engine)
    engine.dispose()
    result = subprocess.run([sys.executable, "-m", "rep_tui", "search", "Lee"], capture_output=True, text=True,
                            env={**os.environ, "REP_TUI_HOME": str(tmp_path / "home")}, timeout=300)
    assert result.returncode != 0
    assert result.stderr == "Error: This is a rep-tui server database, not a device store: nothing was changed.\n"


def test_serve_says_so_when_given_a_device_store(tmp_path):
    """`rep-tui serve --db <a device store>`: one sentence, not a traceback."""
    import os
    import subprocess
    import sys

    from rep_tui.server.embedded import free_port

    path = tmp_path / "device.sqlite3"
    Store(path).close()
    result = subprocess.run([sys.executable, "-m", "rep_tui", "serve", "--db", f"sqlite:///{path}", "--port",
                             str(free_port())], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "REP_TUI_HOME": str(tmp_path / "home")})
    assert result.returncode == 1
    assert result.stderr == "Error: This is a rep-tui device store, not a server database: nothing was changed.\n"


def test_a_company_server_whose_team_names_a_missing_manager_still_upgrades(pg_cluster):  # noqa: F811
    """PostgreSQL servers never had the teams.manager_id key, so one may hold a
    manager id that points nowhere: it still starts, keeps that row, and
    checks every new one."""
    from sqlalchemy.exc import IntegrityError

    name = f"t_manager_{uuid.uuid4().hex[:8]}"
    engine = server_db.make_engine(pg_cluster.create_database(name))
    try:
        build_legacy(engine, "server", HEADS["server"])
        insert_team = ("INSERT INTO teams (id, name, manager_id, version, deleted, updated_at) "
                       "VALUES (%s, 'East', %s, 1, false, '2026-11-24 16:00')")
        team, nobody = uuid.uuid4(), uuid.uuid4()
        with engine.begin() as conn:
            conn.exec_driver_sql(insert_team, (team, nobody))
        server_db.migrate(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT id, manager_id FROM teams").all() == [(team, nobody)]
        with pytest.raises(IntegrityError, match="fk_teams_manager_id_users"), engine.begin() as conn:
            conn.exec_driver_sql(insert_team, (uuid.uuid4(), uuid.uuid4()))
    finally:
        engine.dispose()
        pg_cluster.drop_database(name)


# -- data: the seeded Managers group on an existing server -------------------

MANAGERS_SEEDED = ["edit_others_calendar", "export", "reassign_leads", "see_commissions", "see_payments", "set_targets"]


@pytest.mark.parametrize("before, after", [
    (MANAGERS_SEEDED, sorted([*MANAGERS_SEEDED, "edit_vendors", "write_notes"])),  # seeded before both
    (sorted([*MANAGERS_SEEDED, "edit_vendors"]), sorted([*MANAGERS_SEEDED, "edit_vendors", "write_notes"])),
    ([p for p in MANAGERS_SEEDED if p != "export"], [p for p in MANAGERS_SEEDED if p != "export"]),  # an admin's
], ids=["seeded", "seeded-with-vendors", "changed-by-an-admin"])
def test_a_servers_seeded_managers_group_gains_notes_and_vendors_on_upgrade(backend, before, after):  # noqa: F811
    """A server at the previous head whose Managers group still grants what it
    was seeded with gets write_notes and edit_vendors, with a new version so
    devices pull it; a group an admin changed keeps what the admin chose; the
    Reps group is left alone."""
    from alembic import command

    from rep_tui.server.models import Counter
    from rep_tui.store.models import UserGroup

    engine = server_db.make_engine(backend.url)
    try:
        cfg = migrations.alembic_config(engine, migrations.SERVER)
        command.upgrade(cfg, "domain_jobs")
        command.upgrade(cfg, "server@head")
        assert not migrations.is_current(_stamped(engine), migrations.SERVER)
        managers, reps = uuid.uuid4(), uuid.uuid4()
        now = datetime(2026, 12, 1, 12, 0)
        with engine.begin() as conn:
            conn.execute(Counter.__table__.insert().values(id=server_db.COUNTER_ID, value=41))
            conn.execute(UserGroup.__table__.insert(), [
                {"id": managers, "name": "Managers", "permissions": before, "version": 7, "deleted": False,
                 "updated_at": now.replace(tzinfo=timezone.utc)},
                {"id": reps, "name": "Reps", "permissions": ["see_payments"], "version": 8, "deleted": False,
                 "updated_at": now.replace(tzinfo=timezone.utc)}])
        server_db.migrate(engine)
        assert migrations.is_current(_stamped(engine), migrations.SERVER)
        with engine.connect() as conn:
            rows = {row.id: row for row in conn.execute(select(UserGroup.__table__))}
            counter = conn.execute(select(Counter.value)).scalar_one()
        assert sorted(rows[managers].permissions) == after
        assert (rows[reps].permissions, rows[reps].version) == (["see_payments"], 8)
        if after != before:
            assert rows[managers].version == counter == 42  # past every device's cursor: it is pulled
        else:
            assert (rows[managers].version, counter) == (7, 41)
    finally:
        engine.dispose()
