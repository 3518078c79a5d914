"""The money writes made on a device: payments taken on a job (by users whose
permissions allow it; the server checks again), the commission rows a sale
makes (one per user on the job, at their share), the invoice item catalogue and the items on a job. Each goes
through `writes` (history + outbox in the caller's transaction).

A job's stored balance due is the server's to keep (it recomputes it from
the payments it holds, so two devices taking payments offline cannot leave a
wrong balance); the app shows it computed from the payments it has
(`JobFile.balance_due`), so it follows a new payment at once."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.domain.money import ALL_SHARES, share_cents
from rep_tui.store import writes
from rep_tui.store.models import CatalogueItem, Commission, InvoiceItem, Job, JobUser, Lead, Payment, User


def add_payment(session: Session, actor: writes.Actor, job_id: uuid.UUID, clean: dict[str, Any]) -> Payment:
    """A payment on a job from the payment form's checked values (`forms.check_payment`)."""
    job = session.get(Job, job_id)
    if job is None or job.deleted:
        raise ValueError("that job is no longer on this device")
    return writes.insert(session, actor, Payment(job_id=job_id, **clean))


def delete_payment(session: Session, actor: writes.Actor, payment_id: uuid.UUID) -> None:
    payment = session.get(Payment, payment_id)
    if payment is not None:
        writes.delete(session, actor, payment)


def settle_commission(session: Session, actor: writes.Actor, job: Job, rep_id: uuid.UUID | None) -> list[Commission]:
    """The commission rows of a job, made or brought up to its sale and its
    users' shares: the sale × the rep's (`rep_id`, the lead's) rate × each
    user's share (a job with no users on it is the rep's alone, 100 %); 0 when
    the sale is undone or a user is taken off. One row per user and job:
    re-resulting or changing a share updates it, never adds a second."""
    if rep_id is None:
        return []
    rate = session.scalar(select(User.commission_pct).where(User.id == rep_id))
    wanted = {user_id: share_cents(job.contract_cents, rate, share) for user_id, share in shares_of(session, job.id)}
    rows = {row.rep_id: row for row in session.scalars(select(Commission).where(
        Commission.job_id == job.id, Commission.deleted.is_(False)))}
    out = []
    for user_id in dict.fromkeys([*wanted, *rows]):
        amount, row = wanted.get(user_id, 0), rows.get(user_id)
        if row is None and amount:
            out.append(writes.insert(session, actor, Commission(job_id=job.id, rep_id=user_id, amount_cents=amount)))
        elif row is not None:
            writes.update(session, actor, row, amount_cents=amount)
            out.append(row)
    return out


def shares_of(session: Session, job_id: uuid.UUID) -> list[tuple[uuid.UUID, Decimal]]:
    """Each user's share of a job's commission (a user on it twice: the two
    added); the lead's rep at 100 % when nobody is on the job."""
    rows = session.execute(select(JobUser.user_id, JobUser.share_pct).where(
        JobUser.job_id == job_id, JobUser.deleted.is_(False))).all()
    if not rows:
        rep_id = session.scalar(select(Lead.rep_id).join(Job, Job.lead_id == Lead.id).where(Job.id == job_id))
        return [(rep_id, ALL_SHARES)] if rep_id else []
    shares: dict[uuid.UUID, Decimal] = {}
    for user_id, share in rows:
        shares[user_id] = shares.get(user_id, Decimal(0)) + share
    return list(shares.items())


# --- the invoice item catalogue and a job's items ---------------------------


def catalogue(session: Session, *, with_inactive: bool = False) -> list[CatalogueItem]:
    """The catalogue by SKU; what is still sold unless `with_inactive`."""
    stmt = select(CatalogueItem).where(CatalogueItem.deleted.is_(False))
    if not with_inactive:
        stmt = stmt.where(CatalogueItem.active.is_(True))
    return list(session.scalars(stmt.order_by(CatalogueItem.sku)))


class DuplicateSku(ValueError):
    """A SKU another catalogue item already has."""


def save_catalogue_item(session: Session, actor: writes.Actor, item_id: uuid.UUID | None,
                        clean: dict[str, Any]) -> CatalogueItem:
    """Add an item (item_id None) or change one, from checked values
    (`forms.check_catalogue_item`, or just `active`)."""
    taken = "sku" in clean and session.scalar(select(CatalogueItem.id).where(
        CatalogueItem.sku == clean["sku"], CatalogueItem.id != item_id if item_id else True))
    if taken:
        raise DuplicateSku(f"SKU {clean['sku']} is already in the catalogue.")
    if item_id is None:
        return writes.insert(session, actor, CatalogueItem(**clean))
    item = session.get(CatalogueItem, item_id)
    writes.update(session, actor, item, **clean)
    return item


def add_invoice_item(session: Session, actor: writes.Actor, job_id: uuid.UUID, item_id: uuid.UUID,
                     quantity: int) -> InvoiceItem:
    """A catalogue item on a job: its SKU, name and price × quantity copied, so
    a later change of the catalogue leaves the job's invoice as it was sold."""
    item = session.get(CatalogueItem, item_id)
    if item is None or item.deleted or not item.active:
        raise ValueError("that item is no longer in the catalogue")
    return writes.insert(session, actor, InvoiceItem(job_id=job_id, sku=item.sku, name=item.name, quantity=quantity,
                                                     amount_cents=item.price_cents * quantity))


def remove_invoice_item(session: Session, actor: writes.Actor, invoice_item_id: uuid.UUID) -> None:
    row = session.get(InvoiceItem, invoice_item_id)
    if row is not None:
        writes.delete(session, actor, row)
