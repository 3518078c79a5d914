"""Applying a device's mutations: each exactly once, in order, field by field.

One transaction per push, which first locks the device's sequence row (a
retry while the first attempt still runs waits for it) and stores the last
applied sequence, so a retried push after a lost reply is harmless. A copy
of a push that races the original (a proxy sending it twice) still says
what the device had sent before it (`sent_seq`), as an old copy of the
device's database would; the digest of the last push's mutations, stored
beside the sequence, tells the two apart, and the copy is answered like a
retry. Each mutation runs in a savepoint: a bad one is rejected with a reason and the
rest go through. When the mutation's base value of a field is not the
server's current value, the server's value stays; the losing value goes to
the change history (kind "conflict") and back to the device.

Rows are written with the PENDING version; only at the end does the push
take the version lock, give every row it wrote (and every scope exit, change record and
human number) its value in a few bulk statements, and commit. Pushes thus
run side by side and are serialised only for that last step."""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Iterator, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import ARRAY, JSON, BigInteger, Boolean, Connection, Engine, Integer, Numeric, String, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError, StatementError

from rep_tui.clock import utcnow
from rep_tui.domain.custom_fields import Definition, check_custom, merge_values
from rep_tui.domain.money import ALL_SHARES, balance_due, pct_text, share_cents, shares_refusal
from rep_tui.domain.permissions import Permission
from rep_tui.domain.rules import check_value
from rep_tui.domain.rules import printable as _printable
from rep_tui.domain.validation import Invalid, format_money
from rep_tui.server import blobs, merges, reminders, scoping
from rep_tui.server.auth import Principal
from rep_tui.server.db import PENDING, dialect_insert, take_versions, write_transaction
from rep_tui.server.models import ClientSequence, PushRejection, RowBirth, ScopeExit
from rep_tui.store.models import (
    SYNCED_TABLES, ChangeRecord, CustomField, Job, JobStatus, JobUser, Lead, Note, Payment, ResultCode, User,
)
from rep_tui.store.serialize import SYNC_COLUMNS_EXCLUDED, from_json, to_json
from rep_tui.sync.protocol import Conflict, Mutation, MutationResult, PushRequest, PushResponse
from rep_tui.sync.tables import FIXED_COLUMNS, JOB_CHILDREN, LEAD_CHILDREN, SERVER_DERIVED, SERVER_NUMBERS

T = TypeVar("T")
NUMBER_START = {"pid": 100000, "job_number": 200000}
#: Columns that decide who may see a row: changing one needs a new scope check.
SCOPE_COLUMNS = frozenset({"rep_id", "lead_id", "job_id", "team_id", "manager_id"})
#: PostgreSQL's deadlock_detected and serialization_failure: two pushes
#: locked the same rows in opposite orders; the loser rolls back and retries.
TRANSIENT_STATES = frozenset({"40P01", "40001"})
ATTEMPTS = 5
#: Ids per IN (...) list: well under every backend's limit on bound parameters.
CHUNK = 500
#: A device's sequence numbers count up one by one: a push that jumps further
#: ahead of what was applied is refused, so no number can make the device's
#: later pushes look like duplicates.
MAX_SEQ_JUMP = 1_000_000_000
#: Columns of record the server fills in on insert from the token and its
#: clock (and never takes from a device on update): who wrote, who uploaded,
#: when. Admins (the office, its imports) may give them for others; the server
#: fills in what they leave empty.
IDENTITY: dict[str, dict[str, Callable[[Principal], Any]]] = {
    "comments": {"author_id": lambda user: user.id, "author_name": lambda user: user.full_name,
                 "created_at": lambda _user: utcnow()},
    "notes": {"author_name": lambda user: user.full_name, "created_at": lambda _user: utcnow()},
    "attachments": {"uploaded_by": lambda user: user.id, "created_at": lambda _user: utcnow()},
    "leads": {"created_at": lambda _user: utcnow()},
}


#: Columns that hold a code of one of the office's lists: {(table, column): (list, what it is)};
#: a value given now must be an active code of that list.
CODE_LISTS: dict[tuple[str, str], tuple[Any, str]] = {
    ("appointments", "result_code"): (ResultCode, "result code"), ("jobs", "result_code"): (ResultCode, "result code"),
    ("jobs", "status"): (JobStatus, "job status"),
}


class SequenceOutOfRange(ValueError):
    """A push whose sequence numbers the server cannot take (answered 409)."""


class Rejected(Exception):
    """A mutation the server will not apply; the message is shown to the rep."""


@dataclass
class Push:
    """One push transaction and what it must finish before commit."""

    conn: Connection
    user: Principal
    client_id: str
    history: list[dict[str, Any]] = field(default_factory=list)
    #: (table, row id) of every row written with the PENDING version.
    stamped: list[tuple[str, uuid.UUID]] = field(default_factory=list)
    #: ScopeExit rows (lead_id, user_id) and RowBirth rows (table_name, row_id), each to get a version.
    exits: list[dict[str, Any]] = field(default_factory=list)
    births: list[dict[str, Any]] = field(default_factory=list)
    #: (table, id) of rows a reference may name without asking the database again
    #: (only checks that no scope limits; forgotten on every rollback).
    present: set[tuple[str, Any]] = field(default_factory=set)
    #: Who sees each rep's leads, as asked so far (forgotten when users or teams change, and on every rollback).
    seen_by: dict[Any, set[uuid.UUID]] = field(default_factory=dict)
    #: Leads whose viewers changed: their trees get new versions before commit, all in a few statements.
    moved: list[uuid.UUID] = field(default_factory=list)
    #: The office's custom fields by key, as read for this push (forgotten when they change, and on every rollback).
    _definitions: dict[str, Definition] | None = None
    #: Merged-away customers and where they live on (`merges.survivors`), as read for this push.
    _survivors: dict[uuid.UUID, uuid.UUID] | None = None

    def mark(self) -> tuple[int, ...]:
        return len(self.history), len(self.stamped), len(self.exits), len(self.births), len(self.moved)

    def undo(self, mark: tuple[int, ...]) -> None:
        """Forget what a rolled-back savepoint recorded."""
        for items, size in zip((self.history, self.stamped, self.exits, self.births, self.moved), mark):
            del items[size:]
        self.present.clear()
        self.seen_by.clear()
        self._definitions = None

    def viewers(self, rep_id: Any) -> set[uuid.UUID]:
        """`scoping.viewers`, asked once per rep while no user or team changes (a reassignment of many leads)."""
        if rep_id not in self.seen_by:
            self.seen_by[rep_id] = scoping.viewers(self.conn, rep_id)
        return self.seen_by[rep_id]

    def wrote(self, table: str) -> None:
        """A row of `table` changed: who sees whose leads may have changed with it."""
        if table in ("users", "teams", "user_groups"):  # groups: who sees unassigned leads
            self.seen_by.clear()
        if table == "custom_fields":
            self._definitions = None

    def survivors(self) -> dict[uuid.UUID, uuid.UUID]:
        if self._survivors is None:
            self._survivors = merges.survivors(self.conn)
        return self._survivors

    def definitions(self) -> dict[str, Definition]:
        """The custom fields `leads.custom` is checked against: the server's, whatever the device knew."""
        if self._definitions is None:
            rows = self.conn.execute(select(CustomField.__table__).where(CustomField.deleted.is_(False))).mappings()
            self._definitions = {row["key"]: Definition.of(row) for row in rows}
        return self._definitions


def _row(conn: Connection, table: str, row_id: uuid.UUID) -> dict[str, Any] | None:
    t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
    found = conn.execute(select(t).where(t.c.id == row_id)).mappings().first()
    return dict(found) if found else None


#: JSON types a column's value may arrive as (None is always allowed here).
_WIRE_KINDS: list[tuple[type, tuple[type, ...], str]] = [
    (Boolean, (bool,), "true or false"),
    (Integer, (int,), "a whole number"),
    (Numeric, (str, int, float), "a number"),
    (JSON, (dict, list, str, int, float, bool), "JSON"),
    (String, (str,), "text"),
]


def _wire_kind(column: Any, value: Any) -> None:
    """Refuse a JSON value of the wrong kind before converting it (so "false" is not taken as true)."""
    for col_type, kinds, words in _WIRE_KINDS:
        if isinstance(column.type, col_type):
            if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
                raise Rejected(f"{column.key}: it must be {words}")
            return
    if not isinstance(value, str):  # dates, times and ids travel as text
        raise Rejected(f"{column.key}: it must be text")


def decode(table: str, fields: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Step 1: the mutation's JSON as {column: (base, new)} column values,
    without the columns the server owns (id, version, human numbers)."""
    cols = SYNCED_TABLES[table].__table__.columns  # type: ignore[attr-defined]
    out = {}
    for name, pair in fields.items():
        if name not in cols:
            raise Rejected(f"{table} has no field {_printable(repr(name))}")
        if name in SYNC_COLUMNS_EXCLUDED or name == SERVER_NUMBERS.get(table) or name in SERVER_DERIVED.get(table, ()):
            continue
        if not isinstance(pair, list) or len(pair) != 2:
            raise Rejected(f"field {name!r} must be [base, new]")
        try:
            decoded = []
            for value in pair:
                if value is not None:
                    _wire_kind(cols[name], value)
                decoded.append(from_json(cols[name].type, value))
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise Rejected(_printable(f"bad value for {name!r}: {exc}")) from None
        out[name] = (decoded[0], decoded[1])
    return out


@lru_cache(maxsize=None)
def _required(table: str) -> frozenset[str]:
    """Columns a new row must be given: no default, not nullable, not filled in by the server."""
    return frozenset(c.key for c in SYNCED_TABLES[table].__table__.columns  # type: ignore[attr-defined]
                     if not (c.nullable or c.primary_key or c.default is not None or c.server_default is not None)
                     and c.key not in IDENTITY.get(table, {}))


def check(push: Push, m: Mutation, fields: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    """Step 2: every new value against the rules the app's forms use
    (`domain/rules.py`), and the identity fields set from the token and the
    server's clock whatever the device sent: they are dropped here and
    filled in by `write` for a new row."""
    cols = SYNCED_TABLES[m.table].__table__.columns  # type: ignore[attr-defined]
    missing = _required(m.table) - fields.keys() if m.op == "insert" else ()
    if missing:
        raise Rejected(f"a new {m.table} row needs {', '.join(sorted(missing))}")
    _check_row_key(m, fields)
    for name, (base, new) in fields.items():
        if name in IDENTITY.get(m.table, {}) and push.user.role != "admin":
            continue
        try:
            check_value(cols[name], new)
            if (m.table, name) == ("leads", "custom") and new is not None:
                check_custom(push.definitions(), base if m.op == "update" else None, new)
        except Invalid as exc:
            raise Rejected(_printable(f"{name}: {exc}")) from None
        if m.op == "update" and name in FIXED_COLUMNS.get(m.table, ()) and new != base:
            raise Rejected(f"{name}: fixed once the row is made (deactivate it and add another)")
        if (m.table, name) in CODE_LISTS and new is not None and new != base:
            _check_code(push, name, new, *CODE_LISTS[m.table, name])
        if cols[name].foreign_keys and new is not None:
            _check_reference(push, cols[name], new)
    ticker = fields.get("done_by_id", (None, None))[1]
    if m.table == "job_checklist" and ticker not in (None, push.user.id) and push.user.role != "admin":
        raise Rejected("done_by_id: a checklist tick is signed by whoever ticks it")
    if m.table == "notes":
        _check_job_of_lead(push, m, fields)
    if m.table == "reminders":
        try:
            fields = reminders.vet(push, m, fields)
        except reminders.Refused as exc:
            raise Rejected(str(exc)) from None
    if push.user.role == "admin":  # the office writes on behalf of others (an import's "Import" notes)
        return fields
    return {name: pair for name, pair in fields.items() if name not in IDENTITY.get(m.table, {})}


def _check_row_key(m: Mutation, fields: dict[str, tuple[Any, Any]]) -> None:
    """A row that is one per pair (a rep's month's target, a job's checklist
    item) has its id made from the pair (`Model.id_for`), so two devices can
    never make two: the id must be the pair's, and the pair never changes."""
    model = SYNCED_TABLES[m.table]
    key = getattr(model, "KEY", None)
    if key is None:
        return
    words = " and ".join(name.removesuffix("_id") for name in key)
    if m.op == "insert":
        values = [fields[name][1] for name in key]
        if None not in values and m.row_id != model.id_for(*values):  # type: ignore[attr-defined]
            raise Rejected(f"a {m.table} row's id is made from its {words} (one row per {words})")
    elif any(name in fields and fields[name][0] != fields[name][1] for name in key):
        raise Rejected(f"a {m.table} row's {words} do not change: write the other one's row instead")


def _check_job_of_lead(push: Push, m: Mutation, fields: dict[str, tuple[Any, Any]]) -> None:
    """A note about a job is about one of its own lead's jobs."""
    job_id = fields.get("job_id", (None, None))[1]
    if job_id is None:
        return
    lead_id = fields["lead_id"][1] if "lead_id" in fields else push.conn.execute(
        select(Note.lead_id).where(Note.id == m.row_id)).scalar()
    if push.conn.execute(select(Job.lead_id).where(Job.id == job_id)).scalar() != lead_id:
        raise Rejected("job_id: that job is not one of this note's lead's jobs")


def _check_reference(push: Push, column: Any, row_id: Any) -> None:
    """A reference must name a row the user may see (said before the database
    would say it in its own words; a row out of sight gets the same answer
    as one that does not exist, so ids cannot be probed)."""
    target = next(iter(column.foreign_keys)).column
    clause = scoping.row_filter(target.table.name, push.user)
    if clause is None and (target.table.name, row_id) in push.present:
        return
    stmt = select(target).where(target == row_id)
    if push.conn.execute(stmt if clause is None else stmt.where(clause)).first() is None:
        raise Rejected(f"{column.key}: no such {target.table.name} row")
    if clause is None:
        push.present.add((target.table.name, row_id))


def _check_code(push: Push, name: str, code: str, model: Any, what: str) -> None:
    """A result (or job status) given now must be one of the office's active
    codes (a code already stored stays valid after the office retires it)."""
    active = set(push.conn.execute(select(model.code).where(
        model.active.is_(True), model.deleted.is_(False))).scalars())
    if code not in active:
        raise Rejected(_printable(f"{name}: {code!r} is not an active {what} "
                                  f"({', '.join(sorted(active)) or 'the office has none'})"))


def _record(push: Push, table: str, row_id: uuid.UUID, lead_id: Any, fld: str, old: Any, new: Any, kind: str) -> None:
    push.history.append({
        "table_name": table, "row_id": row_id, "lead_id": lead_id, "field": fld,
        "old_value": None if old is None else str(to_json(old)),
        "new_value": None if new is None else str(to_json(new)),
        "user_id": push.user.id, "user_name": push.user.full_name, "device_id": push.client_id,
        "kind": kind, "at": utcnow(),
    })


def touch(push: Push, table: str, row_ids: list[uuid.UUID]) -> None:
    """Give rows new versions so every device that may see them pulls them again
    (writing the placeholder locks them now; the version comes at the end)."""
    if not row_ids:
        return
    t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
    for start in range(0, len(row_ids), CHUNK):
        push.conn.execute(update(t).where(t.c.id.in_(row_ids[start:start + CHUNK])).values(version=PENDING))
    push.stamped.extend((table, rid) for rid in row_ids)


def _touch_moved_trees(push: Push) -> None:
    """Leads changed hands: their new viewers' devices need everything under
    them (a few statements per CHUNK leads, however many a push moved)."""
    moved = list(dict.fromkeys(push.moved))
    for start in range(0, len(moved), CHUNK):
        leads = moved[start:start + CHUNK]
        touch(push, "leads", leads)
        jobs = select(Job.id).where(Job.lead_id.in_(leads))
        for table in sorted(LEAD_CHILDREN | JOB_CHILDREN):
            t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
            where = t.c.lead_id.in_(leads) if table in LEAD_CHILDREN else t.c.job_id.in_(jobs)
            touched = push.conn.execute(update(t).where(where).values(version=PENDING).returning(t.c.id)).scalars()
            push.stamped.extend((table, row_id) for row_id in touched)
    push.moved.clear()


def _reps_behind(conn: Connection, table: str, current: dict[str, Any], changes: dict[str, Any]) -> list:
    """Reps whose leads may change viewers with this change."""
    if table == "users" and "team_id" in changes:
        return [current["id"]]
    if table == "teams" and "manager_id" in changes:
        return list(conn.execute(select(User.id).where(User.team_id == current["id"])).scalars())
    if table == "leads" and "rep_id" in changes:
        return [current["rep_id"], changes["rep_id"]]
    return []


def _move_leads(push: Push, leads: list[uuid.UUID], before: set, after: set) -> None:
    """Leads whose viewers changed: those who lost them get removals, and the
    leads' trees get new versions so those who gained them pull them."""
    lost = before - after
    if not (lost or after - before):
        return
    push.moved.extend(leads)
    for lead_id in leads:
        push.exits.extend({"lead_id": lead_id, "user_id": user} for user in lost)


def _update_scope(push: Push, table: str, row_id: uuid.UUID, before: dict) -> None:
    """After a change of who-sees-what; `before` maps reps to their viewers then."""
    conn = push.conn
    if table == "leads":  # before = {old rep: viewers, new rep: viewers}
        (_old_rep, seen_by), (new_rep, _) = before.items()
        _move_leads(push, [row_id], seen_by, push.viewers(new_rep))
        return
    for rep, seen_by in before.items():
        leads = list(conn.execute(select(Lead.id).where(Lead.rep_id == rep)).scalars())
        _move_leads(push, leads, seen_by, push.viewers(rep))


def _check_reassignment(push: Push, new_rep: Any) -> None:
    """A lead given to another user: only by someone allowed to reassign leads,
    and only to an active user whose leads they see (a manager: their team)."""
    if not push.user.may(Permission.REASSIGN_LEADS):
        raise Rejected("you may not reassign leads: ask your manager or the office to give this lead to someone else")
    if new_rep is None:
        return  # unassigned: in the Unassigned queue of those who may reassign leads
    rep = push.conn.execute(select(User.full_name, User.active, User.deleted).where(User.id == new_rep)).first()
    if rep is None or rep.deleted:
        raise Rejected("rep_id: no such user")
    if not rep.active:
        raise Rejected(_printable(f"{rep.full_name} is not an active user: leads go to active users only"))
    if not scoping.sees_rep(push.conn, push.user, new_rep):
        raise Rejected(_printable(f"{rep.full_name} is not on your team: you may reassign leads only to "
                                  "the reps whose leads you see"))


def _new_row(push: Push, m: Mutation, fields: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    """A new row's column values: the identity fields from the token and the clock, then the device's."""
    own = {name: value(push.user) for name, value in IDENTITY.get(m.table, {}).items()}
    given = {name: new for name, (_base, new) in fields.items() if new is not None}
    return {**own, **given, "id": m.row_id, "version": PENDING, "updated_at": utcnow()}


def _born(push: Push, table: str, values: dict[str, Any]) -> Any:
    """After a new row is written: is it the user's to write? Then its birth
    and history record; returns the lead it hangs off."""
    push.stamped.append((table, values["id"]))
    push.wrote(table)
    if not scoping.may_write_row(push.conn, push.user, table, values):
        raise Rejected("that row is outside what you may change")
    lead_id = scoping.lead_of(push.conn, table, values)
    push.births.append({"table_name": table, "row_id": values["id"], "client_id": push.client_id})
    _record(push, table, values["id"], lead_id, "*", None, "created", "edit")
    return lead_id


def _insert(push: Push, m: Mutation, values: dict[str, Any]) -> None:
    conn, table = push.conn, m.table
    conn.execute(insert(SYNCED_TABLES[table].__table__).values(**values))  # type: ignore[attr-defined]
    lead_id = _born(push, table, values)
    if table != "leads" and lead_id is not None and _row(conn, "leads", lead_id)["deleted"]:
        raise Rejected("that lead was deleted")
    if table == "attachments" and blobs.may_read(conn, push.user, values["sha256"]):
        blobs.record_upload(conn, push.user.id, values["sha256"])  # they could read it already: no need to re-send


def _diff(push: Push, m: Mutation, current: dict[str, Any],
          fields: dict[str, tuple[Any, Any]]) -> tuple[dict[str, Any], list[Conflict]]:
    """The columns to change, and the fields whose new value lost to another
    device's (the server's stays); each recorded in the change history."""
    table = m.table
    lead_id = scoping.lead_of(push.conn, table, current)
    changes, conflicts = {}, []
    for name, (base, new) in fields.items():
        now = current[name]
        if now != base and (table, name) == ("leads", "custom") and isinstance(now, dict):
            # another device changed other custom fields meanwhile: each field stands on its own
            merged = merge_values(base or {}, new or {}, now)
            base, new = (now, merged) if merged is not None else (base, new)
        if now == new:
            continue
        if now == base:
            changes[name] = new
            _record(push, table, m.row_id, lead_id, name, now, new, "edit")
        else:
            conflicts.append(Conflict(table=table, row_id=m.row_id, lead_id=lead_id, field=name,
                                      lost=to_json(new), kept=to_json(now)))
            _record(push, table, m.row_id, lead_id, name, now, new, "conflict")
    return changes, conflicts


def _update(push: Push, m: Mutation, current: dict[str, Any], fields: dict[str, tuple[Any, Any]]) -> list[Conflict]:
    conn, table = push.conn, m.table
    changes, conflicts = _diff(push, m, current, fields)
    if not (changes or conflicts):
        return []
    if table == "leads" and "rep_id" in changes:
        _check_reassignment(push, changes["rep_id"])
    t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
    before = {rep: push.viewers(rep) for rep in _reps_behind(conn, table, current, changes)}
    conn.execute(update(t).where(t.c.id == m.row_id).values(**changes, version=PENDING, updated_at=utcnow()))
    push.wrote(table)
    push.stamped.append((table, m.row_id))
    if SCOPE_COLUMNS & changes.keys() and not scoping.may_write_row(conn, push.user, table, {**current, **changes}):
        raise Rejected("that change would move the row outside what you may change")
    if before:
        _update_scope(push, table, m.row_id, before)
    if table == "leads":
        reminders.lead_changed(push, m.row_id, {**current, **changes}, changes)
    return conflicts


def _delete(push: Push, m: Mutation, current: dict[str, Any]) -> None:
    """Delete a row softly, and with it what hangs off it (a lead's jobs,
    appointments, comments..., a job's payments...): devices get tombstones."""
    if current["deleted"]:
        return
    lead_id = scoping.lead_of(push.conn, m.table, current)
    _soft_delete(push, m.table, [m.row_id])
    push.wrote(m.table)
    _record(push, m.table, m.row_id, lead_id, "*", "present", "deleted", "edit")
    if m.table == "leads":
        jobs = select(Job.id).where(Job.lead_id == m.row_id)
        for table in sorted(LEAD_CHILDREN | JOB_CHILDREN):
            t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
            where = t.c.lead_id == m.row_id if table in LEAD_CHILDREN else t.c.job_id.in_(jobs)
            _soft_delete(push, table, list(push.conn.execute(select(t.c.id).where(where, t.c.deleted.is_(False)))
                                           .scalars()))
    elif m.table == "jobs":
        for table in sorted(JOB_CHILDREN):
            t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
            _soft_delete(push, table, list(push.conn.execute(
                select(t.c.id).where(t.c.job_id == m.row_id, t.c.deleted.is_(False))).scalars()))


def _soft_delete(push: Push, table: str, row_ids: list[uuid.UUID]) -> None:
    if not row_ids:
        return
    t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
    push.conn.execute(update(t).where(t.c.id == bindparam("_id")).values(deleted=True, version=PENDING,
                                                                          updated_at=utcnow()),
                      [{"_id": row_id} for row_id in row_ids])
    push.stamped.extend((table, row_id) for row_id in row_ids)


def _op(m: Mutation) -> str:
    """What a mutation does, as it is authorised and written: "delete" for any change setting `deleted` too."""
    pair = m.fields.get("deleted")
    return "delete" if isinstance(pair, list) and len(pair) == 2 and pair[1] is True else m.op


def authorize(push: Push, m: Mutation, fields: dict[str, tuple[Any, Any]]) -> dict[str, Any] | None:
    """Step 3: may this user do this to this row? Returns the row as it is
    (None for a new one); the new values' scope is checked as they are written.
    Someone else's calendar without the permission is refused as such, whether
    or not its row is in sight."""
    refusal = scoping.write_refusal(m.table, _op(m), push.user)
    if refusal:
        raise Rejected(refusal)
    current = _row(push.conn, m.table, m.row_id)
    refusal = scoping.calendar_refusal(push.conn, m.table, fields, push.user, current)
    if refusal:
        raise Rejected(refusal)
    if current is not None and not scoping.may_write_row(push.conn, push.user, m.table, current):
        raise Rejected("that row is outside what you may change")
    if current is not None and current["deleted"] and m.op != "delete":
        raise Rejected(f"that {m.table} row was deleted")
    if current is None and m.op != "insert":
        raise Rejected(f"no such {m.table} row (deleted, or never synced)")
    return current


def write(push: Push, m: Mutation, current: dict[str, Any] | None, fields: dict[str, tuple[Any, Any]]) -> list[Conflict]:
    """Step 4: apply the change and record it in the history; returns the fields that lost."""
    if m.op == "insert":
        if current is None:
            _insert(push, m, _new_row(push, m, fields))
            return []
        # A create the server already has (e.g. re-sent after a restore): same values are no change.
        return _update(push, m, current, {name: (new, new) for name, (_base, new) in fields.items()})
    if _op(m) == "delete":  # also a change setting `deleted`: it goes with what hangs off the row
        _delete(push, m, current)
        return []
    return _update(push, m, current, fields)


def check_commission(push: Push, current: dict[str, Any] | None, fields: dict[str, tuple[Any, Any]]) -> None:
    """A commission row from anyone but the office is the one a sale makes:
    for a user on the job (the rep of the job's lead when nobody was put on
    it), at the rep's rate of the job's sale as the server holds it × the
    user's share (0 once the sale is undone or the user is taken off),
    leaving what was paid alone. So a device cannot grant anyone money."""
    unpaid = {"paid_cents": 0, "paid_on": None}
    row = {**(current or unpaid), **{name: new for name, (_b, new) in fields.items()}}
    job = push.conn.execute(select(Job.contract_cents, Lead.rep_id).join(Lead, Lead.id == Job.lead_id)
                            .where(Job.id == row.get("job_id"))).first()
    shares = _shares(push.conn, row.get("job_id"), job.rep_id) if job is not None else {}
    if job is None or (current is None and row.get("rep_id") not in shares):
        raise Rejected("a sale's commission is for a user on the job (its rep when nobody else is)")
    if current is not None and row.get("rep_id") != current["rep_id"]:
        raise Rejected("a commission stays with its user")
    if any(row[name] != (current or unpaid)[name] for name in unpaid):
        raise Rejected("what a commission has paid is the office's to record")
    rate = push.conn.execute(select(User.commission_pct).where(User.id == job.rep_id)).scalar()
    share = shares.get(row.get("rep_id"), Decimal(0))
    expected = share_cents(job.contract_cents, rate, share)
    if row.get("amount_cents") != expected:
        part = "" if share == ALL_SHARES else f"{pct_text(share)} % of "
        raise Rejected(f"commission {format_money(row.get('amount_cents'))} is not {part}the rep's {rate}% of the "
                       f"sale {format_money(job.contract_cents) or '(none)'}: it is {format_money(expected)}")


def _shares(conn: Connection, job_id: Any, rep_id: Any) -> dict[Any, Decimal]:
    """Each user's share of a job's commission as the server holds it (the rep's 100 % when nobody is on it)."""
    rows = conn.execute(select(JobUser.user_id, JobUser.share_pct).where(
        JobUser.job_id == job_id, JobUser.deleted.is_(False))).all()
    if not rows:
        return {rep_id: ALL_SHARES} if rep_id is not None else {}
    shares: dict[Any, Decimal] = defaultdict(Decimal)
    for user_id, share in rows:
        shares[user_id] += Decimal(share)
    return dict(shares)


def check_shares(push: Push, job_id: Any) -> None:
    """After a change to the users on a job: their shares add up to 100 % at most, whoever wrote them."""
    refusal = shares_refusal(push.conn.execute(select(JobUser.share_pct).where(
        JobUser.job_id == job_id, JobUser.deleted.is_(False))).scalars())
    if refusal:
        raise Rejected(refusal)


def rebalance(push: Push, job_id: Any) -> None:
    """A job's balance due after its sale or payments changed: the sale less
    the live payments the server holds (`SERVER_DERIVED`), so payments taken
    on two devices at once add up."""
    job = _row(push.conn, "jobs", job_id)
    if job is None or job["deleted"]:
        return
    paid = push.conn.execute(select(func.coalesce(func.sum(Payment.amount_cents), 0)).where(
        Payment.job_id == job_id, Payment.deleted.is_(False))).scalar()
    balance = balance_due(job["contract_cents"], [paid])
    if balance != job["balance_cents"]:
        push.conn.execute(update(Job).where(Job.id == job_id).values(
            balance_cents=balance, version=PENDING, updated_at=utcnow()))
        push.stamped.append(("jobs", job_id))
        _record(push, "jobs", job_id, job["lead_id"], "balance_cents", job["balance_cents"], balance, "edit")


def _job_money_changed(m: Mutation, row: dict[str, Any] | None, fields: dict[str, tuple[Any, Any]]) -> Any:
    """The job whose balance this change may move (a payment, a job's sale), or None."""
    if m.table == "payments":
        return fields["job_id"][1] if "job_id" in fields else row and row["job_id"]
    if m.table == "jobs" and "contract_cents" in fields:
        return m.row_id
    return None


def apply(push: Push, m: Mutation) -> list[Conflict]:
    """One mutation from top to bottom, or Rejected with the reason:
    decode → check against the rules → authorize → write (and record)."""
    if m.table not in SYNCED_TABLES:
        raise Rejected(_printable(f"unknown table {m.table!r}"))
    m = merges.redirected(push.survivors(), m, _op(m))
    fields = check(push, m, decode(m.table, m.fields))
    current = authorize(push, m, fields)
    promotion = scoping.promotion_refusal(m.table, fields, push.user, current)
    if promotion:
        raise Rejected(promotion)
    if m.table == "commissions" and push.user.role != "admin":
        check_commission(push, current, fields)
    conflicts = write(push, m, current, fields)
    if m.table == "job_users":
        check_shares(push, fields["job_id"][1] if "job_id" in fields else current["job_id"])
    job_id = _job_money_changed(m, current, fields)
    if job_id is not None:
        rebalance(push, job_id)
    return conflicts


def _reason(exc: Exception) -> str:
    if isinstance(exc, Rejected):
        return str(exc)
    orig = getattr(exc, "orig", None) or exc
    return _printable(f"the server could not store it: {(str(orig).splitlines() or [''])[0][:200]}")


def _apply_one(push: Push, m: Mutation) -> MutationResult:
    savepoint = push.conn.begin_nested()
    mark = push.mark()
    try:
        conflicts = apply(push, m)
    except (Rejected, DBAPIError, StatementError, ValueError) as exc:
        if transient(exc):
            raise  # not the mutation's fault: the whole push is tried again
        savepoint.rollback()
        push.undo(mark)
        _restore_device_copy(push, m)
        return MutationResult(seq=m.seq, status="rejected", reason=_reason(exc))
    savepoint.commit()
    return MutationResult(seq=m.seq, status="applied", conflicts=conflicts)


@lru_cache(maxsize=1)
def _write_order() -> dict[str, int]:
    """Tables in an order that writes a referenced row before the rows naming it."""
    metadata = next(iter(SYNCED_TABLES.values())).__table__.metadata  # type: ignore[attr-defined]
    return {t.name: n for n, t in enumerate(metadata.sorted_tables)}


#: Rows whose writing does more than an insert (a blob claimed, a job's balance kept): never in bulk.
ONE_BY_ONE = frozenset({"attachments", "payments", "commissions", "job_users"})


def _insert_all(push: Push, ms: list[Mutation]) -> list[MutationResult] | None:
    """An admin's push of new rows only (an import): each checked as `apply`
    checks it, then written in one statement per table and column set instead
    of one savepoint each. None when any of them needs the one-by-one path
    (refused, already there, an attachment, a statement failing): the caller
    then applies them one by one, so each refusal keeps its reason."""
    if push.user.role != "admin" or len({m.row_id for m in ms}) != len(ms) or any(
            m.op != "insert" or m.table not in SYNCED_TABLES or m.table in ONE_BY_ONE
            or scoping.write_refusal(m.table, _op(m), push.user) for m in ms):
        return None
    savepoint, mark = push.conn.begin_nested(), push.mark()
    try:
        rows = []
        for m in ms:
            refusal = scoping.write_refusal(m.table, m.op, push.user)
            if refusal:
                raise Rejected(refusal)
            fields = check(push, m, decode(m.table, m.fields))
            refusal = scoping.calendar_refusal(push.conn, m.table, fields, push.user)
            if refusal:
                raise Rejected(refusal)
            rows.append((m.table, _new_row(push, m, fields)))
            push.present.add((m.table, m.row_id))  # later rows of this push may name it
        by_table, batches = defaultdict(list), defaultdict(list)
        for table, values in rows:
            by_table[table].append(values["id"])
            batches[table, frozenset(values)].append(values)
        for table, row_ids in by_table.items():
            t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
            for start in range(0, len(row_ids), CHUNK):
                if push.conn.execute(select(t.c.id).where(t.c.id.in_(row_ids[start:start + CHUNK]))).first():
                    raise Rejected("a row already there: apply one by one")
        for table, _columns in sorted(batches, key=lambda key: _write_order()[key[0]]):
            push.conn.execute(insert(SYNCED_TABLES[table].__table__), batches[table, _columns])  # type: ignore[attr-defined]
        leads = {_born(push, table, values) for table, values in rows} - {None}
        for job_id in dict.fromkeys(values["job_id"] if table == "payments" else values["id"] for table, values in rows
                                    if table == "payments" or (table == "jobs" and "contract_cents" in values)):
            rebalance(push, job_id)
        wanted = sorted(leads - set(by_table["leads"]), key=str)
        for start in range(0, len(wanted), CHUNK):
            if push.conn.execute(select(Lead.id).where(Lead.id.in_(wanted[start:start + CHUNK]),
                                                       Lead.deleted.is_(True))).first():
                raise Rejected("a row under a deleted lead: apply one by one")
    except (Rejected, DBAPIError, StatementError, ValueError) as exc:
        if transient(exc):
            raise
        savepoint.rollback()
        push.undo(mark)
        return None
    savepoint.commit()
    return [MutationResult(seq=m.seq, status="applied", conflicts=[]) for m in ms]


#: Tables whose changes do more than set columns (who sees whose leads, the
#: reminders' own rules, the custom fields' definitions): never updated in bulk.
ONE_BY_ONE_UPDATES = ONE_BY_ONE | {"users", "teams", "reminders", "custom_fields"}


def _update_all(push: Push, ms: list[Mutation]) -> list[MutationResult] | None:
    """An admin's push of changes to live rows (a reassignment of thousands
    of leads): each checked as `apply` checks it, the rows read CHUNK at a
    time and written with one UPDATE per table, new values and CHUNK rows,
    instead of a savepoint and a few statements each. None when any of them
    needs the one-by-one path (a conflict, a row gone or deleted, a refusal,
    a statement failing): the caller then applies them one by one, so each
    gets its own answer."""
    if push.user.role != "admin" or len({(m.table, m.row_id) for m in ms}) != len(ms) or any(
            m.op != "update" or _op(m) != "update" or m.table not in SYNCED_TABLES or m.table in ONE_BY_ONE_UPDATES
            for m in ms):
        return None
    conn = push.conn
    savepoint, mark = conn.begin_nested(), push.mark()
    try:
        current: dict[tuple[str, Any], dict[str, Any]] = {}
        for table in dict.fromkeys(m.table for m in ms):
            refusal = scoping.write_refusal(table, "update", push.user)
            if refusal:
                raise Rejected(refusal)
            t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
            row_ids = [m.row_id for m in ms if m.table == table]
            for start in range(0, len(row_ids), CHUNK):
                rows = conn.execute(select(t).where(t.c.id.in_(row_ids[start:start + CHUNK])).with_for_update())
                current.update(((table, row["id"]), dict(row)) for row in rows.mappings())
        reassigned_to: set[Any] = set()
        written, statements = [], defaultdict(list)
        for m in ms:
            fields = check(push, m, decode(m.table, m.fields))
            row = current.get((m.table, m.row_id))
            if row is None or row["deleted"] or scoping.promotion_refusal(m.table, fields, push.user, row) \
                    or scoping.calendar_refusal(conn, m.table, fields, push.user, row):
                raise Rejected("not a plain change of a live row one may make: apply one by one")
            changes, conflicts = _diff(push, m, row, fields)
            if conflicts:
                raise Rejected("a conflict: apply one by one")
            if not changes:
                continue
            if m.table == "leads" and "rep_id" in changes and changes["rep_id"] not in reassigned_to:
                _check_reassignment(push, changes["rep_id"])
                reassigned_to.add(changes["rep_id"])
            before = {rep: push.viewers(rep) for rep in _reps_behind(conn, m.table, row, changes)}
            written.append((m, row, fields, changes, before))
            statements[m.table, repr(sorted(changes.items()))].append((m.row_id, changes))
        for (table, _key), rows in statements.items():
            t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
            for start in range(0, len(rows), CHUNK):
                chunk = [row_id for row_id, _changes in rows[start:start + CHUNK]]
                conn.execute(update(t).where(t.c.id.in_(chunk)).values(**rows[0][1], version=PENDING,
                                                                       updated_at=utcnow()))
        for m, row, fields, changes, before in written:  # what `_update` and `apply` do after writing, row by row
            push.wrote(m.table)
            push.stamped.append((m.table, m.row_id))
            if SCOPE_COLUMNS & changes.keys() and not scoping.may_write_row(conn, push.user, m.table,
                                                                             {**row, **changes}):
                raise Rejected("that change would move the row outside what you may change")
            if before:
                _update_scope(push, m.table, m.row_id, before)
            if m.table == "leads":
                reminders.lead_changed(push, m.row_id, {**row, **changes}, changes)
            job_id = _job_money_changed(m, row, fields)
            if job_id is not None:
                rebalance(push, job_id)
    except (Rejected, DBAPIError, StatementError, ValueError) as exc:
        if transient(exc):
            raise
        savepoint.rollback()
        push.undo(mark)
        return None
    savepoint.commit()
    return [MutationResult(seq=m.seq, status="applied", conflicts=[]) for m in ms]


def apply_batch(push: Push, ms: list[Mutation]) -> list[MutationResult]:
    """Mutations in order: in bulk where they allow it (an admin's new rows,
    an admin's changes to live rows), else each in its own savepoint."""
    return _insert_all(push, ms) or _update_all(push, ms) or [_apply_one(push, m) for m in ms]


def _restore_device_copy(push: Push, m: Mutation) -> None:
    """After a rejection, re-send the server's row so the device drops its change."""
    if m.table not in SYNCED_TABLES:
        return
    current = _row(push.conn, m.table, m.row_id)
    if current is not None and scoping.may_write_row(push.conn, push.user, m.table, current):
        touch(push, m.table, [m.row_id])


def transient(exc: Exception) -> bool:
    """A deadlock or serialisation failure between pushes: worth a retry."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in TRANSIENT_STATES


def _lock_sequence(conn: Connection, user: Principal, client_id: str) -> tuple[int, str | None]:
    """The device's last applied sequence and last push's digest, its row
    locked (made if new) until commit: a second push of the same device
    waits here, then sees the first's."""
    stmt = dialect_insert(conn, ClientSequence).values(user_id=user.id, client_id=client_id, last_seq=0)
    stmt = stmt.on_conflict_do_update(index_elements=[ClientSequence.user_id, ClientSequence.client_id],
                                      set_={"last_seq": ClientSequence.last_seq})
    row = conn.execute(stmt.returning(ClientSequence.last_seq, ClientSequence.last_batch)).one()
    return row.last_seq, row.last_batch


_MUTATIONS = TypeAdapter(list[Mutation])


def _batch_digest(mutations: list[Mutation]) -> str:
    """What identifies a push's content: two copies of one push have the same.
    (ASCII JSON: a lone surrogate in a value, refused later, is still hashed.)"""
    text = json.dumps(_MUTATIONS.dump_python(mutations, mode="json"), separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _save_last_seq(conn: Connection, user: Principal, client_id: str, last: int, batch: str) -> None:
    conn.execute(update(ClientSequence).where(
        ClientSequence.user_id == user.id, ClientSequence.client_id == client_id).values(last_seq=last,
                                                                                          last_batch=batch))


def _finish(push: Push) -> None:
    """Take the version lock (last, so pushes queue only for this) and give
    everything the push wrote its versions and human numbers in bulk."""
    conn = push.conn
    rows = list(dict.fromkeys(push.stamped))
    count = len(rows) + len(push.exits)
    if not count:
        return
    versions = itertools.count(take_versions(conn, count))
    # Exits first: a device that loses a lead drops its tree before it pulls the
    # rows it keeps seeing otherwise (its own reminders there), even a page later.
    exits = [{**row, "version": next(versions)} for row in push.exits]
    by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    version_of = {}
    for table, row_id in rows:
        version_of[table, row_id] = next(versions)
        by_table[table].append({"_id": row_id, "_v": version_of[table, row_id]})
    for table, params in by_table.items():
        stamped = _stamp(conn, SYNCED_TABLES[table].__table__, params)  # type: ignore[attr-defined]
        if stamped != len(params):
            raise RuntimeError(f"{len(params) - stamped} {table} rows would keep the placeholder version")
    if push.history:  # each record carries its row change's version, so pull ships it with that change
        conn.execute(insert(ChangeRecord), [{**row, "version": version_of[row["table_name"], row["row_id"]]}
                                            for row in push.history])
    if exits:
        conn.execute(insert(ScopeExit), exits)
    if push.births:
        conn.execute(insert(RowBirth), [{**row, "version": version_of[row["table_name"], row["row_id"]]}
                                        for row in push.births])
        _number(push)


def _stamp(conn: Connection, t: Any, params: list[dict[str, Any]]) -> int:
    """Give PENDING rows their versions ({"_id", "_v"} each); returns how many
    were stamped. PostgreSQL takes them all in one UPDATE joined to the
    unnested lists (one statement per row costs it a round trip each)."""
    if conn.dialect.name != "postgresql":
        return conn.execute(update(t).where(t.c.id == bindparam("_id"), t.c.version == PENDING)
                            .values(version=bindparam("_v")), params).rowcount
    given = func.unnest(bindparam("ids", [p["_id"] for p in params], type_=ARRAY(t.c.id.type)),
                        bindparam("vs", [p["_v"] for p in params], type_=ARRAY(BigInteger))) \
        .table_valued("id", "v").render_derived(with_types=False)
    return conn.execute(update(t).where(t.c.id == given.c.id, t.c.version == PENDING)
                        .values(version=given.c.v)).rowcount


def _number(push: Push) -> None:
    """Human numbers for the rows this push created, under the version lock
    (so no two pushes hand out the same number)."""
    for table, column in SERVER_NUMBERS.items():
        born = [row["row_id"] for row in push.births if row["table_name"] == table]
        if not born:
            continue
        t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
        top = push.conn.execute(select(func.max(t.c[column]))).scalar() or NUMBER_START[column]
        push.conn.execute(update(t).where(t.c.id == bindparam("_id")).values({column: bindparam("_n")}),
                          [{"_id": row_id, "_n": top + n} for n, row_id in enumerate(born, 1)])


def _push_once(engine: Engine, user: Principal, request: PushRequest) -> PushResponse:
    with write_transaction(engine) as conn:
        last, last_batch = _lock_sequence(conn, user, request.client_id)
        batch = _batch_digest(request.mutations)
        if request.acked_seq > last:
            # We lost what we once acknowledged (restored from a backup): apply
            # nothing out of order; the device re-sends everything after `last`.
            return PushResponse(last_seq=last, behind=True)
        if request.sent_seq is not None and last > request.sent_seq and batch != last_batch:
            return PushResponse(last_seq=last, stale_copy=True)
        top = max((m.seq for m in request.mutations), default=last)
        if top > last + MAX_SEQ_JUMP:
            raise SequenceOutOfRange(f"sequence {top} jumps more than {MAX_SEQ_JUMP:,} past the last applied "
                                     f"({last}): a device numbers its changes one by one")
        state = Push(conn, user, request.client_id)
        refused = _refusals_told(conn, user, request, last)
        ordered = sorted(request.mutations, key=lambda m: m.seq)
        results = []
        for m in ordered:
            if m.seq <= last:
                reason = refused.get(m.seq)
                results.append(MutationResult(seq=m.seq, status="rejected", reason=reason) if reason is not None
                               else MutationResult(seq=m.seq, status="duplicate"))
        fresh = [m for m in ordered if m.seq > last]
        if fresh:
            results += apply_batch(state, fresh)
            last = fresh[-1].seq
        _save_last_seq(conn, user, request.client_id, last, batch)
        _remember_refusals(conn, user, request.client_id, [r for r in results if r.status == "rejected"
                                                             and r.seq not in refused])
        _touch_moved_trees(state)
        _finish(state)
    return PushResponse(last_seq=last, results=results)


def _refusals_told(conn: Connection, user: Principal, request: PushRequest, last: int) -> dict[int, str]:
    """The refusals among this push's already-seen mutations (a retry of a push
    whose reply was lost), after forgetting those the device has the answer to."""
    mine = (PushRejection.user_id == user.id) & (PushRejection.client_id == request.client_id)
    if request.acked_seq:
        conn.execute(delete(PushRejection).where(mine, PushRejection.seq <= request.acked_seq))
    seen = [m.seq for m in request.mutations if m.seq <= last]
    if not seen:
        return {}
    found = conn.execute(select(PushRejection.seq, PushRejection.reason).where(mine, PushRejection.seq.in_(seen)))
    return {seq: reason for seq, reason in found}


def _remember_refusals(conn: Connection, user: Principal, client_id: str, refused: list[MutationResult]) -> None:
    if refused:
        conn.execute(insert(PushRejection), [{"user_id": user.id, "client_id": client_id, "seq": r.seq,
                                              "reason": r.reason or ""} for r in refused])


def retried(attempt: Callable[[], T]) -> T:
    """`attempt()`, run again (up to ATTEMPTS times) when it lost a deadlock to another writer."""
    for _retry in range(ATTEMPTS - 1):
        try:
            return attempt()
        except DBAPIError as exc:
            if not transient(exc):
                raise
    return attempt()


def push(engine: Engine, user: Principal, request: PushRequest) -> PushResponse:
    return retried(lambda: _push_once(engine, user, request))


@contextmanager
def office_transaction(engine: Engine, user: Principal, client_id: str) -> Iterator[Push]:
    """A writer that never re-sends (the office on the server's box: an
    import, a reassignment) writes any number of batches (`apply_batch`) in
    one transaction, with no device sequence to keep: all of it is
    committed, versioned and numbered at the end, or nothing when the block
    raises. The version lock is taken only then, as for a push."""
    with write_transaction(engine) as conn:
        state = Push(conn, user, client_id)
        yield state
        _touch_moved_trees(state)
        _finish(state)
