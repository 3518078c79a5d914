"""When the local store cannot be used: each failure in one sentence that
says what to do, and the lock that keeps a second rep-tui from opening the
same store.

`diagnose(error, path)` turns an exception from SQLite, SQLAlchemy or the
file system into a `StoreProblem` (None for anything else, which is a bug
and keeps its traceback). Every entry point shows `problem.sentence`
instead of a traceback; the app shows it in a notification. Nothing here
imports SQLAlchemy: the command line reaches it before its first paint."""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

# SQLite's primary result codes (https://sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 11, 13, 14, 26
_PERMISSION = (errno.EACCES, errno.EPERM, errno.EROFS)


@dataclass(frozen=True)
class StoreProblem(Exception):
    """The local store cannot be used; `sentence` tells the rep why and what to do."""

    kind: str  # damaged | read_only | full | busy | in_use | too_new
    sentence: str

    def __str__(self) -> str:
        return self.sentence


def damaged(path: Path) -> StoreProblem:
    return StoreProblem("damaged", f"Your local store at {path} is damaged. Run `rep-tui repair` to keep your "
                                   "unsynced changes and fetch the rest from the server.")


def read_only(path: Path) -> StoreProblem:
    return StoreProblem("read_only", f"Your local store at {path} cannot be written: the file or its folder is "
                                     "read-only. Make both writable by your user (or set REP_TUI_HOME to a "
                                     "writable folder) and start again; nothing was changed.")


def disk_full(path: Path) -> StoreProblem:
    return StoreProblem("full", f"The disk holding your local store at {path} is full. Free some space and try "
                                "again; nothing saved before was lost.")


def busy(path: Path) -> StoreProblem:
    return StoreProblem("busy", f"Your local store at {path} is held by another program (a backup or sync tool?) "
                                "and did not come free. Close that program and try again; nothing was changed.")


def in_use(pid: int | None) -> StoreProblem:
    who = f" (pid {pid})" if pid else ""
    return StoreProblem("in_use", f"rep-tui is already open on this device{who}. Use that window, or close it first.")


def _causes(error: BaseException):
    """The error, what SQLAlchemy wrapped (`orig`) and what it was raised from."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = getattr(error, "orig", None) or error.__cause__ or error.__context__


def diagnose(error: BaseException, path: Path) -> StoreProblem | None:
    """The problem `error` means for the store at `path`, or None when it is not a store problem."""
    from rep_tui.store.db import SchemaRefused

    for cause in _causes(error):
        if isinstance(cause, StoreProblem):
            return cause
        if isinstance(cause, SchemaRefused):  # too new for this app, or a server's database
            return StoreProblem("schema", str(cause))
        if isinstance(cause, sqlite3.Error):
            code = (getattr(cause, "sqlite_errorcode", None) or 0) & 0xFF
            if code in (_CORRUPT, _NOTADB):
                return damaged(path)
            if code == _FULL:
                return disk_full(path)
            if code in (_READONLY, _CANTOPEN):
                return read_only(path)
            if code in (_BUSY, _LOCKED):
                return busy(path)
        if isinstance(cause, OSError):
            if cause.errno == errno.ENOSPC:
                return disk_full(path)
            if cause.errno in _PERMISSION:
                return read_only(path)
    return None


def check_writable(store) -> None:
    """Raise the store's problem now if it cannot be written (read-only
    file or folder, full disk), before the rep types anything into it."""
    with store.engine.connect() as conn:
        version = int(conn.exec_driver_sql("PRAGMA user_version").scalar())
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:  # a write SQLite refuses at once on a read-only file; rolled back, so nothing changes
            conn.exec_driver_sql(f"PRAGMA user_version = {version}")
        finally:
            conn.exec_driver_sql("ROLLBACK")


class InstanceLock:
    """An exclusive lock on `STORE.lock` held while this process syncs or
    writes the store (the app, `sync`, `login`, `demo`, `repair`), so two of
    them never push the same outbox at once. The kernel lets go when the
    process ends, even killed. Readers (`search`, `stats`) do not take it:
    SQLite's WAL lets them read while the app writes."""

    def __init__(self, store_path: Path) -> None:
        self.path = store_path.with_name(store_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        """Take the lock, or raise the `in_use` StoreProblem naming the holder's pid."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise diagnose(exc, self.path.with_suffix("")) or exc from None
        if not _try_lock(fd):
            holder = _read_pid(fd)
            os.close(fd)
            raise in_use(holder)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *_exc) -> None:
        self.release()


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: lock a byte past the pid, which others must still read
        import msvcrt

        os.lseek(fd, 4096, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _read_pid(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode(errors="replace").strip()
    return int(text) if text.isdigit() else None
