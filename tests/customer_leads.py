"""Leads of the fixed demo company for Customer Information tests, found by
what they show rather than by a PID that a change of the demo generator
would point elsewhere."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from rep_pilot import settle
from rep_tui.store.models import Attachment, Contact, Job, Lead, Payment, User


def _demo_rep(session) -> uuid.UUID:
    return session.scalars(select(User.id).where(User.username == "demo")).one()


def sale_lead(session) -> uuid.UUID:
    """The demo rep's sold job with the most payments: a full Job tab, office
    notes, comments, engagements and related leads."""
    payments = select(func.count(Payment.id)).where(Payment.job_id == Job.id).scalar_subquery()
    return session.scalars(
        select(Lead.id).join(Job, Job.lead_id == Lead.id)
        .where(Lead.rep_id == _demo_rep(session), Job.result_code == "SOLD")
        .order_by(payments.desc(), Lead.pid).limit(1)
    ).one()


def files_lead(session) -> uuid.UUID:
    """The demo rep's first lead with two pictures, a text document and a contact."""
    def count(model, *where):
        return select(func.count(model.id)).where(model.lead_id == Lead.id, *where).scalar_subquery()

    return session.scalars(
        select(Lead.id).where(
            Lead.rep_id == _demo_rep(session),
            count(Attachment, Attachment.kind == "picture") >= 2,
            count(Attachment, Attachment.kind == "document", Attachment.mime == "text/plain") >= 1,
            count(Contact) >= 1,
        ).order_by(Lead.pid).limit(1)
    ).one()


async def enter_on_document(pilot, document: Attachment) -> None:
    """Customer Information of the document's lead, its Docs tab, Enter on the document."""
    pilot.app.open_lead(document.lead_id)
    await settle(pilot)
    await pilot.press("d")
    table = pilot.app.screen.query_one("#documents-table")
    while table.current_key() != str(document.id):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
