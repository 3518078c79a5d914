"""Pytest fixtures for the server and sync tests (imported by their
conftest files): a throw-away PostgreSQL cluster per xdist worker, a fresh
database per test on each backend, a real server on 127.0.0.1, a small
company, and devices that sync with it."""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from rep_tui.server import auth
from rep_tui.server.embedded import ServerThread
from pgtemp import TempCluster
from schema_templates import new_server_postgresql, new_server_sqlite, new_store_file
from rep_tui.server.seed import add_rows

PASSWORD = "correct horse"
#: Requests of tests that talk HTTP themselves: a generous timeout, because a
#: loaded machine hashing passwords (argon2) is slow, not wrong.
http = httpx.Client(timeout=60.0)
_numbers = itertools.count(1)


@lru_cache(maxsize=1)
def password_hash() -> str:
    """The company's password as an argon2 hash at the lowest cost. The server
    verifies it as it does any argon2 hash (the cost is written in the hash),
    in a millisecond instead of a fifth of a second of CPU per sign-in; an
    unknown user is still checked against the server's own full-cost hash."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@pytest.fixture(scope="session")
def pg_cluster(worker_id: str) -> Iterator[TempCluster]:
    """Never skipped: if PostgreSQL cannot start, the tests fail and say why."""
    cluster = TempCluster(name=f"reptui-pg-{worker_id}").start()
    try:
        yield cluster
    finally:
        cluster.stop()


@dataclass
class Backend:
    """One server database; `backup()`/`restore()` copy it (server stopped)."""

    name: str
    url: str
    cluster: TempCluster | None = None
    path: Path | None = None
    database: str = ""

    def fill_if_new(self) -> None:
        """A database that does not exist yet, or is empty, gets the migrated
        schema by copy (what the server's start would build, in milliseconds)."""
        if self.cluster:
            new_server_postgresql(self.cluster, self.database)
        elif self.path:
            new_server_sqlite(self.path)

    def backup(self) -> None:
        if self.cluster:
            self.cluster.drop_database(self.database + "_backup")
            self.cluster.create_database(self.database + "_backup", template=self.database)
        else:
            for suffix in ("", "-wal", "-shm"):
                src = Path(f"{self.path}{suffix}")
                if src.exists():
                    shutil.copy(src, f"{self.path}.backup{suffix}")

    def restore(self) -> None:
        if self.cluster:
            self.cluster.drop_database(self.database)
            self.cluster.create_database(self.database, template=self.database + "_backup")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                src = Path(f"{self.path}.backup{suffix}")
                if src.exists():
                    shutil.copy(src, f"{self.path}{suffix}")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path) -> Iterator[Backend]:
    if request.param == "sqlite":
        path = tmp_path / "server.sqlite3"
        yield Backend("sqlite", f"sqlite:///{path}", path=path)
        return
    cluster: TempCluster = request.getfixturevalue("pg_cluster")
    name = f"t{os.getpid()}_{next(_numbers)}"
    yield Backend("postgresql", cluster.create_database(name), cluster=cluster, database=name)
    cluster.drop_database(name)
    cluster.drop_database(name + "_backup")


class Server:
    """A real server in a thread; `restart()` reopens the same database."""

    def __init__(self, backend: Backend, blobs_dir: Path, **options: Any) -> None:
        self.backend = backend
        self.blobs_dir = blobs_dir
        self.options = options
        self.thread: ServerThread | None = None
        self.port: int | None = None

    def start(self) -> Server:
        from rep_tui.server.app import create_app

        self.backend.fill_if_new()
        app = create_app(self.backend.url, blobs_dir=self.blobs_dir, **self.options)
        self.engine = app.state.engine
        self.thread = ServerThread(app, port=self.port).start()
        self.port = self.thread.port
        return self

    def stop(self) -> None:
        if self.thread:
            self.thread.stop()
            self.engine.dispose()
            self.thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def module_server(request, tmp_path_factory, prefix: str) -> Iterator[tuple[Server, httpx.Client]]:
    """A server of a module's own (for a table of cells that share one
    company), on the database `request.param` names, with a client to call it."""
    root = tmp_path_factory.mktemp(f"{prefix}-{request.param}")
    if request.param == "sqlite":
        backend = Backend("sqlite", f"sqlite:///{root / 'server.sqlite3'}", path=root / "server.sqlite3")
    else:
        cluster = request.getfixturevalue("pg_cluster")
        name = f"{prefix}{os.getpid()}_{uuid.uuid4().hex[:8]}"
        backend = Backend("postgresql", cluster.create_database(name), cluster=cluster, database=name)
    server = Server(backend, root / "blobs").start()
    client = httpx.Client(timeout=60)
    try:
        yield server, client
    finally:
        client.close()
        server.stop()
        if backend.cluster:
            backend.cluster.drop_database(backend.database)


@pytest.fixture
def server(backend: Backend, tmp_path: Path) -> Iterator[Server]:
    srv = Server(backend, tmp_path / "server-blobs").start()
    yield srv
    srv.stop()


@dataclass
class Company:
    """Two teams: manager Maria leads reps Ann and Bob; Carl is on another
    team; Ada is the admin. `leads[username]` are the ids of their leads."""

    users: dict[str, uuid.UUID]
    leads: dict[str, list[uuid.UUID]] = field(default_factory=dict)


def make_company(engine, leads_per_rep: int = 3) -> Company:
    ids = {name: uuid.uuid4() for name in ("maria", "ann", "bob", "carl", "ada")}
    team_a, team_b, region, office = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    roles = {"maria": ("manager", team_a), "ann": ("rep", team_a), "bob": ("rep", team_a),
             "carl": ("rep", team_b), "ada": ("admin", None)}
    company = Company(users=ids)
    rows: dict[str, list[dict]] = {
        "regions": [{"id": region, "name": "Midwest"}],
        "offices": [{"id": office, "name": "Chicago", "region_id": region}],
        "teams": [{"id": team_a, "name": "North", "office_id": office, "manager_id": ids["maria"]},
                  {"id": team_b, "name": "South", "office_id": office}],
        "users": [{"id": ids[n], "username": n, "full_name": n.title(), "role": r, "team_id": t}
                  for n, (r, t) in roles.items()],
        "result_codes": [{"id": uuid.uuid4(), "code": "SOLD", "label": "Sold", "key": "s", "counts_as_issued": True,
                          "counts_as_demo": True, "counts_as_sale": True}],
        "leads": [], "jobs": [], "notes": [],
    }
    for rep in ("ann", "bob", "carl"):
        company.leads[rep] = []
        for i in range(leads_per_rep):
            lead = uuid.uuid4()
            company.leads[rep].append(lead)
            rows["leads"].append({"id": lead, "first_name": f"{rep}{i}", "last_name": "Customer",
                                  "rep_id": ids[rep], "pid": 1000 + len(rows["leads"]), "custom": {}})
            rows["jobs"].append({"id": uuid.uuid4(), "lead_id": lead, "job_number": 5000 + len(rows["jobs"]),
                                 "product": "windows"})
            rows["notes"].append({"id": uuid.uuid4(), "lead_id": lead, "author_name": "Office", "body": "call first"})
    add_rows(engine, rows)
    with engine.begin() as conn:
        for user_id in ids.values():
            auth.set_password(conn, user_id, hashed=password_hash())
    return company


def give(engine, username: str, *permissions: str) -> None:
    """Put `username` in a group of their own granting `permissions` (what an
    admin does with `rep-tui admin groups add` and `users set-group`)."""
    from rep_tui.server import admin

    group = f"{username}'s group"
    admin.add_group(engine, group, permissions=permissions)
    admin.set_user_group(engine, username, group)


@pytest.fixture
def company(server: Server) -> Company:
    return make_company(server.engine)


class Device:
    """One rep's laptop: its own store, signed in for real, syncing over HTTP."""

    def __init__(self, root: Path, server: Server, username: str, password: str = PASSWORD, **options: Any) -> None:
        from rep_tui.store import writes
        from rep_tui.store.db import Store
        from rep_tui.sync import credentials
        from rep_tui.sync.engine import SyncClient

        root.mkdir(parents=True, exist_ok=True)
        self.store = Store(new_store_file(root / f"{username}.sqlite3"))
        answer = credentials.login(server.url, username, password)
        self.user_id = answer.user_id
        self.actor = writes.Actor(answer.user_id, answer.full_name, device_id=username)
        self.blobs_dir = root / "blobs"
        self.client = SyncClient(self.store, server.url, answer.token, blobs_dir=self.blobs_dir, **options)

    def sync(self):
        return self.client.sync()

    def rows(self, table: str) -> dict[uuid.UUID, dict[str, Any]]:
        return live_rows(self.store.engine, table)

    def close(self) -> None:
        self.client.close()
        self.store.close()


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("version", "updated_at")}


def live_rows(engine, table: str, where=None) -> dict[uuid.UUID, dict[str, Any]]:
    """Live rows of a table (those matching `where`) as JSON values, without
    sync bookkeeping: a device's store or the server's database alike."""
    from sqlalchemy import select

    from rep_tui.store.models import SYNCED_TABLES
    from rep_tui.sync.codec import encode_row

    t = SYNCED_TABLES[table].__table__
    stmt = select(t).where(t.c.deleted.is_(False))
    if where is not None:
        stmt = stmt.where(where)
    with engine.connect() as conn:
        return {row["id"]: _comparable(encode_row(table, row)) for row in conn.execute(stmt).mappings()}


server_rows = live_rows  # what the sync tests call it


@pytest.fixture
def devices(server: Server, company: Company, tmp_path: Path):
    """`devices("ann")` signs a new device in as ann; all are closed at the end."""
    made: list[Device] = []

    def make(username: str, **options: Any) -> Device:
        device = Device(tmp_path / f"device-{len(made)}", server, username, **options)
        made.append(device)
        return device

    yield make
    for device in made:
        device.close()
