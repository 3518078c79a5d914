"""What the device remembers about syncing (in `local_settings`) and the
status the app shows: synced, N waiting, offline, error."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rep_tui.store.client_models import OutboxEntry, QuarantinedChange
from rep_tui.store.models import ChangeRecord
from rep_tui.store.queries import get_setting, set_setting

CLIENT_ID = "sync.client_id"
CURSOR = "sync.cursor"
ACKED_SEQ = "sync.acked_seq"
#: The highest outbox sequence this database has put on the wire (written before sending).
SENT_SEQ = "sync.sent_seq"
LAST_SYNC = "sync.last_sync_at"


def client_id(session: Session) -> str:
    """This device's id, made on first use. A database restored from a copy
    gets a new one (see `rotate_client_id`)."""
    value = get_setting(session, CLIENT_ID)
    if value is None:
        value = uuid.uuid4().hex
        set_setting(session, CLIENT_ID, value)
        set_setting(session, SENT_SEQ, "0")
    return value


def rotate_client_id(session: Session) -> str:
    value = uuid.uuid4().hex
    set_setting(session, CLIENT_ID, value)
    set_setting(session, ACKED_SEQ, "0")
    set_setting(session, SENT_SEQ, "0")
    return value


def mark_sent(session: Session, top: int) -> int | None:
    """Record that entries up to `top` are about to go out; returns what had
    gone out before (None for a database from before this was recorded)."""
    before = get_setting(session, SENT_SEQ)
    if top:
        set_setting(session, SENT_SEQ, str(max(top, int(before or 0))))
    return None if before is None else int(before)


def get_int(session: Session, key: str) -> int:
    return int(get_setting(session, key) or 0)


def set_int(session: Session, key: str, value: int) -> None:
    set_setting(session, key, str(value))


def last_sync(session: Session) -> datetime | None:
    value = get_setting(session, LAST_SYNC)
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class SyncStatus:
    """A snapshot for the status bar. `state` is one of: synced, waiting,
    syncing, offline, error."""

    state: str
    waiting: int = 0
    rejected: int = 0
    conflicts: int = 0
    quarantined: int = 0
    last_sync_at: datetime | None = None
    last_error: str | None = None

    @property
    def text(self) -> str:
        if self.state == "offline":
            head = f"offline ({self.waiting} waiting)" if self.waiting else "offline"
        elif self.state == "error":
            head = f"sync error: {self.last_error}"
        elif self.state == "syncing":
            head = "syncing…"
        elif self.waiting:
            head = f"{self.waiting} waiting"
        else:
            head = "synced"
        extras = [f"{n} {label}" for n, label in ((self.rejected, "rejected"), (self.conflicts, "conflicts"),
                                                   (self.quarantined, "quarantined")) if n]
        return head + (f" · {', '.join(extras)}" if extras else "")


def counts(session: Session) -> dict[str, int]:
    by_state = dict(session.execute(select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)).all())
    return {
        "waiting": by_state.get("pending", 0),
        "rejected": by_state.get("rejected", 0),
        "conflicts": session.scalar(select(func.count()).where(ChangeRecord.kind == "conflict")) or 0,
        "quarantined": session.scalar(select(func.count()).select_from(QuarantinedChange)) or 0,
    }
