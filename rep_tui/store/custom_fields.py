"""The office's custom fields as a user with the permission edits them on the
device (Custom Fields screen): written like every row (history and outbox),
checked by the server again when they sync."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.domain.custom_fields import Definition, check_definition
from rep_tui.domain.validation import Invalid
from rep_tui.store import search, writes
from rep_tui.store.models import CustomField
from rep_tui.store.queries import custom_definitions


def save_definition(session: Session, actor: writes.Actor, definition: Definition,
                    row_id: uuid.UUID | None = None) -> CustomField:
    """Add a field (row_id None) or change one (its key and kind stay as they
    were); the search index follows, as which values it holds may change."""
    check_definition(definition)
    values = {"label": definition.label, "choices": list(definition.choices), "required": definition.required,
              "sort_order": definition.sort_order, "active": definition.active}
    if row_id is None:
        taken = session.scalars(select(CustomField.label).where(CustomField.key == definition.key)).first()
        if taken is not None:
            raise Invalid(f"The key {definition.key!r} is taken by {taken}: give another.")
        row = writes.insert(session, actor, CustomField(key=definition.key, kind=definition.kind, **values))
    else:
        row = session.get(CustomField, row_id)
        writes.update(session, actor, row, **values)
    session.flush()
    search.rebuild_index(session.connection())
    return row


def definition_rows(session: Session) -> list[tuple[uuid.UUID, Definition]]:
    """(row id, definition) of every field, in the office's order."""
    ids = {row.key: row.id for row in session.scalars(select(CustomField).where(CustomField.deleted.is_(False)))}
    return [(ids[d.key], d) for d in custom_definitions(session)]
