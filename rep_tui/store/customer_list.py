"""The office's customer list: every lead on this device (the server sends
exactly the leads the user may see), one page at a time, in any of a few
orders, narrowed by filters.

Pages are read by keyset ("the 100 rows after this one in this order"), not
OFFSET: a page deep in 100,000 rows costs what the first one does
(`bench/customer_list.py` measures both). Each row carries its `key` (the
sort values and the lead id, which breaks ties), so the screen asks for the
page after its last row or before its first. Nullable sort columns are read
as '' (or 0), so every lead has a place in every order.

"Result" is the result code of the lead's last resulted appointment (as on
Be Backs); appointment dates match any of the lead's appointments; dates are
days in the company's time zone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, exists, func, literal_column, or_, select, tuple_
from sqlalchemy.orm import Session

from rep_tui.domain.custom_fields import Definition
from rep_tui.domain.fields import specs
from rep_tui.domain.validation import call_phone
from rep_tui.store.models import Appointment, Job, Lead, Team, User
from rep_tui.store.queries import day_bounds

PAGE_SIZE = 100
#: The lead's fields picked from a list (its spec has choices): each is a filter and a column of the list.
CHOICE_FIELDS = {name: spec for name, spec in specs("leads").items() if spec.choices}


@dataclass(frozen=True)
class Sort:
    label: str
    columns: tuple  # SQL expressions, the lead id is added last


# Literals, not parameters: an index on coalesce(city, '') serves only the very same expression.
_EMPTY, _ZERO = literal_column("''"), literal_column("0")
SORTS: dict[str, Sort] = {
    "name": Sort("Name", (Lead.last_name, Lead.first_name)),
    "created": Sort("Created", (Lead.created_at,)),
    "city": Sort("City", (func.coalesce(Lead.city, _EMPTY),)),
    "zip": Sort("ZIP", (func.coalesce(Lead.zip, _EMPTY),)),
    "pid": Sort("PID", (func.coalesce(Lead.pid, _ZERO),)),
}


@dataclass(frozen=True)
class CustomerFilters:
    """What the list is narrowed to; None (or empty) is "any"."""

    result: str | None = None
    product: str | None = None
    source: str | None = None
    rep_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    office_id: uuid.UUID | None = None
    created_from: date | None = None
    created_until: date | None = None
    appointment_from: date | None = None
    appointment_until: date | None = None
    zip: str | None = None  # a prefix: "606" is every ZIP starting so
    city: str | None = None  # the whole name, any case
    picked: tuple[tuple[str, str], ...] = ()  # (lead column, stored choice) of the `CHOICE_FIELDS`
    custom: tuple[tuple[str, Any], ...] = field(default=())  # (key, stored value) of custom fields

    def any(self) -> bool:
        return any(getattr(self, f.name) not in (None, "", ()) for f in fields(self))


@dataclass(frozen=True)
class CustomerQuery:
    filters: CustomerFilters = CustomerFilters()
    sort: str = "name"
    descending: bool = False
    tz: str = "UTC"
    #: The kinds of the custom fields filtered by, by key (text is matched by any part, the others exactly).
    custom_kinds: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CustomerRow:
    lead_id: uuid.UUID
    key: tuple  # the sort values and the lead id: where the row stands in its order
    pid: int | None
    name: str
    phone: str
    city: str
    zip: str
    rep: str
    result: str  # the last result's code ("" when none yet)
    created: datetime
    picked: tuple[str, ...]  # the stored values of the `CHOICE_FIELDS`, in their order


def _last_result():
    """The code of the lead's last resulted appointment (a correlated subquery)."""
    return (select(Appointment.result_code)
            .where(Appointment.lead_id == Lead.id, Appointment.deleted.is_(False),
                   Appointment.result_code.is_not(None))
            .order_by(Appointment.starts_at.desc()).limit(1).scalar_subquery())


def _custom_condition(key: str, kind: str, value: Any):
    item = Lead.custom[key]
    if kind == "text":
        return item.as_string().ilike(f"%{value}%")
    if kind == "number":
        return item.as_float() == value
    if kind == "yes-no":
        return item.as_boolean().is_(value) if value else or_(item.as_boolean().is_(False), item.as_string().is_(None))
    return item.as_string() == value


def _conditions(query: CustomerQuery) -> list:
    """The WHERE conditions of the filters (every lead not deleted, when none)."""
    f, tz = query.filters, query.tz
    where = [Lead.deleted.is_(False)]
    if f.result:
        where.append(_last_result() == f.result)
    if f.product:
        where.append(or_(Lead.product_interest == f.product, exists().where(
            Job.lead_id == Lead.id, Job.deleted.is_(False), Job.product == f.product)))
    if f.source:
        where.append(Lead.source == f.source)
    if f.rep_id:
        where.append(Lead.rep_id == f.rep_id)
    if f.team_id or f.office_id:
        reps = select(User.id).where(User.team_id == f.team_id) if f.team_id else \
            select(User.id).join(Team, Team.id == User.team_id).where(Team.office_id == f.office_id)
        where.append(Lead.rep_id.in_(reps))
        if f.team_id and f.office_id:
            where.append(Lead.rep_id.in_(select(User.id).join(Team, Team.id == User.team_id)
                                         .where(Team.office_id == f.office_id)))
    if f.created_from:
        where.append(Lead.created_at >= day_bounds(f.created_from, tz)[0])
    if f.created_until:
        where.append(Lead.created_at < day_bounds(f.created_until, tz)[1])
    if f.appointment_from or f.appointment_until:
        on_day = [Appointment.lead_id == Lead.id, Appointment.deleted.is_(False)]
        if f.appointment_from:
            on_day.append(Appointment.starts_at >= day_bounds(f.appointment_from, tz)[0])
        if f.appointment_until:
            on_day.append(Appointment.starts_at < day_bounds(f.appointment_until, tz)[1])
        where.append(exists().where(*on_day))
    if f.zip:
        where.append(Lead.zip.startswith(f.zip.strip(), autoescape=True))
    if f.city:
        where.append(func.lower(Lead.city) == f.city.strip().lower())
    for name, value in f.picked:
        where.append(Lead.__table__.c[name] == value)
    kinds = dict(query.custom_kinds)
    for key, value in f.custom:
        where.append(_custom_condition(key, kinds.get(key, "choice"), value))
    return where


def count(session: Session, query: CustomerQuery) -> int:
    """How many leads the filters leave."""
    return session.scalar(select(func.count()).select_from(Lead).where(*_conditions(query)))


def _sort_columns(query: CustomerQuery) -> tuple:
    return (*SORTS[query.sort].columns, Lead.id)


def ordered(query: CustomerQuery, *, reverse: bool = False) -> Select:
    """The rows of the list in its order (or the `reverse`), unbounded: a page adds a keyset and a limit."""
    sort = _sort_columns(query)
    descending = query.descending != reverse
    return (select(Lead, User.full_name, _last_result(), *sort)
            .outerjoin(User, User.id == Lead.rep_id)
            .where(*_conditions(query))
            .order_by(*(c.desc() if descending else c.asc() for c in sort)))


def rows_of(session: Session, stmt: Select) -> list[CustomerRow]:
    """The rows an `ordered` statement reads."""
    return [_row(lead, rep, result, tuple(key)) for lead, rep, result, *key in session.execute(stmt)]


def page(session: Session, query: CustomerQuery, *, after: tuple | None = None, before: tuple | None = None,
         last: bool = False, limit: int = PAGE_SIZE) -> list[CustomerRow]:
    """A page in the list's order: the first one; the one `after` a row's key
    or `before` one; or the `last` one."""
    backwards = before is not None or last
    stmt = ordered(query, reverse=backwards)
    edge = before if before is not None else after
    if edge is not None:
        row_key, edge_key = tuple_(*_sort_columns(query)), tuple_(*edge)
        stmt = stmt.where(row_key < edge_key if query.descending != backwards else row_key > edge_key)
    rows = rows_of(session, stmt.limit(limit))
    return rows[::-1] if backwards else rows


def _row(lead: Lead, rep: str | None, result: str | None, key: tuple) -> CustomerRow:
    return CustomerRow(lead.id, key, lead.pid, lead.name, call_phone(lead), lead.city or "", lead.zip or "",
                       rep or "", result or "", lead.created_at,
                       tuple(getattr(lead, name) or "" for name in CHOICE_FIELDS))


# --- the filter form's choices ------------------------------------------------


@dataclass(frozen=True)
class FilterChoices:
    results: list[tuple[str, str]]  # (label, code)
    products: list[str]
    sources: list[str]
    reps: list[tuple[str, uuid.UUID]]
    teams: list[tuple[str, uuid.UUID]]
    offices: list[tuple[str, uuid.UUID]]
    custom: list[Definition]  # the active custom fields


def filter_choices(session: Session) -> FilterChoices:
    """What each filter offers: only what the leads on this device use, where that is cheap to know."""
    from rep_tui.store.models import Office
    from rep_tui.store.queries import custom_definitions, lead_sources, result_codes

    products = set(session.scalars(select(Job.product).where(Job.deleted.is_(False), Job.product.is_not(None))
                                   .distinct()))
    products |= set(session.scalars(select(Lead.product_interest).where(
        Lead.deleted.is_(False), Lead.product_interest.is_not(None)).distinct()))
    reps = session.execute(select(User.full_name, User.id).where(
        User.deleted.is_(False), User.id.in_(select(Lead.rep_id).where(Lead.deleted.is_(False)))
    ).order_by(User.full_name)).all()
    teams = session.execute(select(Team.name, Team.id).where(Team.deleted.is_(False)).order_by(Team.name)).all()
    offices = session.execute(select(Office.name, Office.id).where(Office.deleted.is_(False))
                              .order_by(Office.name)).all()
    return FilterChoices(
        results=[(code.label, code.code) for code in result_codes(session)],
        products=sorted(p for p in products if p),
        sources=lead_sources(session),
        reps=[tuple(r) for r in reps], teams=[tuple(t) for t in teams], offices=[tuple(o) for o in offices],
        custom=[d for d in custom_definitions(session) if d.active],
    )
