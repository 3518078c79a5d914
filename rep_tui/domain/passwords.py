"""Passwords, one set of rules for the server and the app: how long a new
one must be, how it is hashed (argon2id), and which hashes the server takes
from a device (an admin's device hashes a password it resets, so the clear
text never waits on disk for a sync)."""

from __future__ import annotations

from functools import lru_cache

MIN_PASSWORD = 8


def too_short(password: str) -> str | None:
    """Why `password` cannot be someone's new password, or None."""
    if len(password) < MIN_PASSWORD:
        return f"A password needs at least {MIN_PASSWORD} characters."
    return None


@lru_cache(maxsize=1)
def hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return hasher().hash(password)


def weak_hash(hashed: str) -> str | None:
    """Why the server refuses `hashed` as a password hash (not argon2id, or
    cheaper to guess than its own), or None when it is as strong."""
    from argon2 import Type, extract_parameters
    from argon2.exceptions import InvalidHashError

    try:
        given = extract_parameters(hashed)
    except (InvalidHashError, ValueError, IndexError):
        return "not an argon2 password hash"
    ours = hasher()
    if given.type is not Type.ID or given.memory_cost < ours.memory_cost or given.time_cost < ours.time_cost \
            or given.parallelism < ours.parallelism or given.hash_len < ours.hash_len:
        return "a password hash weaker than the server's (argon2id with its costs)"
    return None
