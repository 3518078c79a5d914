"""Where an initial sync spends its time: cProfile of the server building
and encoding every pull page in-process, then of the device pulling them
from a server process over loopback (prints pstats; asserts nothing).
Profiles count CPU time, not wall-clock time, which other load on a shared
machine inflates; the wall-clock time is printed beside it.

    .venv/bin/python bench/profile_pull.py [--rows 100000] [--top 25] [--page 5000]
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the throw-away PostgreSQL cluster

from rep_tui.server.auth import Principal  # noqa: E402
from rep_tui.server.db import make_engine, migrate  # noqa: E402
from pgtemp import TempCluster  # noqa: E402
from rep_tui.server.pull import pull_json  # noqa: E402
from rep_tui.server.seed import add_rows  # noqa: E402
from rep_tui.store.db import Store  # noqa: E402
from rep_tui.sync.engine import SyncClient  # noqa: E402
from rep_tui.sync.protocol import PullPage  # noqa: E402


def _bench_sync():
    """bench/sync.py as a module, for its seeding and server process."""
    spec = importlib.util.spec_from_file_location("bench_sync", Path(__file__).with_name("sync.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def show(profile: cProfile.Profile, title: str, top: int) -> None:
    print(f"\n=== {title} ===")
    pstats.Stats(profile).sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--page", type=int, default=5000)
    args = parser.parse_args()
    bench = _bench_sync()
    cluster = TempCluster(name="reptui-profile").start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = cluster.create_database("profile_pull")
            engine = make_engine(url)
            migrate(engine)
            users, team = bench.make_org(engine, 1)
            add_rows(engine, bench.rep_rows(users[0], args.rows // 5))
            token = bench.tokens(engine, users)[0]
            rep = Principal(id=users[0], username="rep0", full_name="Rep 0", role="rep", team_id=team)

            profile, cursor, more, size = cProfile.Profile(time.process_time), 0, True, 0
            started, cpu_started = time.perf_counter(), time.process_time()
            profile.enable()
            while more:
                body = pull_json(engine, rep, cursor, "profile", args.page)
                size += len(body)
                profile.disable()  # reading the cursor is the device's work
                page = PullPage.model_validate_json(body)
                profile.enable()
                cursor, more = page.cursor, page.more
            profile.disable()
            print(f"server, in-process: {time.perf_counter() - started:.2f} s, {time.process_time() - cpu_started:.2f} s "
                  f"CPU (profiled) for {size / 1e6:.1f} MB of JSON")
            show(profile, "server: pull_json() (the route's answer)", args.top)
            engine.dispose()

            server = bench.ServerProcess(url, Path(tmp) / "blobs", workers=1)
            try:
                store = Store(Path(tmp) / "device.sqlite3")
                client = SyncClient(store, server.url, token, page_size=args.page)
                profile, cpu_started = cProfile.Profile(time.process_time), time.process_time()
                profile.enable()
                report = client.sync()
                profile.disable()
                print(f"device: {report.pulled:,} rows in {report.seconds:.2f} s, {time.process_time() - cpu_started:.2f} s "
                      f"CPU (profiled) ({report.requests} requests)")
                show(profile, "device: SyncClient.sync()", args.top)
                client.close()
                store.close()
            finally:
                server.stop()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
