"""Admin import and reassign figures (prints them; asserts nothing).

For each backend (SQLite file, throw-away PostgreSQL cluster, durable as in
production unless --no-durable): a fresh server database with a small
company, `import_leads` of N generated valid lines (lines/s, wall and this
process's CPU time), then `assign --from` of those leads to another rep.
The machine is shared: CPU time moves much less with other load than wall
time. --profile prints the top of a cProfile (CPU) of the import.

    .venv/bin/python bench/admin_import.py [--lines 5000] [--backends sqlite,postgresql] [--profile] [--no-durable]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the throw-away PostgreSQL cluster and the test company

from pgtemp import TempCluster  # noqa: E402
from rep_tui.server import admin  # noqa: E402
from server_fixtures import make_company  # noqa: E402

HEADER = "first_name,last_name,address,city,state,zip,cell_phone,email,source,notes\n"


def generated_csv(lines: int) -> str:
    """`lines` valid, distinct leads (no duplicates), every tenth with a note."""
    rows = [f"First{i},Last{i},{i} Main St,Chicago,IL,60614,(312) {200 + i // 10000:03d}-{i % 10000:04d},"
            f"lead{i}@example.com,web,{'call after 5' if i % 10 == 0 else ''}\n" for i in range(lines)]
    return HEADER + "".join(rows)


def timed(what, profile: bool):
    wall, cpu = time.perf_counter(), time.process_time()
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    result = what()
    if profiler:
        profiler.disable()
    return result, time.perf_counter() - wall, time.process_time() - cpu, profiler


def run(name: str, url: str, lines: int, text: str, profile: bool) -> None:
    engine = admin.open_server(url)
    make_company(engine, leads_per_rep=0)
    report, wall, cpu, profiler = timed(lambda: admin.import_leads(engine, io.StringIO(text), rep="ann"), profile)
    assert report.written == lines, report.text()[-500:]
    print(f"{name:10} import {lines:>7,} lines: {wall:7.2f} s wall, {cpu:7.2f} s CPU, {lines / wall:8,.0f} lines/s")
    if profiler:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    moved, wall, cpu, _ = timed(lambda: admin.assign(engine, "bob", from_user="ann"), False)
    print(f"{name:10} assign --from {moved:>7,} leads: {wall:7.2f} s wall, {cpu:7.2f} s CPU")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-durable", action="store_true")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    text = generated_csv(args.lines)
    backends = args.backends.split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as tmp:
            run("sqlite", f"sqlite:///{tmp}/server.sqlite3", args.lines, text, args.profile)
    if "postgresql" in backends:
        cluster = TempCluster(name="reptui-bench-import", durable=not args.no_durable).start()
        try:
            run("postgresql", cluster.create_database("bench"), args.lines, text, args.profile)
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
