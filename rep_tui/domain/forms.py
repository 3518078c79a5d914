"""The checks of the forms a rep fills in about a customer: Edit Customer,
a contact, an engagement. Each field's check comes from its column's spec
(`domain.fields`); what spans fields (sold units ≤ total units, a
follow-up needs a date) is here. A check raises `FormErrors` naming every
bad field, so a form can show each reason beside its field and save nothing."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time
from typing import Any, Callable, Iterable, Mapping

from rep_tui.clock import local_today, zone
from rep_tui.domain.dates import parse_day, parse_time
from rep_tui.domain.custom_fields import Definition, form_check
from rep_tui.domain.fields import Check, specs, text, required, used
from rep_tui.domain.rules import CONTACT_TYPES
from rep_tui.domain.validation import Invalid

#: Edit Customer's note: not a column, added as a new comment.
COMMENT = "comment"


class FormErrors(Exception):
    """Every field of a form that cannot be saved, with the reason for each."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def collect(values: dict[str, Any], checks: dict[str, Check]) -> dict[str, Any]:
    """Run each field's check; raise FormErrors with every failure at once."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, check in checks.items():
        try:
            clean[name] = check(values.get(name) or "")
        except Invalid as exc:
            errors[name] = str(exc)
    if errors:
        raise FormErrors(errors)
    return clean


def _checks(table: str) -> dict[str, Check]:
    return {name: spec.check for name, spec in used(table, "edited").items()}


def custom_control(key: str) -> str:
    """The form control of a custom field (its key is a slug, so a valid widget id)."""
    return f"custom-{key}"


def check_customer_edit(values: dict[str, str], definitions: Iterable[Definition] = (),
                        stored: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The Edit Customer form's values (lead and job columns, the comment, and
    under "custom" the active custom fields' values by key), cleaned; `stored`:
    the lead's custom values as they are."""
    shown = [d for d in definitions if d.active]
    custom_checks = {custom_control(d.key): form_check(d, stored or {}) for d in shown}
    clean = collect(values, {**_checks("leads"), **_checks("jobs"), COMMENT: text, **custom_checks})
    clean["custom"] = {d.key: clean.pop(custom_control(d.key)) for d in shown}
    _units_agree(clean)
    return clean


def _units_agree(clean: dict[str, Any]) -> None:
    total, sold = clean["total_units"], clean["sold_units"]
    if total is not None and sold is not None and sold > total:
        raise FormErrors({"sold_units": f"Sold units ({sold}) cannot be more than total units ({total})."})


#: The fields of a new job (Customer Information's `J`): Edit Customer's sale
#: section but the result, which an appointment's Result gives.
NEW_JOB_FIELDS = ("product", "total_units", "sold_units", "contract_cents")


def check_new_job(values: dict[str, str]) -> dict[str, Any]:
    """The New Job form's values as Job columns: a product (what the job is for), units and an optional sale."""
    checks = _checks("jobs")
    clean = collect(values, {name: checks[name] for name in NEW_JOB_FIELDS})
    if clean["product"] is None:
        raise FormErrors({"product": "Product is required: what this job is for."})
    _units_agree(clean)
    return clean


def check_target(values: dict[str, str]) -> dict[str, Any]:
    """The Set Target form's values as Target columns; a goal left empty is none (0)."""
    clean = collect(values, _checks("targets"))
    return {name: 0 if value is None else value for name, value in clean.items()}


def check_work_hours(values: dict[str, str]) -> dict[str, Any]:
    """The Work Hours form's values as WorkHours columns (a day left empty or "off" is a day off)."""
    return collect(values, _checks("work_hours"))


def check_contact(values: dict[str, str]) -> dict[str, Any]:
    """The contact form's values as Contact columns."""
    return collect(values, _checks("contacts"))


def _optional_day(today: date) -> Check:
    """A date field that may stay empty, read by the app's one date parser."""
    return lambda value: parse_day(value, today, allow_past=True) if value and value.strip() else None


def _optional_time(value: str) -> time | None:
    return parse_time(value) if value and value.strip() else None


_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m?)?\s*$", re.IGNORECASE)


def parse_duration(value: str) -> int | None:
    """Minutes from "90", "1h30", "1h 30m" or "1:30"."""
    if not value or not value.strip():
        return None
    text_ = value.strip()
    if ":" in text_:
        hours, _, minutes = text_.partition(":")
        text_ = f"{hours}h{minutes}"
    match = _DURATION.match(text_)
    if not match or not any(match.groups()):
        raise Invalid("A duration like 45, 1h30 or 1:30.")
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


def _one_of(label: str, choices: tuple[str, ...]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in choices:
            raise Invalid(f"{label} is required.")
        return value

    return check


def engagement_checks(today: date) -> dict[str, Check]:
    """The engagement form's field rules; dates as everywhere ("tomorrow", "+2", "12/3")."""
    day = _optional_day(today)
    return {
        "subject": required("Subject"), "day": lambda v: day(required("Date")(v)),
        "at_time": _optional_time, "duration": parse_duration, "contact_type": _one_of("Contact type", CONTACT_TYPES),
        "follow_up_on": day, "notes": text,
    }


def check_engagement(values: dict[str, Any], tz_name: str) -> dict[str, Any]:
    """The engagement form's values as Engagement columns.

    Text fields come as strings; contact_id, contacted_by_id and
    follow_up_assignee_id as ids or None; follow_up and completed as bools."""
    clean = collect(values, engagement_checks(local_today(tz_name)))
    if values.get("follow_up") and clean["follow_up_on"] is None:
        raise FormErrors({"follow_up_on": "A follow-up needs a date."})
    moment = datetime.combine(clean["day"], clean["at_time"] or time(12, 0), tzinfo=zone(tz_name))
    return {
        "subject": clean["subject"], "occurred_at": moment, "duration_minutes": clean["duration"],
        "contact_type": clean["contact_type"], "follow_up_on": clean["follow_up_on"], "notes": clean["notes"],
        "contact_id": values.get("contact_id"), "contacted_by_id": values.get("contacted_by_id"),
        "follow_up": bool(values.get("follow_up")), "follow_up_assignee_id": values.get("follow_up_assignee_id"),
        "completed": bool(values.get("completed")),
    }


def check_payment(values: dict[str, str], today: date) -> dict[str, Any]:
    """The payment form's values as Payment columns: an amount above zero
    ("1,234.50", "$1234.5"), a date (today when left empty), a method from the list, a note."""
    spec = specs("payments")
    amount = spec["amount_cents"]

    def amount_check(value: str) -> int:
        cents = amount.check(value)
        if cents is None:
            raise Invalid("Amount is required.")
        if cents == 0:
            raise Invalid("A payment is more than $0.")
        return cents

    return collect(values, {
        "amount_cents": amount_check,
        "paid_on": lambda value: parse_day(value, today, allow_past=True) if value.strip() else today,
        "method": spec["method"].check, "note": spec["note"].check,
    })


def check_catalogue_item(values: dict[str, str]) -> dict[str, Any]:
    """The catalogue form's values as CatalogueItem columns (SKU in capitals, so "win-dh" is "WIN-DH")."""
    spec = specs("catalogue_items")
    clean = collect(values, {name: spec[name].check for name in ("sku", "name", "price_cents")})
    if clean["price_cents"] is None:
        raise FormErrors({"price_cents": "Price is required."})
    return {**clean, "sku": clean["sku"].upper()}


def check_vendor(values: dict[str, Any]) -> dict[str, Any]:
    """The vendor form's values as Vendor columns; the contact type comes as
    the id of a `vendor_contact_types` row (or None), chosen from a list."""
    checks = _checks("vendors")
    chosen = values.get("contact_type_id")
    clean = collect(values, {name: check for name, check in checks.items() if name != "contact_type_id"})
    return {**clean, "contact_type_id": uuid.UUID(str(chosen)) if chosen else None}


def check_contact_type(values: dict[str, str]) -> dict[str, Any]:
    """A vendor contact type: a one-word code (in lower case) and its label."""
    spec = specs("vendor_contact_types")
    return collect(values, {"code": spec["code"].check, "label": spec["label"].check})


def check_quantity(value: str) -> int:
    """How many of an item: a whole number from 1."""
    try:
        quantity = int(value.strip())
    except ValueError:
        raise Invalid("A whole number, like 1 or 12.") from None
    if not 1 <= quantity <= 10_000:
        raise Invalid("From 1 to 10,000.")
    return quantity
