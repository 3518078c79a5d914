"""Who may read attachment contents (the contents themselves are kept by
the shared store, `rep_tui.blobs`). A user may read a blob only through an
attachment row they may see whose pusher sent the server that content (`BlobUpload`):
attaching someone else's SHA to one's own lead grants nothing. Attachments
with no pusher are the office's own (written on the server)."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, select

from rep_tui import blobs
from rep_tui.clock import utcnow
from rep_tui.server import scoping
from rep_tui.server.auth import Principal
from rep_tui.server.db import dialect_insert
from rep_tui.server.models import BlobUpload
from rep_tui.store.models import Attachment


def http_status(refused: blobs.Refused) -> int:
    """The answer to an upload or a name the blob store refused."""
    return 413 if isinstance(refused, blobs.TooLarge) else 400


def record_upload(conn: Connection, user_id: uuid.UUID, sha: str) -> None:
    """Remember that `user_id` sent (or could already read) the content of `sha`."""
    conn.execute(dialect_insert(conn, BlobUpload).values(sha256=sha, user_id=user_id, at=utcnow())
                 .on_conflict_do_nothing(index_elements=[BlobUpload.sha256, BlobUpload.user_id]))


def may_read(conn: Connection, user: Principal, sha: str) -> bool:
    """Through a live attachment the user may see, pushed by someone who sent this content."""
    sent = select(BlobUpload.user_id).where(BlobUpload.sha256 == sha)
    stmt = select(Attachment.id).where(
        Attachment.sha256 == sha, Attachment.deleted.is_(False),
        Attachment.uploaded_by.is_(None) | Attachment.uploaded_by.in_(sent))
    clause = scoping.row_filter("attachments", user)
    if clause is not None:
        stmt = stmt.where(clause)
    return conn.execute(stmt.limit(1)).first() is not None
