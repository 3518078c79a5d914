"""Reps' monthly targets on the device: read them for My Stats and the Team
view, and set one (a manager, for a rep of the team) as a local write that
syncs like any edit. One row per rep and month: setting a month again
changes that row (and its id is the same on every device: `Target.id_for`)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.store import writes
from rep_tui.store.models import Target


def targets_of(session: Session, rep_ids: list[uuid.UUID], month: date) -> dict[uuid.UUID, Target]:
    """The targets of these reps for `month` (its first day), by rep."""
    stmt = select(Target).where(Target.rep_id.in_(rep_ids), Target.month == month, Target.deleted.is_(False))
    return {target.rep_id: target for target in session.scalars(stmt)}


def set_target(session: Session, actor: writes.Actor, rep_id: uuid.UUID, *, month: date, sales_cents: int,
               units: int, issued: int) -> Target:
    """The rep's target for `month`, made or changed."""
    values = {"sales_cents": sales_cents, "units": units, "issued": issued}
    found = targets_of(session, [rep_id], month).get(rep_id)
    if found is None:
        return writes.insert(session, actor, Target(id=Target.id_for(rep_id, month), rep_id=rep_id, month=month,
                                                    **values))
    writes.update(session, actor, found, **values)
    return found
