"""Admin bulk figures: `assign --from` and CSV imports (prints them; asserts nothing).

For each backend (SQLite file, throw-away PostgreSQL cluster, durable as in
production unless --no-durable), a fresh server database with a small
company whose rep Ann has --leads leads, each with a job, a note, an open
and a resulted appointment:

1. `assign --from ann --to bob` (goal: 5,000 leads ≤ 5 s);
2. imports (`import_leads(..., skip_bad=True)`, what `rep-tui admin import
   leads --skip-bad` runs) of generated files of --lines lines each: varied
   names, phones, addresses and emails, every 250th line bad (goal: 100,000
   lines ≤ 60 s);
3. the floor for the largest import, measured in the same run: the same
   leads as ready column values, inserted with one executemany per chunk of
   1,000 and nothing else (no checks, history, versions or numbers). The
   import is printed as a multiple of it.

Wall time moves with other load on this shared machine; CPU time (this
process's, and PostgreSQL's: its server process and backends) moves much
less: on a busy box, wall ≈ CPU ÷ the share of a core the bench gets.
--profile prints the top of a cProfile (CPU) of the largest import and of
the assign.

    .venv/bin/python bench/admin_bulk.py [--leads 5000] [--lines 10000,100000]
                                         [--backends sqlite,postgresql] [--profile] [--no-durable]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import pstats
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the throw-away PostgreSQL cluster and the test company
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import insert  # noqa: E402

from pgtemp import TempCluster  # noqa: E402
from rep_tui.clock import utcnow  # noqa: E402
from rep_tui.server import admin, admin_bulk  # noqa: E402
from rep_tui.server.seed import add_rows  # noqa: E402
from rep_tui.store.models import Lead  # noqa: E402
from server_fixtures import make_company  # noqa: E402
from sync import cpu_seconds, postmaster  # noqa: E402

ASSIGN_GOAL_S = 5.0
IMPORT_GOAL = (100_000, 60.0)  # lines, seconds
BAD_EVERY = 250
HEADER = "first_name,last_name,address,city,state,zip,home_phone,cell_phone,email,source,notes\n"
FIRST = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
         "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Raj", "Mei")
LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "O'Brien", "Patel", "Nguyen", "Kowalski", "Chen")
STREETS = ("Main St", "Oak Ave", "Maple Dr", "N Clark St", "W Division St", "Elm Ct", "Lake Shore Dr", "Pine Rd")
CITIES = (("Chicago", "IL", "606"), ("Evanston", "IL", "602"), ("Skokie", "IL", "600"), ("Gary", "IN", "464"))
AREAS = (312, 773, 847, 630, 708, 224, 872, 331)
SOURCES = ("web", "call-center", "referral", "home show", "")
#: What makes a line bad, by turns: a zip, an email, a state, one cell too many.
BAD = (("zip", "6061"), ("email", "jane@@example"), ("state", "Illinois"), ("extra", "x"))


def generated_csv(lines: int, offset: int) -> tuple[str, int]:
    """A file of `lines` distinct leads (numbered from `offset`, so files never
    share a phone or email) and how many of its lines are bad."""
    out, bad = [HEADER], 0
    for n in range(offset, offset + lines):
        city, state, zip_prefix = CITIES[n % len(CITIES)]
        area, exchange = AREAS[n // 10_000 % len(AREAS)], 230 + n // (10_000 * len(AREAS))
        first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
        cells = {"first_name": first, "last_name": last, "address": f"{100 + n % 9000} {STREETS[n % len(STREETS)]}",
                 "city": city, "state": state, "zip": f"{zip_prefix}{n % 100:02d}",
                 "home_phone": f"({area}) {exchange + 400}-{n % 10_000:04d}" if n % 3 else "",
                 "cell_phone": f"{area}.{exchange}.{n % 10_000:04d}",
                 "email": f"{first.lower()}.{last.lower().replace(chr(39), '')}{n}@example.com" if n % 2 else "",
                 "source": SOURCES[n % len(SOURCES)], "notes": '"call after 5, gate code 42"' if n % 10 == 0 else ""}
        extra = ""
        if n % BAD_EVERY == BAD_EVERY - 1:
            column, value = BAD[(n // BAD_EVERY) % len(BAD)]
            if column == "extra":
                extra = f",{value}"
            else:
                cells[column] = value
            bad += 1
        out.append(",".join(cells.values()) + extra + "\n")
    return "".join(out), bad


def timed(what, profile: bool, db_pid: int | None):
    """(what's result, wall seconds, CPU seconds of this process and of the database server)."""
    wall, cpu = time.perf_counter(), time.process_time() + (cpu_seconds(db_pid) if db_pid else 0.0)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    result = what()
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
    return result, time.perf_counter() - wall, time.process_time() + (cpu_seconds(db_pid) if db_pid else 0.0) - cpu


def with_children(engine, leads: list[uuid.UUID], rep: uuid.UUID) -> None:
    """An open and a resulted appointment per lead (the company gave each a job and a note)."""
    now = utcnow()
    add_rows(engine, {"appointments": [
        {"id": uuid.uuid4(), "lead_id": lead, "rep_id": rep, "starts_at": now + timedelta(days=days),
         "result_code": code} for lead in leads for days, code in ((1, None), (-1, "SOLD"))]})


def floor(engine, text: str, offset: int) -> float:
    """Seconds to insert the file's good leads as ready column values, one
    executemany per 1,000 rows and nothing else (they go in deleted)."""
    columns = ("first_name", "last_name", "address", "city", "state", "zip", "email", "source")
    rows = [{**{c: row[c] if c == "source" else row[c] or None for c in columns}, "id": uuid.uuid4(), "version": 0, "custom": {}, "deleted": True}
            for n, row in enumerate(csv.DictReader(io.StringIO(text)), offset) if n % BAD_EVERY != BAD_EVERY - 1]
    start = time.perf_counter()
    with engine.begin() as conn:
        for at in range(0, len(rows), 1000):
            conn.execute(insert(Lead), rows[at:at + 1000])
    return time.perf_counter() - start


def run(name: str, url: str, args: argparse.Namespace, files: list[tuple[str, int]], db_pid: int | None = None) -> None:
    engine = admin.open_server(url)
    company = make_company(engine, leads_per_rep=args.leads)
    with_children(engine, company.leads["ann"], company.users["ann"])
    moved, wall, cpu = timed(lambda: admin_bulk.assign(engine, "bob", from_user="ann"), args.profile, db_pid)
    assert moved == args.leads, moved
    print(f"{name:10} assign --from {moved:>7,} leads: {wall:7.2f} s wall, {cpu:7.2f} s CPU (with the database's), "
          f"{moved / wall:8,.0f} leads/s   (goal 5,000 ≤ {ASSIGN_GOAL_S:.0f} s)")
    last = 0.0
    for n, (text, bad) in enumerate(files):
        lines = text.count("\n") - 1
        profile = args.profile and n == len(files) - 1
        report, wall, cpu = timed(lambda: admin_bulk.import_leads(engine, io.StringIO(text), rep="ann", skip_bad=True),
                                  profile, db_pid)
        assert (report.written, report.bad_lines) == (lines - bad, bad), report.text()[-500:]
        goal = f"   (goal {IMPORT_GOAL[0]:,} ≤ {IMPORT_GOAL[1]:.0f} s)" if lines == IMPORT_GOAL[0] else ""
        print(f"{name:10} import {lines:>7,} lines ({bad} bad): {wall:7.2f} s wall, "
              f"{cpu:7.2f} s CPU (with the database's), "
              f"{lines / wall:8,.0f} lines/s{goal}")
        last = wall
    bare = floor(engine, files[-1][0], sum(text.count("\n") - 1 for text, _bad in files[:-1]))
    print(f"{name:10} floor: the same leads in bare executemany: {bare:6.2f} s; the import is {last / bare:5.1f}× it")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=5000)
    parser.add_argument("--lines", default="10000,100000", help="the imports' sizes, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-durable", action="store_true")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    sizes = [int(n) for n in args.lines.split(",")]
    files = [generated_csv(size, sum(sizes[:i])) for i, size in enumerate(sizes)]
    backends = args.backends.split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as tmp:
            run("sqlite", f"sqlite:///{tmp}/server.sqlite3", args, files)
    if "postgresql" in backends:
        cluster = TempCluster(name="reptui-bench-admin", durable=not args.no_durable).start()
        try:
            run("postgresql", cluster.create_database("bench"), args, files, postmaster(cluster))
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
