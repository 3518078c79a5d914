"""Attachment contents, stored by their SHA-256 under `root/sha[:2]/sha`.

An upload is written to a temporary file while its hash and size are
checked, then renamed into place, so a blob on disk is always whole and is
what its name says. A user may read a blob only through an attachment row
they may see whose pusher sent the server that content (`BlobUpload`):
attaching someone else's SHA to one's own lead grants nothing. Attachments
with no pusher are the office's own (written on the server)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import uuid
from pathlib import Path
from typing import Iterable

from sqlalchemy import Connection, select

from rep_tui.clock import utcnow
from rep_tui.server import scoping
from rep_tui.server.auth import Principal
from rep_tui.server.db import dialect_insert
from rep_tui.server.models import BlobUpload
from rep_tui.store.models import Attachment

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class BlobStore:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        root.mkdir(parents=True, exist_ok=True)

    def path(self, sha: str) -> Path:
        if not SHA256.match(sha):
            raise BlobError(400, "a blob is named by its lowercase hex SHA-256")
        return self.root / sha[:2] / sha

    def put(self, sha: str, chunks: Iterable[bytes]) -> bool:
        """Store a blob; returns False when it was already there. Either way
        the content is checked against its name, so an upload proves that the
        sender holds the file."""
        target = self.path(sha)
        if target.exists():
            digest, size = hashlib.sha256(), 0
            for chunk in chunks:
                size += len(chunk)
                if size > self.max_bytes:
                    raise BlobError(413, f"a blob may be at most {self.max_bytes} bytes")
                digest.update(chunk)
            if digest.hexdigest() != sha:
                raise BlobError(400, "the content does not match its SHA-256")
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise BlobError(413, f"a blob may be at most {self.max_bytes} bytes")
                    digest.update(chunk)
                    fh.write(chunk)
            if digest.hexdigest() != sha:
                raise BlobError(400, "the content does not match its SHA-256")
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return True


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
