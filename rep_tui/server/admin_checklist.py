"""The installer checklist from the server's box: list its items, add one
(at the end). Writes go through the server's push path as `admin` does, so
devices get them on their next sync."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from rep_tui.domain.fields import specs
from rep_tui.domain.validation import Invalid
from rep_tui.server.admin import AdminError, _apply, _insert
from rep_tui.store.models import ChecklistItem


def list_items(engine: Engine) -> list[ChecklistItem]:
    with engine.connect() as conn:
        return [ChecklistItem(**row) for row in conn.execute(
            select(ChecklistItem.__table__).where(ChecklistItem.deleted.is_(False))
            .order_by(ChecklistItem.sort_order, ChecklistItem.label)).mappings()]


def add_item(engine: Engine, label: str) -> str:
    """A new item at the end of the checklist; returns its label as stored."""
    try:
        clean = specs("checklist_items")["label"].check(label)
    except Invalid as exc:
        raise AdminError(str(exc)) from None
    with engine.connect() as conn:
        taken = conn.execute(select(ChecklistItem.id).where(
            func.lower(ChecklistItem.label) == clean.lower(), ChecklistItem.deleted.is_(False))).first()
        last = conn.execute(select(func.max(ChecklistItem.sort_order))).scalar() or 0
    if taken:
        raise AdminError(f"The checklist already has {clean!r}.")
    _apply(engine, [_insert("checklist_items", {"label": clean, "sort_order": last + 10, "active": True},
                            f"item {clean}")])
    return clean
