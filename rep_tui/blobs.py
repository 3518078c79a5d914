"""Attachment contents, named by their SHA-256 under `root/ab/abcdef…`.

One store for the device (a picked file is copied in), the sync engine
(uploads read from it, downloads resume into it) and the server (uploads
land in it). Content only ever moves in chunks and is hashed as it moves,
so a 200 MB file costs the same memory as a small one; a blob on disk is
always whole and is what its name says, because it is written beside its
place and renamed only once its hash is checked. Plain stdlib: no HTTP here."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

#: Read and write in pieces of this size.
CHUNK = 64 * 1024
#: A blob's name: the lowercase hex SHA-256 of its content.
NAME_PATTERN = r"[0-9a-f]{64}"
_NAME = re.compile(NAME_PATTERN)
#: Where a transfer keeps what has arrived so far, relative to the store's
#: root: uploads being written (`BlobStore.write`), downloads to resume (`Partial`).
PARTIAL_GLOBS = (".incoming-*", "*/.incoming-*", "*/*.part")
#: A partial file left alone this long belongs to no live transfer (one that
#: writes touches it with every chunk): it was cut off and never resumed.
PARTIAL_GRACE = timedelta(days=1)


class Refused(ValueError):
    """Content or a name the store will not take; the message says why."""


class BadName(Refused):
    def __init__(self) -> None:
        super().__init__("a blob is named by its lowercase hex SHA-256")


class TooLarge(Refused):
    def __init__(self, limit: int) -> None:
        super().__init__(f"a blob may be at most {limit} bytes")
        self.limit = limit


class WrongContent(Refused):
    def __init__(self) -> None:
        super().__init__("the content does not match its SHA-256")


def is_name(sha: str) -> bool:
    return isinstance(sha, str) and _NAME.fullmatch(sha) is not None


def blob_path(root: Path, sha: str) -> Path:
    """Where blob `sha` lives under `root`; a name that is not a SHA-256 is
    refused, so no row can point outside the store."""
    if not is_name(sha):
        raise BadName()
    return root / sha[:2] / sha


class FileChunks:
    """A file read CHUNK bytes at a time; iterable more than once, so a
    request that is sent again reads the file again."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[bytes]:
        with self.path.open("rb") as source:
            yield from _read_all(source)


@dataclass(frozen=True)
class Stored:
    sha: str
    size: int
    created: bool  # False: the store already held it


class BlobStore:
    def __init__(self, root: Path, max_bytes: int | None = None) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path(self, sha: str) -> Path:
        return blob_path(self.root, sha)

    def exists(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def write(self, chunks: Iterable[bytes], expect: str | None = None) -> Stored:
        """Store content under its hash, hashing and counting as it streams in.

        With `expect`, the content must hash to it, even when the store holds
        that blob already (then it is only read): an upload proves the sender
        holds the file."""
        if expect is not None and self.exists(expect):
            digest, size = _pump(chunks, self.max_bytes)
            if digest.hexdigest() != expect:
                raise WrongContent()
            return Stored(expect, size, created=False)
        # Beside its place when the name is known (where `admin prune` finds
        # what a killed server left), else at the root: the same disk either way.
        beside = self.path(expect).parent if expect is not None else self.root
        beside.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=beside, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                digest, size = _pump(chunks, self.max_bytes, out)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            if expect is not None and sha != expect:
                raise WrongContent()
            target = self.path(sha)
            created = not target.exists()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp_name, target)
            _sync_dir(target.parent)
        finally:
            Path(temp_name).unlink(missing_ok=True)
        return Stored(sha, size, created)

    def partial(self, sha: str) -> Partial:
        return Partial(self, sha)

    def sweep_partials(self, grace: timedelta = PARTIAL_GRACE) -> list[Path]:
        """Remove the partial files of transfers cut off and not resumed for
        `grace` (a killed upload, a download of an attachment since deleted);
        returns them. Younger ones stay, so a download still resumes."""
        cutoff = time.time() - grace.total_seconds()
        swept = []
        for path in sorted(p for pattern in PARTIAL_GLOBS for p in self.root.glob(pattern)):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    swept.append(path)
            except FileNotFoundError:  # finished or swept meanwhile
                continue
        return swept

    def forget(self, sha: str) -> None:
        """Remove a blob (and any download of it in progress); a name that is not a SHA-256 is ignored."""
        if is_name(sha):
            self.path(sha).unlink(missing_ok=True)
            self.partial(sha).discard()


class Partial:
    """A download in progress, kept in `<sha>.part` beside its place so a
    later try goes on from `size` instead of starting over (a cut connection,
    a killed process). Only `finish` moves it into place, and only when the
    whole content hashes to its name."""

    def __init__(self, store: BlobStore, sha: str) -> None:
        self.store = store
        self.sha = sha
        self.target = store.path(sha)
        self.path = self.target.with_name(sha + ".part")
        self._digest = None  # of the whole .part, once written here

    @property
    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def write_from(self, offset: int, chunks: Iterable[bytes]) -> None:
        """Write `chunks` from byte `offset` on (at most `size`), keeping and
        hashing what came before; what arrives is on disk even if the stream
        is cut off."""
        if offset > self.size:
            raise ValueError(f"cannot write at {offset}: only {self.size} bytes arrived")
        self._digest = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("r+b" if self.path.exists() else "w+b") as out:
            out.truncate(offset)
            digest, size = _pump(_read_all(out), self.store.max_bytes)
            self._digest, _size = _pump(chunks, self.store.max_bytes, out, digest, size)

    def finish(self) -> None:
        """Check the whole file against its name and move it into place;
        content that does not match is thrown away (WrongContent)."""
        try:
            with self.path.open("r+b") as part:
                digest = self._digest or _pump(_read_all(part), self.store.max_bytes)[0]
                if digest.hexdigest() != self.sha:
                    raise WrongContent()
                os.fsync(part.fileno())
        except (WrongContent, TooLarge):
            self.discard()
            raise
        os.replace(self.path, self.target)
        _sync_dir(self.target.parent)

    def discard(self) -> None:
        self._digest = None
        self.path.unlink(missing_ok=True)


def _pump(chunks: Iterable[bytes], max_bytes: int | None, out: BinaryIO | None = None, digest=None, size: int = 0):
    """Hash (and write to `out`) every chunk, minding the size limit;
    returns the digest and the size so far."""
    digest = digest or hashlib.sha256()
    for chunk in chunks:
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise TooLarge(max_bytes)
        digest.update(chunk)
        if out is not None:
            out.write(chunk)
    return digest, size


def _read_all(source: BinaryIO) -> Iterator[bytes]:
    return iter(lambda: source.read(CHUNK), b"")


def _sync_dir(directory: Path) -> None:
    """Make a rename in `directory` survive a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
