"""The users on a job and their commission shares (`JobUser`), as a device
writes them: each change goes through `writes` and brings the job's
commission rows up to date in the same transaction (`money.settle_commission`).

A job with nobody on it is its rep's alone (100 %). The first user added
makes that explicit: the rep goes on the job first. From then on the job's
rep takes what the others leave (100 % less their shares), so adding a
co-rep at 40 % leaves the rep 60 %, and taking the co-rep off gives it back.
The shares of the others may add up to 100 % at most (`shares_refusal`, the
server's rule too)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.domain.money import ALL_SHARES, shares_refusal
from rep_tui.domain.validation import Invalid
from rep_tui.store import writes
from rep_tui.store.money import settle_commission
from rep_tui.store.models import Job, JobUser, Lead, User

REP_ROLE = "rep"


@dataclass(frozen=True)
class OnJob:
    """One user on a job as the Job tab lists it."""

    id: uuid.UUID | None  # None: the rep of a job nobody was put on (not a stored row)
    user_id: uuid.UUID
    name: str
    role: str
    share_pct: Decimal


def on_job(session: Session, job_id: uuid.UUID) -> list[OnJob]:
    """The users on a job, the rep first; the lead's rep at 100 % when nobody was put on it."""
    rows = session.execute(
        select(JobUser.id, JobUser.user_id, User.full_name, JobUser.role, JobUser.share_pct)
        .join(User, User.id == JobUser.user_id)
        .where(JobUser.job_id == job_id, JobUser.deleted.is_(False))
        .order_by(JobUser.role != REP_ROLE, User.full_name)).all()
    if rows:
        return [OnJob(*row) for row in rows]
    rep = session.execute(select(User.id, User.full_name).join(Lead, Lead.rep_id == User.id)
                          .join(Job, Job.lead_id == Lead.id).where(Job.id == job_id)).first()
    return [OnJob(None, rep.id, rep.full_name, REP_ROLE, ALL_SHARES)] if rep else []


def others_share(users: list[OnJob], rep_id: uuid.UUID | None, leaving: uuid.UUID | None = None) -> Decimal:
    """What the users other than the job's rep hold (less the row `leaving`)."""
    return sum((u.share_pct for u in users if not _is_rep(u, rep_id) and u.id != leaving), Decimal(0))


def _is_rep(user: OnJob | JobUser, rep_id: uuid.UUID | None) -> bool:
    return user.role == REP_ROLE and user.user_id == rep_id


def add_job_user(session: Session, actor: writes.Actor, job_id: uuid.UUID, user_id: uuid.UUID, role: str,
                 share_pct: Decimal) -> JobUser:
    """Put a user on a job in a role with a share; the rep's share becomes what the others leave."""
    job, rep_id = _job(session, job_id)
    users = on_job(session, job_id)
    if any(u.user_id == user_id and u.role == role for u in users):
        raise Invalid("That user is already on this job in that role.")
    if role == REP_ROLE and user_id == rep_id:
        raise Invalid("The job's rep is on it already: their share is what the others leave.")
    refusal = shares_refusal([others_share(users, rep_id), share_pct])
    if refusal:
        raise Invalid(refusal[0].upper() + refusal[1:] + ".")
    left = ALL_SHARES - others_share(users, rep_id) - share_pct
    if users and users[0].id is None:  # nobody was on the job: its rep goes on first
        writes.insert(session, actor, JobUser(job_id=job_id, user_id=rep_id, role=REP_ROLE, share_pct=left))
    else:
        _set_rep_share(session, actor, job_id, rep_id, left)
    row = writes.insert(session, actor, JobUser(job_id=job_id, user_id=user_id, role=role, share_pct=share_pct))
    settle_commission(session, actor, job, rep_id)
    return row


def remove_job_user(session: Session, actor: writes.Actor, job_user_id: uuid.UUID) -> None:
    """Take a user off a job: their share goes back to the rep, their commission to 0."""
    row = session.get(JobUser, job_user_id)
    if row is None or row.deleted:
        return
    job, rep_id = _job(session, row.job_id)
    if _is_rep(row, rep_id):
        raise Invalid("The job's rep stays on it; take the others off, or reassign the lead.")
    writes.delete(session, actor, row)
    session.flush()
    _set_rep_share(session, actor, job.id, rep_id, ALL_SHARES - others_share(on_job(session, job.id), rep_id))
    settle_commission(session, actor, job, rep_id)


def _job(session: Session, job_id: uuid.UUID) -> tuple[Job, uuid.UUID | None]:
    job = session.get(Job, job_id)
    if job is None or job.deleted:
        raise Invalid("That job is no longer on this device.")
    return job, session.scalar(select(Lead.rep_id).where(Lead.id == job.lead_id))


def _set_rep_share(session: Session, actor: writes.Actor, job_id: uuid.UUID, rep_id: uuid.UUID | None,
                   share_pct: Decimal) -> None:
    """The job's rep takes what the others leave. Written before a share is
    added and after one is taken off, so the shares never add up to more
    than 100 % on the way (the server checks each change)."""
    row = session.scalar(select(JobUser).where(JobUser.job_id == job_id, JobUser.user_id == rep_id,
                                               JobUser.role == REP_ROLE, JobUser.deleted.is_(False)))
    if row is not None:
        writes.update(session, actor, row, share_pct=share_pct)
