"""Draining the outbox: what to send, what the server said about it.

An entry stays after it is acknowledged (state "acknowledged") for a while,
so that if the server turns out to have been restored from an older backup
the device can send it again. The highest entry is never deleted: SQLite
would hand its sequence number out again, and the server would take the new
entry for a duplicate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from rep_tui.clock import utcnow
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import ChangeRecord
from rep_tui.sync.protocol import Mutation, PushResponse


@dataclass
class PushOutcome:
    applied: int = 0
    rejected: list[str] = field(default_factory=list)
    conflicts: int = 0


def pending(session: Session, limit: int) -> list[OutboxEntry]:
    stmt = select(OutboxEntry).where(OutboxEntry.state == "pending").order_by(OutboxEntry.seq).limit(limit)
    return list(session.scalars(stmt))


def to_mutations(entries: list[OutboxEntry]) -> list[Mutation]:
    return [Mutation(seq=e.seq, table=e.table_name, row_id=e.row_id, op=e.op, fields=e.fields) for e in entries]


def max_seq(session: Session) -> int:
    return session.scalar(select(func.max(OutboxEntry.seq))) or 0


def record(session: Session, response: PushResponse, device_id: str, outcome: PushOutcome) -> None:
    """Store what the server did with each entry, and the values that lost."""
    entries = {e.seq: e for e in session.scalars(
        select(OutboxEntry).where(OutboxEntry.seq.in_([r.seq for r in response.results])))}
    for result in response.results:
        entry = entries.get(result.seq)
        if entry is None:
            continue
        if result.status == "rejected":
            entry.state, entry.error = "rejected", result.reason
            outcome.rejected.append(f"{entry.op} {entry.table_name} {entry.row_id}: {result.reason}")
        else:
            entry.state, entry.error = "acknowledged", None
            outcome.applied += result.status == "applied"
        for c in result.conflicts:
            session.add(ChangeRecord(
                table_name=c.table, row_id=c.row_id, lead_id=c.lead_id, field=c.field,
                old_value=None if c.kept is None else str(c.kept), new_value=None if c.lost is None else str(c.lost),
                user_name="sync: the office's value was kept", device_id=device_id, kind="conflict",
            ))
            outcome.conflicts += 1


def resend_after(session: Session, last_seq: int) -> tuple[int, int]:
    """The server only has entries up to `last_seq`: queue the later ones we
    still hold again. Returns (re-queued, missing) counts."""
    requeued = session.execute(
        update(OutboxEntry).where(OutboxEntry.seq > last_seq, OutboxEntry.state == "acknowledged")
        .values(state="pending")
    ).rowcount
    held = session.scalar(select(func.min(OutboxEntry.seq)).where(OutboxEntry.seq > last_seq))
    missing = max(0, (held or last_seq + 1) - last_seq - 1)
    return requeued, missing


def prune(session: Session, keep: timedelta) -> int:
    """Forget acknowledged entries older than `keep` (never the highest one)."""
    top = max_seq(session)
    return session.execute(
        delete(OutboxEntry).where(OutboxEntry.state == "acknowledged", OutboxEntry.created_at < utcnow() - keep,
                                  OutboxEntry.seq < top)
    ).rowcount
