"""Search latency over a 100k-lead demo company.

Prints p50/p95 per kind of query (name, phone in several formats, address,
PID/Job ID, email) and, as a baseline measured in the same run, the same
queries answered by a naive LIKE scan over the leads table. Goals: p95 ≤ 5 ms
over the whole mix, and ≤ 10 ms for every kind. The company is built once
and cached (bench/demo_data.py).

    .venv/bin/python bench/search.py [--leads 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import or_, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_data import demo_home  # noqa: E402
from rep_tui.store.db import Store  # noqa: E402
from rep_tui.store.models import Job, Lead  # noqa: E402
from rep_tui.store.search import search  # noqa: E402


ALL_GOAL_MS, KIND_GOAL_MS = 5, 10


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def query_mix(store: Store, rng: random.Random) -> dict[str, list[str]]:
    """Realistic queries taken from the data itself."""
    with store.session() as s:
        leads = list(s.scalars(select(Lead).order_by(Lead.pid).limit(5000)))
        jobs = [n for n in s.scalars(select(Job.job_number).limit(2000)) if n]
    sample = rng.sample(leads, 60)
    phones = [l.cell_phone_e164 or l.home_phone_e164 for l in sample if l.cell_phone_e164 or l.home_phone_e164]
    mix: dict[str, list[str]] = {
        "last name": [l.last_name for l in sample[:20]],
        "first + last prefix": [f"{l.first_name[:3]} {l.last_name[:4]}" for l in sample[20:40]],
        "obrien-style": ["obrien", "o'brien", "jose", "nguyen", "smith-jones"],
        "phone (555) 123-4567": [f"({p[2:5]}) {p[5:8]}-{p[8:]}" for p in phones[:15]],
        "phone 555.123.4567": [f"{p[2:5]}.{p[5:8]}.{p[8:]}" for p in phones[15:30]],
        "phone +1 …": [f"+1 {p[2:5]} {p[5:8]} {p[8:]}" for p in phones[30:45]],
        "phone last 4": [p[-4:] for p in phones[45:60]],
        "address": [" ".join((l.address or "").split()[:2]) for l in sample[:20] if l.address],
        "city": [l.city for l in sample[:10] if l.city],
        "PID": [str(l.pid) for l in sample[:15] if l.pid],
        "Job ID": [str(n) for n in rng.sample(jobs, min(15, len(jobs)))],
        "email": [l.email.split("@")[0] for l in sample[:15] if l.email],
    }
    return {k: [q for q in v if q] for k, v in mix.items()}


def like_scan(store: Store, query: str) -> int:
    """The baseline: what a plain LIKE over the main columns costs."""
    pattern = f"%{query}%"
    with store.session() as s:
        stmt = select(Lead.id).where(or_(
            Lead.first_name.ilike(pattern), Lead.last_name.ilike(pattern), Lead.address.ilike(pattern),
            Lead.city.ilike(pattern), Lead.email.ilike(pattern), Lead.cell_phone.ilike(pattern),
            Lead.home_phone.ilike(pattern),
        )).limit(50)
        return len(s.scalars(stmt).all())


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    store = Store(demo_home(args.leads) / "data" / "rep-tui.sqlite3")
    try:
        mix = query_mix(store, random.Random(5))

        def run(query: str) -> None:
            with store.session() as s:
                search(s, query)

        for queries in mix.values():  # warm the page cache
            for q in queries:
                run(q)
        all_fts: list[float] = []
        all_like: list[float] = []
        print(f"search over {args.leads:,} leads")
        print(f"{'query kind':<24}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'hits':>6}   goal p95 ≤ {KIND_GOAL_MS} ms")
        for kind, queries in mix.items():
            times = [timed(run, q) for _ in range(args.rounds) for q in queries]
            all_fts += times
            with store.session() as s:
                found = sum(1 for q in queries if search(s, q, limit=1))
            p95 = percentile(times, 95)
            print(f"{kind:<24}{len(times):>4}{statistics.median(times):>9.2f}{p95:>9.2f}"
                  f"{found:>3}/{len(queries)}   {'ok' if p95 <= KIND_GOAL_MS else 'over'}")
            all_like += [timed(like_scan, store, q) for q in queries[:5]]
        p50, p95 = statistics.median(all_fts), percentile(all_fts, 95)
        like50 = statistics.median(all_like)
        print(f"{'ALL (FTS5 search)':<24}{len(all_fts):>4}{p50:>9.2f}{p95:>9.2f}")
        print(f"{'baseline LIKE scan':<24}{len(all_like):>4}{like50:>9.2f}{percentile(all_like, 95):>9.2f}")
        print(f"search p95 {p95:.2f} ms (goal ≤ {ALL_GOAL_MS} ms: {'ok' if p95 <= ALL_GOAL_MS else 'over'}); "
              f"median LIKE scan / median search = {like50 / p50:.1f}×")
    finally:
        store.close()


if __name__ == "__main__":
    main()
