"""Finding a lead by anything a rep remembers: an FTS5 index over names,
address, email, PID and Job IDs, phones in every format, and the values of
the office's text and choice custom fields (`domain.custom_fields`).

The index holds folded words ("O'Brien" is indexed as "o", "brien" and
"obrien"; accents are dropped) and, for each phone, its 10 digits, last 7
and last 4, so "(555) 123-4567", "555.123.4567", "+1 555 123 4567" and
"4567" all meet the same number.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from sqlalchemy import Connection, Integer, String, column, func, literal_column, select, table, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from rep_tui.domain.custom_fields import SEARCHED_KINDS
from rep_tui.domain.fields import used
from rep_tui.domain.text import digits, words
from rep_tui.store.models import Appointment, CustomField, Job, Lead, User

COLUMNS = ("name", "address", "contact", "ids", "phones", "custom")
FIELD_LABELS = {"name": "name", "address": "address", "contact": "email", "ids": "PID / Job ID", "phones": "phone",
                "custom": "custom field"}
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


def _searched_in(index_column: str) -> tuple[str, ...]:
    """The lead columns whose specs put them in one column of the index
    (phones as typed; their E.164 forms are read beside them)."""
    return tuple(name for name, spec in used("leads", "searched").items()
                 if spec.searched == index_column and not spec.derived)


NAME_FIELDS, PLACE_FIELDS, EMAIL_FIELDS, PHONE_FIELDS = (
    _searched_in(c) for c in ("name", "address", "contact", "phones"))
#: The lead columns a document is made from.
_INDEXED = tuple(used("leads", "searched"))


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


def _words(lead: dict, names: tuple[str, ...]) -> str:
    return " ".join(words(" ".join(str(lead.get(k) or "") for k in names)))


def searched_keys(conn: Connection) -> tuple[str, ...]:
    """The keys of the active custom fields whose values are searched (text and choice)."""
    return tuple(conn.execute(select(CustomField.key).where(
        CustomField.active.is_(True), CustomField.deleted.is_(False), CustomField.kind.in_(SEARCHED_KINDS))).scalars())


def _custom_words(custom: dict | str | None, keys: tuple[str, ...]) -> str:
    values = json.loads(custom) if isinstance(custom, str) else custom or {}
    return " ".join(words(" ".join(str(values[k]) for k in keys if isinstance(values.get(k), str))))


def document(lead: dict, job_numbers: Iterable[int | None], custom_keys: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The six indexed texts of one lead (a dict of its columns)."""
    emails = [e for e in (lead.get(k) for k in EMAIL_FIELDS) if e]
    contact = " ".join(words(" ".join(e.replace("@", " ") for e in emails)))
    contact += " " + " ".join(re.sub(r"[^0-9a-z]", "", e.split("@")[0].lower()) for e in emails)
    ids = " ".join(str(n) for n in [lead.get("pid"), *job_numbers] if n)
    phones = " ".join(
        tok for k in PHONE_FIELDS for tok in _phone_tokens(lead.get(f"{k}_e164"), lead.get(k))
    )
    return (_words(lead, NAME_FIELDS), _words(lead, PLACE_FIELDS), contact.strip(), ids, phones,
            _custom_words(lead.get("custom"), custom_keys))


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
            text("INSERT INTO lead_search (rowid, name, address, contact, ids, phones, custom) "
                 "VALUES (:k, :a, :b, :c, :d, :e, :f)"),
            {"k": key, "a": doc[0], "b": doc[1], "c": doc[2], "d": doc[3], "e": doc[4], "f": doc[5]},
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
    docs, keys = [], None
    for lead_id in set(lead_ids):
        lead = session.get(Lead, lead_id)
        if lead is None or lead.deleted:
            _drop(conn, lead_id.hex)
            continue
        numbers = session.scalars(select(Job.job_number).where(Job.lead_id == lead_id, Job.deleted.is_(False)))
        keys = searched_keys(conn) if keys is None else keys
        docs.append((lead_id.hex, document(lead.__dict__, numbers, keys)))
    _write_documents(conn, docs)


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
    read = (*_INDEXED, "custom")
    rows = conn.exec_driver_sql(f"SELECT k.key, k.lead_id, {', '.join('l.' + c for c in read)} "
                                "FROM search_keys k JOIN leads l ON l.id = k.lead_id ORDER BY k.key").all()
    keys = searched_keys(conn)
    docs = [(key, *document(dict(zip(read, lead)), jobs.get(lead_hex, ()), keys)) for key, lead_hex, *lead in rows]
    if docs:
        conn.exec_driver_sql("INSERT INTO lead_search (rowid, name, address, contact, ids, phones, custom) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", docs)
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
        if number:  # ZIP codes, house numbers and custom texts (a gate code) look like numbers too
            return f'{{phones ids address custom}} : "{number}"*'
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

# The index as tables SQLAlchemy can build statements on (and cache them):
# every step below works on FTS rowids ("keys"); lead ids come in at the end.
_INDEX = table("lead_search", column("rowid", Integer), *(column(c, String) for c in COLUMNS))
_KEYS = table("search_keys", column("key", Integer), column("lead_id", String))
_RANK = func.bm25(literal_column("lead_search"), 10.0, 4.0, 3.0, 8.0, 8.0, 3.0)


def _fts_keys(expression: str, filters: SearchFilters):
    """The keys matching `expression` (and the filters), in index order."""
    stmt = select(_INDEX.c.rowid).where(literal_column("lead_search").op("MATCH")(expression))
    if filters.any():
        stmt = stmt.where(_INDEX.c.rowid.in_(select(_KEYS.c.key).where(_KEYS.c.lead_id.in_(_filtered_ids(filters)))))
    return stmt


def _best_matches(conn: Connection, expression: str, filters: SearchFilters, limit: int) -> list[int]:
    """Keys of the best matches: ranked by bm25 when there are few; for a
    broad query, name matches first, then the others in index order. The
    matches are counted inside SQLite, stopping at the first past the bound."""
    matches = _fts_keys(expression, filters)
    counted = select(func.count()).select_from(matches.limit(BROAD_QUERY + 1).subquery())
    if conn.execute(counted).scalar_one() <= BROAD_QUERY:
        return list(conn.scalars(matches.order_by(_RANK).limit(limit)))
    best = [] if expression.startswith("{") else list(conn.scalars(
        _fts_keys(f"{{name}} : ({expression})", filters).limit(limit)))
    if len(best) >= limit:
        return best
    seen = set(best)
    rest = conn.scalars(matches.limit(limit + len(best)))
    return (best + [key for key in rest if key not in seen])[:limit]


_TERM = re.compile(r'"([^"]+)"\*')
_COLUMN_FILTER = re.compile(r"^\{([a-z ]+)\}")


def _field_matcher(expression: str) -> tuple[list[str], re.Pattern]:
    """The columns a match may be in, and a pattern finding a word that starts with a searched term."""
    only = _COLUMN_FILTER.match(expression)
    allowed = [c for c in COLUMNS if not only or c in only.group(1).split()]
    terms = "|".join(re.escape(t) for t in _TERM.findall(expression))
    return allowed, re.compile(rf"(?<!\S)(?:{terms})" if terms else r"(?!)")


_HIT_COLUMNS = (Lead.id, Lead.pid, Lead.first_name, Lead.last_name, Lead.address, Lead.city, Lead.cell_phone,
                Lead.home_phone, Lead.work_phone, Lead.email, User.full_name.label("rep"))


def _hit(row, matched: str = "") -> SearchHit:
    return SearchHit(
        lead_id=row.id,
        pid=row.pid,
        name=f"{row.first_name} {row.last_name}".strip(),
        address=row.address or "",
        city=row.city or "",
        phone=row.cell_phone or row.home_phone or row.work_phone or "",
        email=row.email or "",
        matched=matched,
        rep=row.rep or "",
    )


def _fts_hits(session: Session, expression: str, filters: SearchFilters, limit: int) -> list[SearchHit]:
    """The best matches, each naming the first column holding a word that
    starts with a searched term (FTS5's highlight() would re-run the whole
    match; reading the rows by key does not)."""
    keys = _best_matches(session.connection(), expression, filters, limit)
    if not keys:
        return []
    allowed, starts_a_word = _field_matcher(expression)
    rows = session.execute(
        select(_KEYS.c.key, *_HIT_COLUMNS, *(_INDEX.c[c] for c in allowed))
        .join(Lead, Lead.id == _KEYS.c.lead_id).join(_INDEX, _INDEX.c.rowid == _KEYS.c.key)
        .outerjoin(User, User.id == Lead.rep_id)
        .where(_KEYS.c.key.in_(keys))
    )
    found = {}
    for row in rows:
        indexed = row[-len(allowed):]
        column = next((c for c, words in zip(allowed, indexed) if words and starts_a_word.search(words)), None)
        found[row.key] = _hit(row, FIELD_LABELS[column] if column else "")
    return [found[key] for key in keys if key in found]


def search(session: Session, query: str, *, limit: int = 50, filters: SearchFilters | None = None) -> list[SearchHit]:
    """Leads matching what was typed, best first, each naming the field that matched."""
    filters = filters or SearchFilters()
    expression = match_expression(query)
    if expression is not None:
        try:
            return _fts_hits(session, expression, filters, limit)
        except OperationalError as exc:  # a query FTS5 cannot parse finds nothing rather than failing
            if "fts5" in str(exc).lower():
                return []
            raise
    if not filters.any():
        return []
    ordered = list(session.scalars(_filtered_ids(filters).order_by(Lead.created_at.desc()).limit(limit)))
    found = {row.id: row for row in session.execute(
        select(*_HIT_COLUMNS).outerjoin(User, User.id == Lead.rep_id).where(Lead.id.in_(ordered)))}
    return [_hit(found[lead_id]) for lead_id in ordered if lead_id in found]
