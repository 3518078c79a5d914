"""When two leads are the same person, and how sure that is. One place for
what makes leads "the same" (a phone in E.164, an email, a name at an
address), read by the import's duplicate check and the office's duplicate
finder. Pure Python: works on a lead's column values by name."""

from __future__ import annotations

from typing import Any, Mapping

PHONE_FIELDS = ("home_phone_e164", "cell_phone_e164", "work_phone_e164")
EMAIL_FIELDS = ("email", "alt_email")
#: How sure a pair is, surest first.
SURENESS = ("high", "medium", "low")


def _folded(value: Any) -> str:
    return " ".join(str(value or "").lower().split())


def name_key(lead: Mapping[str, Any]) -> str:
    """First and last name, case and spacing aside ("" when there is none)."""
    return _folded(f"{lead.get('first_name') or ''} {lead.get('last_name') or ''}")


def contact_keys(lead: Mapping[str, Any]) -> list[str]:
    """What reaches the same person: "phone +1…" per phone, "email …" per email."""
    phones = [f"phone {lead[name]}" for name in PHONE_FIELDS if lead.get(name)]
    return phones + [f"email {_folded(lead[name])}" for name in EMAIL_FIELDS if lead.get(name)]


def address_key(lead: Mapping[str, Any]) -> str | None:
    """"address <street>|<zip>", or None without a street."""
    street = _folded(lead.get("address"))
    return f"address {street}|{_folded(lead.get('zip'))}" if street else None


def sureness(shared: set[str], same_name: bool) -> str | None:
    """How sure a pair sharing these kinds of key ("phone", "email",
    "address") is to be one customer; None when it is no candidate. A
    phone or email with the name is near certain; a name at the same
    address (or a phone or email there under another name) likely; a shared
    phone or email under another name elsewhere (a spouse, a landlord) only
    possible."""
    reach = shared & {"phone", "email"}
    if (reach and same_name) or reach == {"phone", "email"}:
        return "high"
    if "address" in shared and (same_name or reach):
        return "medium"
    return "low" if reach else None
