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

from sqlalchemy import Connection, Float, Integer, String, bindparam, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from rep_tui.domain.text import digits, words
from rep_tui.store.models import Appointment, Job, Lead, User

COLUMNS = ("name", "address", "contact", "ids", "phones")
FIELD_LABELS = {"name": "name", "address": "address", "contact": "email", "ids": "PID / Job ID", "phones": "phone"}
_PHONE_LIKE = re.compile(r"^[\d\s().+\-]+$")


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
    rep: str = ""  # the owning rep's name (a manager's Search shows it)


PHONE_FIELDS = ("home_phone", "cell_phone", "work_phone")


def _phone_tokens(e164: str | None, typed: str | None) -> list[str]:
    """10 digits, last 7 and last 4 of a phone; a phone that is not a valid
    number (no E.164) is still found by the digits it was typed with."""
    if e164:
        national = e164[2:] if e164.startswith("+1") else e164.lstrip("+")
    else:
        national = digits(typed or "")[-10:]
    if not national:
        return []
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
        tok for k in PHONE_FIELDS for tok in _phone_tokens(lead.get(f"{k}_e164"), lead.get(k))
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


_INDEXED = ("first_name", "last_name", "address", "city", "state", "zip", "county", "email", "alt_email", "pid",
            *PHONE_FIELDS, *(f"{k}_e164" for k in PHONE_FIELDS))


def rebuild_index(conn: Connection) -> int:
    """Index every lead from scratch (after a bulk load, e.g. an initial
    sync): keys numbered in SQL, documents written with one executemany.
    Returns the count."""
    conn.exec_driver_sql("DELETE FROM lead_search")
    conn.exec_driver_sql("DELETE FROM search_keys")
    conn.exec_driver_sql("INSERT INTO search_keys (key, lead_id) "
                         "SELECT row_number() OVER (ORDER BY id), id FROM leads WHERE deleted = 0")
    jobs: dict[str, list[int]] = {}
    for lead_hex, number in conn.exec_driver_sql("SELECT lead_id, job_number FROM jobs WHERE deleted = 0").all():
        jobs.setdefault(lead_hex, []).append(number)
    rows = conn.exec_driver_sql(f"SELECT k.key, k.lead_id, {', '.join('l.' + c for c in _INDEXED)} "
                                "FROM search_keys k JOIN leads l ON l.id = k.lead_id ORDER BY k.key").all()
    docs = [(key, *document(dict(zip(_INDEXED, lead)), jobs.get(lead_hex, ()))) for key, lead_hex, *lead in rows]
    if docs:
        conn.exec_driver_sql("INSERT INTO lead_search (rowid, name, address, contact, ids, phones) "
                             "VALUES (?, ?, ?, ?, ?, ?)", docs)
    conn.exec_driver_sql("INSERT INTO lead_search (lead_search) VALUES ('optimize')")
    return len(docs)


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


# Ranking with bm25 costs time for every match; past this many matches the
# query is too broad for ranking to mean much, so name matches come first.
BROAD_QUERY = 300


def _fts_rows(conn: Connection, expression: str, filters: SearchFilters, limit: int, *, ranked: bool) -> list[tuple[int, str]]:
    """(FTS rowid, lead hex id) of matches, best first when `ranked`."""
    fts = (
        text(
            "SELECT lead_search.rowid AS key, k.lead_id AS lead_id, "
            "bm25(lead_search, 10.0, 4.0, 3.0, 8.0, 8.0) AS rank "
            "FROM lead_search JOIN search_keys k ON k.key = lead_search.rowid WHERE lead_search MATCH :q"
        )
        .bindparams(q=expression)
        .columns(key=Integer, lead_id=String, rank=Float)
        .subquery()
    )
    stmt = select(fts.c.key, fts.c.lead_id).limit(limit)
    if ranked:
        stmt = stmt.order_by(fts.c.rank)
    if filters.any():
        stmt = stmt.where(fts.c.lead_id.in_(_filtered_ids(filters)))
    return [(r[0], r[1]) for r in conn.execute(stmt)]


def _best_matches(conn: Connection, expression: str, filters: SearchFilters, limit: int) -> list[tuple[int, str]]:
    probe = _fts_rows(conn, expression, filters, BROAD_QUERY + 1, ranked=False)
    if len(probe) <= BROAD_QUERY:
        return _fts_rows(conn, expression, filters, limit, ranked=True)
    best = [] if expression.startswith("{") else _fts_rows(conn, f"{{name}} : ({expression})", filters, limit, ranked=False)
    seen = {key for key, _ in best}
    return (best + [row for row in probe if row[0] not in seen])[:limit]


_TERM = re.compile(r'"([^"]+)"\*')
_COLUMN_FILTER = re.compile(r"^\{([a-z ]+)\}")


def _matched_fields(conn: Connection, expression: str, keys: list[int]) -> dict[int, str]:
    """Which column matched, for the rows shown: the first column holding a
    word that starts with a searched term. (FTS5's highlight() would re-run
    the whole match; reading the rows by rowid does not.)"""
    terms = _TERM.findall(expression)
    only = _COLUMN_FILTER.match(expression)
    allowed = set(only.group(1).split()) if only else set(COLUMNS)
    rows = conn.execute(
        text(f"SELECT rowid, {', '.join(COLUMNS)} FROM lead_search WHERE rowid IN :keys")
        .bindparams(bindparam("keys", expanding=True)),
        {"keys": keys},
    )
    out = {}
    for key, *texts in rows:
        for column, indexed in zip(COLUMNS, texts):
            if column in allowed and any(w.startswith(t) for w in (indexed or "").split() for t in terms):
                out[key] = FIELD_LABELS[column]
                break
    return out


_HIT_COLUMNS = (Lead.id, Lead.pid, Lead.first_name, Lead.last_name, Lead.address, Lead.city, Lead.cell_phone,
                Lead.home_phone, Lead.work_phone, Lead.email, User.full_name.label("rep"))


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
        try:
            rows = _best_matches(conn, expression, filters, limit)
            fields = _matched_fields(conn, expression, [key for key, _ in rows]) if rows else {}
        except OperationalError as exc:  # a query FTS5 cannot parse finds nothing rather than failing
            if "fts5" in str(exc).lower():
                return []
            raise
        ordered = [lead_hex for _, lead_hex in rows]
        matched = {lead_hex: fields.get(key, "") for key, lead_hex in rows}
    if not ordered:
        return []
    found = {
        row.id.hex: row
        for row in session.execute(select(*_HIT_COLUMNS).outerjoin(User, User.id == Lead.rep_id)
                                   .where(Lead.id.in_([uuid.UUID(h) for h in ordered])))
    }
    return [
        SearchHit(
            lead_id=row.id,
            pid=row.pid,
            name=f"{row.first_name} {row.last_name}".strip(),
            address=row.address or "",
            city=row.city or "",
            phone=row.cell_phone or row.home_phone or row.work_phone or "",
            email=row.email or "",
            matched=matched.get(lead_hex, ""),
            rep=row.rep or "",
        )
        for lead_hex in ordered
        if (row := found.get(lead_hex)) is not None
    ]
