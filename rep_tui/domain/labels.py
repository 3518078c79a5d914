"""What a rep calls the stored tables and fields, and how a stored value
reads on screen: one place for the change history (Customer Information's
History tab, an engagement's changes) and Sync status, so neither shows a
storage name like `contract_cents` or `cell_phone_e164`."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from rep_tui.clock import zone
from rep_tui.domain.fields import all_labels
from rep_tui.domain.validation import format_money, format_phone

TABLE_LABELS = {"leads": "Customer", "jobs": "Job", "comments": "Comment", "attachments": "File",
                "contacts": "Contact", "engagements": "Engagement", "payments": "Payment", "notes": "Note",
                "appointments": "Appointment"}


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, table.replace("_", " ").removesuffix("s").capitalize())


def field_label(field: str) -> str:
    """"contract_cents" -> "Sale Amount" (its column's spec); a field without
    a spec in words, never with its unit of storage."""
    spec = all_labels().get(field)
    if spec is not None:
        return spec.label
    words = field.removesuffix("_cents").removesuffix("_e164").removesuffix("_id").replace("_", " ")
    return words[:1].upper() + words[1:]


def shown_fields(fields: list[str]) -> list[str]:
    """The fields a rep would recognise, in order (phones, not their search copies)."""
    return [field for field in fields if field not in derived_fields()]


@lru_cache(maxsize=None)
def derived_fields() -> frozenset[str]:
    """Kept for search and duplicate checks, changed with the phone a rep typed: never shown on their own."""
    return frozenset(name for name, spec in all_labels().items() if spec.derived)


def value_text(field: str, value: str | None, tz: str) -> str:
    """A stored value as a rep reads it: money in dollars, yes/no, US dates,
    times in the rep's zone (`tz`)."""
    if value is None or value == "":
        return ""
    spec = all_labels().get(field)
    if spec is not None and spec.choices:
        return spec.choice_label(value)
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
