"""The installer checklist on the device: the items an admin defines, and
each job's ticks. A tick is one row per job and item (`JobCheck.id_for`), so
two devices ticking the same item offline write one row; unticking sets it
back (`done` false) rather than deleting it. Writes go through `writes`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.clock import utcnow
from rep_tui.store import writes
from rep_tui.store.models import ChecklistItem, JobCheck


def items(session: Session, *, with_inactive: bool = False) -> list[ChecklistItem]:
    """The checklist in its order; only the items in use unless `with_inactive`."""
    stmt = select(ChecklistItem).where(ChecklistItem.deleted.is_(False))
    if not with_inactive:
        stmt = stmt.where(ChecklistItem.active.is_(True))
    return list(session.scalars(stmt.order_by(ChecklistItem.sort_order, ChecklistItem.label)))


def save_item(session: Session, actor: writes.Actor, item_id: uuid.UUID | None, clean: dict[str, Any]) -> ChecklistItem:
    """Add an item at the end (item_id None) or change one (its label, `active`)."""
    if item_id is None:
        last = max((i.sort_order for i in items(session, with_inactive=True)), default=0)
        return writes.insert(session, actor, ChecklistItem(**{"sort_order": last + 10, **clean}))
    item = session.get(ChecklistItem, item_id)
    writes.update(session, actor, item, **clean)
    return item


@dataclass(frozen=True)
class Line:
    """One item of a job's checklist as the installer sees it."""

    item: ChecklistItem
    check: JobCheck | None

    @property
    def done(self) -> bool:
        return self.check is not None and self.check.done


def of_job(session: Session, job_id: uuid.UUID) -> list[Line]:
    """The checklist of a job: the items in use, and any retired item it was ticked with."""
    ticks = {c.item_id: c for c in session.scalars(select(JobCheck).where(
        JobCheck.job_id == job_id, JobCheck.deleted.is_(False)))}
    return [Line(item, ticks.get(item.id)) for item in items(session, with_inactive=True)
            if item.active or (item.id in ticks and ticks[item.id].done)]


def tick(session: Session, actor: writes.Actor, job_id: uuid.UUID, item_id: uuid.UUID, done: bool) -> JobCheck:
    """Tick (or untick) an item on a job, as `actor` now."""
    values = {"done": done, "done_by_id": actor.user_id if done else None, "done_at": utcnow() if done else None}
    row = session.get(JobCheck, JobCheck.id_for(job_id, item_id))
    if row is None:
        return writes.insert(session, actor, JobCheck(id=JobCheck.id_for(job_id, item_id), job_id=job_id,
                                                      item_id=item_id, **values))
    writes.update(session, actor, row, **values)
    return row
