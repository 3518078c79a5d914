"""What a rep calls the stored tables and fields, and how a stored value
reads on screen: one place for the change history (Customer Information's
History tab, an engagement's changes) and Sync status, so neither shows a
storage name like `contract_cents` or `cell_phone_e164`."""

from __future__ import annotations

from datetime import date, datetime

from rep_tui.clock import zone
from rep_tui.domain.validation import format_money, format_phone

TABLE_LABELS = {"leads": "Customer", "jobs": "Job", "comments": "Comment", "attachments": "File",
                "contacts": "Contact", "engagements": "Engagement", "payments": "Payment", "notes": "Note",
                "appointments": "Appointment"}

FIELD_LABELS = {
    "first_name": "First Name", "last_name": "Last Name",
    "home_phone": "Home Phone", "cell_phone": "Cell Phone", "work_phone": "Work Phone",
    "email": "Email", "alt_email": "Email 2", "invalid_email": "Invalid Email",
    "address": "Address", "zip": "Zip Code", "city": "City", "state": "State", "county": "County",
    "result_code": "Result", "product": "Product", "total_units": "Total Units", "sold_units": "Sold Units",
    "contract_cents": "Sale", "balance_cents": "Balance Due", "amount_cents": "Amount",
    "follow_up_on": "Follow-up Date", "completed": "Completed",
    "subject": "Subject", "occurred_at": "Date", "duration_minutes": "Duration (minutes)",
    "contact_type": "Contact Type", "contact_id": "Contact", "contacted_by_id": "Contacted By",
    "follow_up": "Follow Up", "follow_up_assignee_id": "Assignee", "notes": "Notes",
    "name": "Name", "phone": "Phone", "position": "Position", "ownership_pct": "Ownership %", "info": "Info",
    "body": "Text", "description": "Description", "filename": "File Name", "starts_at": "Appointment Time",
}

#: Kept for search and duplicate checks, changed with the phone a rep typed: never shown on their own.
DERIVED_FIELDS = frozenset({"home_phone_e164", "cell_phone_e164", "work_phone_e164"})


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, table.replace("_", " ").removesuffix("s").capitalize())


def field_label(field: str) -> str:
    """"contract_cents" -> "Sale"; a field without a label in words, never with its unit of storage."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    words = field.removesuffix("_cents").removesuffix("_e164").removesuffix("_id").replace("_", " ")
    return words[:1].upper() + words[1:]


def shown_fields(fields: list[str]) -> list[str]:
    """The fields a rep would recognise, in order (phones, not their search copies)."""
    return [field for field in fields if field not in DERIVED_FIELDS]


def value_text(field: str, value: str | None, tz: str) -> str:
    """A stored value as a rep reads it: money in dollars, yes/no, US dates,
    times in the rep's zone (`tz`)."""
    if value is None or value == "":
        return ""
    if field.endswith("_cents") and value.lstrip("-").isdigit():
        return format_money(int(value))
    if field.endswith("_e164"):
        return format_phone(value) or value
    if value in ("True", "False"):
        return "yes" if value == "True" else "no"
    try:
        if len(value) == 10:
            return date.fromisoformat(value).strftime("%m/%d/%Y")
        if len(value) > 10 and value[10] == "T":
            moment = datetime.fromisoformat(value).astimezone(zone(tz))
            return f"{moment:%m/%d/%Y} {moment.strftime('%I:%M %p').lstrip('0')}"
    except ValueError:
        pass
    return value
