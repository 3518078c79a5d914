"""Re-resulting an appointment: a sale this appointment made is undone when
the rep changes Sold to a code that is no sale, unless the office has worked
the sale already; a sale made on an earlier appointment is left alone."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from rep_tui.clock import utcnow
from rep_tui.store import queries, writes
from rep_tui.store.models import Appointment, Job, Payment
from rep_tui.store.resulting import ResultEntry, record_result

TZ = "America/Chicago"
SOLD = ResultEntry("SOLD", product="Windows", units=6, sale_cents=980_000)
DEMO_NO_SALE = ResultEntry("DNS")


def _open_appointment(session) -> tuple[Appointment, writes.Actor]:
    """A past appointment of the signed-in rep with no result yet."""
    user = queries.current_user(session)
    appointment = session.scalars(select(Appointment).where(
        Appointment.rep_id == user.id, Appointment.result_code.is_(None),
        Appointment.starts_at < utcnow(), Appointment.deleted.is_(False)).order_by(Appointment.starts_at)).first()
    assert appointment is not None, "the demo rep has a past appointment still to result"
    return appointment, writes.Actor(user.id, user.full_name)


def _sales(session, rep_id) -> tuple[int, int]:
    start, end, _ = queries.period_bounds("year", date(2026, 11, 24), TZ)
    figures = queries.stats_for(session, [rep_id], start, end)
    return figures["sales"].value, figures["gross"].value


def test_sold_changed_to_demo_no_sale_clears_the_sale(store):
    with store.session() as session:
        appointment, actor = _open_appointment(session)
        before = _sales(session, actor.user_id)
        job = record_result(session, actor, appointment.id, SOLD, TZ).job
        assert _sales(session, actor.user_id) == (before[0] + 1, before[1] + 980_000)

        record_result(session, actor, appointment.id, DEMO_NO_SALE, TZ)
        job = session.get(Job, job.id)
        assert (job.result_code, job.contract_cents, job.sold_units, job.sold_on) == ("DNS", None, None, None)
        assert job.product == "Windows", "what was shown stays on the job"
        assert _sales(session, actor.user_id) == before


def test_a_sale_with_payments_is_refused_and_left_as_it_was(store):
    with store.session() as session:
        appointment, actor = _open_appointment(session)
        job = record_result(session, actor, appointment.id, SOLD, TZ).job
        writes.insert(session, actor, Payment(job_id=job.id, amount_cents=100_000, paid_on=date(2026, 11, 24)))
        appointment_id, job_id = appointment.id, job.id

    with pytest.raises(ValueError, match="already has payments; ask the office"), store.session() as session:
        record_result(session, actor, appointment_id, DEMO_NO_SALE, TZ)
    with store.session() as session:
        job = session.get(Job, job_id)
        assert (job.result_code, job.contract_cents) == ("SOLD", 980_000)
        assert session.get(Appointment, appointment_id).result_code == "SOLD"


def test_a_rehash_of_an_earlier_sale_does_not_undo_it(store):
    with store.session() as session:
        appointment, actor = _open_appointment(session)
        job = record_result(session, actor, appointment.id, SOLD, TZ).job
        rehash = writes.insert(session, actor, Appointment(
            lead_id=appointment.lead_id, rep_id=actor.user_id, job_id=job.id, kind="rehash",
            starts_at=appointment.starts_at, time_zone=appointment.time_zone))
        record_result(session, actor, rehash.id, DEMO_NO_SALE, TZ)
        job = session.get(Job, job.id)
        assert (job.contract_cents, job.sold_on is not None) == (980_000, True)


def test_a_sale_makes_one_commission_row_that_follows_the_sale_and_a_no_sale_zeroes(store):
    from decimal import Decimal

    from rep_tui.store.models import Commission, Lead, User

    def commissions(session, job_id) -> list[int]:
        return list(session.scalars(select(Commission.amount_cents).where(Commission.job_id == job_id,
                                                                          Commission.deleted.is_(False))))

    with store.session() as session:
        appointment, actor = _open_appointment(session)
        rep = session.get(User, session.get(Lead, appointment.lead_id).rep_id)
        rep.commission_pct = Decimal("7.50")
        job = record_result(session, actor, appointment.id, SOLD, TZ).job
        assert commissions(session, job.id) == [73_500]  # 7.5 % of $9,800, done on the device
        record_result(session, actor, appointment.id, ResultEntry("SOLD", "Windows", 8, 1_234_567), TZ)
        assert commissions(session, job.id) == [92_593]  # the same row, to the nearest cent (92,592.525)
        record_result(session, actor, appointment.id, DEMO_NO_SALE, TZ)
        assert commissions(session, job.id) == [0]
