"""The vendor directory from the server's box: contact types (list, add)
and vendors (list, filtered by type; add; import a CSV). Writes go through
the server's push path as `admin` does, so devices get them on their next
sync; values are checked by the same field rules as the app's form."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, func, select

from rep_tui.domain.fields import specs
from rep_tui.domain.forms import FormErrors, check_contact_type, check_vendor
from rep_tui.server.admin import AdminError, Change, _apply, _insert
from rep_tui.store.models import Vendor, VendorContactType

#: The columns of a vendor CSV (a header row names them; only company is required).
VENDOR_COLUMNS = ("company", "contact_name", "type", "phone", "alt_phone", "email", "address", "note")


@dataclass(frozen=True)
class VendorLine:
    """A vendor as the command line shows it: its columns and its type's code and label."""

    values: dict[str, Any]
    type_code: str | None
    type_label: str | None

    def as_json(self) -> dict[str, Any]:
        return {**{name: self.values[name] for name in specs("vendors") if name != "contact_type_id"},
                "type": self.type_code, "type_label": self.type_label}


def list_types(engine: Engine) -> list[VendorContactType]:
    with engine.connect() as conn:
        return [VendorContactType(**row) for row in conn.execute(
            select(VendorContactType.__table__).where(VendorContactType.deleted.is_(False))
            .order_by(VendorContactType.code)).mappings()]


def _types(conn: Connection) -> dict[str, Any]:
    return {row.code: row for row in conn.execute(select(VendorContactType.__table__).where(
        VendorContactType.deleted.is_(False)))}


def _type_id(types: dict[str, Any], code: str | None) -> uuid.UUID | None:
    if not code or not code.strip():
        return None
    found = types.get(code.strip().lower())
    if found is None:
        raise AdminError(f"No contact type {code.strip()!r} (known: {', '.join(sorted(types)) or 'none yet'}; "
                         "add one with `rep-tui admin vendor-types add`).")
    return found.id


def add_type(engine: Engine, code: str, label: str) -> str:
    """A new contact type; returns its code as stored (lower case)."""
    try:
        clean = check_contact_type({"code": code, "label": label})
    except FormErrors as exc:
        raise AdminError("; ".join(exc.errors.values())) from None
    with engine.connect() as conn:
        if clean["code"] in _types(conn):
            raise AdminError(f"There is already a contact type {clean['code']}.")
    _apply(engine, [_insert("vendor_contact_types", {**clean, "active": True}, f"type {clean['code']}")])
    return clean["code"]


def list_vendors(engine: Engine, type_code: str | None = None) -> list[VendorLine]:
    """Every vendor by company, or those of one contact type."""
    with engine.connect() as conn:
        types = _types(conn)
        stmt = select(Vendor.__table__).where(Vendor.deleted.is_(False)).order_by(func.lower(Vendor.company))
        if type_code is not None:
            stmt = stmt.where(Vendor.contact_type_id == _type_id(types, type_code))
        by_id = {row.id: row for row in types.values()}
        return [VendorLine(dict(row), getattr(by_id.get(row["contact_type_id"]), "code", None),
                           getattr(by_id.get(row["contact_type_id"]), "label", None))
                for row in conn.execute(stmt).mappings()]


def _checked(types: dict[str, Any], cells: dict[str, str]) -> dict[str, Any]:
    try:
        clean = check_vendor({**cells, "contact_type_id": None})
    except FormErrors as exc:
        raise AdminError("; ".join(exc.errors.values())) from None
    return {**clean, "contact_type_id": _type_id(types, cells.get("type"))}


def add_vendor(engine: Engine, cells: dict[str, str]) -> int:
    """One vendor from its typed values (`VENDOR_COLUMNS`); one with the same company name is updated.
    Returns how many were added (1 or 0)."""
    with engine.connect() as conn:
        row = _checked(_types(conn), cells)
    return _save(engine, [row])[0]


def import_vendors(engine: Engine, source: TextIO) -> tuple[int, int]:
    """Vendors from a CSV with a header row (`VENDOR_COLUMNS`; company is
    required): new companies are added, known ones (same name, any case) get
    the file's values. Every line is checked first; nothing is written if
    one is bad. Returns (added, updated)."""
    reader = csv.DictReader(source)
    header = {(name or "").strip().lower() for name in reader.fieldnames or ()}
    if "company" not in header:
        raise AdminError(f"The file has no column company (its header row names some of: {', '.join(VENDOR_COLUMNS)}).")
    unknown = header - set(VENDOR_COLUMNS) - {""}
    if unknown:
        raise AdminError(f"Unknown column(s) {', '.join(sorted(unknown))} (known: {', '.join(VENDOR_COLUMNS)}).")
    with engine.connect() as conn:
        types = _types(conn)
    rows, problems, seen = [], [], set()
    for number, line in enumerate(reader, start=2):
        cells = {(k or "").strip().lower(): (v or "") for k, v in line.items()}
        try:
            row = _checked(types, cells)
        except AdminError as exc:
            problems.append(f"line {number}: {exc}")
            continue
        if row["company"].casefold() in seen:
            problems.append(f"line {number}: {row['company']} is on an earlier line too")
        seen.add(row["company"].casefold())
        rows.append(row)
    if problems:
        raise AdminError("Nothing was imported; fix these lines:\n  " + "\n  ".join(problems))
    added = _save(engine, rows)
    return sum(added), len(rows) - sum(added)


def _save(engine: Engine, rows: list[dict[str, Any]]) -> list[int]:
    """Add each checked row, or update the vendor with its company name; 1 for each added, 0 for each updated."""
    with engine.connect() as conn:
        known = {row.company.casefold(): row for row in conn.execute(select(Vendor.__table__).where(
            Vendor.deleted.is_(False)))}
    changes, added = [], []
    for row in rows:
        old = known.get(row["company"].casefold())
        if old is None:
            changes.append(_insert("vendors", row, f"vendor {row['company']}"))
            added.append(1)
            continue
        row = {**row, "company": old.company}  # matched by name in any case: the stored spelling stays
        fields = {k: (getattr(old, k), v) for k, v in row.items() if getattr(old, k) != v}
        if fields:
            changes.append(Change("vendors", old.id, "update", fields, f"vendor {row['company']}"))
        added.append(0)
    _apply(engine, changes)
    return added
