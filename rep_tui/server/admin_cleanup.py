"""The office's clean-up utilities, from the server's box: one phone number
held twice on a customer, an area code split (630 becomes 331 in some
towns), old leads nobody worked. Each one is previewed with a dry run
(written and checked as for real, then rolled back, so the preview is
exactly what the run does), writes through the push path in one
transaction as the office (devices pull it like any change, with its
history), and is recorded (`server_cleanup_runs`) with every value it
changed, so `undo` puts them back, refusing where one was changed since."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Iterable

from sqlalchemy import Connection, Engine, and_, bindparam, exists, func, insert, or_, select, update

from rep_tui.clock import utcnow
from rep_tui.domain.duplicates import PHONE_FIELDS
from rep_tui.domain.fields import specs
from rep_tui.domain.rules import check_value
from rep_tui.domain.validation import Invalid, check_zip, format_phone, normalize_phone
from rep_tui.server import scoping
from rep_tui.server.admin import ADMIN, AdminError, Change, _write
from rep_tui.server.admin_merge import NotFound
from rep_tui.server.db import PENDING
from rep_tui.server.models import CleanupRun
from rep_tui.store.models import SYNCED_TABLES, Appointment, Job, Lead
from rep_tui.store.serialize import from_json, to_json

#: Rows a text report shows; `--json` lists them all.
FIRST_ROWS = 10
#: The phone fields a rep types, in their order on the form: a number held twice stays in the first.
PHONES = tuple(name.removesuffix("_e164") for name in PHONE_FIELDS)
_AREA_CODE = re.compile(r"[2-9]\d\d")
CHUNK = 500


@dataclass
class Row:
    """One customer a run changes, in words and as {column: (before, after)} column values."""

    pid: int
    name: str
    said: str
    lead_id: uuid.UUID
    fields: dict[str, tuple[Any, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"pid": self.pid, "name": self.name, "change": self.said,
                "fields": {n: {"before": to_json(b), "after": to_json(a)} for n, (b, a) in self.fields.items()}}


@dataclass
class CleanupReport:
    kind: str
    dry_run: bool
    rows: list[Row] = field(default_factory=list)
    #: What was found but left as it is, in words (a number that would not be valid).
    left_alone: list[str] = field(default_factory=list)
    run_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "kind": self.kind, "dry_run": self.dry_run, "changed": len(self.rows),
                "rows": [row.as_json() for row in self.rows], "left_alone": self.left_alone}

    def text(self) -> str:
        head = (f"Would change {len(self.rows)} customer(s)" if self.dry_run
                else f"Clean-up run {self.run_id}: changed {len(self.rows)} customer(s)" if self.rows
                else "Nothing to change")
        lines = [f"{self.kind}: {head}" + (":" if self.rows else ".")]
        lines += [f"  PID {row.pid} {row.name}: {row.said}" for row in self.rows[:FIRST_ROWS]]
        if len(self.rows) > FIRST_ROWS:
            lines.append(f"  … and {len(self.rows) - FIRST_ROWS} more (--json lists them all).")
        if self.left_alone:
            lines.append(f"Left alone ({len(self.left_alone)}):")
            lines += [f"  {line}" for line in self.left_alone]
        if self.rows and not self.dry_run:
            lines.append(f"Undo: rep-tui admin cleanup --undo {self.run_id}")
        return "\n".join(lines)


class _DryRun(Exception):
    """Everything checked and written in the transaction, which is rolled back."""


def _name(lead: Any) -> str:
    return f"{lead.first_name or ''} {lead.last_name or ''}".strip()


#: A utility's plan: given the open transaction, the rows to change and what it leaves alone.
Plan = Callable[[Connection], tuple[list[Row], list[str]]]


def _run(engine: Engine, kind: str, options: dict[str, Any], plan: Plan, *, dry_run: bool,
         deletes: bool = False) -> CleanupReport:
    """Write what `plan` finds as the office in one transaction and record
    it for undo (or, on `dry_run`, roll it all back). A deletion takes what
    hangs off the lead with it (the push path's own delete): those rows are
    recorded too, so undo brings them back."""
    from rep_tui.server import push

    def attempt() -> CleanupReport:
        with push.office_transaction(engine, ADMIN, f"admin-{uuid.uuid4().hex}") as state:
            rows, left_alone = plan(state.conn)
            report = CleanupReport(kind, dry_run, rows, left_alone)
            mark = len(state.stamped)
            _write(state, [Change("leads", row.lead_id, "update", row.fields, f"PID {row.pid}") for row in rows])
            if dry_run:
                raise _DryRun(report)
            if not rows:
                return report
            recorded = [{"table": "leads", "id": str(row.lead_id), "pid": row.pid,
                         "fields": {n: [to_json(b), to_json(a)] for n, (b, a) in row.fields.items()}}
                        for row in rows]
            if deletes:  # every row the deletes took along (the leads are recorded above)
                leads = {row.lead_id for row in rows}
                recorded += [{"table": table, "id": str(row_id), "fields": {"deleted": [False, True]}}
                             for table, row_id in dict.fromkeys(state.stamped[mark:])
                             if not (table == "leads" and row_id in leads)]
            report.run_id = state.conn.execute(insert(CleanupRun).values(
                at=utcnow(), kind=kind, options=options, changes=recorded).returning(CleanupRun.id)).scalar_one()
            return report

    try:
        return push.retried(attempt)
    except _DryRun as dry:
        return dry.args[0]


def _live_leads(*columns: Any) -> Any:
    return select(Lead.id, Lead.pid, Lead.first_name, Lead.last_name, *columns).where(
        Lead.deleted.is_(False), Lead.pid.is_not(None)).order_by(Lead.pid)


def _phone_columns() -> list[Any]:
    return [Lead.__table__.c[n] for name in PHONES for n in (name, f"{name}_e164")]


# --- one number held twice --------------------------------------------------------------


def duplicate_phones(engine: Engine, *, pid: int | None = None, dry_run: bool = False) -> CleanupReport:
    """On each customer (or the one with `pid`), a number held in two phone
    fields (the same in E.164) stays in the first of home, cell, work; the
    others are cleared."""
    labels = specs("leads")

    def plan(conn: Connection) -> tuple[list[Row], list[str]]:
        stmt = _live_leads(*_phone_columns())
        leads = conn.execute(stmt if pid is None else stmt.where(Lead.pid == pid)).all()
        if pid is not None and not leads:
            raise NotFound(f"No customer {pid}.")
        rows = []
        for lead in leads:
            kept: dict[str, str] = {}  # E.164: the field holding it
            fields: dict[str, tuple[Any, Any]] = {}
            said = []
            for name in PHONES:
                number = getattr(lead, f"{name}_e164")
                if number and number in kept:
                    fields |= {name: (getattr(lead, name), None), f"{name}_e164": (number, None)}
                    said.append(f"{labels[name].label} {getattr(lead, name)} cleared "
                                f"(kept in {labels[kept[number]].label})")
                elif number:
                    kept[number] = name
            if fields:
                rows.append(Row(lead.pid, _name(lead), "; ".join(said), lead.id, fields))
        return rows, []

    return _run(engine, "duplicate-phones", {"lead": pid}, plan, dry_run=dry_run)


# --- an area code split ------------------------------------------------------------------


def area_code(value: str, option: str) -> str:
    """A North American area code (three digits, the first 2 to 9), or AdminError naming `option`."""
    if not _AREA_CODE.fullmatch(value.strip()):
        raise AdminError(f"{option}: {value!r} is not an area code: three digits, the first 2 to 9 (like 630).")
    return value.strip()


def _renumbered(typed: str, number: str, to: str) -> str:
    """The phone as typed with the area code of `number` (E.164, +1 and ten
    digits) replaced by `to`, its format (and an extension) kept."""
    national = number[2:]
    positions = [i for i, ch in enumerate(typed) if ch.isdigit()]
    start = "".join(typed[i] for i in positions).find(national)
    if start < 0:  # typed some other way than its E.164 says: write it plainly
        return format_phone(f"+1{to}{national[3:]}")
    chars = list(typed)
    for digit, at in zip(to, positions[start:start + 3]):
        chars[at] = digit
    return "".join(chars)


def _checked_phone(name: str, typed: str) -> str:
    """The E.164 form of a phone for field `name`, by the field's own rules, or Invalid."""
    columns = Lead.__table__.c
    check_value(columns[name], typed)
    number = normalize_phone(typed)
    if number is None:
        raise Invalid("Not a valid phone number (check the area code and length).")
    check_value(columns[f"{name}_e164"], number)
    return number


def change_area_code(engine: Engine, old: str, new: str, *, cities: Iterable[str] = (), zips: Iterable[str] = (),
                     dry_run: bool = False) -> CleanupReport:
    """Every phone with area code `old` of the customers in `cities` (any
    case) or `zips` gets area code `new`; a number that would not be valid
    then (by the phone field's rule) is listed and left alone."""
    old, new = area_code(old, "--from"), area_code(new, "--to")
    if old == new:
        raise AdminError(f"--from and --to are both {old}: nothing would change.")
    towns = sorted({" ".join(city.split()).lower() for city in cities if city.strip()})
    try:
        places = sorted({check_zip(z.strip())[:5] for z in zips if z.strip()})  # type: ignore[index]
    except Invalid as exc:
        raise AdminError(f"--zip: {exc}") from None
    if not towns and not places:
        raise AdminError("Say where: --city NAME or --zip ZIP (each may be given more than once).")
    labels = specs("leads")

    def plan(conn: Connection) -> tuple[list[Row], list[str]]:
        where = or_(func.lower(func.trim(Lead.city)).in_(towns), func.substr(Lead.zip, 1, 5).in_(places))
        rows, left_alone = [], []
        for lead in conn.execute(_live_leads(*_phone_columns()).where(where)):
            fields: dict[str, tuple[Any, Any]] = {}
            said = []
            for name in PHONES:
                typed, number = getattr(lead, name), getattr(lead, f"{name}_e164")
                if not (typed and number and number.startswith(f"+1{old}") and len(number) == 12):
                    continue
                new_typed = _renumbered(typed, number, new)
                try:
                    new_number = _checked_phone(name, new_typed)
                except Invalid as exc:
                    left_alone.append(f"PID {lead.pid} {_name(lead)}: {labels[name].label} {typed} -> {new_typed}: "
                                      f"{exc}")
                    continue
                fields |= {name: (typed, new_typed), f"{name}_e164": (number, new_number)}
                said.append(f"{labels[name].label} {typed} -> {new_typed}")
            if fields:
                rows.append(Row(lead.pid, _name(lead), "; ".join(said), lead.id, fields))
        return rows, left_alone

    return _run(engine, "area-code", {"from": old, "to": new, "city": towns, "zip": places}, plan,
                dry_run=dry_run)


# --- leads nobody worked -------------------------------------------------------------------


def stale_leads(engine: Engine, older_than_days: int, *, dry_run: bool = False) -> CleanupReport:
    """Delete (as a rep's delete: softly, with what hangs off them) the
    customers created more than `older_than_days` ago with no job and no
    appointment."""
    if older_than_days < 1:
        raise AdminError(f"--older-than: {older_than_days} is not a number of days (1 or more).")
    cutoff = utcnow() - timedelta(days=older_than_days)

    def plan(conn: Connection) -> tuple[list[Row], list[str]]:
        worked = [exists().where(model.lead_id == Lead.id, model.deleted.is_(False)) for model in (Job, Appointment)]
        leads = conn.execute(_live_leads(Lead.created_at).where(
            Lead.created_at < cutoff, and_(*(~w for w in worked))))
        return [Row(lead.pid, _name(lead), f"created {lead.created_at:%Y-%m-%d}, no job or appointment: deleted",
                    lead.id, {"deleted": (False, True)}) for lead in leads], []

    return _run(engine, "stale-leads", {"older_than": older_than_days}, plan, dry_run=dry_run, deletes=True)


# --- past runs and undo --------------------------------------------------------------------


@dataclass(frozen=True)
class RunLine:
    """A past run, as `cleanup --list` shows it (its options as the CLI's)."""

    run_id: int
    at: Any
    kind: str
    options: dict[str, Any]
    rows: int
    undone_at: Any

    def as_json(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "at": to_json(self.at), "kind": self.kind, "options": self.options,
                "rows": self.rows, "undone_at": to_json(self.undone_at)}

    def text(self) -> str:
        given = [f"--{name.replace('_', '-')} {value}" for name, values in self.options.items()
                 for value in (values if isinstance(values, list) else [values]) if value is not None]
        undone = f"  (undone {self.undone_at:%Y-%m-%d %H:%M})" if self.undone_at else ""
        asked = " ".join([self.kind, *given])
        return f"{self.run_id:>4}  {self.at:%Y-%m-%d %H:%M}  {asked}: {self.rows} row(s){undone}"


def list_runs(engine: Engine) -> list[RunLine]:
    """Every clean-up run, newest first."""
    with engine.connect() as conn:
        runs = conn.execute(select(CleanupRun.__table__).order_by(CleanupRun.id.desc())).all()
    return [RunLine(run.id, run.at, run.kind, run.options, len(run.changes), run.undone_at) for run in runs]


def _current(conn: Connection, table: str, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
    found = {}
    for start in range(0, len(ids), CHUNK):
        found |= {row["id"]: dict(row) for row in conn.execute(select(t).where(t.c.id.in_(ids[start:start + CHUNK])))
                  .mappings()}
    return found


def _refusals(changes: list[dict[str, Any]], current: dict[tuple[str, uuid.UUID], dict[str, Any]]) -> list[str]:
    """Each row a run changed that was changed again since, in words (undo would throw that change away)."""
    labels = specs("leads")
    found = []
    for change in changes:
        row = current.get((change["table"], uuid.UUID(change["id"])))
        who = f"PID {change['pid']}" if change.get("pid") else f"{change['table']} row {change['id']}"
        if row is None:
            found.append(f"{who} is gone")
            continue
        changed = {name: after for name, (_before, after) in change["fields"].items() if to_json(row[name]) != after}
        if row["deleted"] and "deleted" not in change["fields"]:
            found.append(f"{who} was deleted since")
        elif "deleted" in changed:
            found.append(f"{who} is no longer deleted")
        elif changed:  # named by the field a rep sees (a phone, not its E.164 form)
            name = next((n for n in changed if n in labels and not labels[n].derived), next(iter(changed)))
            label = labels[name].label if name in labels else name
            found.append(f"{who} {label} is now {to_json(row[name])!r}, not {changed[name]!r} as the run left it")
    return found


def undo(engine: Engine, run_id: int) -> RunLine:
    """Put back every value clean-up run `run_id` changed (and bring back
    what it deleted). Refused, naming each row, when one was changed since."""
    from rep_tui.server import push

    def attempt() -> RunLine:
        with push.office_transaction(engine, ADMIN, f"admin-{uuid.uuid4().hex}") as state:
            conn = state.conn
            run = conn.execute(select(CleanupRun.__table__).where(CleanupRun.id == run_id).with_for_update()).first()
            if run is None:
                raise NotFound(f"No clean-up run {run_id} (see `rep-tui admin cleanup --list`).")
            if run.undone_at is not None:
                raise AdminError(f"Clean-up run {run_id} was undone already ({run.undone_at:%Y-%m-%d %H:%M} UTC).")
            current: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
            for table in dict.fromkeys(change["table"] for change in run.changes):
                ids = [uuid.UUID(c["id"]) for c in run.changes if c["table"] == table]
                current |= {(table, row_id): row for row_id, row in _current(conn, table, ids).items()}
            refusals = _refusals(run.changes, current)
            if refusals:
                raise AdminError(f"Clean-up run {run_id} cannot be undone without losing later work:\n  "
                                 + "\n  ".join(refusals))
            revived: dict[str, list[dict[str, Any]]] = {}  # by table, leads first: then what hangs off them
            for change in sorted(run.changes, key=lambda c: c["table"] != "leads"):
                if "deleted" in change["fields"]:
                    revived.setdefault(change["table"], []).append(current[change["table"], uuid.UUID(change["id"])])
            for table, rows in revived.items():
                _revive(state, table, rows)
            columns = Lead.__table__.c
            _write(state, [Change("leads", uuid.UUID(c["id"]), "update", {
                n: (from_json(columns[n].type, after), from_json(columns[n].type, before))
                for n, (before, after) in c["fields"].items()}, f"PID {c['pid']}")
                for c in run.changes if "deleted" not in c["fields"]])
            undone_at = utcnow()
            conn.execute(update(CleanupRun).where(CleanupRun.id == run_id).values(undone_at=undone_at))
            return RunLine(run_id, run.at, run.kind, run.options, len(run.changes), undone_at)

    return push.retried(attempt)


def _revive(state: Any, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows the run deleted, live again with new versions (devices pull them
    back): the push path refuses to change a deleted row, so as a merge's undo does."""
    from rep_tui.server import push

    t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
    state.conn.execute(update(t).where(t.c.id == bindparam("_id")).values(deleted=False, version=PENDING,
                                                                           updated_at=utcnow()),
                       [{"_id": row["id"]} for row in rows])
    for row in rows:
        state.stamped.append((table, row["id"]))
        push._record(state, table, row["id"], scoping.lead_of(state.conn, table, row), "*", "deleted", "present",
                     "edit")
