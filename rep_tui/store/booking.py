"""Booking, moving and cancelling a rep's appointments. Every change goes
through `writes` (history and outbox in the caller's transaction), so it
works offline and syncs like any other edit.

A rep's time is taken by their appointments that are still to run or were
run; one resulted with a code that does not count as issued (Reset, Cancel)
never happened, so its time is free again.

Cancelling: the appointment is resulted Cancel (CXL) and marked
`disregard_in_stats`. It stays on the lead's record with who cancelled it and
when (change history), the rep's day shows it as cancelled, and stats leave it
out whatever a company configures Cancel to count as; a deletion would lose
the record, and a Cancel result alone would count if a company made Cancel
count as issued.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.clock import utcnow
from rep_tui.domain.booking import Taken, first_clash, free_slots, length_of
from rep_tui.domain.dates import MAX_LENGTH
from rep_tui.domain.results import CANCEL_CODE
from rep_tui.store import writes
from rep_tui.store.models import Appointment, Job, Lead, ResultCode
from rep_tui.store.queries import day_bounds


class BookingRefused(ValueError):
    """Why a booking, move or cancel was not made, in words for the rep."""


def taken_between(session: Session, rep_id: uuid.UUID, start: datetime, end: datetime,
                  *, ignore: uuid.UUID | None = None) -> list[Taken]:
    """The rep's appointments holding time that overlaps [start, end)."""
    freeing = select(ResultCode.code).where(ResultCode.counts_as_issued.is_(False))
    rows = session.execute(
        select(Appointment.starts_at, Appointment.ends_at, Lead.first_name, Lead.last_name)
        .join(Lead, Lead.id == Appointment.lead_id)
        .where(Appointment.rep_id == rep_id, Appointment.deleted.is_(False), Appointment.id != ignore,
               Appointment.starts_at < end, Appointment.starts_at > start - MAX_LENGTH,
               Appointment.result_code.is_(None) | Appointment.result_code.not_in(freeing))
    )
    taken = (Taken(s, s + length_of(s, e), f"{first} {last}".strip()) for s, e, first, last in rows)
    return [t for t in taken if t.end > start]


def free_slots_on(session: Session, rep_id: uuid.UUID, day: date, tz_name: str, work_hours: tuple[int, int],
                  length: timedelta, *, ignore: uuid.UUID | None = None) -> list[datetime]:
    """The starts the rep could book on `day` for an appointment of `length`."""
    start, end = day_bounds(day, tz_name)
    taken = taken_between(session, rep_id, start, end, ignore=ignore)
    return free_slots(day, tz_name, work_hours, length, taken, utcnow())


def _check_time(session: Session, rep_id: uuid.UUID, start: datetime, length: timedelta, tz_name: str,
                ignore: uuid.UUID | None = None) -> None:
    if start <= utcnow():
        raise BookingRefused("That time has already passed.")
    clash = first_clash(start, length, taken_between(session, rep_id, start, start + length, ignore=ignore))
    if clash is not None:
        raise BookingRefused(f"It clashes with {clash.describe(tz_name)}.")


def _open(session: Session, appointment_id: uuid.UUID) -> Appointment:
    """An appointment still to be run (not resulted), or why it cannot change."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or appointment.deleted:
        raise BookingRefused("That appointment no longer exists.")
    if appointment.result_code is not None:
        label = session.scalar(select(ResultCode.label).where(ResultCode.code == appointment.result_code))
        raise BookingRefused(f"That appointment is already resulted {label or appointment.result_code}.")
    return appointment


def _open_job(session: Session, lead_id: uuid.UUID) -> Job | None:
    """The job a new appointment belongs to: the lead's latest one not sold
    (a sale's next visit starts a new job when it sells)."""
    sale_codes = select(ResultCode.code).where(ResultCode.counts_as_sale.is_(True))
    return session.scalar(
        select(Job).where(Job.lead_id == lead_id, Job.deleted.is_(False),
                             Job.result_code.is_(None) | Job.result_code.not_in(sale_codes))
        .order_by(Job.appointment_at.desc().nulls_last(), Job.job_number.desc()).limit(1)
    )


def book(session: Session, actor: writes.Actor, lead_id: uuid.UUID, start: datetime, length: timedelta,
         kind: str, tz_name: str) -> Appointment:
    """A new appointment for the lead, with the lead's rep (else the one booking)."""
    lead = session.get(Lead, lead_id)
    if lead is None or lead.deleted:
        raise BookingRefused("That lead is not on this device any more.")
    rep_id = lead.rep_id or actor.user_id
    _check_time(session, rep_id, start, length, tz_name)
    job = _open_job(session, lead.id)
    if job is not None and (job.appointment_at is None or job.appointment_at < start):
        writes.update(session, actor, job, appointment_at=start)  # a job's appointment date is its latest visit
    return writes.insert(session, actor, Appointment(
        lead_id=lead.id, rep_id=rep_id, job_id=job.id if job else None, kind=kind,
        starts_at=start, ends_at=start + length, time_zone=tz_name,
    ))


def move(session: Session, actor: writes.Actor, appointment_id: uuid.UUID, start: datetime, length: timedelta,
         tz_name: str) -> Appointment:
    """Another time (and length) for an appointment not run yet; its job's
    appointment date follows when it was this appointment's."""
    appointment = _open(session, appointment_id)
    _check_time(session, appointment.rep_id or actor.user_id, start, length, tz_name, ignore=appointment.id)
    job = session.get(Job, appointment.job_id) if appointment.job_id else None
    if job is not None and job.appointment_at == appointment.starts_at:
        writes.update(session, actor, job, appointment_at=start)
    writes.update(session, actor, appointment, starts_at=start, ends_at=start + length)
    return appointment


def cancel(session: Session, actor: writes.Actor, appointment_id: uuid.UUID) -> Appointment:
    """Cancel an appointment not run yet (see the module's docstring)."""
    appointment = _open(session, appointment_id)
    if session.scalar(select(ResultCode.id).where(ResultCode.code == CANCEL_CODE)) is None:
        raise BookingRefused(f"This company has no {CANCEL_CODE} result code to cancel with.")
    writes.update(session, actor, appointment, result_code=CANCEL_CODE, resulted_at=utcnow(),
                  disregard_in_stats=True)
    return appointment


def appointment_to_move(session: Session, lead_id: uuid.UUID) -> Appointment | None:
    """The lead's appointment to move or cancel: the next one still ahead,
    else the latest one gone by without a result."""
    open_ones = list(session.scalars(
        select(Appointment).where(Appointment.lead_id == lead_id, Appointment.deleted.is_(False),
                                  Appointment.result_code.is_(None)).order_by(Appointment.starts_at)
    ))
    now = utcnow()
    ahead = [a for a in open_ones if a.starts_at >= now]
    return ahead[0] if ahead else (open_ones[-1] if open_ones else None)
