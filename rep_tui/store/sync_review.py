"""What a rep reviews about sync, read from the local store: each change the
device queued and what became of it, the values that lost a conflict (and
putting one back as a new edit), and the quarantine of edits to rows that
left the device."""

from __future__ import annotations

import ast
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON, Boolean

from rep_tui.domain import labels
from rep_tui.store import writes
from rep_tui.store.client_models import OutboxEntry, QuarantinedChange
from rep_tui.store.models import SYNCED_TABLES, ChangeRecord, Job, Lead
from rep_tui.store.serialize import column_type, from_json

STATES = {"pending": "pending", "acknowledged": "sent", "rejected": "rejected", "quarantined": "quarantined",
          "dismissed": "dismissed", "resent": "sent again"}
LIMIT = 200


def noun(table: str) -> str:
    """"invoice_items" -> "invoice item"."""
    return table.replace("_", " ").removesuffix("s")


def field_label(field: str) -> str:
    """A field as a word in a sentence: "contract_cents" -> "sale"."""
    return labels.field_label(field).lower()


def describe_change(table: str, op: str, fields: list[str] | dict) -> str:
    """"comment added", "lead edited: home phone, email", "appointment deleted"."""
    if op == "insert":
        return f"{noun(table)} added"
    if op == "delete":
        return f"{noun(table)} deleted"
    return f"{noun(table)} edited: {', '.join(field_label(f) for f in labels.shown_fields(list(fields)))}"


def lead_of(session: Session, table: str, row_id: uuid.UUID) -> Lead | None:
    """The lead a row hangs off, when it is on the device."""
    if table == "leads":
        return session.get(Lead, row_id)
    row = session.get(SYNCED_TABLES[table], row_id) if table in SYNCED_TABLES else None
    if row is None:
        return None
    if getattr(row, "lead_id", None) is not None:
        return session.get(Lead, row.lead_id)
    job = session.get(Job, row.job_id) if getattr(row, "job_id", None) else None
    return session.get(Lead, job.lead_id) if job else None


@dataclass(frozen=True)
class QueuedChange:
    seq: int
    at: datetime
    what: str
    lead_id: uuid.UUID | None
    customer: str
    state: str  # pending | sent | rejected | quarantined
    reason: str | None


@dataclass(frozen=True)
class LostValue:
    """A field both sides changed: the office's value was kept, the rep's is here."""

    id: uuid.UUID
    at: datetime
    lead_id: uuid.UUID | None
    customer: str
    table: str
    field: str
    yours: str | None
    kept: str | None
    yours_now: bool  # the row holds the rep's value again (re-applied since)


@dataclass(frozen=True)
class Quarantined:
    id: uuid.UUID
    at: datetime
    customer: str
    what: str
    reason: str
    details: str


def _name(lead: Lead | None) -> str:
    return lead.name if lead else ""


def queued_changes(session: Session, limit: int = LIMIT) -> list[QueuedChange]:
    """The outbox, newest first: pending, sent (kept a few days), rejected with the reason."""
    entries = session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq.desc()).limit(limit))
    out = []
    for e in entries:
        lead = lead_of(session, e.table_name, e.row_id)
        out.append(QueuedChange(e.seq, e.created_at, describe_change(e.table_name, e.op, list(e.fields)),
                                lead.id if lead else None, _name(lead), STATES.get(e.state, e.state), e.error))
    return out


def _as_text(row: Any, field: str) -> str | None:
    """A row's field as change history writes it (str of its JSON value)."""
    from rep_tui.store.serialize import to_json

    value = getattr(row, field, None)
    return None if value is None else str(to_json(value))


def lost_values(session: Session, limit: int = LIMIT) -> list[LostValue]:
    """Values of the rep's that lost a conflict, newest first."""
    records = session.scalars(select(ChangeRecord).where(ChangeRecord.kind == "conflict")
                              .order_by(ChangeRecord.at.desc()).limit(limit))
    out = []
    for r in records:
        row = session.get(SYNCED_TABLES[r.table_name], r.row_id) if r.table_name in SYNCED_TABLES else None
        lead = session.get(Lead, r.lead_id) if r.lead_id else lead_of(session, r.table_name, r.row_id)
        out.append(LostValue(r.id, r.at, lead.id if lead else None, _name(lead), r.table_name, r.field,
                             r.new_value, r.old_value, row is not None and _as_text(row, r.field) == r.new_value))
    return out


def quarantined(session: Session) -> list[Quarantined]:
    """Unsynced edits to rows that left the device, newest first."""
    items = list(session.scalars(select(QuarantinedChange).order_by(QuarantinedChange.at.desc())))
    lead_names = {q.row_id: _row_name(q.row) for q in items if q.table_name == "leads"}
    out = []
    for q in items:
        customer = lead_names.get(q.lead_id) or _row_name(q.row) or (f"lead {str(q.lead_id)[:8]}" if q.lead_id else "")
        ops = [c.get("op", "update") for c in q.changes]
        fields = sorted({f for c in q.changes for f in (c.get("fields") or {})})
        what = describe_change(q.table_name, ops[0] if len(set(ops)) == 1 else "update", fields)
        details = "; ".join(f"{field_label(f)} → {_new_value(q.changes, f)}" for f in labels.shown_fields(fields))
        out.append(Quarantined(q.id, q.at, customer, what, q.reason, details))
    return out


def _row_name(row: dict) -> str:
    return " ".join(part for part in (row.get("first_name"), row.get("last_name")) if part)


def _new_value(changes: list[dict], field: str) -> str:
    """The last value the rep gave a field in these outbox changes."""
    for change in reversed(changes):
        pair = (change.get("fields") or {}).get(field)
        if pair:
            return "(empty)" if pair[1] is None else str(pair[1])
    return ""


class CannotReapply(Exception):
    """The row or field is gone from the device, or the change cannot go
    again as it is; the message says so."""


def decode(model: type, field: str, text: str | None) -> Any:
    """Change history's text of a value back into what the column holds."""
    if text is None:
        return None
    kind = column_type(model, field)
    if isinstance(kind, Boolean):
        return text in ("True", "true", "1")
    if isinstance(kind, JSON):
        return ast.literal_eval(text)
    return from_json(kind, text)


def reapply(session: Session, actor: writes.Actor, conflict_id: uuid.UUID) -> dict[str, tuple[Any, Any]]:
    """Write the rep's losing value again, as a new edit that syncs like any other."""
    record = session.get(ChangeRecord, conflict_id)
    if record is None or record.kind != "conflict":
        raise CannotReapply("That conflict is no longer in the change history.")
    model = SYNCED_TABLES.get(record.table_name)
    row = session.get(model, record.row_id) if model else None
    if row is None or row.deleted:
        raise CannotReapply(f"That {noun(record.table_name)} is no longer on this device.")
    return writes.update(session, actor, row, **{record.field: decode(model, record.field, record.new_value)})


def _refused(session: Session, seq: int) -> OutboxEntry:
    entry = session.get(OutboxEntry, seq)
    if entry is None or entry.state != "rejected":
        raise CannotReapply("That change is no longer waiting for you: it was sent, dismissed or fixed since.")
    return entry


def dismiss(session: Session, seq: int) -> str:
    """The rep accepts the server's refusal. A refused edit or delete needs
    nothing more (the next pull brings the server's row back); a refused
    create leaves a row only this device has, which goes."""
    entry = _refused(session, seq)
    entry.state = "dismissed"
    model = SYNCED_TABLES.get(entry.table_name)
    row = session.get(model, entry.row_id) if model and entry.op == "insert" else None
    if row is not None and not row.version:
        _drop_never_synced(session, row)
        session.flush()
        if entry.table_name == "leads":
            from rep_tui.store import search

            search.index_leads(session, [row.id])
        return f"Dismissed: the {noun(entry.table_name)} only this device had is gone."
    return f"Dismissed: the server's {noun(entry.table_name)} stands."


def _drop_never_synced(session: Session, row: Any) -> None:
    """Remove a row the server never had, with what hangs off it (refused for its sake)."""
    for child in writes.never_synced_children(session, row):
        child_refused = writes.refused_create(session, child)
        if child_refused is not None:
            child_refused.state = "dismissed"
        _drop_never_synced(session, child)
    session.delete(row)
    session.flush()  # before its parent goes


def send_again(session: Session, seq: int) -> str:
    """Queue a refused change again with the row's values as they are now,
    once they pass the same checks the server applies."""
    from rep_tui.domain.rules import check_value
    from rep_tui.domain.validation import Invalid
    from rep_tui.store.serialize import row_fields

    entry = _refused(session, seq)
    model = SYNCED_TABLES.get(entry.table_name)
    row = session.get(model, entry.row_id) if model else None
    if row is None:
        raise CannotReapply(f"That {noun(entry.table_name)} is no longer on this device.")
    columns = model.__table__.columns
    names = list(row_fields(row)) if entry.op == "insert" else [f for f in entry.fields if f in columns]
    for name in names:
        try:
            check_value(columns[name], getattr(row, name))
        except Invalid as exc:
            raise CannotReapply(f"{labels.field_label(name)}: {exc} Fix it, then send it again.") from None
    if entry.op == "insert" or not row.version:
        writes.create_again(session, row, entry)
    else:
        entry.state = "resent"
        current = row_fields(row)
        session.add(OutboxEntry(table_name=entry.table_name, row_id=entry.row_id, op=entry.op,
                                fields={f: [pair[0], current.get(f, pair[1])] for f, pair in entry.fields.items()}))
    return f"Sent again: the {noun(entry.table_name)} goes with the next sync."
