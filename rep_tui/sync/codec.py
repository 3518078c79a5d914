"""Fast row <-> JSON conversion for whole tables, column by column.

`rep_tui.store.serialize` decides what each type looks like in JSON; this
module only precomputes, per table, which columns need converting, because
an initial sync moves hundreds of thousands of rows. `sqlite_binders` goes
straight from JSON to what the device's SQLite stores, skipping the Python
objects in between."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, Callable, Iterable, Sequence

import pydantic_core
from sqlalchemy import ColumnElement, case, cast, func, type_coerce
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import JSON, Boolean, Date, DateTime, Integer, Numeric, String, Text, Uuid

from rep_tui.store.models import SYNCED_TABLES
from rep_tui.store.serialize import from_json, to_json
from rep_tui.store.types import UTCDateTime

log = logging.getLogger(__name__)
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


def _naive_utc_iso(value: datetime) -> str:
    """What `to_json` makes of the aware datetime, from the naive UTC one stored."""
    return value.isoformat() + "+00:00"


def _pg_iso(col: ColumnElement) -> ColumnElement:
    """What `to_json` makes of a UTC timestamp column, made by PostgreSQL
    (microseconds only when there are any, as `datetime.isoformat`)."""
    return case((func.date_trunc("second", col) == col, func.to_char(col, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')),
                else_=func.to_char(col, 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'))


@lru_cache(maxsize=None)
def wire_columns(table: str, dialect: str) -> tuple[ColumnElement, ...]:
    """The columns of a synced table to select for `encode_rows`. On
    PostgreSQL, UUIDs and UTC timestamps come as the text the device gets,
    so the server's Python touches them no more, and JSON as text for the
    fast parser (psycopg's goes through `json.loads` per value); elsewhere
    timestamps come as stored (naive), saving an aware datetime per value."""
    cols = SYNCED_TABLES[table].__table__.columns  # type: ignore[attr-defined]

    def wire(col):
        if isinstance(col.type, UTCDateTime):
            return (_pg_iso(col) if dialect == "postgresql" else type_coerce(col, DateTime())).label(col.key)
        if isinstance(col.type, (Uuid, JSON)) and dialect == "postgresql":
            return cast(col, Text if isinstance(col.type, JSON) else String).label(col.key)
        return col

    return tuple(wire(c) for c in cols)


@lru_cache(maxsize=None)
def pg_json_columns(table: str) -> tuple[ColumnElement, ...]:
    """The columns of a synced table as PostgreSQL's `row_to_json` must see
    them to write what `encode_row` gives: `wire_columns`, but JSON left as
    JSON (to nest, not to quote) and decimals as their text."""
    cols = SYNCED_TABLES[table].__table__.columns  # type: ignore[attr-defined]

    def wire(col, made):
        if isinstance(col.type, JSON):
            return col
        if isinstance(col.type, Numeric):
            return cast(col, Text).label(col.key)
        return made

    return tuple(wire(c, made) for c, made in zip(cols, wire_columns(table, "postgresql")))


@lru_cache(maxsize=None)
def json_column_keys(table: str) -> tuple[str, ...]:
    cols = SYNCED_TABLES[table].__table__.columns  # type: ignore[attr-defined]
    return tuple(c.key for c in cols if isinstance(c.type, JSON))


@lru_cache(maxsize=None)
def _wire_encoders(table: str, dialect: str) -> tuple[tuple[str, ...], tuple[tuple[int, Converter], ...]]:
    """Column names, and (position, converter) of the `wire_columns` still needing Python."""
    cols = SYNCED_TABLES[table].__table__.columns  # type: ignore[attr-defined]

    def encoder(col) -> Converter | None:
        if dialect == "postgresql" and isinstance(col.type, (UTCDateTime, Uuid)):
            return None
        if dialect == "postgresql" and isinstance(col.type, JSON):
            return pydantic_core.from_json
        return _naive_utc_iso if isinstance(col.type, UTCDateTime) else _encode_for(col.type)

    encoders = [encoder(c) for c in cols]
    return tuple(c.key for c in cols), tuple((i, enc) for i, enc in enumerate(encoders) if enc is not None)


def encode_rows(table: str, rows: Iterable[Sequence[Any]], dialect: str) -> list[dict[str, Any]]:
    """Rows selected as `wire_columns(table, dialect)` as JSON values, the
    same as `encode_row` makes: the pull's hot loop, so only converted
    columns are touched. A row that cannot be converted is logged and left out."""
    names, converted = _wire_encoders(table, dialect)
    out = []
    for row in rows:
        values = list(row)
        try:
            for i, enc in converted:
                if (value := values[i]) is not None:
                    values[i] = enc(value)
        except (TypeError, ValueError, OverflowError) as exc:
            log.error("%s row %s cannot be sent and was left out: %s", table, values[0], exc)
            continue
        out.append(dict(zip(names, values)))
    return out


def _through_objects(col_type: Any) -> Converter:
    dialect = sqlite.dialect()
    process = col_type.dialect_impl(dialect).bind_processor(dialect)
    return lambda value: process(from_json(col_type, value))


def _utc_text(value: str) -> str:
    """'2026-01-05T15:00:00+00:00' -> '2026-01-05 15:00:00.000000', as SQLite
    keeps it; the two shapes `datetime.isoformat` gives for UTC go the short way."""
    if value.endswith("+00:00"):
        if len(value) == 25:
            return f"{value[:10]} {value[11:19]}.000000"
        if len(value) == 32:
            return f"{value[:10]} {value[11:26]}"
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
    if isinstance(col_type, JSON):
        return json.dumps  # what SQLAlchemy's JSON type stores, without its round trip
    return _through_objects(col_type)


@lru_cache(maxsize=None)
def sqlite_binders(table: str) -> tuple[tuple[str, Converter | None], ...]:
    """(name, JSON value -> SQLite value) of every column of a synced table."""
    cols = SYNCED_TABLES[table].__table__.columns  # type: ignore[attr-defined]
    return tuple((c.key, _sqlite_binder(c.type)) for c in cols)


def sqlite_params(table: str, rows: list[dict[str, Any]]) -> list[tuple]:
    """Executemany parameters for rows of JSON values, in `sqlite_binders` order;
    a column a row lacks is NULL."""
    binders = sqlite_binders(table)
    names = [name for name, _bind in binders]
    every = itemgetter(*names)
    converted = [(i, bind) for i, (_name, bind) in enumerate(binders) if bind is not None]
    out = []
    for row in rows:
        try:
            values = list(every(row))
        except KeyError:
            values = [row.get(name) for name in names]
        for i, bind in converted:
            if (value := values[i]) is not None:
                values[i] = bind(value)
        out.append(tuple(values))
    return out
