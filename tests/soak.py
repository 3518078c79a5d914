"""The soak: rounds of offline work and faulty syncs, then a count of what
was lost, doubled or diverged.

Every round starts from the same synced company (a server database and four
device stores, copied back), so a round is replayed by its number alone:

- four devices, each its own OS process with its own store file: Ann and
  Bob (reps of one team), Maria (their manager), Carl (a rep of another
  team). In one to three phases each makes random offline work (create a
  lead, edit one, comment, upload a small file, book, result, delete), the
  admin may give one of Ann's or Bob's leads to the other (before or while
  they sync), then all sync at once through `faultproxy`, which drops,
  delays, duplicates, truncates and resets requests and responses and kills
  (SIGKILL) devices and the server (`rep-tui serve`'s `run`, its own process,
  restarted at once) at requests it draws; a device may also be killed while
  it writes.
- then, with the proxy healthy, every device syncs until nothing is left,
  twice around, and the round is checked:
  *lost*: an outbox entry still waiting, a committed create, token edit or
  delete the server lacks, a blob missing or corrupt (device or server);
  *doubled*: a create, token edit or delete the server applied twice (its
  change history counts each), or applied though it answered "rejected";
  *diverged*: a row where a device and the server's view for its user differ.

Each round draws everything from `Random(f"{seed}:{round}:...")`: the work,
the plan (phases, kills while writing, reassigning) and each device's route
through the proxy. Timing between processes is not replayed, so a replay
meets the same faults in the same order per device, not always the same
interleaving.

    python tests/soak.py [--db sqlite|postgresql|both] [--rounds 1000] [--seed S] [--round N] [--minutes M]

Processes are forked from a server that has imported everything once
(multiprocessing's forkserver), so a kill and restart costs milliseconds.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import random
import shutil
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
for _path in (str(HERE.parent), str(HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

DEVICES = ("ann", "bob", "maria", "carl")
TZ = "America/Chicago"
#: How long a device waits for an answer: the proxy's long delay is longer.
DEVICE_TIMEOUT = 2.0
#: Each device's sync requests in a faulty phase; bounds what a phase can cost.
PHASE_DEADLINE = 120.0
SETTLE_ATTEMPTS = 12
#: Edits write a value unique to the round into one of these fields, so the
#: server's change history shows each edit exactly once (or not, or twice).
TOKEN_FIELDS = {("leads", "city"), ("appointments", "notes")}
SHARED_FILES = [b"the same brochure on every laptop\n" * n for n in (1, 7, 40)]
PRELOAD = ["sqlite3", "httpcore", "uvicorn", "alembic.config", "alembic.command", "rep_tui.server.app",
           "rep_tui.server.embedded", "rep_tui.sync.engine",
           "rep_tui.store.db", "rep_tui.store.booking", "rep_tui.store.resulting", "rep_tui.store.leads", "soak"]


class SoakError(Exception):
    """The soak itself could not go on (a process hung, the server never came up)."""


# --- processes -------------------------------------------------------------------------------------


def _log_to(path: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)


def serve(db_url: str, port: int, blobs_dir: str, log: str) -> None:
    """The server process: what `rep-tui serve` runs."""
    _log_to(log)
    from rep_tui.server.embedded import run

    run(db_url, "127.0.0.1", port, blobs_dir=Path(blobs_dir), access_log=False)


def device(conn, spec: dict[str, Any]) -> None:
    """A device process: its own store, the real sync engine, commands from the pipe."""
    _log_to(spec["log"])
    from rep_tui.store.db import Store
    from rep_tui.store.writes import Actor
    from rep_tui.sync.engine import SyncClient

    store = Store(Path(spec["store"]))
    client = SyncClient(store, spec["url"], spec["token"], blobs_dir=Path(spec["blobs"]), timeout=DEVICE_TIMEOUT)
    work = Work(store, Actor(uuid.UUID(spec["user_id"]), spec["full_name"], device_id=spec["name"]), spec)
    while True:
        try:
            command, *args = conn.recv()
        except EOFError:
            return
        if command == "work":
            reply = work.run(*args)
        elif command == "sync":
            reply = _sync(client, store, *args)
        else:
            reply = None
        print(time.strftime("%H:%M:%S"), command, args, "->", reply, flush=True)
        conn.send(reply)
        if reply is None:
            return


def _pending(store) -> int:
    from sqlalchemy import func, select

    from rep_tui.store.client_models import OutboxEntry

    with store.session() as session:
        return session.scalar(select(func.count()).where(OutboxEntry.state == "pending"))


def _sync(client, store, attempts: int, until_clean: bool) -> tuple[bool, list[str]]:
    """Sync `attempts` times (faulty phase), or until one sync succeeds with
    nothing left to send (healthy phase). Returns (clean, what happened)."""
    from rep_tui.sync.engine import SyncError

    happened = []
    for attempt in range(attempts):
        try:
            client.sync()
            happened.append("ok")
            if until_clean and _pending(store) == 0:
                return True, happened
        except SyncError as exc:
            happened.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.05 * (attempt + 1))
    return not until_clean, happened


class Work:
    """A rep's (or manager's) random offline day, in miniature. Each action
    is one local transaction, as the app makes them."""

    def __init__(self, store, actor, spec: dict[str, Any]) -> None:
        self.store, self.actor, self.spec = store, actor, spec
        self.blobs = Path(spec["blobs"])
        self.actions: dict[str, tuple[float, Callable]] = {
            "create": (2, self.create), "edit": (4, self.edit), "comment": (3, self.comment),
            "upload": (2, self.upload), "book": (2, self.book), "result": (2, self.result), "delete": (1, self.delete),
        }

    def run(self, seed: str, count: int) -> list[str]:
        rng = random.Random(seed)
        done = []
        for i in range(count):
            name = rng.choices(list(self.actions), weights=[w for w, _ in self.actions.values()])[0]
            token = f"{self.spec['name']}.{seed.rsplit(':', 1)[-1]}.{i}"
            with self.store.session() as session:
                did = self.actions[name][1](session, rng, token)
            done.append(name if did else f"{name} (nothing to do)")
        return done

    def _leads(self, session):
        from sqlalchemy import select

        from rep_tui.store.models import Lead

        return list(session.scalars(select(Lead).where(Lead.deleted.is_(False)).order_by(Lead.id)))

    def _pick_lead(self, session, rng):
        leads = self._leads(session)
        return rng.choice(leads) if leads else None

    def create(self, session, rng, token) -> bool:
        from rep_tui.store import writes
        from rep_tui.store.models import Lead

        rep = rng.choice(self.spec["reps"])
        writes.insert(session, self.actor, Lead(first_name=token, last_name="Soak", city=token,
                                                rep_id=uuid.UUID(rep), source="self-gen", custom={}))
        return True

    def edit(self, session, rng, token) -> bool:
        from rep_tui.store import writes

        lead = self._pick_lead(session, rng)
        if lead is None:
            return False
        writes.update(session, self.actor, lead, city=token)
        return True

    def comment(self, session, rng, token) -> bool:
        from rep_tui.store.leads import add_comment

        lead = self._pick_lead(session, rng)
        if lead is None:
            return False
        add_comment(session, self.actor, lead.id, token)
        return True

    def upload(self, session, rng, token) -> bool:
        from rep_tui.store.leads import add_attachment, store_blob

        lead = self._pick_lead(session, rng)
        if lead is None:
            return False
        content = rng.choice(SHARED_FILES) if rng.random() < 0.3 else rng.randbytes(rng.randint(1, 6000))
        with tempfile.TemporaryDirectory(dir=self.blobs.parent) as scratch:
            source = Path(scratch) / f"{token}.bin"
            source.write_bytes(content)
            sha, size = store_blob(self.blobs, source, 1 << 20)
        add_attachment(session, self.actor, lead.id, f"{token}.pdf", token, sha, size)
        return True

    def book(self, session, rng, token) -> bool:
        from datetime import datetime, timezone

        from rep_tui.store import writes
        from rep_tui.store.booking import BookingRefused, book

        lead = self._pick_lead(session, rng)
        if lead is None:
            return False
        day = datetime.now(timezone.utc).replace(hour=15, minute=0, second=0, microsecond=0)
        start = day + timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 6))
        try:
            appointment = book(session, self.actor, lead.id, start, timedelta(minutes=90), "new", TZ)
        except BookingRefused:
            return False
        writes.update(session, self.actor, appointment, notes=token)
        return True

    def result(self, session, rng, token) -> bool:
        from sqlalchemy import select

        from rep_tui.store import writes
        from rep_tui.store.models import Appointment, Lead
        from rep_tui.store.resulting import ResultEntry, record_result

        open_ones = list(session.scalars(select(Appointment).join(Lead, Lead.id == Appointment.lead_id).where(
            Appointment.result_code.is_(None), Appointment.deleted.is_(False), Lead.deleted.is_(False))
            .order_by(Appointment.id)))
        if not open_ones:
            return False
        appointment = rng.choice(open_ones)
        code = rng.choice(["SOLD", "DNS", "BB"])
        follow_up = date.today() + timedelta(days=rng.randint(1, 9)) if code == "BB" else None
        entry = ResultEntry(code, follow_up_on=follow_up)
        try:
            record_result(session, self.actor, appointment.id, entry, TZ)
        except ValueError:
            return False
        writes.update(session, self.actor, appointment, notes=token)
        return True

    def delete(self, session, rng, token) -> bool:
        from sqlalchemy import select

        from rep_tui.store import writes
        from rep_tui.store.models import Appointment, Attachment, Lead

        candidates = []
        for model, where in ((Lead, Lead.last_name == "Soak"), (Appointment, Appointment.result_code.is_(None)),
                             (Attachment, True)):
            candidates += list(session.scalars(select(model).where(model.deleted.is_(False), where)
                                               .order_by(model.id)))
        if not candidates:
            return False
        writes.delete(session, self.actor, rng.choice(candidates))
        return True


class ServerProcess:
    """`rep-tui serve` in its own process on a fixed port; `kill()` (from
    any thread) SIGKILLs it and starts the next one at once."""

    def __init__(self, ctx, db_url: str, port: int, blobs_dir: Path, log: Path) -> None:
        self.ctx, self.args = ctx, (db_url, port, str(blobs_dir), str(log))
        self.port = port
        self.lock = threading.Lock()
        self.proc = None
        self.kills = 0

    def start(self) -> None:
        with self.lock:
            self._start()

    def _start(self) -> None:
        self.proc = self.ctx.Process(target=serve, args=self.args, daemon=True)
        self.proc.start()

    def kill(self) -> None:
        with self.lock:
            if self.proc is not None:
                self.proc.kill()
                self.proc.join()
                self.kills += 1
                self._start()

    def stop(self) -> None:
        with self.lock:
            if self.proc is not None:
                self.proc.kill()
                self.proc.join()
                self.proc = None

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                proc = self.proc
            if proc is None or (not proc.is_alive() and proc.exitcode is not None):
                raise SoakError(f"the server process ended (exit code {proc and proc.exitcode}); see {self.args[3]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.02)
        raise SoakError(f"the server did not listen within {timeout:.0f} s; see {self.args[3]}")


class DeviceProcess:
    def __init__(self, ctx, spec: dict[str, Any]) -> None:
        self.ctx, self.spec, self.name = ctx, spec, spec["name"]
        self.proc = self.conn = None
        self.kills = 0

    def start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=device, args=(child, self.spec), daemon=True)
        self.proc.start()
        child.close()

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.is_alive()

    def kill(self) -> None:
        if self.alive:
            self.proc.kill()
            self.kills += 1

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join()
            self.conn.close()
            self.proc = None


def ask_all(devices: list[DeviceProcess], command: tuple | Callable[[DeviceProcess], tuple], timeout: float,
            meanwhile: Callable[[], None] | None = None) -> dict[str, Any]:
    """Send every device its command at once (`meanwhile` runs while they
    work); their replies, None for a device that died."""
    replies: dict[str, Any] = {}
    waiting = {}
    for d in devices:
        try:
            d.conn.send(command(d) if callable(command) else command)
        except OSError:  # killed (by the fault proxy) since the last command: it died before this one
            replies[d.name] = None
            d.stop()
            continue
        waiting[d.conn] = d
    if meanwhile:
        meanwhile()
    deadline = time.monotonic() + timeout
    while waiting:
        ready = wait_for(list(waiting), timeout=max(0.0, deadline - time.monotonic()))
        if not ready:
            raise SoakError(f"{', '.join(d.name for d in waiting.values())} did not answer within {timeout:.0f} s")
        for conn in ready:
            d = waiting.pop(conn)
            try:
                replies[d.name] = conn.recv()
            except (EOFError, OSError):
                replies[d.name] = None
                d.stop()
    return replies


# --- figures ------------------------------------------------------------------------------------------


@dataclass
class Figures:
    rounds: int = 0
    writes: int = 0
    lost: int = 0
    doubled: int = 0
    diverged: int = 0
    blobs: int = 0
    rejected: int = 0
    quarantined: int = 0
    #: Rows a device keeps as the rep left them because the server refused a change to them: they
    #: differ from the server until the rep sends the change again or lets it go (F7).
    held: int = 0
    #: Rejections the device never heard of (a known gap, counted apart from `lost`: see the report).
    unanswered: int = 0
    device_kills: int = 0
    server_kills: int = 0
    faults: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def bad(self) -> int:
        return self.lost + self.doubled + self.diverged

    def add(self, other: Figures) -> None:
        for figure in fields(self):
            if figure.name != "problems":
                setattr(self, figure.name, getattr(self, figure.name) + getattr(other, figure.name))

    def line(self, db: str, seed: int) -> str:
        per_round = self.seconds / self.rounds if self.rounds else 0.0
        return (f"{db}: rounds {self.rounds}, writes {self.writes}, lost {self.lost}, doubled {self.doubled}, "
                f"diverged {self.diverged}, seed {seed}  ({self.blobs} blobs checked, {self.rejected} rejected, "
                f"{self.quarantined} quarantined, {self.held} rows held for the rep, {self.unanswered} unanswered rejections, {self.faults} faults, "
                f"{self.device_kills} device and {self.server_kills} server kills, {per_round:.1f} s a round)")


# --- the soak -------------------------------------------------------------------------------------------


class Soak:
    """One database's soak: `prepare()` once, then `round(n)` any number of times."""

    def __init__(self, db: str, seed: int, root: Path, *, cluster=None) -> None:
        self.db, self.seed, self.root, self.cluster = db, seed, root, cluster
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(PRELOAD)
        self.devices: dict[str, DeviceProcess] = {}
        self.specs: dict[str, dict[str, Any]] = {}
        self.proxy = None
        self.server: ServerProcess | None = None

    # setting up ------------------------------------------------------------------------------

    def prepare(self) -> Soak:
        """The company every round starts from: seeded, every device signed in and synced once."""
        from faultproxy import FaultProxy
        from server_fixtures import PASSWORD, Backend, give, make_company
        from rep_tui.server.db import make_engine, migrate
        from rep_tui.server.embedded import free_port
        from rep_tui.server.seed import add_rows
        from rep_tui.sync import credentials

        if self.db == "sqlite":
            path = self.root / "server.sqlite3"
            self.backend = Backend("sqlite", f"sqlite:///{path}", path=path)
        else:
            name = f"soak_{os.getpid()}_{self.seed % 100000}"
            self.backend = Backend("postgresql", self.cluster.create_database(name), cluster=self.cluster,
                                   database=name)
        self.engine = make_engine(self.backend.url)
        migrate(self.engine)
        company = make_company(self.engine, leads_per_rep=4)
        add_rows(self.engine, {"result_codes": [
            {"id": uuid.uuid4(), "code": "DNS", "label": "Demo No Sale", "key": "d", "counts_as_issued": True,
             "counts_as_demo": True, "counts_as_sale": False},
            {"id": uuid.uuid4(), "code": "BB", "label": "Be Back", "key": "b", "counts_as_issued": True,
             "counts_as_demo": True, "counts_as_sale": False, "needs_follow_up": True}]})
        for rep in ("ann", "bob", "carl"):  # reps delete the leads they made
            give(self.engine, rep, "delete_leads")
        self.users = company.users
        self.server_blobs = self.root / "server-blobs"
        self.server = ServerProcess(self.ctx, self.backend.url, free_port(), self.server_blobs,
                                    self.root / "server.log")
        self.proxy = FaultProxy(self.server.port, kill_client=lambda name: self.devices[name].kill(),
                                kill_server=self.server.kill)
        self.server.start()
        self.server.wait_ready()
        url = f"http://127.0.0.1:{self.server.port}"
        base = self.root / "base"
        for name in DEVICES:
            answer = credentials.login(url, name, PASSWORD)
            route = self.proxy.add_route(name, random.Random(0))
            reps = ["ann", "bob"] if name == "maria" else [name]
            self.specs[name] = {
                "name": name, "user_id": str(answer.user_id), "full_name": answer.full_name, "token": answer.token,
                "url": f"http://127.0.0.1:{route.port}", "reps": [str(self.users[r]) for r in reps],
                "store": str(self.root / "devices" / name / "store.sqlite3"),
                "blobs": str(self.root / "devices" / name / "blobs"), "log": str(self.root / f"{name}.log"),
            }
            (self.root / "devices" / name / "blobs").mkdir(parents=True)
            self.devices[name] = DeviceProcess(self.ctx, self.specs[name])
        self._start_devices()
        settled = ask_all(list(self.devices.values()), ("sync", SETTLE_ATTEMPTS, True), PHASE_DEADLINE)
        if not all(reply and reply[0] for reply in settled.values()):
            raise SoakError(f"the first sync failed: {settled}")
        self._stop_all()
        self.engine.dispose()
        self.backend.backup()
        shutil.copytree(self.root / "devices", base)
        return self

    def close(self) -> None:
        self._stop_all()
        if self.proxy:
            self.proxy.close()
        if hasattr(self, "engine"):
            self.engine.dispose()
        if self.cluster is not None and hasattr(self, "backend"):
            self.cluster.drop_database(self.backend.database)
            self.cluster.drop_database(self.backend.database + "_backup")

    def _start_devices(self) -> None:
        for d in self.devices.values():
            if not d.alive:
                d.stop()
                d.start()

    def _stop_all(self) -> None:
        for d in self.devices.values():
            d.stop()
        if self.server:
            self.server.stop()

    def keep_round(self, n: int) -> Path:
        """Copy a round's files (logs, stores, server database) beside the soak's, to look into."""
        kept = self.root.with_name(f"{self.root.name}-round{n}")
        self.engine.dispose()
        shutil.copytree(self.root, kept, ignore=shutil.ignore_patterns("base", "*.backup*"))
        if self.cluster is not None:
            self.cluster.create_database(f"{self.backend.database}_round{n}", template=self.backend.database)
        return kept

    def _restore(self) -> None:
        self.engine.dispose()
        self.backend.restore()
        shutil.rmtree(self.server_blobs, ignore_errors=True)
        shutil.rmtree(self.root / "devices")
        for log in self.root.glob("*.log"):
            log.unlink()
        shutil.copytree(self.root / "base", self.root / "devices")

    # one round ------------------------------------------------------------------------------------

    def rng(self, n: int, *what: str) -> random.Random:
        return random.Random(":".join([str(self.seed), str(n), *what]))

    def round(self, n: int) -> Figures:
        started = time.monotonic()
        plan = self.rng(n, "plan")
        self._restore()
        for name in DEVICES:
            self.proxy.reseed(name, self.rng(n, "route", name))
        kills_before = self.server.kills, {d.name: d.kills for d in self.devices.values()}
        self.server.start()
        self.server.wait_ready()
        self._start_devices()
        for phase in range(plan.randint(1, 3)):
            self._offline_work(n, phase, plan)
            reassign_now = plan.random() < 0.5
            if reassign_now and plan.random() < 0.5:
                self._reassign(plan)
                reassign_now = False
            self._start_devices()
            self.proxy.faulty = True
            try:
                later = self._reassign_later(plan) if reassign_now else None
                ask_all(list(self.devices.values()), ("sync", plan.randint(1, 3), False), PHASE_DEADLINE)
                if later:
                    later.join()
            finally:
                self.proxy.faulty = False
            self._start_devices()
        self.server.wait_ready()
        for _pass in (1, 2):  # the second pass brings everyone what the others sent in the first
            for d in self.devices.values():
                clean, happened = ask_all([d], ("sync", SETTLE_ATTEMPTS, True), PHASE_DEADLINE)[d.name]
                if not clean:
                    raise SoakError(f"{d.name} could not sync with the proxy healthy: {happened[-3:]}")
        figures = self.check()
        figures.rounds = 1
        figures.server_kills = self.server.kills - kills_before[0]
        figures.device_kills = sum(d.kills - kills_before[1][d.name] for d in self.devices.values())
        figures.faults = sum(len(route.log) for route in self.proxy.routes.values())
        self._stop_all()
        figures.seconds = time.monotonic() - started
        return figures

    def _offline_work(self, n: int, phase: int, plan: random.Random) -> None:
        """Every device works offline at once; one may be killed while it writes."""
        counts = {name: plan.randint(1, 6) for name in DEVICES}
        victim = plan.choice(DEVICES) if plan.random() < 0.25 else None
        delay = plan.uniform(0, 0.05)

        def kill_victim() -> None:
            if victim:
                time.sleep(delay)
                self.devices[victim].kill()

        ask_all(list(self.devices.values()), lambda d: ("work", f"{self.seed}:{n}:{d.name}:{phase}", counts[d.name]),
                PHASE_DEADLINE, meanwhile=kill_victim)

    def _reassign(self, plan: random.Random) -> None:
        """The admin gives one of Ann's or Bob's leads to the other (`rep-tui admin assign`)."""
        from sqlalchemy import select

        from rep_tui.server import admin, admin_bulk
        from rep_tui.store.models import Lead

        ann, bob = self.users["ann"], self.users["bob"]
        with self.engine.connect() as conn:
            leads = sorted(conn.execute(select(Lead.pid, Lead.rep_id).where(
                Lead.deleted.is_(False), Lead.pid.is_not(None), Lead.rep_id.in_([ann, bob]))).all())
        if leads:
            pid, rep = plan.choice(leads)
            try:
                admin_bulk.assign(self.engine, "bob" if rep == ann else "ann", pid=pid)
            except admin.AdminError:
                pass  # a device deleted it meanwhile

    def _reassign_later(self, plan: random.Random) -> threading.Thread:
        delay = plan.uniform(0, 0.5)
        pick = random.Random(plan.random())

        def later() -> None:
            time.sleep(delay)
            self._reassign(pick)

        thread = threading.Thread(target=later, daemon=True)
        thread.start()
        return thread

    # the check -----------------------------------------------------------------------------------

    def check(self) -> Figures:
        from sqlalchemy import select

        from server_fixtures import live_rows
        from rep_tui.server.auth import Principal
        from rep_tui.server.scoping import row_filter
        from rep_tui.store.client_models import OutboxEntry
        from rep_tui.store.db import Store
        from rep_tui.store.models import Attachment, ChangeRecord, User
        from rep_tui.sync import state
        from rep_tui.blobs import blob_path
        from rep_tui.sync.tables import ORDERED

        f = Figures()
        with self.engine.connect() as conn:
            history = conn.execute(select(ChangeRecord.table_name, ChangeRecord.row_id, ChangeRecord.field,
                                          ChangeRecord.new_value, ChangeRecord.device_id, ChangeRecord.kind)).all()
            users = {row.username: Principal(row.id, row.username, row.full_name, row.role, row.team_id)
                     for row in conn.execute(select(User.id, User.username, User.full_name, User.role, User.team_id))}
        created = Counter((t, r) for t, r, fld, new, _d, _k in history if fld == "*" and new == "created")
        deleted = Counter((t, r, d) for t, r, fld, new, d, _k in history if fld == "*" and new == "deleted")
        edited = Counter((t, r, fld, new) for t, r, fld, new, _d, _k in history if (t, fld) in TOKEN_FIELDS)
        gone = {table: set(self._ids(table, deleted=True)) for table in ORDERED}
        leads_of = self._leads_of()

        for name in DEVICES:
            store = Store(Path(self.specs[name]["store"]), run_migrations=False)
            try:
                with store.session() as session:
                    entries = list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))
                    client = state.client_id(session)
                    attachments = list(session.scalars(select(Attachment.sha256).where(
                        Attachment.deleted.is_(False))))
                user = users[name]
                refused = {(e.table_name, e.row_id) for e in entries if e.state == "rejected"}
                for table in ORDERED:
                    mine = live_rows(store.engine, table)
                    theirs = live_rows(self.engine, table, row_filter(table, user))
                    if table == "leads":
                        visible_leads = set(theirs)
                    for row_id in sorted(mine.keys() | theirs.keys(), key=str):
                        if mine.get(row_id) != theirs.get(row_id) and (table, row_id) in refused and row_id in mine:
                            f.held += 1  # the rep's refused change, waiting for their answer in F7
                        elif mine.get(row_id) != theirs.get(row_id):
                            f.diverged += 1
                            f.problems.append(f"diverged: {name} {table} {row_id}: device {mine.get(row_id)} "
                                              f"server {theirs.get(row_id)}")
                f.writes += len(entries)
                created_on = {e.row_id: _uuid(e.fields.get("lead_id", [None, None])[1]) for e in entries
                              if e.op == "insert"}  # the lead of rows the server may never have had
                for e in entries:
                    lead = leads_of.get((e.table_name, e.row_id)) or created_on.get(e.row_id)
                    # The server refuses it now: the row is deleted, or its lead is there but not for this user.
                    out_of_reach = e.row_id in gone[e.table_name] or (
                        ("leads", lead) in leads_of and lead not in visible_leads)
                    self._check_entry(f, name, client, e, created, deleted, edited, gone, out_of_reach)
                for sha in attachments:
                    f.blobs += 1
                    path = blob_path(Path(self.specs[name]["blobs"]), sha)
                    if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
                        f.lost += 1
                        f.problems.append(f"lost: {name}'s blob {sha} is {'corrupt' if path.exists() else 'missing'}")
            finally:
                store.close()
        for sha in sorted({row["sha256"] for row in live_rows(self.engine, "attachments").values()}):
            f.blobs += 1
            path = self.server_blobs / sha[:2] / sha
            if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
                f.lost += 1
                f.problems.append(f"lost: the server's blob {sha} is {'corrupt' if path.exists() else 'missing'}")
        return f

    def _leads_of(self) -> dict[tuple[str, Any], Any]:
        """(table, row id) → its lead, for every lead and lead child the server has (deleted too)."""
        from sqlalchemy import select

        from rep_tui.store.models import SYNCED_TABLES
        from rep_tui.sync.tables import LEAD_CHILDREN

        out = {("leads", i): i for i in self._ids("leads", deleted=False) + self._ids("leads", deleted=True)}
        with self.engine.connect() as conn:
            for table in LEAD_CHILDREN:
                t = SYNCED_TABLES[table].__table__
                out.update({(table, row_id): lead_id for row_id, lead_id in conn.execute(select(t.c.id, t.c.lead_id))})
        return out

    def _ids(self, table: str, *, deleted: bool) -> list:
        from sqlalchemy import select

        from rep_tui.store.models import SYNCED_TABLES

        t = SYNCED_TABLES[table].__table__
        with self.engine.connect() as conn:
            return list(conn.execute(select(t.c.id).where(t.c.deleted.is_(deleted))).scalars())

    @staticmethod
    def _check_entry(f: Figures, device: str, client: str, e, created, deleted, edited, gone, out_of_reach) -> None:
        """One committed change against the server's change history."""
        what = f"{device} #{e.seq} {e.op} {e.table_name} {e.row_id}"
        if e.state == "pending":
            f.lost += 1
            f.problems.append(f"lost: {what} is still waiting after the healthy syncs")
            return
        if e.state == "quarantined":
            f.quarantined += 1
            return
        key = (e.table_name, e.row_id)
        if e.op == "insert":
            times = created[key]
        elif e.op == "delete":
            times = deleted[(e.table_name, e.row_id, client)]
            if e.state == "acknowledged" and e.row_id not in gone[e.table_name]:
                times = 0  # not deleted: a loss, or an unanswered rejection (below)
            elif e.state == "acknowledged" and times <= 1:
                return  # 0: someone else deleted it (or its lead) first
        else:
            tokens = [(e.table_name, e.row_id, fld, str(pair[1])) for fld, pair in e.fields.items()
                      if (e.table_name, fld) in TOKEN_FIELDS]
            if not tokens:
                return  # no field of its own to count by: the replica comparison covers it
            times = max(edited[token] for token in tokens)
        if e.state in ("rejected", "dismissed"):  # dismissed: refused, then let go (F7, or the row deleted here)
            f.rejected += 1
            if times:
                f.doubled += 1
                f.problems.append(f"doubled: {what} was answered rejected ({e.error}) but applied {times} time(s)")
            return
        if times == 0 and out_of_reach:
            # Rejected (the row was deleted, or had left the user), but the answer was
            # lost and the retry was answered "duplicate": the server keeps no rejections.
            f.unanswered += 1
            f.problems.append(f"unanswered rejection: {what} was answered duplicate, never applied, and the "
                              "row is deleted or out of the user's reach: the rep is not told")
        elif times == 0:
            f.lost += 1
            f.problems.append(f"lost: {what} was acknowledged but the server never applied it")
        elif times > 1:
            f.doubled += 1
            f.problems.append(f"doubled: {what} was applied {times} times")


def _uuid(text: str | None) -> uuid.UUID | None:
    return uuid.UUID(text) if text else None


def run_soak(db: str, rounds: list[int], seed: int, *, cluster=None, minutes: float | None = None,
             say: Callable[[str], None] = print, keep: bool = False) -> Figures:
    """Rounds on one database; stops early after `minutes`. Prints a line
    for each round with a problem, and the problems."""
    total = Figures()
    root = Path(tempfile.mkdtemp(prefix=f"rep-tui-soak-{db}-"))
    soak = Soak(db, seed, root, cluster=cluster)
    stop_at = time.monotonic() + minutes * 60 if minutes else None
    try:
        soak.prepare()
        for n in rounds:
            figures = soak.round(n)
            total.add(figures)
            if figures.bad or figures.unanswered:
                kept = f"; its files: {soak.keep_round(n)}" if figures.bad else ""
                say(f"round {n} ({db}): lost {figures.lost}, doubled {figures.doubled}, diverged {figures.diverged}"
                    f" — replay: python tests/soak.py --db {db} --seed {seed} --round {n}{kept}")
                for problem in figures.problems[:20]:
                    say(f"  {problem}")
                total.problems += [f"round {n}: {p}" for p in figures.problems]
            if total.rounds % 50 == 0:
                say(total.line(db, seed))
            if stop_at and time.monotonic() > stop_at:
                say(f"{db}: stopped after {minutes:g} minutes")
                break
    finally:
        soak.close()
        if keep:
            say(f"{db}: the last round's files are in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description="Rounds of offline work and faulty syncs on each database; "
                                                 "prints rounds, writes, lost, doubled, diverged and the seed.")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--first", type=int, default=1, help="number of the first round (to resume a run)")
    parser.add_argument("--round", type=int, help="replay this one round")
    parser.add_argument("--seed", type=int, help="default: a new one, printed")
    parser.add_argument("--minutes", type=float, help="stop each database after this long")
    parser.add_argument("--keep", action="store_true", help="keep the last round's files (SQLite) to look into")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1 << 31)
    rounds = [args.round] if args.round else list(range(args.first, args.first + args.rounds))
    print(f"soak: seed {seed}, rounds {rounds[0]}..{rounds[-1]}", flush=True)
    bad = 0
    for db in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        cluster = None
        if db == "postgresql":
            from pgtemp import TempCluster

            cluster = TempCluster(name="reptui-soak").start()
        try:
            figures = run_soak(db, rounds, seed, cluster=cluster, minutes=args.minutes, keep=args.keep,
                               say=lambda line: print(line, flush=True))
        finally:
            if cluster is not None:
                cluster.stop()
        print(figures.line(db, seed), flush=True)
        bad += figures.bad
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    import soak

    soak.main()
