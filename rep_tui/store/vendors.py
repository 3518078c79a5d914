"""The vendor directory on the device: contact types and vendors, read by
every user, written (through `writes`, so they sync) by users whose
permissions allow it (`Permission.EDIT_VENDORS`; the server checks again)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from rep_tui.store import writes
from rep_tui.store.models import Vendor, VendorContactType


class DuplicateCode(ValueError):
    """A contact type code another type already has."""


def contact_types(session: Session, *, with_inactive: bool = False) -> list[VendorContactType]:
    """The contact types by label; only those in use unless `with_inactive`."""
    stmt = select(VendorContactType).where(VendorContactType.deleted.is_(False))
    if not with_inactive:
        stmt = stmt.where(VendorContactType.active.is_(True))
    return list(session.scalars(stmt.order_by(VendorContactType.label)))


def save_contact_type(session: Session, actor: writes.Actor, type_id: uuid.UUID | None,
                      clean: dict[str, Any]) -> VendorContactType:
    """Add a type (type_id None) or change one, from `forms.check_contact_type`'s values (or just `active`)."""
    if "code" in clean and session.scalar(select(VendorContactType.id).where(
            VendorContactType.code == clean["code"], VendorContactType.deleted.is_(False),
            VendorContactType.id != type_id if type_id else True)):
        raise DuplicateCode(f"There is already a contact type {clean['code']}.")
    if type_id is None:
        return writes.insert(session, actor, VendorContactType(**clean))
    row = session.get(VendorContactType, type_id)
    writes.update(session, actor, row, **clean)
    return row


@dataclass(frozen=True)
class Directory:
    """What the Vendors screen shows: the vendors that match, and every type (for their labels and the filter)."""

    vendors: list[Vendor]
    types: list[VendorContactType]

    def type_label(self, vendor: Vendor) -> str:
        return next((t.label for t in self.types if t.id == vendor.contact_type_id), "")


def directory(session: Session, *, type_id: uuid.UUID | None = None, text: str = "") -> Directory:
    """The vendors by company, of one contact type if given, whose company,
    contact, phones, email, address or note contain `text` (any case)."""
    stmt = select(Vendor).where(Vendor.deleted.is_(False))
    if type_id is not None:
        stmt = stmt.where(Vendor.contact_type_id == type_id)
    for word in text.split():
        pattern = f"%{word.casefold()}%"
        stmt = stmt.where(or_(*(func.lower(column).like(pattern) for column in (
            Vendor.company, Vendor.contact_name, Vendor.phone, Vendor.alt_phone, Vendor.email, Vendor.address,
            Vendor.note))))
    vendors = list(session.scalars(stmt.order_by(func.lower(Vendor.company))))
    return Directory(vendors, contact_types(session, with_inactive=True))


def save_vendor(session: Session, actor: writes.Actor, vendor_id: uuid.UUID | None, clean: dict[str, Any]) -> Vendor:
    """Add a vendor (vendor_id None) or change one, from `forms.check_vendor`'s values."""
    if vendor_id is None:
        return writes.insert(session, actor, Vendor(**clean))
    vendor = session.get(Vendor, vendor_id)
    if vendor is None or vendor.deleted:
        raise ValueError("that vendor is no longer in the directory")
    writes.update(session, actor, vendor, **clean)
    return vendor


def delete_vendor(session: Session, actor: writes.Actor, vendor_id: uuid.UUID) -> None:
    vendor = session.get(Vendor, vendor_id)
    if vendor is not None:
        writes.delete(session, actor, vendor)
