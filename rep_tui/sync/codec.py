"""Fast row <-> JSON conversion for whole tables, column by column.

`rep_tui.store.serialize` decides what each type looks like in JSON; this
module only precomputes, per table, which columns need converting, because
an initial sync moves hundreds of thousands of rows."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from sqlalchemy.types import JSON, Boolean, Integer, String, Text, Uuid

from rep_tui.store.models import SYNCED_TABLES
from rep_tui.store.serialize import from_json, to_json

_PLAIN = (String, Text, Integer, Boolean, JSON)

Converter = Callable[[Any], Any]


def _encode_for(col_type: Any) -> Converter | None:
    if isinstance(col_type, _PLAIN):
        return None
    if isinstance(col_type, Uuid):
        return str
    return to_json


def _decode_for(col_type: Any) -> Converter | None:
    if isinstance(col_type, _PLAIN):
        return None
    return lambda value: from_json(col_type, value)


@lru_cache(maxsize=None)
def columns(table: str) -> tuple[tuple[str, Converter | None, Converter | None], ...]:
    """(name, encoder, decoder) of every column of a synced table."""
    cols = SYNCED_TABLES[table].__table__.columns  # type: ignore[attr-defined]
    return tuple((c.key, _encode_for(c.type), _decode_for(c.type)) for c in cols)


def encode_row(table: str, row: Any) -> dict[str, Any]:
    """A database row (mapping) as JSON values."""
    out = {}
    for name, enc, _dec in columns(table):
        value = row[name]
        out[name] = value if enc is None or value is None else enc(value)
    return out


def decode_row(table: str, data: dict[str, Any]) -> dict[str, Any]:
    """JSON values back into column values; unknown keys are dropped."""
    out = {}
    for name, _enc, dec in columns(table):
        if name in data:
            value = data[name]
            out[name] = value if dec is None or value is None else dec(value)
    return out
