"""The office's money from the server's box: the invoice item catalogue
(list, add, import a CSV) and the commission report. Writes go through the
server's push path as `admin` does, so devices get them on their next sync."""

from __future__ import annotations

import csv
import uuid
from datetime import date
from typing import TextIO

from sqlalchemy import Engine, select

from rep_tui.domain.forms import FormErrors, check_catalogue_item
from rep_tui.server.admin import AdminError, Change, _apply, _insert, _user
from rep_tui.store.commissions import CommissionReport, commission_report
from rep_tui.store.models import CatalogueItem

#: The columns of a catalogue CSV (a header row names them).
CATALOGUE_COLUMNS = ("sku", "name", "price")


def list_catalogue(engine: Engine) -> list[CatalogueItem]:
    with engine.connect() as conn:
        return [CatalogueItem(**row) for row in conn.execute(
            select(CatalogueItem.__table__).where(CatalogueItem.deleted.is_(False))
            .order_by(CatalogueItem.sku)).mappings()]


def _checked(sku: str, name: str, price: str) -> dict:
    try:
        return check_catalogue_item({"sku": sku, "name": name, "price_cents": price})
    except FormErrors as exc:
        raise AdminError("; ".join(exc.errors.values())) from None


def add_catalogue_item(engine: Engine, sku: str, name: str, price: str) -> uuid.UUID:
    """One item, its price as typed ("649", "$1,299.50")."""
    return import_catalogue_rows(engine, [_checked(sku, name, price)])[0]


def import_catalogue(engine: Engine, source: TextIO) -> tuple[int, int]:
    """Items from a CSV with a header row (sku, name, price): new SKUs are
    added, known ones get the file's name and price (and are sold again).
    Every line is checked first; nothing is written if one is bad.
    Returns (added, updated)."""
    reader = csv.DictReader(source)
    missing = set(CATALOGUE_COLUMNS) - {(name or "").strip().lower() for name in reader.fieldnames or ()}
    if missing:
        raise AdminError(f"The file has no column {', '.join(sorted(missing))} (its header row names: "
                         f"{', '.join(CATALOGUE_COLUMNS)}).")
    rows, problems, seen = [], [], set()
    for number, line in enumerate(reader, start=2):
        cells = {(k or "").strip().lower(): (v or "") for k, v in line.items()}
        try:
            row = _checked(cells["sku"], cells["name"], cells["price"])
        except AdminError as exc:
            problems.append(f"line {number}: {exc}")
            continue
        if row["sku"] in seen:
            problems.append(f"line {number}: SKU {row['sku']} is on an earlier line too")
        seen.add(row["sku"])
        rows.append(row)
    if problems:
        raise AdminError("Nothing was imported; fix these lines:\n  " + "\n  ".join(problems))
    ids = import_catalogue_rows(engine, rows)
    return len(rows) - sum(1 for row_id in ids if row_id is None), sum(1 for row_id in ids if row_id is None)


def import_catalogue_rows(engine: Engine, rows: list[dict]) -> list[uuid.UUID | None]:
    """Add each checked row, or update the item with its SKU; the id of each added row (None: updated)."""
    with engine.connect() as conn:
        known = {row.sku: row for row in conn.execute(select(CatalogueItem.__table__).where(
            CatalogueItem.deleted.is_(False)))}
    changes, ids = [], []
    for row in rows:
        old = known.get(row["sku"])
        if old is None:
            change = _insert("catalogue_items", {**row, "active": True}, f"item {row['sku']}")
            ids.append(change.row_id)
        else:
            wanted = {**row, "active": True}
            change = Change("catalogue_items", old.id, "update",
                            {k: (getattr(old, k), v) for k, v in wanted.items() if getattr(old, k) != v},
                            f"item {row['sku']}")
            ids.append(None)
        if change.fields:
            changes.append(change)
    _apply(engine, changes)
    return ids


def commissions(engine: Engine, start: date, end: date, username: str | None = None) -> CommissionReport:
    if end < start:
        raise AdminError(f"--to ({end}) is before --from ({start}).")
    with engine.connect() as conn:
        rep_ids = [_user(conn, username).id] if username else None
        return commission_report(conn, start, end, rep_ids)
