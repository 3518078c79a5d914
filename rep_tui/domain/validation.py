"""Validation of what a rep types: phones, emails, zips, states, money.

Each function returns the clean value or raises `Invalid` with a message a
rep can act on.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from rep_tui.domain.text import digits


class Invalid(ValueError):
    """A value a rep typed that cannot be saved; the message says why."""


US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM "
    "NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR".split()
)
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension|#)\s*\d+\s*$", re.IGNORECASE)
#: Recent answers kept by the slow checks: a value is checked several times on
#: its way in (the form, its derived column, the server), an import line's too.
RECENT = 4096


@lru_cache(maxsize=RECENT)
def normalize_phone(text: str | None, region: str = "US") -> str | None:
    """E.164 form of a phone as typed, or None when it is not a valid number.

    One rule set for every phone: phonenumbers' (no shortcut of our own),
    so an area code that is not in service in the plan, like 555 or 999,
    is refused everywhere alike."""
    if not text or not text.strip():
        return None
    text = _EXTENSION.sub("", text)  # "312-555-0142 x5": the extension is not part of the number
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_phone(text: str | None) -> str | None:
    """The phone as typed (trimmed) when valid, None when empty."""
    if text is None or not text.strip():
        return None
    if normalize_phone(text) is None:
        count = len(digits(text))
        if count < 10:
            raise Invalid(f"A phone needs 10 digits with the area code; this has {count}.")
        raise Invalid("Not a valid phone number (check the area code and length).")
    return text.strip()


def format_phone(e164: str | None) -> str:
    """(555) 123-4567 for North American numbers, E.164 otherwise."""
    if not e164:
        return ""
    if e164.startswith("+1") and len(e164) == 12:
        d = e164[2:]
        return f"({d[:3]}) {d[3:6]}-{d[6:]}"
    return e164


def call_phone(lead: Any) -> str:
    """The number a rep would call first (cell, then home, then work), formatted as the lists show it."""
    for e164, typed in ((lead.cell_phone_e164, lead.cell_phone), (lead.home_phone_e164, lead.home_phone),
                        (lead.work_phone_e164, lead.work_phone)):
        if e164 or typed:
            return format_phone(e164) or typed or ""
    return ""


def check_email(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return _normalized_email(text.strip())


@lru_cache(maxsize=RECENT)
def _normalized_email(text: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise Invalid(str(exc)) from None


def check_zip(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    value = text.strip()
    if not _ZIP.match(value):
        raise Invalid("A ZIP code is 5 digits, or 5+4 like 60614-1234.")
    return value


def check_state(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    value = text.strip().upper()
    if value not in US_STATES:
        raise Invalid("Use the two-letter state code, like IL or TX.")
    return value


#: No sale, payment or price of a home-improvement company comes near this; a typo (an extra zero or ten) does.
MAX_DOLLARS = 100_000_000


def parse_money(text: str | None) -> int | None:
    """Dollars as typed ("$12,450.50") to integer cents."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip().replace("$", "").replace(",", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise Invalid("An amount in dollars, like 12450 or 12,450.50.")
    if amount < 0:
        raise Invalid("An amount cannot be negative.")
    if amount.as_tuple().exponent < -2:
        raise Invalid("At most two decimals (cents).")
    if amount >= MAX_DOLLARS:
        raise Invalid(f"An amount below ${MAX_DOLLARS:,}.")
    return int(amount * 100)


def format_money(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}${cents // 100:,}" + (f".{cents % 100:02d}" if cents % 100 else "")


def check_units(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        value = int(text.strip())
    except ValueError:
        raise Invalid("Units is a whole number.") from None
    if value < 0 or value > 999:
        raise Invalid("Units must be between 0 and 999.")
    return value
