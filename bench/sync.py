"""Sync figures over loopback (prints them; asserts nothing).

1. Initial sync of one rep's 100k rows into an empty device, search index
   included (rows/s; goal ≥ 50,000), then a no-op sync (requests; goal 1).
   The machine is shared, so besides rows per wall-clock second it prints
   the CPU time the device, the server and PostgreSQL spent per 1,000 rows,
   which other load moves much less, and compares the device with the
   floor measured in the same run: the same rows, parsed and converted
   beforehand, written with one executemany per table and page into a bare
   store and indexed.
2. N simulated reps, already synced once, each pushing one edit and pulling
   what changed, round after round with a randomised pause between rounds
   (p50/p95/p99 latency of a whole sync and errors; goal 2,000 reps with
   p99 ≤ 300 ms on 2 cores). Each rep has its own keep-alive connection; the
   bench's CPU time is printed to show whether it is the bottleneck, and the
   CPU time of the server and of PostgreSQL per sync.

The server runs in its own process on 127.0.0.1; PostgreSQL is a throw-away
cluster, durable as in production (fsync and synchronous_commit on) unless
--no-durable, removed at the end. The load average is printed at start.

    .venv/bin/python bench/sync.py [--rows 100000] [--reps 2000] [--rounds 3] [--think 20] [--workers 2]
                                   [--skip-initial] [--no-durable]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the throw-away PostgreSQL cluster

from rep_tui.server import auth  # noqa: E402
from rep_tui.server.db import current_version, make_engine, migrate  # noqa: E402
from pgtemp import TempCluster  # noqa: E402
from rep_tui.server.embedded import free_port  # noqa: E402
from rep_tui.server.seed import add_rows  # noqa: E402
from rep_tui.store import search  # noqa: E402
from rep_tui.store.db import Store  # noqa: E402
from rep_tui.sync.engine import SyncClient  # noqa: E402
from rep_tui.sync.apply import unchecked_session, upsert_sql  # noqa: E402
from rep_tui.sync.codec import sqlite_params  # noqa: E402
from rep_tui.sync.protocol import Mutation, PullPage, PushRequest  # noqa: E402

SERVE = """
import sys
from pathlib import Path
from rep_tui.server.embedded import run
run(sys.argv[1], "127.0.0.1", int(sys.argv[3]), None, None, Path(sys.argv[2]), workers=int(sys.argv[4]),
    access_log=False)
"""


def cpu_seconds(root: int) -> float:
    """CPU time used so far by a process and everything under it, ended
    children included (Linux /proc)."""
    used: dict[int, float] = {}
    parent: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        pid = int(stat.parent.name)
        parent[pid] = int(fields[1])
        used[pid] = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    def under(pid: int) -> bool:
        while pid > 1:
            if pid == root:
                return True
            pid = parent.get(pid, 0)
        return False
    return sum(seconds for pid, seconds in used.items() if under(pid))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))] if ordered else 0.0


class ServerProcess:
    def __init__(self, db_url: str, blobs: Path, workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-c", SERVE, db_url, str(blobs), str(self.port), str(workers)],
                                     stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})  # this tree
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def make_org(engine, reps: int) -> tuple[list[uuid.UUID], uuid.UUID]:
    team = uuid.uuid4()
    users = [uuid.uuid4() for _ in range(reps)]
    add_rows(engine, {
        "teams": [{"id": team, "name": "Bench"}],
        "users": [{"id": u, "username": f"rep{i}", "full_name": f"Rep {i}", "role": "rep", "team_id": team}
                  for i, u in enumerate(users)],
    })
    return users, team


def tokens(engine, users: list[uuid.UUID]) -> list[str]:
    with engine.begin() as conn:  # issued directly: 500 argon2 checks would only measure argon2
        return [auth.issue_token(conn, u, timedelta(hours=2))[0] for u in users]


def rep_rows(rep: uuid.UUID, leads: int) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {"leads": [], "jobs": [], "appointments": [], "comments": [], "notes": []}
    from datetime import datetime, timezone

    start = datetime(2026, 1, 5, 15, tzinfo=timezone.utc)
    for i in range(leads):
        lead = uuid.uuid4()
        rows["leads"].append({"id": lead, "first_name": f"First{i}", "last_name": f"Last{i % 997}",
                              "address": f"{i} Main St", "city": "Springfield", "state": "IL", "zip": "62701",
                              "home_phone": "217-555-0100", "home_phone_e164": "+12175550100",
                              "email": f"c{i}@example.com", "rep_id": rep, "pid": 100000 + i, "custom": {}})
        rows["jobs"].append({"id": uuid.uuid4(), "lead_id": lead, "job_number": 500000 + i, "product": "windows",
                             "contract_cents": 1250000, "result_code": "SOLD"})
        rows["appointments"].append({"id": uuid.uuid4(), "lead_id": lead, "rep_id": rep,
                                     "starts_at": start + timedelta(hours=i % 500), "result_code": "DNS"})
        rows["comments"].append({"id": uuid.uuid4(), "lead_id": lead, "author_name": "Rep", "body": "be back"})
        rows["notes"].append({"id": uuid.uuid4(), "lead_id": lead, "author_name": "Office", "body": "call first"})
    return rows


def postmaster(cluster: TempCluster) -> int:
    """The PostgreSQL server's process id (its backends are its children)."""
    return int((cluster.data / "postmaster.pid").read_text().split()[0])


def per_cpu(rows: int, seconds: float) -> str:
    return f"{seconds:.2f} s = {rows / seconds:,.0f} rows/CPU-s" if seconds > 0 else f"{seconds:.2f} s"


def floor(pages: list[bytes], path: Path) -> tuple[float, float, float]:
    """The least a device can do with the same rows: already parsed and
    converted, one executemany per table and page into a bare store in one
    transaction, then the search index built. Returns wall seconds, CPU
    seconds, and CPU seconds of the index alone."""
    parsed = [PullPage.model_validate_json(body) for body in pages]
    params = [(table, sqlite_params(table, rows)) for page in parsed for table, rows in page.upserts.items()]
    store = Store(path)
    started, cpu_started = time.perf_counter(), time.process_time()
    with unchecked_session(store) as session:
        conn = session.connection()
        for table, rows in params:
            conn.exec_driver_sql(upsert_sql(table), rows)
        index_started = time.process_time()
        search.rebuild_index(conn)
        index_cpu = time.process_time() - index_started
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    store.close()
    return wall, cpu, index_cpu


def initial_sync(cluster: TempCluster, rows: int, tmp: Path) -> None:
    url = cluster.create_database("bench_initial")
    engine = make_engine(url)
    migrate(engine)
    users, _team = make_org(engine, 1)
    started = time.perf_counter()
    counts = add_rows(engine, rep_rows(users[0], rows // 5))
    print(f"seeded {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s")
    token = tokens(engine, users)[0]
    engine.dispose()
    server = ServerProcess(url, tmp / "blobs1", workers=1)
    try:
        store = Store(tmp / "device.sqlite3")
        client = SyncClient(store, server.url, token)
        others = server.proc.pid, postmaster(cluster)
        before, device_before = [cpu_seconds(pid) for pid in others], time.process_time()
        report = client.sync()
        device = time.process_time() - device_before
        server_cpu, db_cpu = (cpu_seconds(pid) - start for pid, start in zip(others, before))
        total = report.pulled
        per_k = 1000 / total
        print(f"initial sync: {total:,} rows, search index included, in {report.seconds:.2f} s = "
              f"{total / report.seconds:,.0f} rows/s ({report.requests} requests; goal ≥ 50,000 rows/s)")
        print(f"  CPU per 1,000 rows: device {device * per_k * 1000:.1f} ms, server {server_cpu * per_k * 1000:.1f} ms, "
              f"PostgreSQL {db_cpu * per_k * 1000:.1f} ms")
        again = client.sync()
        print(f"no-op sync: {again.requests} request(s) in {again.seconds * 1000:.1f} ms (goal 1)")
        pages = fetch_pages(client, client.page_size)
        client.close()
        store.close()
    finally:
        server.stop()
    wall, cpu, index_cpu = floor(pages, tmp / "floor.sqlite3")
    print(f"  floor (the same rows parsed and converted beforehand, one executemany per table and page, index built): "
          f"{wall:.2f} s = {total / wall:,.0f} rows/s, CPU {cpu * per_k * 1000:.1f} ms per 1,000 rows "
          f"(index {index_cpu * per_k * 1000:.1f} ms); the sync takes {report.seconds / wall:.2f}× its wall time, "
          f"the device {device / cpu:.2f}× its CPU")


def fetch_pages(client: SyncClient, limit: int) -> list[bytes]:
    """Every page of a pull from scratch, as the server sent it."""
    pages, cursor = [], 0
    while True:
        body = client.http.get("/sync/pull", params={"cursor": cursor, "limit": limit}).content
        page = PullPage.model_validate_json(body)
        pages.append(body)
        if not page.more:
            return pages
        cursor = page.cursor


async def one_rep(server_url: str, tls: ssl.SSLContext, token: str, lead: str, cursor: int, rounds: int,
                  think: float, latencies: list[float], errors: list[str]) -> None:
    """One device: its own keep-alive connection, as a rep's laptop has.
    (One client shared by thousands of connections would measure httpcore's
    pool, whose bookkeeping grows with the connections on every request; the
    shared TLS context only saves loading certificates 2,000 times.)"""
    async with httpx.AsyncClient(base_url=server_url, timeout=60, verify=tls) as http:
        await _rep_day(http, token, lead, cursor, rounds, think, latencies, errors)


async def _rep_day(http: httpx.AsyncClient, token: str, lead: str, cursor: int, rounds: int, think: float,
                   latencies: list[float], errors: list[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    client_id, seq = uuid.uuid4().hex, 0
    await asyncio.sleep(random.uniform(0, think))
    for _ in range(rounds):
        seq += 1
        body = PushRequest(client_id=client_id, acked_seq=seq - 1, mutations=[Mutation(
            seq=seq, table="leads", row_id=lead, op="update", fields={"city": [None, f"City {seq}"]})])
        started = time.perf_counter()
        try:
            pushed = await http.post("/sync/push", content=body.model_dump_json(), headers={
                **headers, "Content-Type": "application/json"})
            pulled = await http.get("/sync/pull", params={"cursor": cursor, "client_id": client_id}, headers=headers)
            if pushed.status_code != 200 or pulled.status_code != 200:
                errors.append(f"{pushed.status_code}/{pulled.status_code}")
            else:
                cursor = pulled.json()["cursor"]
        except httpx.HTTPError as exc:
            errors.append(type(exc).__name__)
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(random.uniform(0.5, 1.5) * think)


async def many_reps(server_url: str, rep_tokens: list[str], leads: list[str], cursor: int, rounds: int,
                    think: float) -> int:
    latencies: list[float] = []
    errors: list[str] = []
    tls = ssl.create_default_context()
    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one_rep(server_url, tls, t, lead, cursor, rounds, think, latencies, errors)
                           for t, lead in zip(rep_tokens, leads)))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    syncs = len(latencies)
    print(f"{len(rep_tokens)} reps × {rounds} rounds (think ~{think:.1f} s): {syncs} syncs (push + pull) in "
          f"{elapsed:.1f} s = {syncs / elapsed:,.0f} syncs/s; p50 {percentile(latencies, 50) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 95) * 1000:.0f} ms, p99 {percentile(latencies, 99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, "
          f"errors {len(errors)} {sorted(set(errors))[:5]} (goal 2,000 reps, p99 ≤ 300 ms, 0 errors); "
          f"bench client CPU {cpu:.1f} s = {cpu / elapsed:.0%} of one core")
    return syncs


def concurrent_reps(cluster: TempCluster, reps: int, rounds: int, think: float, workers: int, tmp: Path) -> None:
    url = cluster.create_database("bench_reps")
    engine = make_engine(url)
    migrate(engine)
    users, _team = make_org(engine, reps)
    rows: dict[str, list[dict]] = {"leads": []}
    leads = []
    for i, user in enumerate(users):
        for j in range(20):
            lead = uuid.uuid4()
            rows["leads"].append({"id": lead, "first_name": f"L{j}", "rep_id": user, "pid": 10 * 1000 * i + j,
                                  "custom": {}})
            if j == 0:
                leads.append(str(lead))
    add_rows(engine, rows)
    rep_tokens = tokens(engine, users)
    with engine.connect() as conn:  # every device has done its initial sync (measured above)
        cursor = current_version(conn)
    engine.dispose()
    server = ServerProcess(url, tmp / "blobs2", workers=workers)
    print(f"server: {workers} worker process(es)")
    postgres = postmaster(cluster)
    try:
        before = cpu_seconds(server.proc.pid), cpu_seconds(postgres)
        syncs = asyncio.run(many_reps(server.url, rep_tokens, leads, cursor, rounds, think))
        app, db = (after - start for after, start in zip((cpu_seconds(server.proc.pid), cpu_seconds(postgres)), before))
        print(f"CPU per sync: server {app / syncs * 1000:.1f} ms, PostgreSQL {db / syncs * 1000:.1f} ms "
              f"(server {app:.1f} s, PostgreSQL {db:.1f} s in all)")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=2000, help="simulated reps in part 2 (0 skips part 2)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--think", type=float, default=20.0, help="seconds between a rep's syncs (randomised)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes for the many-reps part")
    parser.add_argument("--skip-initial", action="store_true", help="only the many-reps part")
    parser.add_argument("--no-durable", dest="durable", action="store_false",
                        help="PostgreSQL with fsync, synchronous_commit and full-page writes off, as the tests run it")
    args = parser.parse_args()
    print("load average at start: {:.2f} {:.2f} {:.2f} ({} cores)".format(*os.getloadavg(), os.cpu_count()))
    print("PostgreSQL: fsync and synchronous_commit " + ("on (durable)" if args.durable else "OFF (--no-durable)"))
    cluster = TempCluster(name="reptui-bench", max_connections=300, durable=args.durable).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if not args.skip_initial:
                initial_sync(cluster, args.rows, Path(tmp))
            if args.reps:
                concurrent_reps(cluster, args.reps, args.rounds, args.think, args.workers, Path(tmp))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
