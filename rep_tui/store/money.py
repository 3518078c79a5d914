"""The money writes made on a device: payments taken on a job (by users whose
permissions allow it; the server checks again), the rep's commission row
a sale makes, the invoice item catalogue and the items on a job. Each goes
through `writes` (history + outbox in the caller's transaction).

A job's stored balance due is the server's to keep (it recomputes it from
the payments it holds, so two devices taking payments offline cannot leave a
wrong balance); the app shows it computed from the payments it has
(`JobFile.balance_due`), so it follows a new payment at once."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.domain.money import commission_cents
from rep_tui.store import writes
from rep_tui.store.models import CatalogueItem, Commission, InvoiceItem, Job, Payment, User


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


def settle_commission(session: Session, actor: writes.Actor, job: Job, rep_id: uuid.UUID | None) -> Commission | None:
    """The rep's commission row on a job, made or brought up to the job's sale:
    the sale × the rep's rate, 0 when the sale is undone. One row per rep and
    job: re-resulting updates it, never adds a second."""
    if rep_id is None:
        return None
    rate = session.scalar(select(User.commission_pct).where(User.id == rep_id))
    amount = commission_cents(job.contract_cents, rate)
    row = session.scalar(select(Commission).where(Commission.job_id == job.id, Commission.rep_id == rep_id,
                                                  Commission.deleted.is_(False)))
    if row is None:
        if not amount:
            return None
        return writes.insert(session, actor, Commission(job_id=job.id, rep_id=rep_id, amount_cents=amount))
    writes.update(session, actor, row, amount_cents=amount)
    return row


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
