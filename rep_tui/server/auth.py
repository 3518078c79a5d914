"""Signing in: argon2 password hashes, bearer tokens that expire and can be
revoked, and a brake on guessing.

An unknown user and a wrong password get the same answer (and cost the same
hash check). After a few failures for one username or one address, further
attempts are refused for a while that doubles with each failure."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import Connection, Engine, case, delete, select, update

from rep_tui.clock import utcnow
from rep_tui.domain.passwords import hash_password, hasher
from rep_tui.domain.permissions import Permission, granted
from rep_tui.server.db import dialect_insert, write_transaction
from rep_tui.server.models import LoginFailure, Password, Token
from rep_tui.store.models import User, UserGroup

WRONG = "Wrong username or password."
FREE_FAILURES = {"user": 5, "ip": 20}
MAX_LOCK = timedelta(minutes=15)
FORGET_AFTER = timedelta(minutes=15)


class AuthError(Exception):
    def __init__(self, status: int, detail: str, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


@dataclass(frozen=True)
class Principal:
    """The signed-in user a request acts for."""

    id: uuid.UUID
    username: str
    full_name: str
    role: str
    team_id: uuid.UUID | None
    #: What the user's group grants; None when in no group (the role's defaults apply).
    group_permissions: frozenset[str] | None = None

    def may(self, permission: Permission) -> bool:
        return permission in granted(self.role, self.group_permissions)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash(secrets.token_hex(8))


def set_password(conn: Connection, user_id: uuid.UUID, password: str | None = None, *,
                 hashed: str | None = None) -> None:
    """Give a user a password (or an already made hash, e.g. one shared by demo users)."""
    value = hashed or hash_password(password or "")
    conn.execute(delete(Password).where(Password.user_id == user_id))
    conn.execute(Password.__table__.insert().values(user_id=user_id, hash=value, updated_at=utcnow()))


def _verify(hashed: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _keys(username: str, ip: str) -> list[tuple[str, str]]:
    return [("user", f"user:{username.lower()}"), ("ip", f"ip:{ip}")]


def _check_locks(conn: Connection, username: str, ip: str) -> None:
    now = utcnow()
    for _kind, key in _keys(username, ip):
        locked = conn.execute(select(LoginFailure.locked_until).where(LoginFailure.key == key)).scalar()
        if locked and locked > now:
            wait = int((locked - now).total_seconds()) + 1
            raise AuthError(429, f"Too many failed sign-ins; try again in {wait} s.", retry_after=wait)


def _record_failure(conn: Connection, username: str, ip: str) -> None:
    """Count a failure for the user and the address, in one statement per key
    (so failures at the same moment all count), then lock the key if it is over."""
    now = utcnow()
    for kind, key in _keys(username, ip):
        stmt = dialect_insert(conn, LoginFailure).values(key=key, failures=1, last_at=now, locked_until=None)
        stmt = stmt.on_conflict_do_update(index_elements=[LoginFailure.key], set_={
            "failures": case((LoginFailure.last_at < now - FORGET_AFTER, 1), else_=LoginFailure.failures + 1),
            "last_at": now,
        })
        failures = conn.execute(stmt.returning(LoginFailure.failures)).scalar_one()
        over = failures - FREE_FAILURES[kind]
        if over >= 0:
            locked = now + min(timedelta(seconds=2 ** min(over, 20)), MAX_LOCK)
            conn.execute(update(LoginFailure).where(LoginFailure.key == key).values(locked_until=locked))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(conn: Connection, user_id: uuid.UUID, ttl: timedelta) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = utcnow() + ttl
    conn.execute(Token.__table__.insert().values(
        token_hash=_token_hash(token), user_id=user_id, created_at=utcnow(), expires_at=expires))
    return token, expires


def _candidate(conn: Connection, username: str):
    return conn.execute(
        select(User.id, User.username, User.full_name, User.role, User.team_id, Password.hash)
        .join(Password, Password.user_id == User.id)
        .where(User.username == username, User.active.is_(True), User.deleted.is_(False))
    ).first()


def _matches(row, password: str) -> bool:
    """Whether the password is the user's; an unknown user costs the same hash check."""
    ok = _verify(row.hash if row else _dummy_hash(), password)
    return bool(row and ok)


def _succeed(conn: Connection, row, username: str, ip: str, ttl: timedelta) -> tuple[Principal, str, datetime]:
    conn.execute(delete(LoginFailure).where(LoginFailure.key == _keys(username, ip)[0][1]))
    token, expires = issue_token(conn, row.id, ttl)
    return Principal(row.id, row.username, row.full_name, row.role, row.team_id), token, expires


def login(conn: Connection, username: str, password: str, ip: str, ttl: timedelta) -> tuple[Principal, str, datetime]:
    """Check a password; returns the user and a new token, or raises AuthError.
    Failures are recorded by the caller's transaction, which must commit."""
    _check_locks(conn, username, ip)
    row = _candidate(conn, username)
    if not _matches(row, password):
        _record_failure(conn, username, ip)
        raise AuthError(401, WRONG)
    return _succeed(conn, row, username, ip, ttl)


def sign_in(engine: Engine, username: str, password: str, ip: str, ttl: timedelta) -> tuple[Principal, str, datetime]:
    """`login` for the server's route: the slow password check runs outside
    any transaction, and the outcome is written in a short one that waits for
    SQLite's write lock (so logins at the same moment all succeed, and every
    failure counts toward the lock-out)."""
    with engine.connect() as conn:
        _check_locks(conn, username, ip)
        row = _candidate(conn, username)
        conn.rollback()
    ok = _matches(row, password)
    with write_transaction(engine) as conn:
        if not ok:
            _record_failure(conn, username, ip)
        else:
            return _succeed(conn, row, username, ip, ttl)
    raise AuthError(401, WRONG)


def authenticate(conn: Connection, token: str) -> Principal:
    """The user a token acts for, with their group's grant: one query, as it runs on every request."""
    row = conn.execute(
        select(User.id, User.username, User.full_name, User.role, User.team_id, UserGroup.id.label("group_id"),
               UserGroup.permissions)
        .join(Token, Token.user_id == User.id)
        .outerjoin(UserGroup, (UserGroup.id == User.group_id) & UserGroup.deleted.is_(False))
        .where(Token.token_hash == _token_hash(token), Token.revoked_at.is_(None), Token.expires_at > utcnow(),
               User.active.is_(True), User.deleted.is_(False))
    ).first()
    if row is None:
        raise AuthError(401, "Sign in again: the token is unknown, expired or revoked.")
    group = None if row.group_id is None else frozenset(row.permissions or ())
    return Principal(row.id, row.username, row.full_name, row.role, row.team_id, group)


def lacks(permission: Permission) -> str:
    """What a user is told when their permissions lack `permission` (an HTTP refusal or a refused change)."""
    return f"You may not do this: {permission.label.lower()} needs a permission your group lacks."


def require(user: Principal, permission: Permission) -> None:
    """Refuse (403, in plain words) a user whose permissions lack `permission`."""
    if not user.may(permission):
        raise AuthError(403, lacks(permission))


def revoke(conn: Connection, token: str) -> None:
    conn.execute(update(Token).where(Token.token_hash == _token_hash(token)).values(revoked_at=utcnow()))


def revoke_user(conn: Connection, user_id: uuid.UUID) -> None:
    """Sign a user out everywhere (e.g. when they leave)."""
    conn.execute(update(Token).where(Token.user_id == user_id, Token.revoked_at.is_(None)).values(revoked_at=utcnow()))
