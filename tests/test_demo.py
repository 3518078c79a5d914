"""The demo company: the same seed makes the same company, and it has what a
demo needs (a full day for the demo rep, realistic names, phones, results,
money and attachments that exist on disk)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from rep_tui.clock import local_today, utcnow, zone
from rep_tui.config import resolve_paths
from rep_tui.demo.company import build_demo
from rep_tui.domain.results import DEFAULT_RESULT_CODES
from rep_tui.domain.validation import normalize_phone
from rep_tui.store import queries
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.db import Store
from rep_tui.store.models import (
    Appointment, Attachment, Commission, InvoiceItem, Job, Lead, Office, Payment, Team, User,
)
from rep_tui.store.search import search

TZ = "America/Chicago"
COMPARED_TABLES = ("users", "teams", "leads", "jobs", "appointments", "payments", "comments", "attachments",
                   "local_settings")


def _fingerprint(db: Path) -> dict[str, tuple[int, str]]:
    """Row count and a hash of all rows (in id order) of the compared tables."""
    out = {}
    with sqlite3.connect(db) as conn:
        for table in COMPARED_TABLES:
            rows = conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            out[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


def _build(directory: Path, seed: int) -> Path:
    store = Store(directory / "rep-tui.sqlite3")
    build_demo(store, leads=300, seed=seed)
    store.close()
    return store.path


def test_same_seed_and_now_make_the_same_company(tmp_path):
    first, second, other = (_build(tmp_path / name, seed) for name, seed in (("a", 7), ("b", 7), ("c", 8)))
    assert _fingerprint(first) == _fingerprint(second)
    assert _fingerprint(first)["leads"] != _fingerprint(other)["leads"]
    blobs = [sorted(p.name for p in (db.parent / "blobs").rglob("*") if p.is_file()) for db in (first, second)]
    assert blobs[0] == blobs[1] and blobs[0]


def test_the_company_has_its_people(store):
    with store.session() as s:
        me = queries.current_user(s)
        assert (me.username, me.full_name, me.role) == ("demo", "Dana Reyes", "rep")
        team = s.get(Team, me.team_id)
        manager = s.get(User, team.manager_id)
        assert (manager.username, manager.role) == ("demo-manager", "manager")
        assert s.get(Office, team.office_id).city == "Chicago"
        assert me in queries.team_members(s, manager)
        roles = Counter(s.scalars(select(User.role)))
        assert roles["admin"] == 1 and 35 <= roles["rep"] <= 45
        assert {o.city for o in s.scalars(select(Office))} == {"Chicago", "Dallas", "Denver"}
        teams = list(s.scalars(select(Team)))
        assert set(Counter(t.office_id for t in teams).values()) <= {2, 3}
        assert all(s.get(User, t.manager_id).role == "manager" for t in teams)
        assert queries.get_setting(s, "device_id") == "demo-device"
        assert not s.scalar(select(func.count()).select_from(OutboxEntry))
        assert set(s.scalars(select(Lead.version))) == {1}


def test_the_demo_rep_has_a_full_day_and_weeks_ahead(store):
    today = local_today(TZ)
    with store.session() as s:
        me = queries.current_user(s)
        assert 2 <= len(queries.appointments_on(s, me.id, today, TZ)) <= 3
        unresulted = queries.missing_results(s, me.id, utcnow())
        assert unresulted and all(utcnow() - r.appointment.starts_at < timedelta(days=3) for r in unresulted)
        ahead = {r.appointment.starts_at.astimezone(zone(TZ)).date()
                 for r in queries.appointments_on(s, me.id, today + timedelta(days=1), TZ, 14)}
        weekdays = [today + timedelta(days=d) for d in range(1, 15) if (today + timedelta(days=d)).weekday() < 5]
        assert sum(day in ahead for day in weekdays) >= len(weekdays) * 0.7
        assert 60 <= s.scalar(select(func.count()).where(Lead.rep_id == me.id)) <= 100
        assert queries.be_backs(s, me.id) and queries.self_gen_leads(s, me.id)


def test_names_phones_and_gaps_look_typed_by_people(store):
    with store.session() as s:
        leads = list(s.scalars(select(Lead)))
    names = {lead.name for lead in leads}
    for fragment in ("O'Brien", "O'Connor", "D'Angelo", "-"):
        assert any(fragment in name for name in names), fragment
    assert any(ch in "".join(names) for ch in "éëễüñ")
    phones = [p for lead in leads for p in (lead.home_phone, lead.cell_phone, lead.work_phone) if p]
    for shape in (r"^\(\d{3}\) \d{3}-\d{4}$", r"^\d{3}\.\d{3}\.\d{4}$", r"^\+1 \d{3} \d{3} \d{4}$", r"^\d{10}$",
                  r"^\d{3}-\d{3}-\d{4} x\d+$"):
        assert any(re.match(shape, p) for p in phones), shape
    for lead in leads[:300]:
        assert lead.home_phone_e164 == normalize_phone(lead.home_phone)
        assert lead.city and lead.state in {"IL", "TX", "CO"} and re.match(r"^\d{5}$", lead.zip)
    assert any(lead.cell_phone is None for lead in leads) and any(lead.county is None for lead in leads)
    assert any(lead.invalid_email for lead in leads) and any(lead.custom.get("home_built") for lead in leads)
    assert {lead.source for lead in leads} == {"call-center", "web", "referral", "home-show", "self-gen"}
    assert sorted(lead.pid for lead in leads) == list(range(100001, 100001 + len(leads)))


def test_results_spread_like_a_real_sales_floor(store):
    now = utcnow()
    with store.session() as s:
        appointments = list(s.scalars(select(Appointment)))
    past = [a for a in appointments if a.starts_at < now and a.result_code]
    spread = Counter(a.result_code for a in past)
    assert set(spread) == {code.code for code in DEFAULT_RESULT_CODES}
    assert 0.18 < spread["SOLD"] / len(past) < 0.32 and 0.18 < spread["DNS"] / len(past) < 0.32
    assert all(a.result_code is None for a in appointments if a.starts_at >= now)
    assert all(a.follow_up_on for a in past if a.result_code in ("BB", "1L"))
    assert any(a.disregard_in_stats for a in past)
    assert all(a.time_zone and a.ends_at - a.starts_at == timedelta(hours=2) for a in appointments)


def test_jobs_carry_money_that_adds_up(store):
    with store.session() as s:
        jobs = list(s.scalars(select(Job)))
        linked = set(s.scalars(select(Appointment.job_id)))
        leads_with_visits = set(s.scalars(select(Appointment.lead_id)))
        paid = dict(s.execute(select(Payment.job_id, func.sum(Payment.amount_cents)).group_by(Payment.job_id)).all())
        invoiced = dict(s.execute(select(InvoiceItem.job_id, func.sum(InvoiceItem.amount_cents))
                                  .group_by(InvoiceItem.job_id)).all())
        commissioned = set(s.scalars(select(Commission.job_id)))
    assert {j.lead_id for j in jobs} == leads_with_visits and {j.id for j in jobs} == linked
    assert sorted(j.job_number for j in jobs) == list(range(500001, 500001 + len(jobs)))
    sold = [j for j in jobs if j.result_code == "SOLD"]
    assert {j.status for j in sold} <= {"Sold", "Ordered", "Installed", "Completed", "Cancelled"}
    cancelled = [j for j in sold if j.status == "Cancelled"]
    assert cancelled and all(j.cancelled_on for j in cancelled) and len(cancelled) < len(sold) * 0.2
    for job in sold:
        assert 300_000 <= job.contract_cents <= 3_500_000 and job.sold_units and job.payment_method
        assert invoiced[job.id] == job.contract_cents and job.id in commissioned
        if job.status != "Cancelled":
            assert paid.get(job.id, 0) + job.balance_cents == job.contract_cents
    assert any(j.status == "Completed" and j.balance_cents == 0 and j.rercd_on for j in sold)


def test_attachments_are_real_files_named_by_their_hash(store, demo_home):
    blobs = resolve_paths().blobs_dir
    with store.session() as s:
        me = queries.current_user(s)
        rows = s.execute(select(Attachment, Lead.rep_id).join(Lead, Lead.id == Attachment.lead_id)).all()
    assert {a.mime for a, _ in rows} == {"image/png", "text/plain", "application/pdf"}
    assert {rep for _, rep in rows} == {me.id}
    for attachment, _ in rows:
        data = (blobs / attachment.sha256[:2] / attachment.sha256).read_bytes()
        assert hashlib.sha256(data).hexdigest() == attachment.sha256 and len(data) == attachment.size
        assert attachment.description and attachment.filename
        magic = {"image/png": b"\x89PNG", "application/pdf": b"%PDF"}.get(attachment.mime)
        assert magic is None or data.startswith(magic)


def test_search_and_related_have_something_to_find(store):
    today = local_today(TZ)
    with store.session() as s:
        hits = search(s, "obrien")
        assert hits and all("o'brien" in h.name.lower() and h.matched == "name" for h in hits)
        me = queries.current_user(s)
        lead = queries.appointments_on(s, me.id, today, TZ)[0].lead
        phone = lead.cell_phone_e164 or lead.home_phone_e164
        assert lead.id in {h.lead_id for h in search(s, f"{phone[2:5]}.{phone[5:8]}.{phone[8:]}")}
        reasons = Counter(
            reason for row in queries.appointments_on(s, me.id, today - timedelta(days=7), TZ, 21)
            for related in queries.related_leads(s, row.lead.id) for reason in related.reasons
        )
    assert all(reasons[r] for r in ("first name", "last name", "address", "phone")), reasons


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_gets_its_own_copy(store, round_):
    with store.session() as s:
        assert s.scalar(select(func.count()).where(Lead.deleted.is_(False))) == 1500
        s.execute(update(Lead).values(deleted=True))
