"""Finding a lead by anything a rep remembers: an FTS5 index over names,
address, email, PID and Job IDs, and phones in every format.

The index holds folded words ("O'Brien" is indexed as "o", "brien" and
"obrien"; accents are dropped) and, for each phone, its 10 digits, last 7
and last 4, so "(555) 123-4567", "555.123.4567", "+1 555 123 4567" and
"4567" all meet the same number.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from sqlalchemy import Connection, Float, String, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from rep_tui.domain.text import digits, words
from rep_tui.store.models import Appointment, Job, Lead

COLUMNS = ("name", "address", "contact", "ids", "phones")
FIELD_LABELS = {"name": "name", "address": "address", "contact": "email", "ids": "PID / Job ID", "phones": "phone"}
_PHONE_LIKE = re.compile(r"^[\d\s().+\-]+$")
_MARK_OPEN, _MARK_CLOSE = "\x01", "\x02"


@dataclass(frozen=True)
class SearchHit:
    lead_id: uuid.UUID
    pid: int | None
    name: str
    address: str
    city: str
    phone: str
    email: str
    matched: str  # which field matched, in a rep's words


def _phone_tokens(e164: str | None) -> list[str]:
    if not e164:
        return []
    national = e164[2:] if e164.startswith("+1") else e164.lstrip("+")
    return [national, national[-7:], national[-4:]]


def document(lead: dict, job_numbers: Iterable[int | None]) -> tuple[str, str, str, str, str]:
    """The five indexed texts of one lead (a dict of its columns)."""
    name = " ".join(words(f"{lead.get('first_name') or ''} {lead.get('last_name') or ''}"))
    place = " ".join(
        words(" ".join(str(lead.get(k) or "") for k in ("address", "city", "state", "zip", "county")))
    )
    emails = [e for e in (lead.get("email"), lead.get("alt_email")) if e]
    contact = " ".join(words(" ".join(e.replace("@", " ") for e in emails)))
    contact += " " + " ".join(re.sub(r"[^0-9a-z]", "", e.split("@")[0].lower()) for e in emails)
    ids = " ".join(str(n) for n in [lead.get("pid"), *job_numbers] if n)
    phones = " ".join(
        tok for k in ("home_phone_e164", "cell_phone_e164", "work_phone_e164") for tok in _phone_tokens(lead.get(k))
    )
    return name, place, contact.strip(), ids, phones


def _write_documents(conn: Connection, docs: Sequence[tuple[str, tuple[str, ...]]]) -> None:
    """Replace the index rows of leads (by hex id)."""
    for lead_hex, doc in docs:
        key = conn.execute(text("SELECT key FROM search_keys WHERE lead_id = :id"), {"id": lead_hex}).scalar()
        if key is None:
            key = conn.execute(
                text("INSERT INTO search_keys (lead_id) VALUES (:id) RETURNING key"), {"id": lead_hex}
            ).scalar()
        else:
            conn.execute(text("DELETE FROM lead_search WHERE rowid = :k"), {"k": key})
        conn.execute(
            text("INSERT INTO lead_search (rowid, name, address, contact, ids, phones) VALUES (:k, :a, :b, :c, :d, :e)"),
            {"k": key, "a": doc[0], "b": doc[1], "c": doc[2], "d": doc[3], "e": doc[4]},
        )


def _drop(conn: Connection, lead_hex: str) -> None:
    key = conn.execute(text("SELECT key FROM search_keys WHERE lead_id = :id"), {"id": lead_hex}).scalar()
    if key is not None:
        conn.execute(text("DELETE FROM lead_search WHERE rowid = :k"), {"k": key})
        conn.execute(text("DELETE FROM search_keys WHERE key = :k"), {"k": key})


def index_leads(session: Session, lead_ids: Iterable[uuid.UUID]) -> None:
    """Bring the index up to date for these leads (deleted ones leave it)."""
    session.flush()
    conn = session.connection()
    docs = []
    for lead_id in set(lead_ids):
        lead = session.get(Lead, lead_id)
        if lead is None or lead.deleted:
            _drop(conn, lead_id.hex)
            continue
        numbers = session.scalars(select(Job.job_number).where(Job.lead_id == lead_id, Job.deleted.is_(False)))
        docs.append((lead_id.hex, document(lead.__dict__, numbers)))
    _write_documents(conn, docs)


def rebuild_index(conn: Connection) -> int:
    """Index every lead from scratch (after a bulk load). Returns the count."""
    conn.execute(text("DELETE FROM lead_search"))
    conn.execute(text("DELETE FROM search_keys"))
    jobs: dict[str, list[int]] = {}
    for lead_hex, number in conn.execute(text("SELECT lead_id, job_number FROM jobs WHERE deleted = 0")):
        jobs.setdefault(lead_hex, []).append(number)
    cols = ("first_name", "last_name", "address", "city", "state", "zip", "county", "email", "alt_email",
            "pid", "home_phone_e164", "cell_phone_e164", "work_phone_e164")
    rows = conn.execute(text(f"SELECT id, {', '.join(cols)} FROM leads WHERE deleted = 0 ORDER BY id"))
    count = 0
    keys, docs = [], []
    for row in rows:
        count += 1
        lead = dict(zip(cols, row[1:]))
        keys.append({"k": count, "id": row[0]})
        doc = document(lead, jobs.get(row[0], ()))
        docs.append({"k": count, "a": doc[0], "b": doc[1], "c": doc[2], "d": doc[3], "e": doc[4]})
    conn.execute(text("INSERT INTO search_keys (key, lead_id) VALUES (:k, :id)"), keys) if keys else None
    if docs:
        conn.execute(
            text("INSERT INTO lead_search (rowid, name, address, contact, ids, phones) VALUES (:k, :a, :b, :c, :d, :e)"),
            docs,
        )
    conn.execute(text("INSERT INTO lead_search (lead_search) VALUES ('optimize')"))
    return count


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH text for what a rep typed, or None when there is nothing to look for."""
    query = query.strip()
    if not query:
        return None
    if _PHONE_LIKE.match(query):
        number = digits(query)
        if len(number) == 11 and number.startswith("1"):
            number = number[1:]
        if number:  # the address column holds ZIP codes and house numbers, which look like numbers too
            return f'{{phones ids address}} : "{number}"*'
    terms = [f'"{w}"*' for w in dict.fromkeys(words(query.replace("@", " ")))]
    return " AND ".join(terms) if terms else None


@dataclass(frozen=True)
class SearchFilters:
    result_code: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None

    def any(self) -> bool:
        return any((self.result_code, self.source, self.since, self.until))


def _filtered_ids(filters: SearchFilters):
    stmt = select(Lead.id).where(Lead.deleted.is_(False))
    if filters.source:
        stmt = stmt.where(Lead.source == filters.source)
    if filters.result_code or filters.since or filters.until:
        appt = select(Appointment.lead_id).where(Appointment.deleted.is_(False))
        if filters.result_code:
            appt = appt.where(Appointment.result_code == filters.result_code)
        if filters.since:
            appt = appt.where(Appointment.starts_at >= _day_start(filters.since))
        if filters.until:
            appt = appt.where(Appointment.starts_at < _day_start(filters.until, 1))
        stmt = stmt.where(Lead.id.in_(appt))
    return stmt


def _day_start(day: date, plus: int = 0):
    from datetime import datetime, timedelta, timezone

    return datetime.combine(day + timedelta(days=plus), datetime.min.time(), tzinfo=timezone.utc)


def _matched_field(marks: Sequence[str | None]) -> str:
    for column, marked in zip(COLUMNS, marks):
        if marked and _MARK_OPEN in marked:
            return FIELD_LABELS[column]
    return ""


def search(session: Session, query: str, *, limit: int = 50, filters: SearchFilters | None = None) -> list[SearchHit]:
    """Leads matching what was typed, best first, each naming the field that matched."""
    filters = filters or SearchFilters()
    expression = match_expression(query)
    conn = session.connection()
    matched: dict[str, str] = {}
    if expression is None:
        if not filters.any():
            return []
        stmt = _filtered_ids(filters).order_by(Lead.created_at.desc()).limit(limit)
        ordered = [lid.hex for lid in session.scalars(stmt)]
    else:
        highlights = ", ".join(
            f"highlight(lead_search, {i}, '{_MARK_OPEN}', '{_MARK_CLOSE}') AS h{i}" for i in range(len(COLUMNS))
        )
        fts = (
            text(
                f"SELECT k.lead_id AS lead_id, {highlights}, bm25(lead_search, 10.0, 4.0, 3.0, 8.0, 8.0) AS rank "
                "FROM lead_search JOIN search_keys k ON k.key = lead_search.rowid WHERE lead_search MATCH :q"
            )
            .bindparams(q=expression)
            .columns(lead_id=String, **{f"h{i}": String for i in range(len(COLUMNS))}, rank=Float)
            .subquery()
        )
        stmt = select(fts).order_by(fts.c.rank).limit(limit)
        if filters.any():
            stmt = stmt.where(fts.c.lead_id.in_(_filtered_ids(filters)))
        try:
            rows = conn.execute(stmt).all()
        except OperationalError as exc:  # a query FTS5 cannot parse finds nothing rather than failing
            if "fts5" in str(exc).lower():
                return []
            raise
        ordered = [r[0] for r in rows]
        matched = {r[0]: _matched_field(r[1:6]) for r in rows}
    if not ordered:
        return []
    leads = {
        lead.id.hex: lead
        for lead in session.scalars(select(Lead).where(Lead.id.in_([uuid.UUID(h) for h in ordered])))
    }
    hits = []
    for lead_hex in ordered:
        lead = leads.get(lead_hex)
        if lead is None:
            continue
        hits.append(
            SearchHit(
                lead_id=lead.id,
                pid=lead.pid,
                name=lead.name,
                address=lead.address or "",
                city=lead.city or "",
                phone=lead.cell_phone or lead.home_phone or lead.work_phone or "",
                email=lead.email or "",
                matched=matched.get(lead_hex, ""),
            )
        )
    return hits
