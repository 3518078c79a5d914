"""Duplicate finder and merge figures (prints them; asserts nothing).

A fresh SQLite server database with --leads leads (one in 50 shares a phone
with another, one in 200 a name and address), then:

1. `admin duplicates` (`admin_merge.find_duplicates`), against the floor
   measured in the same run: reading the same columns of every live lead
   and nothing else. Printed as a multiple of it.
2. one merge of two leads with a job, a note and a comment each, and its
   undo (wall time; they are one transaction each).

CPU time moves much less than wall time with other load on this shared machine.

    .venv/bin/python bench/duplicates.py [--leads 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from sqlalchemy import select  # noqa: E402

from rep_tui.server import admin_merge  # noqa: E402
from rep_tui.server.admin import open_server  # noqa: E402
from rep_tui.server.seed import add_rows  # noqa: E402
from rep_tui.store.models import Lead  # noqa: E402
from server_fixtures import make_company  # noqa: E402


def _leads(count: int, rep: uuid.UUID) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {"leads": [], "jobs": [], "notes": [], "comments": []}
    for n in range(count):
        lead = uuid.uuid4()
        phone = 3125550000 + (n // 2 if n % 50 < 2 else 100_000 + n)
        same_place = n % 200 in (10, 11)
        rows["leads"].append({
            "id": lead, "pid": 10_000 + n, "rep_id": rep, "custom": {},
            "first_name": "Pat" if same_place else f"First{n}", "last_name": "Doe" if same_place else f"Last{n}",
            "home_phone": str(phone), "home_phone_e164": f"+1{phone}", "email": f"p{n}@example.com",
            "address": f"{n // 2 if same_place else n} Main St", "zip": "60601"})
        rows["jobs"].append({"id": uuid.uuid4(), "lead_id": lead, "product": "windows"})
        rows["notes"].append({"id": uuid.uuid4(), "lead_id": lead, "author_name": "Office", "body": "n"})
        rows["comments"].append({"id": uuid.uuid4(), "lead_id": lead, "author_name": "Ann", "body": "c"})
    return rows


def _timed(run) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        engine = open_server(f"sqlite:///{root}/server.sqlite3")
        company = make_company(engine, leads_per_rep=1)
        add_rows(engine, _leads(args.leads, company.users["ann"]))

        def floor() -> int:
            with engine.connect() as conn:
                return len(conn.execute(select(Lead.id, Lead.pid, Lead.first_name, Lead.last_name,
                                               Lead.home_phone_e164, Lead.cell_phone_e164, Lead.work_phone_e164,
                                               Lead.email, Lead.alt_email, Lead.address, Lead.zip)
                                        .where(Lead.deleted.is_(False))).all())

        base_wall, base_cpu, _ = _timed(floor)
        wall, cpu, pairs = _timed(lambda: admin_merge.find_duplicates(engine))
        by = {s: sum(1 for p in pairs if p.sureness == s) for s in ("high", "medium", "low")}
        print(f"duplicates over {args.leads:,} leads: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU; "
              f"{len(pairs)} pairs {by}")
        print(f"  floor (reading the columns): {base_wall * 1000:.0f} ms wall, {base_cpu * 1000:.0f} ms CPU; "
              f"ratio {wall / base_wall:.1f}x wall, {cpu / max(base_cpu, 1e-6):.1f}x CPU")
        first = pairs[0]
        wall, cpu, report = _timed(lambda: admin_merge.merge(engine, str(first.first), str(first.second)))
        print(f"merge PID {first.second} into {first.first}: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU")
        wall, cpu, _ = _timed(lambda: admin_merge.undo(engine, report.merge_id))
        print(f"undo: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU")
        engine.dispose()


if __name__ == "__main__":
    main()
