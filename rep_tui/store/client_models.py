"""Tables only the app's local database has: device identity, the outbox
the sync engine drains, the sync quarantine, and the search index (created
by migration)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from rep_tui.clock import utcnow
from rep_tui.ids import new_id
from rep_tui.store.models import Base
from rep_tui.store.types import UTCDateTime


class LocalSetting(Base):
    """Key/value facts about this device: who is signed in, client id, cursor."""

    __tablename__ = "local_settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class OutboxEntry(Base):
    """One local change waiting to be pushed, written in the same transaction
    as the change itself. `seq` is the per-device sequence number."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    op: Mapped[str] = mapped_column(String(10))  # insert | update | delete
    fields: Mapped[dict] = mapped_column(JSON)  # {field: [base, new]}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending | acknowledged | rejected | quarantined
    error: Mapped[str | None] = mapped_column(Text)


class QuarantinedChange(Base):
    """Unsynced local edits to a row that left this device (its lead was
    reassigned or deleted on the server): kept, visible, never pushed."""

    __tablename__ = "sync_quarantine"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lead_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    reason: Mapped[str] = mapped_column(Text)
    row: Mapped[dict] = mapped_column(JSON)  # the device's copy of the row when it left
    changes: Mapped[list] = mapped_column(JSON)  # the outbox entries never pushed: [{seq, op, fields}]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordReset(Base):
    """A password an admin set on this device for a user, hashed here (the
    clear text is never stored), waiting for the next sync to reach the
    server; deleted once it has, or kept with the server's refusal."""

    __tablename__ = "password_resets"
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    refused: Mapped[str | None] = mapped_column(Text)
