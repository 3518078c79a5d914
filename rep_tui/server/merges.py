"""A device's changes to a customer the office merged away (`admin_merge`)
land on the survivor: it may have edited the loser, or added a comment or
appointment to it, while offline. The loser's own removal stays a removal."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, select

from rep_tui.server.models import Merge
from rep_tui.sync.protocol import Mutation


def survivor_of(conn: Connection, lead_id: Any) -> Any:
    """The lead a merge (not undone) folded `lead_id` into, or None."""
    return conn.execute(select(Merge.survivor_id).where(Merge.loser_id == lead_id, Merge.undone_at.is_(None))
                        .order_by(Merge.id.desc()).limit(1)).scalar()


def redirected(conn: Connection, m: Mutation, op: str) -> Mutation:
    """`m` aimed at the survivor when it names a merged-away lead: as the
    lead it changes (its base values are then the loser's, so a field the
    survivor holds otherwise is a conflict, kept in the history and shown
    to the rep), or as the lead a row hangs off. `op` is what `m` does."""
    if m.table == "leads" and op == "update":
        survivor = survivor_of(conn, m.row_id)
        return m if survivor is None else m.model_copy(update={"row_id": survivor})
    pair = m.fields.get("lead_id")
    if m.table != "leads" and isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str):
        try:
            survivor = survivor_of(conn, uuid.UUID(pair[1]))
        except ValueError:
            return m  # not an id: the push's own checks say so
        if survivor is not None:
            return m.model_copy(update={"fields": {**m.fields, "lead_id": [pair[0], str(survivor)]}})
    return m
