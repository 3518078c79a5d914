"""Job statuses on the device: the office's edits of the list (checked by
`domain.job_statuses.check_status`) and a job's status set from it, written
through `writes` (history and outbox) so they sync like every change."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.domain.job_statuses import EDITABLE, check_status
from rep_tui.domain.validation import Invalid
from rep_tui.store import writes
from rep_tui.store.models import Job, JobStatus


def all_statuses(session: Session) -> list[JobStatus]:
    """Every status, inactive ones too, in the order they are offered."""
    return list(session.scalars(select(JobStatus).where(JobStatus.deleted.is_(False))
                                .order_by(JobStatus.sort_order, JobStatus.code)))


def save_status(session: Session, actor: writes.Actor, status_id: Any, values: dict[str, Any]) -> JobStatus:
    """Add a status (`status_id` None) or change one; raises FormErrors, writing nothing, when refused."""
    row = session.get(JobStatus, status_id) if status_id is not None else None
    others = [s.code for s in all_statuses(session) if row is None or s.id != row.id]
    clean = check_status(values, others, old_code=row.code if row else None)
    if row is None:
        return writes.insert(session, actor, JobStatus(**clean))
    writes.update(session, actor, row, **clean)
    return row


def set_active(session: Session, actor: writes.Actor, status_id: Any, active: bool) -> JobStatus:
    """Stop offering a status (jobs keep it), or offer it again."""
    row = session.get(JobStatus, status_id)
    return save_status(session, actor, status_id, {**{n: getattr(row, n) for n in EDITABLE}, "active": active})


def set_job_status(session: Session, actor: writes.Actor, job_id: uuid.UUID, code: str) -> Job:
    """A job's status, one of the active statuses (the server checks the same)."""
    offered = {s.code for s in all_statuses(session) if s.active}
    if code not in offered:
        raise Invalid(f"{code!r} is not one of the office's job statuses.")
    job = session.get(Job, job_id)
    writes.update(session, actor, job, status=code)
    return job
