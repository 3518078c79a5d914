"""Cleaning up duplicate customers from the server's box: finding pairs that
look like one person (`domain.duplicates`), combining two into one, and
undoing a combine.

A merge keeps the survivor and takes, field by field, the survivor's value
(the loser's where the survivor's is empty, or where told to take it);
everything hanging off the loser (every `LEAD_CHILDREN` table, and its
change history) moves to the survivor, and the loser is deleted as a device's
delete is. It all goes through the push path in one transaction, so devices
pull it like any change, and is recorded (`server_merges`) with what moved
and the survivor's old values: undo puts both back exactly, and a device's
late edits of the loser land on the survivor (`server.merges`)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from sqlalchemy import Connection, Engine, insert, select, update

from rep_tui.clock import utcnow
from rep_tui.domain.duplicates import SURENESS, address_key, contact_keys, name_key, sureness
from rep_tui.domain.fields import specs
from rep_tui.server import scoping
from rep_tui.server.admin import ADMIN, AdminError, Change, _insert, _write
from rep_tui.server.auth import Principal
from rep_tui.server.db import PENDING
from rep_tui.server.models import Merge
from rep_tui.store.models import SYNCED_TABLES, ChangeRecord, Lead
from rep_tui.store.serialize import from_json, to_json
from rep_tui.sync.tables import LEAD_CHILDREN, ORDERED, SERVER_NUMBERS

#: The loser's rows that move to the survivor: every table hanging off a lead, parents first.
MOVED_TABLES = [name for name in ORDERED if name in LEAD_CHILDREN]
#: Leads sharing one key beyond this many are a placeholder (the office's
#: number on every web lead), not duplicates: they are left out of the pairs.
CROWD = 25


# --- finding duplicates ---------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    sureness: str
    first: int  # PIDs, lower first
    second: int
    first_name: str
    second_name: str
    shared: tuple[str, ...]  # "phone +1…", "email …", "address …", "name"

    def as_json(self) -> dict[str, Any]:
        return {"sureness": self.sureness, "pids": [self.first, self.second],
                "names": [self.first_name, self.second_name], "shared": list(self.shared)}

    def text(self) -> str:
        return (f"{self.sureness:<6} PID {self.first} {self.first_name} ~ PID {self.second} {self.second_name}: "
                f"same {', '.join(self.shared)}")


def find_duplicates(engine: Engine, user: Principal | None = None) -> list[Pair]:
    """Pairs of live leads (those `user` sees) with a phone, an email, or a
    name and address in common, surest first, each with what they share."""
    columns = [Lead.__table__.c[name] for name in ("id", "pid", "first_name", "last_name", "home_phone_e164",
                                                   "cell_phone_e164", "work_phone_e164", "email", "alt_email",
                                                   "address", "zip")]
    with engine.connect() as conn:
        leads = {row["pid"]: dict(row) for row in conn.execute(_seen(select(*columns).where(
            Lead.deleted.is_(False), Lead.pid.is_not(None)), user)).mappings()}
    by_key: dict[str, list[int]] = defaultdict(list)
    for pid, lead in leads.items():
        for key in dict.fromkeys([*contact_keys(lead), address_key(lead)]):
            if key:
                by_key[key].append(pid)
    shared: dict[tuple[int, int], list[str]] = defaultdict(list)
    for key, pids in by_key.items():
        if len(pids) <= CROWD:
            for i, first in enumerate(sorted(pids)):
                for second in sorted(pids)[i + 1:]:
                    shared[first, second].append(key)
    pairs = []
    for (first, second), keys in shared.items():
        same_name = bool(name_key(leads[first])) and name_key(leads[first]) == name_key(leads[second])
        sure = sureness({key.split(" ", 1)[0] for key in keys}, same_name)
        if sure:
            names = [f"{leads[p]['first_name']} {leads[p]['last_name']}".strip() for p in (first, second)]
            pairs.append(Pair(sure, first, second, *names, tuple(keys) + (("name",) if same_name else ())))
    return sorted(pairs, key=lambda p: (SURENESS.index(p.sureness), p.first, p.second))


# --- merging ---------------------------------------------------------------------


#: The survivor's fields a merge may fill from the loser: what a rep knows
#: as the customer's (derived columns follow their field, `_with_derived`;
#: the PID is the survivor's own).
MERGED_FIELDS = tuple(name for name, spec in specs("leads").items()
                      if not spec.derived and name != SERVER_NUMBERS["leads"])


@dataclass
class MergeReport:
    survivor_pid: int
    loser_pid: int
    #: {field: (survivor's value before, after)} as JSON values.
    fields: dict[str, tuple[Any, Any]]
    #: {table: rows moved}
    moved: dict[str, int]
    as_family: bool
    dry_run: bool
    merge_id: int | None = None
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"merge_id": self.merge_id, "dry_run": self.dry_run, "survivor": self.survivor_pid,
                "loser": self.loser_pid, "as_family": self.as_family, "moved": self.moved,
                "fields": {name: {"before": b, "after": a} for name, (b, a) in self.fields.items()}}

    def text(self) -> str:
        head = "Would merge" if self.dry_run else f"Merge {self.merge_id}:"
        lines = [f"{head} PID {self.loser_pid} into PID {self.survivor_pid}"
                 + (" (as a family member)" if self.as_family else "") + "."]
        labels = specs("leads")
        lines += [f"  {labels[n].label}: {b if b not in (None, '') else '(empty)'} -> {a}"
                  for n, (b, a) in self.fields.items() if n in MERGED_FIELDS]  # a phone's E.164 form goes unsaid
        moved = ", ".join(f"{count} {table.replace('_', ' ')}" for table, count in self.moved.items() if count)
        lines.append(f"  Moved to the survivor: {moved or 'nothing'}.")
        lines.append(f"  PID {self.loser_pid} is " + ("to be deleted." if self.dry_run else
                                                       f"deleted. Undo: rep-tui admin merge --undo {self.merge_id}"))
        return "\n".join(lines + self.notes)


class NotFound(AdminError):
    """No such customer or merge (or none the user sees)."""


def office_as(user: Principal | None) -> Principal:
    """Who a merge is written as: the office, in the name of the user who
    may merge (their MERGE and the customers' scope are checked first), so
    the history says who did it."""
    return ADMIN if user is None else replace(ADMIN, id=user.id, username=user.username, full_name=user.full_name)


class _DryRun(Exception):
    """Everything checked and written in the transaction, which is rolled back."""


def _seen(stmt: Any, user: Principal | None) -> Any:
    """`stmt` on leads, limited to those `user` sees (None: the office sees all)."""
    clause = None if user is None else scoping.row_filter("leads", user)
    return stmt if clause is None else stmt.where(clause)


def _lead(conn: Connection, ref: str, user: Principal | None) -> dict[str, Any]:
    """A live lead by PID or id, one `user` sees."""
    t = Lead.__table__
    try:
        where = t.c.pid == int(ref) if ref.strip().isdigit() else t.c.id == uuid.UUID(ref.strip())
    except (ValueError, OverflowError):
        raise NotFound(f"{ref!r} is neither a PID nor a lead id.") from None
    row = conn.execute(_seen(select(t).where(where), user)).mappings().first()
    if row is None:
        raise NotFound(f"No customer {ref}.")
    if row["deleted"]:
        raise AdminError(f"Customer {ref} was deleted (merged away already? see `rep-tui admin merge --undo`).")
    return dict(row)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {}


def _with_derived(names: Iterable[str]) -> list[str]:
    kept = specs("leads")
    return [n for name in names for n in (name, f"{name}_e164") if n in kept]


def merged_values(survivor: dict[str, Any], loser: dict[str, Any], take: Iterable[str]) -> dict[str, Any]:
    """The survivor's columns that change: the loser's value where it is
    taken, or where the survivor's is empty (custom fields key by key)."""
    take = set(take)
    unknown = take - set(MERGED_FIELDS)
    if unknown:
        raise AdminError(f"--take: no field {', '.join(sorted(unknown))} (fields: {', '.join(MERGED_FIELDS)}).")
    wanted = {}
    for name in MERGED_FIELDS:
        if name == "custom" and name not in take:
            value = {**(loser["custom"] or {}), **(survivor["custom"] or {})}
        elif name in take or (_empty(survivor[name]) and not _empty(loser[name])):
            value = loser[name]
        else:
            continue
        for column in _with_derived([name]):
            wanted[column] = value if column == name else loser[column]
    return {name: value for name, value in wanted.items() if value != survivor[name]}


def _family_member(survivor: dict[str, Any], loser: dict[str, Any]) -> Change:
    """The loser as a contact of the survivor (its name, first phone, where it lived)."""
    phone = next((loser[n] for n in ("cell_phone", "home_phone", "work_phone") if loser[n]), None)
    where = ", ".join(str(loser[n]) for n in ("address", "city", "email") if loser[n])
    name = f"{loser['first_name']} {loser['last_name']}".strip() or f"PID {loser['pid']}"
    info = f"Merged from PID {loser['pid']}" + (f": {where}" if where else "")
    return _insert("contacts", {"lead_id": survivor["id"], "name": name, "phone": phone,
                                "position": "family member", "info": info}, "family member")


def _rows_of(conn: Connection, table: str, lead_id: Any) -> list[uuid.UUID]:
    t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
    return list(conn.execute(select(t.c.id).where(t.c.lead_id == lead_id, t.c.deleted.is_(False))
                             .order_by(t.c.id)).scalars())


def merge(engine: Engine, survivor_ref: str, loser_ref: str, *, take: Iterable[str] = (),
          as_family: bool = False, dry_run: bool = False, user: Principal | None = None) -> MergeReport:
    """Fold the loser into the survivor in one transaction (nothing written
    on `dry_run`, though every change is checked as for real); for `user`,
    two customers they see."""
    from rep_tui.server import push

    take = list(take)

    def attempt() -> MergeReport:
        with push.office_transaction(engine, office_as(user), f"admin-{uuid.uuid4().hex}") as state:
            conn = state.conn
            survivor, loser = _lead(conn, survivor_ref, user), _lead(conn, loser_ref, user)
            if survivor["id"] == loser["id"]:
                raise AdminError("A customer cannot be merged into itself: give two PIDs.")
            values = merged_values(survivor, loser, take)
            moved = {table: _rows_of(conn, table, loser["id"]) for table in MOVED_TABLES}
            history = list(conn.execute(select(ChangeRecord.id).where(ChangeRecord.lead_id == loser["id"])).scalars())
            changes = [Change(table, row_id, "update", {"lead_id": (loser["id"], survivor["id"])}, table)
                       for table, ids in moved.items() for row_id in ids]
            if values:
                changes.insert(0, Change("leads", survivor["id"], "update",
                                         {n: (survivor[n], v) for n, v in values.items()}, "survivor"))
            contact = _family_member(survivor, loser) if as_family else None
            changes += [contact] if contact else []
            changes.append(Change("leads", loser["id"], "update", {"deleted": (False, True)}, "loser"))
            _write(state, changes)
            _move_history(conn, history, survivor["id"])
            state.moved.append(survivor["id"])  # its whole tree (the jobs' payments...) reaches who sees it
            report = MergeReport(
                survivor["pid"], loser["pid"],
                {n: (to_json(survivor[n]), to_json(v)) for n, v in values.items()},
                {table: len(ids) for table, ids in moved.items()} | {"change_history": len(history)},
                as_family, dry_run)
            if dry_run:
                raise _DryRun(report)
            report.merge_id = conn.execute(insert(Merge).values(
                at=utcnow(), survivor_id=survivor["id"], loser_id=loser["id"],
                fields={n: list(pair) for n, pair in report.fields.items()},
                moved={table: [str(i) for i in ids] for table, ids in moved.items() if ids}
                | {"change_history": [str(i) for i in history]},
                contact_id=contact.row_id if contact else None).returning(Merge.id)).scalar_one()
            return report

    try:
        return push.retried(attempt)
    except _DryRun as dry:
        return dry.args[0]


def _move_history(conn: Connection, ids: list[Any], lead_id: Any) -> None:
    """Change history is not a synced row of its own: it goes with its lead."""
    for start in range(0, len(ids), 500):
        conn.execute(update(ChangeRecord).where(ChangeRecord.id.in_(ids[start:start + 500])).values(lead_id=lead_id))


# --- undoing a merge --------------------------------------------------------------


def undo(engine: Engine, merge_id: int, user: Principal | None = None) -> MergeReport:
    """Put both customers back as they were before merge `merge_id`: the
    loser live again, its rows moved back, the survivor's fields as they
    were. Refused, naming each, when a moved row or a field the merge set
    was changed since (undo would throw that change away). For `user`, a
    merge whose survivor they see."""
    from rep_tui.server import push

    def attempt() -> MergeReport:
        with push.office_transaction(engine, office_as(user), f"admin-{uuid.uuid4().hex}") as state:
            conn = state.conn
            record = conn.execute(select(Merge.__table__).where(Merge.id == merge_id).with_for_update()).first()
            if record is None or conn.execute(_seen(select(Lead.id).where(Lead.id == record.survivor_id),
                                                    user)).first() is None:
                raise NotFound(f"No merge {merge_id}.")
            if record.undone_at is not None:
                raise AdminError(f"Merge {merge_id} was undone already ({record.undone_at:%Y-%m-%d %H:%M} UTC).")
            leads = Lead.__table__
            survivor = dict(conn.execute(select(leads).where(leads.c.id == record.survivor_id)).mappings().one())
            loser = dict(conn.execute(select(leads).where(leads.c.id == record.loser_id)).mappings().one())
            moved = {table: [uuid.UUID(i) for i in ids] for table, ids in record.moved.items()}
            refusals = _undo_refusals(conn, survivor, record.fields, moved)
            if refusals:
                raise AdminError(f"Merge {merge_id} cannot be undone without losing later work:\n  "
                                 + "\n  ".join(refusals))
            conn.execute(update(leads).where(leads.c.id == loser["id"]).values(
                deleted=False, version=PENDING, updated_at=utcnow()))
            state.stamped.append(("leads", loser["id"]))
            push._record(state, "leads", loser["id"], loser["id"], "*", "deleted", "present", "edit")
            columns = leads.c
            changes = [Change("leads", survivor["id"], "update", {
                n: (from_json(columns[n].type, after), from_json(columns[n].type, before))
                for n, (before, after) in record.fields.items()}, "survivor")] if record.fields else []
            changes += [Change(table, row_id, "update", {"lead_id": (survivor["id"], loser["id"])}, table)
                        for table, ids in moved.items() if table in SYNCED_TABLES for row_id in ids]
            if record.contact_id is not None:
                changes.append(Change("contacts", record.contact_id, "update", {"deleted": (False, True)},
                                      "family member"))
            # undone first: the rows moving back are not redirected to the survivor (`server.merges`)
            conn.execute(update(Merge).where(Merge.id == merge_id).values(undone_at=utcnow()))
            _write(state, changes)
            _move_history(conn, moved.get("change_history", []), loser["id"])
            state.moved += [survivor["id"], loser["id"]]
            return MergeReport(survivor["pid"], loser["pid"],
                               {n: (after, before) for n, (before, after) in record.fields.items()},
                               {table: len(ids) for table, ids in moved.items()}, record.contact_id is not None,
                               False, merge_id)

    return push.retried(attempt)


def _undo_refusals(conn: Connection, survivor: dict[str, Any], fields: dict[str, list[Any]],
                   moved: dict[str, list[uuid.UUID]]) -> list[str]:
    """What changed since the merge that undo would throw away, in words."""
    labels = specs("leads")
    found = [f"{labels[name].label if name in labels else name} of PID {survivor['pid']} is now "
             f"{to_json(survivor[name])!r}, not the merged {after!r}"
             for name, (_before, after) in fields.items() if to_json(survivor[name]) != after]
    for table, ids in moved.items():
        if table not in SYNCED_TABLES:
            continue
        t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
        for start in range(0, len(ids), 500):
            rows = conn.execute(select(t.c.id, t.c.lead_id, t.c.deleted).where(t.c.id.in_(ids[start:start + 500])))
            found += [f"{table} row {row.id} was " + ("deleted" if row.deleted else "moved to another customer")
                      + " since" for row in rows if row.deleted or row.lead_id != survivor["id"]]
    return found
