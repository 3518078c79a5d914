"""The users on a job and their commission shares, on a device's store (the
demo company): the commission rows follow the shares and the sale, one row
per user, never a second; shares over 100 % are refused in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from customer_leads import sale_lead
from sqlalchemy import select

from rep_tui.domain.validation import Invalid
from rep_tui.store import queries, writes
from rep_tui.store.job_users import add_job_user, on_job, remove_job_user
from rep_tui.store.leads import load_lead
from rep_tui.store.models import Commission, JobUser, Lead, User
from rep_tui.store.money import settle_commission

SALE = 1_000_000  # $10,000 at the rep's 10 %: $1,000 of commission


def _sold_job(session):
    """The demo rep's sold job at $10,000, the rep at 10 %, and another rep to share it with."""
    lead = session.get(Lead, sale_lead(session))
    job = load_lead(session, lead.id).current_job.job
    rep = session.get(User, lead.rep_id)
    rep.commission_pct = Decimal("10.00")
    job.contract_cents = SALE
    other = session.scalars(select(User).where(User.role == "rep", User.id != rep.id).order_by(User.username)).first()
    actor = writes.Actor(queries.current_user(session).id, "Office")
    settle_commission(session, actor, job, rep.id)
    return job, rep, other, actor


def _commissions(session, job) -> dict:
    rows = session.scalars(select(Commission).where(Commission.job_id == job.id, Commission.deleted.is_(False))).all()
    assert len(rows) == len({row.rep_id for row in rows}), "one commission row per user and job"
    return {row.rep_id: row.amount_cents for row in rows}


def test_a_co_rep_at_40_percent_splits_the_commission_600_400_and_taking_them_off_gives_it_back(store):
    with store.session() as session:
        job, rep, co_rep, actor = _sold_job(session)
        assert _commissions(session, job) == {rep.id: 100_000}
        assert [(u.user_id, u.role, u.share_pct) for u in on_job(session, job.id)] == [(rep.id, "rep", 100)]

        added = add_job_user(session, actor, job.id, co_rep.id, "co-rep", Decimal("40"))
        assert _commissions(session, job) == {rep.id: 60_000, co_rep.id: 40_000}
        assert sorted((u.role, u.share_pct) for u in on_job(session, job.id)) == [("co-rep", 40), ("rep", 60)]

        writes.update(session, actor, job, contract_cents=2 * SALE)  # the sale changes: the rows follow, no new ones
        settle_commission(session, actor, job, rep.id)
        assert _commissions(session, job) == {rep.id: 120_000, co_rep.id: 80_000}

        remove_job_user(session, actor, added.id)
        assert _commissions(session, job) == {rep.id: 200_000, co_rep.id: 0}
        assert [(u.role, u.share_pct) for u in on_job(session, job.id)] == [("rep", 100)]


def test_shares_over_100_percent_are_refused_in_words_and_nothing_changes(store):
    with store.session() as session:
        job, rep, other, actor = _sold_job(session)
        add_job_user(session, actor, job.id, other.id, "installer", Decimal("70"))
        with pytest.raises(Invalid, match="add up to 110 %: at most 100 %"):
            add_job_user(session, actor, job.id, other.id, "co-rep", Decimal("40"))
        with pytest.raises(Invalid, match="already on this job in that role"):
            add_job_user(session, actor, job.id, other.id, "installer", Decimal("10"))
        assert _commissions(session, job) == {rep.id: 30_000, other.id: 70_000}


def test_nobody_put_on_a_job_leaves_it_the_rep_s_alone_as_before(store):
    with store.session() as session:
        job, rep, _other, actor = _sold_job(session)
        assert session.scalars(select(JobUser).where(JobUser.job_id == job.id)).all() == []
        writes.update(session, actor, job, contract_cents=SALE // 2)
        settle_commission(session, actor, job, rep.id)
        assert _commissions(session, job) == {rep.id: 50_000}
