"""The customer list over a 100k-lead demo company: time to the first page
and the count, paging p50/p95 by keyset and, for comparison, the same
statement by OFFSET at depths spread over the list, a sort change and a
filter change; each against a baseline measured in the same run, a bare
SELECT of one page of leads.

    .venv/bin/python bench/customer_list.py [--leads 100000] [--pages 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_data import demo_home  # noqa: E402
from rep_tui.store import customer_list  # noqa: E402
from rep_tui.store.customer_list import CHOICE_FIELDS, PAGE_SIZE, SORTS, CustomerFilters, CustomerQuery  # noqa: E402
from rep_tui.store.db import Store  # noqa: E402
from rep_tui.store.models import Lead  # noqa: E402

TZ = "America/Chicago"
#: Depths, spread over the whole list, at which a page read by OFFSET is timed (each costs up to a second).
OFFSET_DEPTHS = 20


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=200, help="pages walked forward for the keyset figures")
    args = parser.parse_args()
    store = Store(demo_home(args.leads) / "data" / "rep-tui.sqlite3")
    rows: list[tuple[str, list[float]]] = []
    try:
        with store.session() as s:
            def bare() -> object:
                return s.execute(select(Lead).where(Lead.deleted.is_(False)).limit(PAGE_SIZE)).all()

            for _ in range(3):  # warm the page cache
                bare()
                customer_list.page(s, CustomerQuery())
            baseline = [timed(bare)[0] for _ in range(30)]
            rows.append(("baseline: bare SELECT of a page", baseline))

            query = CustomerQuery(tz=TZ)
            # The screen shows the first page as soon as it is read; the count follows in its own worker.
            rows.append(("first page", [timed(lambda: customer_list.page(s, query))[0] for _ in range(10)]))
            rows.append(("count", [timed(lambda: customer_list.count(s, query))[0] for _ in range(10)]))
            keyset, offset, after = [], [], None
            for _ in range(args.pages):
                took, page = timed(lambda: customer_list.page(s, query, after=after))
                keyset.append(took)
                after = page[-1].key
            for depth in range(0, args.leads, args.leads // OFFSET_DEPTHS):  # the same statement, by OFFSET
                offset.append(timed(lambda: customer_list.rows_of(
                    s, customer_list.ordered(query).offset(depth).limit(PAGE_SIZE)))[0])
            rows.append(("next page (keyset)", keyset))
            rows.append(("page at depth (same, OFFSET)", offset))
            rows.append(("last page (End)", [timed(lambda: customer_list.page(s, query, last=True))[0]
                                             for _ in range(10)]))

            sorts = []
            for sort in SORTS:
                for descending in (False, True):
                    q = CustomerQuery(sort=sort, descending=descending, tz=TZ)
                    sorts.append(timed(lambda: customer_list.page(s, q))[0])
            rows.append(("sort change (first page)", sorts))

            choices = customer_list.filter_choices(s)
            filters = [
                CustomerFilters(result="SOLD"), CustomerFilters(source=choices.sources[0]),
                CustomerFilters(product=choices.products[0]), CustomerFilters(rep_id=choices.reps[0][1]),
                CustomerFilters(team_id=choices.teams[0][1]), CustomerFilters(office_id=choices.offices[0][1]),
                CustomerFilters(zip="606"), CustomerFilters(city="Naperville"),
                CustomerFilters(picked=((next(iter(CHOICE_FIELDS)), "prospect"),)),
                CustomerFilters(appointment_from=date(2026, 11, 1)),
            ]
            pages, counts = [], []
            for f in filters:
                q = CustomerQuery(filters=f, tz=TZ)
                pages.append(timed(lambda: customer_list.page(s, q))[0])
                counts.append(timed(lambda: customer_list.count(s, q))[0])
            rows.append(("filter change: first page", pages))
            rows.append(("filter change: count", counts))
    finally:
        store.close()
    base = statistics.median(baseline)
    print(f"customer list over {args.leads:,} leads, pages of {PAGE_SIZE}")
    print(f"{'':<32}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'p50/baseline':>14}")
    for name, times in rows:
        p50 = statistics.median(times)
        print(f"{name:<32}{len(times):>4}{p50:>9.2f}{percentile(times, 95):>9.2f}{p50 / base:>13.1f}×")


if __name__ == "__main__":
    main()
