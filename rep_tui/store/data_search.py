"""Data search: the office picks fields, filters and a sort, per customer or
per job, and gets rows to read or to write out (`rep_tui.outputs`).

Fields are the columns' own specs (`domain.fields`: lead and job fields),
the office's custom fields (`domain.custom_fields`) and the last appointment
result; a filter's value goes through its field's check, so "Sale Amount >
abc" is refused in the words Edit Customer would use. The query is built in
SQLAlchemy Core over the domain tables, so the same search runs on a
device's store and on the server's database (`rep-tui admin data-search`).

A user saves searches by name (`SavedSearch`, synced: an office user's
searches follow them to any device); the last run (its query, output format
and file) is a fact of this device (`local_settings`), since the file it
wrote is here."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field as dc_field
from datetime import date
from functools import cached_property
from typing import Any, Iterable

from sqlalchemy import BigInteger, Boolean, Connection, Date, Integer, and_, func, not_, or_, select
from sqlalchemy.orm import Session

from rep_tui.domain.custom_fields import YES_NO, Definition, ordered
from rep_tui.domain.fields import FieldSpec, choice_check, specs
from rep_tui.domain.validation import Invalid, format_money
from rep_tui.store.models import Appointment, CustomField, Job, Lead, SavedSearch

PER = (("customer", "Per customer"), ("job", "Per job"))
#: Operator → how a person reads it. "contains" is for text; "empty"/"filled" take no value.
OPERATORS = {"=": "is", "!=": "is not", "<": "less than", "<=": "at most", ">": "more than", ">=": "at least",
             "contains": "contains", "empty": "is empty", "filled": "is filled in"}
NO_VALUE = frozenset({"empty", "filled"})
LAST_RESULT = "last_result"
#: The fields a new search shows.
DEFAULT_FIELDS = ("pid", "first_name", "last_name", "address", "city", "state", "zip")
_LAST_RUN = "data_search.last_run"


class DataSearchError(ValueError):
    """A search or output that cannot be done, in words the office can act on."""


@dataclass(frozen=True)
class SearchField:
    """One field a search can show, filter or sort by."""

    key: str
    label: str
    spec: FieldSpec
    #: "text", "number", "money", "date", "choice", "yes-no".
    kind: str
    #: Needs a job: only in a per-job search.
    of_job: bool = False
    definition: Definition | None = None

    def shown(self, value: Any) -> str:
        """A stored value as the office reads it (and as CSV and letters print it)."""
        if value is None or value == "":
            return ""
        if self.kind == "money":
            return format_money(value)
        if self.kind == "yes-no":
            return "Yes" if value else "No"
        if isinstance(value, date):
            return value.isoformat()
        if self.kind == "choice":
            return str(self.spec.choice_label(value))
        return str(value)

    def typed(self, text: str) -> Any:
        """A filter's typed value as stored; `Invalid` naming the field when it cannot be."""
        if self.kind == "yes-no":
            return choice_check(self.label, YES_NO)(text) == "yes"
        value = self.spec.check(text)
        if value is None:
            raise Invalid(f"{self.label}: give a value (or use “is empty”).")
        if self.kind == "number" and isinstance(value, str):
            try:
                return int(value.replace(",", ""))
            except ValueError:
                raise Invalid(f"{self.label} is a whole number, like 1042.") from None
        return value


@dataclass(frozen=True)
class Filter:
    key: str
    op: str
    value: str = ""


@dataclass(frozen=True)
class Query:
    """A search as the office builds it: what to show, which rows, in which order."""

    fields: tuple[str, ...] = DEFAULT_FIELDS
    filters: tuple[Filter, ...] = ()
    per: str = "customer"
    #: (field key, descending) pairs, first first.
    sort: tuple[tuple[str, bool], ...] = ()

    def as_json(self) -> dict:
        return {"fields": list(self.fields), "per": self.per,
                "filters": [{"field": f.key, "op": f.op, "value": f.value} for f in self.filters],
                "sort": [{"field": key, "descending": down} for key, down in self.sort]}

    @classmethod
    def from_json(cls, data: Any) -> Query:
        try:
            return cls(tuple(str(k) for k in data.get("fields") or DEFAULT_FIELDS),
                       tuple(Filter(str(f["field"]), str(f["op"]), str(f.get("value") or ""))
                             for f in data.get("filters") or ()),
                       str(data.get("per") or "customer"),
                       tuple((str(s["field"]), bool(s.get("descending"))) for s in data.get("sort") or ()))
        except (AttributeError, KeyError, TypeError) as exc:
            raise DataSearchError(f"That saved search is damaged ({exc}).") from None


@dataclass
class Result:
    """A search's rows: `records` hold every field's stored value of each row
    (outputs fill letters and labels from them), `columns` the chosen ones."""

    columns: list[SearchField]
    records: list[dict[str, Any]]
    catalog: dict[str, SearchField] = dc_field(repr=False, default_factory=dict)
    #: The query run, every field by its key and operator by its sign (what is saved).
    query: Query = dc_field(default_factory=Query)

    def table(self) -> list[list[str]]:
        """The rows as the screen and the text table show them."""
        return [[column.shown(record.get(column.key)) for column in self.columns] for record in self.records]

    @cached_property
    def customers(self) -> list[dict[str, Any]]:
        """One record per customer, in the result's order (letters, labels, emails)."""
        seen: dict[Any, dict[str, Any]] = {}
        for record in self.records:
            seen.setdefault(record["lead_id"], record)
        return list(seen.values())


def catalog(conn: Connection) -> dict[str, SearchField]:
    """Every field a search can use, by key, in the order a picker lists them."""
    found: dict[str, SearchField] = {}
    for table, prefix, of_job in (("leads", "", False), ("jobs", "job.", True)):
        columns = (Lead if table == "leads" else Job).__table__.c
        for name, spec in specs(table).items():
            if spec.derived or name == "custom":
                continue
            found[prefix + name] = SearchField(prefix + name, spec.label, spec, _kind(name, spec, columns[name].type),
                                               of_job)
    found[LAST_RESULT] = SearchField(LAST_RESULT, "Last Appointment Result", FieldSpec("Last Appointment Result"),
                                     "text")
    rows = conn.execute(select(CustomField.__table__).where(CustomField.deleted.is_(False))).mappings()
    for definition in ordered(Definition.of(row) for row in rows):
        key = f"custom.{definition.key}"
        kind = {"number": "number", "date": "date", "choice": "choice", "yes-no": "yes-no"}.get(definition.kind, "text")
        found[key] = SearchField(key, definition.label, definition.spec, kind, definition=definition)
    return found


def _kind(name: str, spec: FieldSpec, sql_type: Any) -> str:
    if isinstance(sql_type, Boolean):
        return "yes-no"
    if isinstance(sql_type, Date):
        return "date"
    if isinstance(sql_type, (Integer, BigInteger)):
        return "money" if name.endswith("_cents") else "number"
    return "choice" if spec.choices else "text"


def field_of(fields: dict[str, SearchField], key: str) -> SearchField:
    """A field by key, or by its label in any case (what a person types)."""
    if key in fields:
        return fields[key]
    by_label = {f.label.casefold(): f for f in fields.values()}
    try:
        return by_label[key.strip().casefold()]
    except KeyError:
        raise DataSearchError(f"There is no field “{key}”. Fields: {field_names(fields)}.") from None


def field_names(fields: dict[str, SearchField]) -> str:
    """The fields a person may type, by label."""
    return ", ".join(f.label for f in fields.values())


def run(conn: Connection, query: Query) -> Result:
    """The rows `query` finds (deleted rows never), checked first: an unknown
    field, an operator a field does not take or a bad value is refused whole."""
    fields = catalog(conn)
    if query.per not in dict(PER):
        raise DataSearchError(f"A search is per customer or per job, not “{query.per}”.")
    chosen = [field_of(fields, key) for key in query.fields]
    used = chosen + [field_of(fields, f.key) for f in query.filters] + [field_of(fields, k) for k, _ in query.sort]
    if query.per == "customer" and (job_fields := [f.label for f in used if f.of_job]):
        raise DataSearchError(f"{', '.join(dict.fromkeys(job_fields))}: a job's field needs a search per job.")
    last = (select(Appointment.result_code)
            .where(Appointment.lead_id == Lead.id, Appointment.deleted.is_(False),
                   Appointment.result_code.is_not(None))
            .order_by(Appointment.starts_at.desc()).limit(1).scalar_subquery().label(LAST_RESULT))
    columns = [*Lead.__table__.c, last]
    if query.per == "job":
        columns += [column.label(f"job.{column.key}") for column in Job.__table__.c]
    stmt = select(*columns).select_from(Lead.__table__).where(Lead.deleted.is_(False))
    if query.per == "job":
        stmt = stmt.join(Job.__table__, and_(Job.lead_id == Lead.id, Job.deleted.is_(False)))
    for where in (_condition(fields, f, last) for f in query.filters):
        stmt = stmt.where(where)
    for key, descending in query.sort:
        expr = _expression(field_of(fields, key), last)
        stmt = stmt.order_by(expr.is_(None), expr.desc() if descending else expr)
    stmt = stmt.order_by(Lead.last_name, Lead.first_name, Lead.pid)
    if query.per == "job":
        stmt = stmt.order_by(Job.job_number)
    records = [_record(row) for row in conn.execute(stmt).mappings()]
    keyed = Query(tuple(f.key for f in chosen),
                  tuple(Filter(field_of(fields, f.key).key, _sign(f.op), f.value) for f in query.filters),
                  query.per, tuple((field_of(fields, key).key, down) for key, down in query.sort))
    return Result(chosen, records, fields, keyed)


def _sign(op: str) -> str:
    """An operator by its sign, whether typed as one ("<=") or in words ("at most")."""
    op = op.strip().casefold()
    return {label: sign for sign, label in OPERATORS.items()}.get(op, op)


def _record(row: Any) -> dict[str, Any]:
    record = {key: value for key, value in row.items() if key not in ("custom", "id")}
    record["lead_id"] = row["id"]
    record.update({f"custom.{key}": value for key, value in (row["custom"] or {}).items()})
    return record


def _expression(search_field: SearchField, last: Any) -> Any:
    if search_field.key == LAST_RESULT:
        return last
    if search_field.definition is not None:
        value = Lead.custom[search_field.definition.key]
        if search_field.kind == "number":
            return value.as_float()
        return value.as_boolean() if search_field.kind == "yes-no" else value.as_string()
    if search_field.of_job:
        return Job.__table__.c[search_field.key.removeprefix("job.")]
    return Lead.__table__.c[search_field.key]


def _condition(fields: dict[str, SearchField], wanted: Filter, last: Any) -> Any:
    search_field = field_of(fields, wanted.key)
    expr = _expression(search_field, last)
    op = _sign(wanted.op)
    if op not in OPERATORS:
        raise DataSearchError(f"Filter on {search_field.label}: “{wanted.op}” is not an operator; "
                              f"use one of: {', '.join(OPERATORS)}.")
    if op in NO_VALUE:
        empty = expr.is_(None) | (expr == "") if search_field.kind in ("text", "choice") else expr.is_(None)
        return empty if op == "empty" else not_(empty)
    if op == "contains":
        if search_field.kind not in ("text", "choice"):
            raise DataSearchError(f"Filter on {search_field.label}: “contains” is for text fields.")
        if not wanted.value.strip():
            raise DataSearchError(f"Filter on {search_field.label}: give the text it contains.")
        return func.lower(expr).contains(wanted.value.strip().lower(), autoescape=True)
    try:
        value = search_field.typed(wanted.value)
    except Invalid as exc:
        raise DataSearchError(f"Filter on {search_field.label}: {exc}") from None
    if isinstance(value, date) and search_field.definition is not None:
        value = value.isoformat()
    if op in ("=", "!=") and search_field.kind == "text" and isinstance(value, str):
        same = func.lower(expr) == value.lower()
        return same if op == "=" else or_(not_(same), expr.is_(None))
    compare = {"=": expr.__eq__, "!=": expr.__ne__, "<": expr.__lt__, "<=": expr.__le__, ">": expr.__gt__,
               ">=": expr.__ge__}[op]
    return or_(compare(value), expr.is_(None)) if op == "!=" else compare(value)


_OPERATOR = re.compile(r"^\s*(.+?)\s+(" + "|".join(re.escape(word) for word in sorted(
    {*OPERATORS, *OPERATORS.values()}, key=len, reverse=True)) + r")(?:\s+(.*?))?\s*$", re.IGNORECASE)


def parse_filters(text: str) -> tuple[Filter, ...]:
    """Filters as typed, ";" between them: "State = IL; Home Built < 1950; Email is filled in"."""
    found = []
    for part in (p for p in text.split(";") if p.strip()):
        match = _OPERATOR.match(part)
        if match is None:
            raise DataSearchError(f"A filter is FIELD OPERATOR VALUE, like “State = IL” (not “{part.strip()}”); "
                                  f"operators: {', '.join(OPERATORS)}.")
        found.append(Filter(match[1], match[2], match[3] or ""))
    return tuple(found)


def parse_sort(text: str) -> tuple[tuple[str, bool], ...]:
    """Sort fields as typed, "," between them, "-" before one sorted down: "-Home Built, PID"."""
    return tuple((part.strip().removeprefix("-").strip(), part.strip().startswith("-"))
                 for part in text.split(",") if part.strip().removeprefix("-").strip())


def describe(query: Query, fields: dict[str, SearchField]) -> tuple[str, str, str]:
    """(fields, filters, sort) of `query` as a person types them (labels where the field is known)."""
    def label(key: str) -> str:
        return fields[key].label if key in fields else key

    return (", ".join(label(key) for key in query.fields),
            "; ".join(" ".join(p for p in (label(f.key), OPERATORS[f.op] if f.op in NO_VALUE else f.op, f.value) if p)
                      for f in query.filters),
            ", ".join(("-" if down else "") + label(key) for key, down in query.sort))


# --- saved searches and the last run -----------------------------------------


def saved(session: Session, user_id: uuid.UUID) -> list[SavedSearch]:
    """The user's saved searches, by name."""
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id,
                                                          SavedSearch.deleted.is_(False))
                                .order_by(func.lower(SavedSearch.name))))


def find_saved(rows: Iterable[SavedSearch], name: str) -> SavedSearch | None:
    return next((row for row in rows if row.name.casefold() == name.strip().casefold()), None)


def save(session: Session, actor: Any, name: str, query: Query) -> SavedSearch:
    """Save `query` under `name` (replacing the user's search of that name), checked first."""
    from rep_tui.store import writes

    name = name.strip()
    if not name:
        raise DataSearchError("Give the search a name to save it under.")
    if len(name) > 80:
        raise DataSearchError("A search's name is at most 80 characters.")
    query = run(session.connection(), query).query
    existing = find_saved(saved(session, actor.user_id), name)
    if existing is None:
        return writes.insert(session, actor, SavedSearch(user_id=actor.user_id, name=name, query=query.as_json()))
    writes.update(session, actor, existing, query=query.as_json())
    return existing


@dataclass(frozen=True)
class LastRun:
    """The last search run on this device and the output it wrote, to reopen."""

    query: Query
    name: str | None = None
    output: str | None = None
    path: str | None = None


def remember(session: Session, last: LastRun) -> None:
    from rep_tui.store.queries import set_setting

    set_setting(session, _LAST_RUN, json.dumps({"query": last.query.as_json(), "name": last.name,
                                                "output": last.output, "path": last.path}))


def last_run(session: Session) -> LastRun | None:
    from rep_tui.store.queries import get_setting

    text = get_setting(session, _LAST_RUN)
    if not text:
        return None
    data = json.loads(text)
    return LastRun(Query.from_json(data["query"]), data.get("name"), data.get("output"), data.get("path"))


def export(session: Session, user_id: uuid.UUID, query: Query, output: str, path: str, *,
           template: str | None = None, name: str | None = None) -> str:
    """Write `query`'s rows to the file at `path` as `output` for the user
    `user_id`, who needs EXPORT; remembered as this device's last run.
    Returns what was written, in words."""
    from pathlib import Path

    from rep_tui.domain.permissions import Permission
    from rep_tui.outputs import render
    from rep_tui.store.models import User
    from rep_tui.store.queries import permissions_of

    user = session.get(User, user_id)
    if user is None or Permission.EXPORT not in permissions_of(session, user):
        raise DataSearchError(f"Writing a search to a file needs the permission “{Permission.EXPORT.label}”, "
                              "which your group lacks.")
    if not path.strip():
        raise DataSearchError("Give the file to write, like ~/mailing.csv.")
    result = run(session.connection(), query)
    data, said = render(result, output, template)
    target = Path(path.strip()).expanduser()
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise DataSearchError(f"Could not write {target}: {exc.strerror or exc}.") from None
    remember(session, LastRun(result.query, name, output, str(target)))
    return f"{said} written to {target}"
