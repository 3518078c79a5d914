"""Fast row <-> JSON conversion for whole tables, column by column.

`rep_tui.store.serialize` decides what each type looks like in JSON; this
module only precomputes, per table, which columns need converting, because
an initial sync moves hundreds of thousands of rows. `sqlite_binders` goes
straight from JSON to what the device's SQLite stores, skipping the Python
objects in between."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from sqlalchemy.dialects import sqlite
from sqlalchemy.types import JSON, Boolean, Date, DateTime, Integer, String, Text, Uuid

from rep_tui.store.models import SYNCED_TABLES
from rep_tui.store.serialize import from_json, to_json
from rep_tui.store.types import UTCDateTime

_PLAIN = (String, Text, Integer, Boolean, JSON)

Converter = Callable[[Any], Any]


def _encode_for(col_type: Any) -> Converter | None:
    if isinstance(col_type, _PLAIN):
        return None
    if isinstance(col_type, Uuid):
        return str
    return to_json


@lru_cache(maxsize=None)
def _encoders(table: str) -> tuple[tuple[str, Converter | None], ...]:
    cols = SYNCED_TABLES[table].__table__.columns  # type: ignore[attr-defined]
    return tuple((c.key, _encode_for(c.type)) for c in cols)


def encode_row(table: str, row: Any) -> dict[str, Any]:
    """A database row (mapping) as JSON values."""
    out = {}
    for name, enc in _encoders(table):
        value = row[name]
        out[name] = value if enc is None or value is None else enc(value)
    return out


def _through_objects(col_type: Any) -> Converter:
    dialect = sqlite.dialect()
    process = col_type.dialect_impl(dialect).bind_processor(dialect)
    return lambda value: process(from_json(col_type, value))


def _utc_text(value: str) -> str:
    """'2026-01-05T15:00:00.5+00:00' -> '2026-01-05 15:00:00.500000', as SQLite keeps it."""
    if value.endswith("+00:00") and len(value) >= 25:
        clock = value[11:-6]
        whole, _, fraction = clock.partition(".")
        return f"{value[:10]} {whole}.{fraction.ljust(6, '0')}"
    return _utc_slow(value)


_utc_slow = _through_objects(UTCDateTime())


def _sqlite_binder(col_type: Any) -> Converter | None:
    if isinstance(col_type, (String, Text, Integer, Boolean)):
        return None
    if isinstance(col_type, Uuid):
        return lambda value: value.replace("-", "")  # stored as 32 hex digits
    if isinstance(col_type, Date) and not isinstance(col_type, DateTime):
        return None  # ISO dates are stored as they are
    if isinstance(col_type, UTCDateTime):
        return _utc_text
    return _through_objects(col_type)


@lru_cache(maxsize=None)
def sqlite_binders(table: str) -> tuple[tuple[str, Converter | None], ...]:
    """(name, JSON value -> SQLite value) of every column of a synced table."""
    cols = SYNCED_TABLES[table].__table__.columns  # type: ignore[attr-defined]
    return tuple((c.key, _sqlite_binder(c.type)) for c in cols)


def sqlite_params(table: str, rows: list[dict[str, Any]]) -> list[tuple]:
    binders = sqlite_binders(table)
    return [tuple(v if (v := row.get(name)) is None or bind is None else bind(v) for name, bind in binders)
            for row in rows]
