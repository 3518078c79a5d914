"""Tables only the server has: password hashes, tokens, login throttling, the
version counter, each device's applied sequence, and the bookkeeping that
decides which removals a device needs. They live in their own metadata so
the app's database never gets them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, MetaData, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from rep_tui.clock import utcnow
from rep_tui.store.models import NAMING
from rep_tui.store.types import UTCDateTime


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Counter(ServerBase):
    """The one row every push locks first: `value` is the last version given."""

    __tablename__ = "server_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Password(ServerBase):
    __tablename__ = "server_passwords"
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    hash: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Token(ServerBase):
    """A bearer token, stored only as its SHA-256."""

    __tablename__ = "server_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(ServerBase):
    """Recent failed logins per "user:<name>" and "ip:<address>" key."""

    __tablename__ = "server_login_failures"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClientSequence(ServerBase):
    """The last mutation sequence applied per device, written in the same
    transaction as the mutations, so each is applied exactly once."""

    __tablename__ = "server_client_sequences"
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    #: SHA-256 of the last push's mutations: a copy of that push (sent twice
    #: at once) is told apart from an old copy of the device's database.
    last_batch: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PushRejection(ServerBase):
    """A mutation the server refused, kept until the device says it has the
    answer (`acked_seq`): a retry of a push whose reply was lost is answered
    with the refusal again, not taken for a duplicate of something applied."""

    __tablename__ = "server_push_rejections"
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    reason: Mapped[str] = mapped_column(Text)


class RowBirth(ServerBase):
    """When (and by which device) a pushed row was created. A tombstone is
    only sent to a device that may have had the row: rows born after its
    cursor elsewhere are skipped. Rows without a birth are treated as old."""

    __tablename__ = "server_row_births"
    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    client_id: Mapped[str | None] = mapped_column(String(64))


class ScopeExit(ServerBase):
    """A user can no longer see a lead (it was reassigned, the rep changed
    team, the team changed manager): their devices drop it on the next pull."""

    __tablename__ = "server_scope_exits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    lead_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)


class BlobUpload(ServerBase):
    """Who has sent the server a blob's content (or could read it when they
    attached it): an attachment gives access to its blob only when the user
    it was pushed by is one of them, so naming a SHA grants nothing."""

    __tablename__ = "server_blob_uploads"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Setting(ServerBase):
    """A server-wide setting an admin edits with `rep-tui admin` (the web
    form's style and referral sources), as JSON under its key."""

    __tablename__ = "server_settings"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=False)


class FormPost(ServerBase):
    """A web lead form submission that was stored (or caught by the honeypot),
    by client address: the form's rate limit counts these."""

    __tablename__ = "server_form_posts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Merge(ServerBase):
    """Two customers made one (`admin_merge`): what moved and what the
    survivor's fields were, so the merge can be undone exactly, and so a
    device's later edits to the loser land on the survivor (`merges`)."""

    __tablename__ = "server_merges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    survivor_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    loser_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    #: {column: [before, after]} of the survivor's changed fields, as JSON values.
    fields: Mapped[Any] = mapped_column(JSON, nullable=False)
    #: {table: [row id, ...]} of the loser's rows moved to the survivor ("change_history" too).
    moved: Mapped[Any] = mapped_column(JSON, nullable=False)
    #: The contact made of the loser (`--as-family`), if any.
    contact_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CleanupRun(ServerBase):
    """One run of an office clean-up utility (`admin_cleanup`): what it was
    asked and every value it changed, so `--undo` puts them back and can
    tell which were changed again since."""

    __tablename__ = "server_cleanup_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The utility ("duplicate-phones", "area-code", "stale-leads") and its options, as the office gave them.
    kind: Mapped[str] = mapped_column(String(40))
    options: Mapped[Any] = mapped_column(JSON, nullable=False)
    #: [[table, row id, {column: [before, after]}], ...] as JSON values; a deletion is {"deleted": [false, true]}.
    changes: Mapped[Any] = mapped_column(JSON, nullable=False)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
