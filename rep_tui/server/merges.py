"""A device's changes to a customer the office merged away (`admin_merge`)
land on the survivor: it may have edited the loser, or added a comment or
appointment to it, while offline. The loser's own removal stays a removal."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, select

from rep_tui.server.models import Merge
from rep_tui.sync.protocol import Mutation


def survivors(conn: Connection) -> dict[uuid.UUID, uuid.UUID]:
    """{merged-away lead: the lead it lives on as} for every merge not undone
    (read once per push: a merge is rare, a push's mutations many). A
    survivor merged away in turn leads on to where it lives now."""
    merged = dict(conn.execute(select(Merge.loser_id, Merge.survivor_id).where(Merge.undone_at.is_(None))
                               .order_by(Merge.id)).all())
    for loser, survivor in merged.items():
        seen = {loser}
        while survivor in merged and survivor not in seen:
            seen.add(survivor)
            survivor = merged[survivor]
        merged[loser] = survivor
    return merged


def redirected(merged: dict[uuid.UUID, uuid.UUID], m: Mutation, op: str) -> Mutation:
    """`m` aimed at the survivor when it names a merged-away lead (`merged`:
    `survivors`): as the lead it changes (its base values are then the
    loser's, so a field the survivor holds otherwise is a conflict, kept in
    the history and shown to the rep), or as the lead a row hangs off. `op`
    is what `m` does: the loser's own removal stays a removal."""
    if not merged:
        return m
    if m.table == "leads":
        survivor = merged.get(m.row_id) if op == "update" else None
        return m if survivor is None else m.model_copy(update={"row_id": survivor})
    pair = m.fields.get("lead_id")
    if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str):
        try:
            survivor = merged.get(uuid.UUID(pair[1]))
        except ValueError:
            return m  # not an id: the push's own checks say so
        if survivor is not None:
            return m.model_copy(update={"fields": {**m.fields, "lead_id": [pair[0], str(survivor)]}})
    return m
