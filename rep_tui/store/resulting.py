"""Resulting an appointment: the appointment, the lead's job, the follow-up
and a reset appointment change together, in the caller's one transaction,
through `writes` (so each change has its history and outbox entry).

A sale also makes (or brings up to date) the rep's commission row: the
sale × the rep's rate (`store.money.settle_commission`); undoing the sale
zeroes it. The balance due follows from the sale and the payments.

What a code asks for is data (the result_codes table): `needs_sale` asks for
product, units and sale $; `needs_follow_up` for a follow-up date;
`reschedules` for a new date and time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.clock import utcnow
from rep_tui.domain.booking import length_of
from rep_tui.store import writes
from rep_tui.store.money import settle_commission
from rep_tui.store.models import Appointment, Job, Lead, Payment, ResultCode


@dataclass(frozen=True)
class ResultEntry:
    """What the rep entered in the Result dialog (already validated)."""

    code: str
    product: str | None = None
    units: int | None = None
    sale_cents: int | None = None
    follow_up_on: date | None = None
    new_start: datetime | None = None  # aware; only for codes that reschedule


@dataclass(frozen=True)
class ResultOutcome:
    appointment: Appointment
    job: Job | None
    reset: Appointment | None  # the new appointment of a reschedule


def _code(session: Session, code: str) -> ResultCode:
    row = session.scalar(select(ResultCode).where(ResultCode.code == code, ResultCode.deleted.is_(False)))
    if row is None:
        raise ValueError(f"unknown result code {code!r}")
    return row


def _check_complete(code: ResultCode, entry: ResultEntry) -> None:
    if code.needs_sale and (not entry.product or entry.units is None or not entry.sale_cents):
        raise ValueError(f"{code.label} needs product, units and sale $")
    if code.needs_follow_up and entry.follow_up_on is None:
        raise ValueError(f"{code.label} needs a follow-up date")
    if code.reschedules and entry.new_start is None:
        raise ValueError(f"{code.label} needs a new date and time")


def _unsold(session: Session, appointment: Appointment, job: Job) -> dict:
    """The sale fields to clear when this appointment's sale is re-resulted as no sale.

    Only the sale this appointment made is undone (a rehash of a job sold
    earlier leaves that sale alone). A sale the office has already worked
    (paid, ordered, cancelled) is theirs to undo, so it is refused rather
    than quietly rewritten."""
    was_sale = session.scalar(select(ResultCode.counts_as_sale).where(ResultCode.code == appointment.result_code))
    if not (was_sale and job.result_code == appointment.result_code):
        return {}
    worked = [what for what, done in (
        ("payments", session.scalar(select(Payment.id).where(Payment.job_id == job.id,
                                                            Payment.deleted.is_(False)).limit(1))),
        ("an order date", job.ordered_on), ("a cancel date", job.cancelled_on),
    ) if done]
    if worked:
        raise ValueError(f"this sale already has {' and '.join(worked)}; ask the office to cancel it")
    return {"contract_cents": None, "sold_units": None, "sold_on": None}


def record_result(
    session: Session, actor: writes.Actor, appointment_id: uuid.UUID, entry: ResultEntry, tz_name: str,
) -> ResultOutcome:
    """Result one appointment and everything that hangs off the result."""
    from rep_tui.domain.dates import local_day

    code = _code(session, entry.code)
    _check_complete(code, entry)
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or appointment.deleted:
        raise ValueError("that appointment no longer exists")
    lead = session.get(Lead, appointment.lead_id)
    job = session.get(Job, appointment.job_id) if appointment.job_id else None

    if code.needs_sale:
        if job is None:
            job = writes.insert(session, actor, Job(lead_id=lead.id, appointment_at=appointment.starts_at))
        writes.update(
            session, actor, job,
            result_code=code.code, product=entry.product, sold_units=entry.units,
            total_units=job.total_units if job.total_units is not None else entry.units,
            contract_cents=entry.sale_cents, sold_on=local_day(appointment.starts_at, tz_name),
        )
        settle_commission(session, actor, job, lead.rep_id)
    elif job is not None:
        undone = _unsold(session, appointment, job)
        writes.update(session, actor, job, result_code=code.code, **undone)
        if undone:
            settle_commission(session, actor, job, lead.rep_id)

    writes.update(
        session, actor, appointment,
        result_code=code.code, resulted_at=utcnow(), job_id=job.id if job else None,
        follow_up_on=entry.follow_up_on if code.needs_follow_up else appointment.follow_up_on,
    )
    if code.needs_follow_up:
        writes.update(session, actor, lead, follow_up_on=entry.follow_up_on)
    elif code.counts_as_sale:
        writes.update(session, actor, lead, follow_up_on=None)

    reset = None
    if code.reschedules:
        length = length_of(appointment.starts_at, appointment.ends_at)
        reset = writes.insert(
            session, actor,
            Appointment(
                lead_id=lead.id, rep_id=appointment.rep_id, job_id=appointment.job_id, kind="reset",
                starts_at=entry.new_start, ends_at=entry.new_start + length, time_zone=appointment.time_zone,
            ),
        )
    return ResultOutcome(appointment, job, reset)


def known_products(session: Session) -> list[str]:
    """Products already on jobs or leads: suggestions for the product field."""
    names = set(session.scalars(select(Job.product).where(Job.product.is_not(None)).distinct()))
    names |= set(session.scalars(select(Lead.product_interest).where(Lead.product_interest.is_not(None)).distinct()))
    return sorted(n for n in names if n)


def set_disregarded(session: Session, actor: writes.Actor, appointment_id: uuid.UUID, disregard: bool) -> Appointment:
    """Leave an appointment out of every stat (entered twice, a test booking…)
    or count it again; it stays on the lead's record either way."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or appointment.deleted:
        raise ValueError("that appointment no longer exists")
    writes.update(session, actor, appointment, disregard_in_stats=disregard)
    return appointment
