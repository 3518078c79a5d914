"""The office's custom fields from the server's box (`rep-tui admin
custom-fields`): list, add, change choices, deactivate. Written through the
push path like every admin change (`admin._apply`), so devices get them on
their next sync and the same rules hold as for the app's admin screen."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, func, select

from rep_tui.domain.custom_fields import Definition, check_definition, make_key, ordered
from rep_tui.domain.validation import Invalid
from rep_tui.server.admin import AdminError, Change, _apply, _insert
from rep_tui.store.models import CustomField

#: Sort orders of new fields, apart so one can go between two.
ORDER_STEP = 10


def _rows(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {row["key"]: row for row in conn.execute(
            select(CustomField.__table__).where(CustomField.deleted.is_(False))).mappings()}


def list_fields(engine: Engine) -> list[Definition]:
    """Every field the office defined (deactivated ones too), in the office's order."""
    return ordered(Definition.of(row) for row in _rows(engine).values())


def _checked(definition: Definition) -> Definition:
    try:
        return check_definition(definition)
    except Invalid as exc:
        raise AdminError(str(exc)) from None


def add_field(engine: Engine, label: str, kind: str, *, key: str | None = None, choices: list[str] = (),
              required: bool = False, sort_order: int | None = None) -> Definition:
    rows = _rows(engine)
    try:
        key = key or make_key(label)
    except Invalid as exc:
        raise AdminError(f"--key: {exc}") from None
    if key in rows:
        raise AdminError(f"A field with the key {key!r} exists already ({rows[key]['label']}); give --key.")
    if sort_order is None:
        with engine.connect() as conn:
            sort_order = (conn.execute(select(func.max(CustomField.sort_order))).scalar() or 0) + ORDER_STEP
    definition = _checked(Definition(key, label.strip(), kind, tuple(choices), required, sort_order, True))
    _apply(engine, [_insert("custom_fields", {
        "key": definition.key, "label": definition.label, "kind": definition.kind,
        "choices": list(definition.choices), "required": required, "sort_order": sort_order, "active": True,
    }, label=f"custom field {key}")])
    return definition


def change_field(engine: Engine, key: str, **changes: Any) -> Definition:
    """Change a field's label, choices, required, sort_order or active (its key and kind are fixed)."""
    rows = _rows(engine)
    if key not in rows:
        raise AdminError(f"No custom field {key!r} (see `rep-tui admin custom-fields list`).")
    row = rows[key]
    before = Definition.of(row)
    after = _checked(replace(before, **{k: tuple(v) if k == "choices" else v for k, v in changes.items()}))
    fields = {name: (row[name], list(new) if name == "choices" else new) for name in changes
              if (new := getattr(after, name)) != getattr(before, name)}
    if fields:
        _apply(engine, [Change("custom_fields", row["id"], "update", fields, f"custom field {key}")])
    return after

