"""Stats: the formulas of domain.stats on hand-made outcomes, and
queries.stats_for on a small hand-made database, every number worked out
by hand in the comments."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from rep_tui.domain.results import DEFAULT_RESULT_CODES
from rep_tui.domain.stats import FIGURE_KEYS, Outcome, compute
from rep_tui.store import writes
from rep_tui.store.db import Store
from rep_tui.store.models import Appointment, Commission, Job, Lead, ResultCode, User
from rep_tui.store.queries import period_bounds, rows_behind, stat_rows, stats_for

CHICAGO = "America/Chicago"
ACTOR = writes.Actor(None, "test", "test-device")

SOLD = Outcome(issued=True, demo=True, sale=True, sale_cents=1_000_000,
               commission_cents=80_000, commission_paid_cents=40_000)
SOLD_CANCELLED = Outcome(issued=True, demo=True, sale=True, sale_cents=500_050, cancelled=True,
                         commission_cents=40_000, commission_paid_cents=5_000)
DEMO_NO_SALE = Outcome(issued=True, demo=True, sale=False)
NO_DEMO = Outcome(issued=True, demo=False, sale=False)
RESET = Outcome(issued=False, demo=False, sale=False)


def test_compute_counts_rates_money_and_commission():
    # issued 6 (all but the reset), demos 4, sales 2 (one cancelled)
    figures = compute([SOLD, SOLD_CANCELLED, DEMO_NO_SALE, DEMO_NO_SALE, NO_DEMO, NO_DEMO, RESET])
    assert set(figures) == set(FIGURE_KEYS)
    values = {key: f.value for key, f in figures.items()}
    assert values == {
        "issued": 6, "demos": 4, "sales": 2,
        "demo_rate": 4 / 6, "close_rate": 2 / 4, "close_rate_issued": 2 / 6,
        "average_sale": 750_025,  # (1,000,000 + 500,050) / 2
        "cancels": 1, "cancel_rate": 0.5,
        "gross": 1_500_050, "net": 1_000_000,
        "commission_earned": 80_000,  # the cancelled sale earns nothing
        "commission_paid": 45_000,  # but what was paid out on it stays paid
    }


def test_each_figure_shows_its_formula_with_this_periods_numbers():
    figures = compute([SOLD, SOLD_CANCELLED, DEMO_NO_SALE, DEMO_NO_SALE, NO_DEMO, NO_DEMO, RESET])
    shown = {key: (f.display(), f.formula, f.inputs) for key, f in figures.items()}
    assert shown["demo_rate"] == ("66.7%", "demos ÷ issued", "4 ÷ 6")
    assert shown["close_rate"] == ("50.0%", "sales ÷ demos", "2 ÷ 4")
    assert shown["close_rate_issued"] == ("33.3%", "sales ÷ issued", "2 ÷ 6")
    assert shown["average_sale"] == ("$7,500.25", "gross sold $ ÷ sales", "$15,000.50 ÷ 2")
    assert shown["cancel_rate"] == ("50.0%", "cancelled sales ÷ sales", "1 ÷ 2")
    assert shown["net"] == ("$10,000", "gross sold $ − cancelled sale $", "$15,000.50 − $5,000.50")
    assert shown["issued"][0] == "6"
    assert shown["commission_paid"][0] == "$450"


def test_nothing_to_divide_by_shows_a_dash_not_zero():
    figures = compute([RESET, NO_DEMO])
    assert figures["issued"].value == 1
    assert figures["demo_rate"].display() == "0.0%"  # 0 demos of 1 issued is a real 0
    for key in ("close_rate", "average_sale", "cancel_rate"):
        assert figures[key].value is None
        assert figures[key].display() == "—"
    empty = compute([])
    assert empty["demo_rate"].display() == "—"
    assert empty["gross"].display() == "$0"


def test_average_sale_rounds_half_cents_up():
    figures = compute([
        Outcome(issued=True, demo=True, sale=True, sale_cents=101),
        Outcome(issued=True, demo=True, sale=True, sale_cents=100),
    ])
    assert figures["average_sale"].value == 101  # 100.5 cents → 101


# --- stats_for on a hand-made database ------------------------------------------


def _local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ZoneInfo(CHICAGO)).astimezone(timezone.utc)


@pytest.fixture
def company(tmp_path):
    """Two reps; rep A's November has every kind of appointment, plus traps
    that must not count (other rep, no result, disregarded, deleted, October)."""
    store = Store(tmp_path / "stats.sqlite3")
    with store.session() as s:
        for order, spec in enumerate(DEFAULT_RESULT_CODES):
            s.add(ResultCode(code=spec.code, label=spec.label, key=spec.key, counts_as_issued=spec.issued,
                             counts_as_demo=spec.demo, counts_as_sale=spec.sale, sort_order=order))
        rep_a = User(username="a", full_name="Rep A")
        rep_b = User(username="b", full_name="Rep B")
        s.add_all([rep_a, rep_b])
        s.flush()
        lead = writes.insert(s, ACTOR, Lead(first_name="Pat", last_name="Lee"))

        def appt(rep, when, code, *, contract=None, cancelled=False, earned=0, paid=0, **extra):
            job = None
            if contract is not None:
                job = writes.insert(s, ACTOR, Job(lead_id=lead.id, result_code=code, contract_cents=contract,
                                                  cancelled_on=date(2026, 11, 20) if cancelled else None))
                if earned or paid:
                    writes.insert(s, ACTOR, Commission(job_id=job.id, rep_id=rep.id, amount_cents=earned,
                                                       paid_cents=paid))
            return writes.insert(s, ACTOR, Appointment(lead_id=lead.id, rep_id=rep.id, job_id=job and job.id,
                                                       starts_at=when, result_code=code, **extra))

        sold = appt(rep_a, _local(3, 10), "SOLD", contract=1_000_000, earned=80_000, paid=40_000)
        s.add(Commission(job_id=sold.job_id, rep_id=rep_b.id, amount_cents=10_000))  # a split: B's share, not A's
        appt(rep_a, _local(5, 14), "SOLD", contract=500_050, cancelled=True, earned=40_000, paid=5_000)
        appt(rep_a, _local(6, 9), "DNS")
        appt(rep_a, _local(7, 18), "BB")
        appt(rep_a, _local(9, 10), "ND")
        appt(rep_a, _local(10, 10), "NS")
        appt(rep_a, _local(11, 10), "1L")
        appt(rep_a, _local(12, 10), "RS")  # not issued
        appt(rep_a, _local(13, 10), "CXL")  # not issued
        appt(rep_a, _local(30, 23, 30), "DNS")  # 05:30 UTC on Dec 1, still November in Chicago
        # none of these count for rep A in November:
        appt(rep_a, _local(31, 23, 30, month=10), "SOLD", contract=700_000)  # October in Chicago, November in UTC
        appt(rep_a, _local(14, 10), None)  # not resulted yet
        appt(rep_a, _local(15, 10), "SOLD", contract=900_000, disregard_in_stats=True)
        appt(rep_a, _local(16, 10), "SOLD", contract=900_000, deleted=True)
        appt(rep_b, _local(17, 10), "SOLD", contract=300_000)
    yield store, rep_a.id, rep_b.id
    store.close()


def _november():
    start, end, label = period_bounds("month", date(2026, 11, 24), CHICAGO)
    assert label == "November 2026"
    return start, end


def test_stats_for_one_rep_in_a_month(company):
    store, rep_a, _ = company
    with store.session() as s:
        figures = stats_for(s, [rep_a], *_november())
    values = {key: f.value for key, f in figures.items()}
    assert values == {
        "issued": 8,  # SOLD, SOLD (cancelled), DNS, BB, ND, NS, 1L, DNS on the 30th
        "demos": 5,  # SOLD, SOLD, DNS, BB, DNS
        "sales": 2,
        "demo_rate": 5 / 8,
        "close_rate": 2 / 5,
        "close_rate_issued": 2 / 8,
        "average_sale": 750_025,
        "cancels": 1,
        "cancel_rate": 0.5,
        "gross": 1_500_050,
        "net": 1_000_000,
        "commission_earned": 80_000,
        "commission_paid": 45_000,
    }
    assert figures["close_rate"].display() == "40.0%"
    assert figures["average_sale"].display() == "$7,500.25"


def test_stats_for_a_team_adds_the_reps_up(company):
    store, rep_a, rep_b = company
    with store.session() as s:
        team = stats_for(s, [rep_a, rep_b], *_november())
        only_b = stats_for(s, [rep_b], *_november())
    assert (only_b["issued"].value, only_b["sales"].value, only_b["gross"].value) == (1, 1, 300_000)
    assert (team["issued"].value, team["demos"].value, team["sales"].value) == (9, 6, 3)
    assert team["gross"].value == 1_800_050
    assert team["close_rate"].inputs == "3 ÷ 6"


def test_which_codes_count_where_is_data(company):
    store, rep_a, _ = company
    with store.session() as s:
        s.scalars(select(ResultCode).where(ResultCode.code == "ND")).one().counts_as_demo = True
    with store.session() as s:
        assert stats_for(s, [rep_a], *_november())["demos"].value == 6


def test_rows_behind_each_figure_are_the_appointments_it_counts(company):
    store, rep_a, _ = company
    with store.session() as s:
        rows = stat_rows(s, [rep_a], *_november())

    def codes(key: str) -> list[str]:
        return sorted(r.appointment.result_code for r in rows_behind(rows, key))

    assert codes("issued") == ["1L", "BB", "DNS", "DNS", "ND", "NS", "SOLD", "SOLD"]
    assert codes("demos") == codes("close_rate") == ["BB", "DNS", "DNS", "SOLD", "SOLD"]
    assert codes("sales") == codes("gross") == codes("average_sale") == ["SOLD", "SOLD"]
    assert [r.job.contract_cents for r in rows_behind(rows, "cancels")] == [500_050]
