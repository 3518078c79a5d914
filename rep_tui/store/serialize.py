"""Row values to and from JSON, for change history and the sync protocol."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.types import Boolean, Date, Integer, Numeric, Uuid

from rep_tui.store.types import UTCDateTime


def to_json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(column_type: Any, value: Any) -> Any:
    """Turn a JSON value back into what the column holds."""
    if value is None:
        return None
    if isinstance(column_type, Uuid):
        return uuid.UUID(str(value))
    if isinstance(column_type, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, Numeric):
        return Decimal(str(value))
    if isinstance(column_type, Boolean):
        return bool(value)
    if isinstance(column_type, Integer):
        return int(value)
    return value


SYNC_COLUMNS_EXCLUDED = frozenset({"id", "version", "updated_at"})


def row_fields(obj: Any) -> dict[str, Any]:
    """The synced fields of a row as JSON values."""
    mapper = sa_inspect(type(obj))
    return {
        col.key: to_json(getattr(obj, col.key))
        for col in mapper.column_attrs
        if col.key not in SYNC_COLUMNS_EXCLUDED
    }


def column_type(model: type, field: str) -> Any:
    return sa_inspect(model).columns[field].type
