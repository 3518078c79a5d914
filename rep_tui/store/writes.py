"""The only way rows are written on the device.

Every write records its change history and an outbox entry in the caller's
transaction, so a change, its history and its sync intent land together or
not at all. Leads whose searchable fields change are re-indexed here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.store import search
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import SYNCED_TABLES, ChangeRecord, Job, Lead, Synced
from rep_tui.store.serialize import row_fields, to_json


@dataclass(frozen=True)
class Actor:
    """Who is writing, from which device."""

    user_id: Any
    user_name: str
    device_id: str = "local"


def _lead_of(obj: Synced) -> Any:
    return obj.id if isinstance(obj, Lead) else getattr(obj, "lead_id", None)


def _history(session: Session, actor: Actor, obj: Synced, field: str, old: Any, new: Any, kind: str = "edit") -> None:
    session.add(
        ChangeRecord(
            table_name=obj.__tablename__,  # type: ignore[attr-defined]
            row_id=obj.id,
            lead_id=_lead_of(obj),
            field=field,
            old_value=None if old is None else str(to_json(old)),
            new_value=None if new is None else str(to_json(new)),
            user_id=actor.user_id,
            user_name=actor.user_name,
            device_id=actor.device_id,
            kind=kind,
        )
    )


def _reindex_if_searchable(session: Session, obj: Synced) -> None:
    if isinstance(obj, Lead):
        search.index_leads(session, [obj.id])
    elif isinstance(obj, Job):
        search.index_leads(session, [obj.lead_id])


def insert(session: Session, actor: Actor, obj: Synced) -> Synced:
    session.add(obj)
    session.flush()
    queue_create(session, obj)
    _history(session, actor, obj, "*", None, "created")
    _reindex_if_searchable(session, obj)
    return obj


def refused_create(session: Session, obj: Synced) -> OutboxEntry | None:
    """The server's refusal of this row's create, when that is where the row
    stands: it never reached the server, so its next change must create it."""
    if obj.version:
        return None
    latest = session.scalars(select(OutboxEntry).where(
        OutboxEntry.row_id == obj.id, OutboxEntry.op == "insert").order_by(OutboxEntry.seq.desc()).limit(1)).first()
    return latest if latest is not None and latest.state == "rejected" else None


#: The column by which rows hang off a row of these tables.
CHILD_KEYS = {"leads": "lead_id", "jobs": "job_id"}


def never_synced_children(session: Session, obj: Synced) -> list[Synced]:
    """Rows hanging off `obj` that the server has never had."""
    key = CHILD_KEYS.get(obj.__tablename__)  # type: ignore[attr-defined]
    return [child for model in SYNCED_TABLES.values() if key and hasattr(model, key)
            for child in session.scalars(select(model).where(getattr(model, key) == obj.id, model.version == 0))]


def create_again(session: Session, obj: Synced, refused: OutboxEntry) -> None:
    """Queue a row whose create the server refused as a create again, with the
    rows hanging off it that were refused because it was missing."""
    refused.state = "resent"
    queue_create(session, obj)
    for child in never_synced_children(session, obj):
        child_refused = refused_create(session, child)
        if child_refused is not None:
            create_again(session, child, child_refused)


def queue_create(session: Session, obj: Synced) -> OutboxEntry:
    """Queue the row as a create, with every synced field as it is now."""
    entry = OutboxEntry(table_name=obj.__tablename__,  # type: ignore[attr-defined]
                        row_id=obj.id, op="insert", fields={k: [None, v] for k, v in row_fields(obj).items()})
    session.add(entry)
    return entry


def update(session: Session, actor: Actor, obj: Synced, **changes: Any) -> dict[str, tuple[Any, Any]]:
    """Set the given fields; returns {field: (old, new)} of those that changed.
    An edit of a row whose create the server refused (the rep fixing what was
    wrong) goes out as that create, not as an update of a row it never had."""
    changed: dict[str, tuple[Any, Any]] = {}
    for field, new in changes.items():
        old = getattr(obj, field)
        if old == new:
            continue
        setattr(obj, field, new)
        changed[field] = (old, new)
        _history(session, actor, obj, field, old, new)
    if changed:
        session.flush()
        refused = refused_create(session, obj)
        if refused is not None:
            create_again(session, obj, refused)
        else:
            session.add(
                OutboxEntry(
                    table_name=obj.__tablename__,  # type: ignore[attr-defined]
                    row_id=obj.id,
                    op="update",
                    fields={k: [to_json(o), to_json(n)] for k, (o, n) in changed.items()},
                )
            )
        _reindex_if_searchable(session, obj)
    return changed


def delete(session: Session, actor: Actor, obj: Synced) -> None:
    """Soft delete: the row stays as a tombstone until sync has shipped it."""
    if obj.deleted:
        return
    obj.deleted = True
    _history(session, actor, obj, "*", "present", "deleted")
    session.flush()
    refused = refused_create(session, obj)
    if refused is not None:  # the server never had it: nothing to tell it
        refused.state = "dismissed"
        _reindex_if_searchable(session, obj)
        return
    session.add(
        OutboxEntry(
            table_name=obj.__tablename__,  # type: ignore[attr-defined]
            row_id=obj.id,
            op="delete",
            fields={"deleted": [False, True]},
        )
    )
    _reindex_if_searchable(session, obj)
