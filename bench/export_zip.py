"""Export/import zip figures: rows/s and peak memory (prints them; asserts nothing).

For each backend (SQLite file, throw-away PostgreSQL cluster), a server
database with the test company whose three reps have --leads leads in all,
each with a job and a note, and --blobs attachments with 64 KB contents.
Each step runs in a process of its own, so its peak RSS is its own:

1. floor, read: every row of every exported table streamed through
   SQLAlchemy and thrown away (what any export has to pay);
2. `rep-tui admin export --zip`, printed as a multiple of (1);
3. floor, copy: the same rows read and inserted into an empty database
   with one executemany per 1,000 rows in one transaction;
4. `rep-tui admin import zip` into an empty database, as a multiple of (3).

Rows/s count each step's time less that of a bare process (below); peak RSS is printed beside that of a process that only opens the database
(`admin users list`): with --leads 10000,100000 it shows memory does not
grow with the company.

    .venv/bin/python bench/export_zip.py [--leads 100000] [--blobs 200] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the throw-away PostgreSQL cluster and the test company


def _floor(source: str, target: str | None) -> None:
    """Step (1), or with a `target` step (3), run in this (child) process.
    The copy leaves the columns closing a foreign key cycle (a team's manager) empty."""
    from contextlib import nullcontext

    from sqlalchemy import select

    from rep_tui.server.admin import open_server
    from rep_tui.server.admin_export import BATCH, _later_references, tables
    from rep_tui.server.models import Counter

    later = _later_references(tables())
    reading = open_server(source, defaults=False)
    with reading.connect() as conn, (open_server(target, defaults=False).begin() if target else nullcontext()) as into:
        if into is not None:
            into.execute(Counter.__table__.delete())
        for table in tables():
            for batch in conn.execution_options(yield_per=BATCH).execute(select(table)).mappings().partitions():
                if into is not None:
                    into.execute(table.insert(), [{**row, **dict.fromkeys(later[table.name], None)} for row in batch])


def _run(args: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in MB) of a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(args, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(args)} failed: {child.stderr.read().decode()}")
    return wall, usage.ru_maxrss // 1024


def _company(url: str, leads: int, blobs: int, blobs_dir: Path) -> int:
    """The test company with `leads` leads (a job and a note each) and `blobs` attachments; rows in all."""
    from rep_tui.blobs import BlobStore
    from rep_tui.server.admin import open_server
    from rep_tui.server.seed import add_rows
    from server_fixtures import make_company

    engine = open_server(url)
    company = make_company(engine, leads_per_rep=leads // 3)
    store, lead = BlobStore(blobs_dir), company.leads["ann"][0]
    attachments = []
    for n in range(blobs):
        stored = store.write([n.to_bytes(4, "big") * 16384])
        attachments.append({"id": uuid.uuid4(), "lead_id": lead, "kind": "picture", "filename": f"p{n}.jpg",
                            "description": "porch", "sha256": stored.sha, "size": stored.size,
                            "mime": "image/jpeg"})
    add_rows(engine, {"attachments": attachments})
    from rep_tui.server.admin_export import tables
    from sqlalchemy import func, select

    with engine.connect() as conn:
        total = sum(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables())
    engine.dispose()
    return total


def main() -> None:
    if sys.argv[1:2] == ["--floor"]:
        _floor(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
        return
    if sys.argv[1:2] == ["--company"]:
        print(_company(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", default="100000", help="Comma-separated company sizes (leads).")
    parser.add_argument("--blobs", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    options = parser.parse_args()
    from pgtemp import TempCluster

    cli = [sys.executable, "-m", "rep_tui"]
    me = [sys.executable, str(Path(__file__).resolve()), "--floor"]
    for backend in options.backends.split(","):
        cluster = TempCluster(name=f"bench-export-{os.getpid()}").start() if backend == "postgresql" else None
        try:
            for leads in map(int, options.leads.split(",")):
                with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
                    root = Path(tmp)

                    def database(name: str) -> str:
                        return cluster.create_database(f"{name}{leads}") if cluster else \
                            f"sqlite:///{root / (name + '.sqlite3')}"

                    source = database("source")
                    # In a process of its own: a child's peak RSS starts from its parent's at the fork.
                    rows = int(subprocess.run([sys.executable, str(Path(__file__).resolve()), "--company", source,
                                               str(leads), str(options.blobs), str(root / "blobs")], check=True,
                                              capture_output=True, text=True, cwd=ROOT).stdout.split()[-1])
                    zip_path = root / "company.zip"
                    idle_s, idle_mb = _run([*cli, "admin", "--db", source, "users", "list"])
                    read_s, read_mb = _run([*me, source])
                    export_s, export_mb = _run([*cli, "admin", "--db", source, "export", "--zip", str(zip_path),
                                                "--blobs", str(root / "blobs")])
                    copy_s, copy_mb = _run([*me, source, database("copy")])
                    import_s, import_mb = _run([*cli, "admin", "--db", database("restored"), "import", "zip",
                                                str(zip_path), "--blobs", str(root / "restored-blobs")])
                    print(f"{backend}, {leads:,} leads ({rows:,} rows, {options.blobs} blobs, zip "
                          f"{zip_path.stat().st_size / 2**20:.1f} MB); peak RSS of a bare `admin users list`: "
                          f"{idle_mb} MB, {idle_s:.1f} s (taken off each step's time for its rows/s)")
                    for label, seconds, mb, floor, floor_s in (
                            ("export", export_s, export_mb, "read", read_s),
                            ("import", import_s, import_mb, "copy", copy_s)):
                        work, floor_work = max(seconds - idle_s, 1e-3), max(floor_s - idle_s, 1e-3)
                        print(f"  {label}: {seconds:6.1f} s, {rows / work:9,.0f} rows/s, peak RSS {mb} MB | "
                              f"floor ({floor}): {floor_s:6.1f} s, {rows / floor_work:9,.0f} rows/s | "
                              f"{work / floor_work:.2f}× the floor")
                    print(f"  peak RSS of the floors: read {read_mb} MB, copy {copy_mb} MB", flush=True)
        finally:
            if cluster:
                cluster.stop()


if __name__ == "__main__":
    main()
