"""What a stored value of a synced column may be: the rules the app's forms
apply, stated per column so the server checks every pushed value with the
same ones (a modified client, an old one or a CSV import cannot store what a
form would refuse).

Each column gets the checks its SQLAlchemy type implies (length of a
String(n), the range of an Integer, digits of a Numeric, valid Unicode
without control characters, JSON shape) plus the rule of its field spec
(`domain.fields`: phones, emails, ZIP, state, choices), the same check its
form uses. `check_value` raises `Invalid` with a reason a rep can act on."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Callable

from rep_tui.domain.validation import Invalid

#: Longest text of a Text column (comments, notes, account notes), in characters.
MAX_LONG_TEXT = 20_000
#: `leads.custom`: a JSON object at most this deep and this big (serialized, in bytes).
MAX_JSON_DEPTH = 8
MAX_JSON_BYTES = 16_384
CONTACT_TYPES = ("phone", "visit", "email", "text")
ATTACHMENT_KINDS = ("document", "picture")
#: An appointment's kind as stored, and how it reads: what the Book dialog offers
#: (`booking.BOOKABLE_KINDS`) and what the server accepts are this one list.
#: "reset" is made by resulting an appointment Reset, not booked.
APPOINTMENT_KINDS: tuple[tuple[str, str], ...] = (
    ("new", "In-home demo"), ("follow-up", "Follow-up"), ("rehash", "Rehash"), ("measure", "Measure"),
    ("service", "Service call"), ("reset", "Reset"),
)
ROLES = ("rep", "manager", "admin")
#: How a customer pays (a payment's method, a job's MOP).
PAYMENT_METHODS = ("Cash", "Check", "Credit Card", "Finance", "ACH")
#: C0 controls, DEL and C1 controls (ESC, BEL, NUL, CSI...): never in a stored short text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same, but newline and tab are allowed in long text.
_CONTROL_LONG = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Bidi embeddings, overrides and isolates: in a short text (a name, a file
#: name) they make it read other than it is ("invoice\u202efdp.exe" shows as
#: "invoiceexe.pdf"). Marks (U+200E, U+200F) that right-to-left text needs stay allowed.
_BIDI_OVERRIDE = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def printable(text: str) -> str:
    """A reason safe to send back and show: control characters and lone surrogates written as escapes."""
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def pairs(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Choices whose stored value is also what a rep reads."""
    return tuple((value, value) for value in values)


#: Where a customer stands with the company, whatever their jobs say: a
#: rep's or the office's word (the seed: "track customer statuses").
CUSTOMER_STATUSES = (
    ("prospect", "Prospect"), ("active", "Active customer"), ("sold", "Sold"), ("installed", "Installed"),
    ("service", "Service"), ("do-not-contact", "Do not contact"),
)


def e164(value: str) -> str:
    if not _E164.match(value):
        raise Invalid("A normalized phone is + and 7 to 15 digits.")
    return value


def sha256(value: str) -> str:
    if not _SHA256.match(value):
        raise Invalid("A file is named by its lowercase hex SHA-256.")
    return value


def time_zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"{value!r} is not a time zone (like America/Chicago).") from None
    return value


def percent(value: Decimal) -> Decimal:
    if not 0 <= value <= 100:
        raise Invalid("Ownership must be between 0 and 100 %.")
    return value


def share(value: Decimal) -> Decimal:
    """A user's commission share of a job (`job_users.share_pct`)."""
    if not 0 <= value <= 100:
        raise Invalid("A commission share is between 0 and 100 %.")
    return value


def parse_share(value: str) -> Decimal:
    """A share as typed ("40", "40%", "" for none) to a Decimal with two places."""
    try:
        pct = Decimal((value or "0").strip().rstrip("%") or "0")
    except InvalidOperation:
        raise Invalid("A commission share is a number from 0 to 100, like 40.") from None
    return share(pct).quantize(Decimal("0.01"))


def parse_percent(value: str) -> Decimal | None:
    """Ownership as typed ("50", "50%") to a Decimal with two places."""
    if not value or not value.strip():
        return None
    try:
        pct = Decimal(value.strip().rstrip("%"))
    except InvalidOperation:
        raise Invalid("Ownership is a number from 0 to 100, like 50.") from None
    return percent(pct).quantize(Decimal("0.01"))


def not_negative(value: int) -> int:
    if value < 0:
        raise Invalid("It cannot be negative.")
    return value


def first_of_month(value: date) -> date:
    """A month is stored as its first day."""
    if value.day != 1:
        raise Invalid("A month is stored as its first day (like 2026-12-01).")
    return value


def positive(value: int) -> int:
    if value <= 0:
        raise Invalid("It must be more than zero.")
    return value


def check_day(value: str) -> date | None:
    """A date as typed in a file (an import): "12/3", "2026-12-03", "tomorrow"; empty → None."""
    from rep_tui.clock import utcnow
    from rep_tui.domain.dates import parse_day

    return parse_day(value, utcnow().date(), allow_past=True) if value and value.strip() else None


def json_depth(value: Any) -> int:
    """How deeply a JSON value nests (a scalar is 0, {} or [] is 1), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
    return deepest


def check_text(value: str, *, max_length: int | None, long: bool) -> str:
    """Valid Unicode, no control characters (newline and tab allowed in long
    text), no direction overrides in short text, not too long."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("The text is not valid Unicode (a lone surrogate).") from None
    bad = (_CONTROL_LONG if long else _CONTROL).search(value)
    if bad:
        raise Invalid(f"The text holds a control character (U+{ord(bad.group()):04X}).")
    bad = None if long else _BIDI_OVERRIDE.search(value)
    if bad:
        raise Invalid(f"The text holds a direction override (U+{ord(bad.group()):04X}): it would read "
                      "other than it is.")
    if max_length is not None and len(value) > max_length:
        raise Invalid(f"At most {max_length:,} characters; this has {len(value):,}.")
    return value


def check_username(value: str | None) -> str:
    """What a user signs in with: one word."""
    name = (value or "").strip()
    if not name:
        raise Invalid("Username is required.")
    if any(ch.isspace() for ch in name):
        raise Invalid("A username is one word, like jsmith.")
    return name


def check_code(value: str | None) -> str:
    """A short code an admin picks for a list entry ("installer"): one word, in lower case."""
    code = (value or "").strip().lower()
    if not code:
        raise Invalid("Code is required.")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", code):
        raise Invalid("A code is one word of letters, digits, - or _, like installer.")
    return code


def permission_names(value: Any) -> list[str]:
    """A group's grant: a list of distinct `Permission` values (a typo would grant nothing, silently)."""
    from rep_tui.domain.permissions import Permission

    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise Invalid("Permissions must be a list of permission names.")
    known = {p.value for p in Permission}
    unknown = [name for name in value if name not in known]
    if unknown:
        raise Invalid(f"No such permission: {printable(', '.join(unknown)[:200])}. "
                      f"Known: {', '.join(sorted(known))}.")
    if len(set(value)) != len(value):
        raise Invalid("A permission is named twice.")
    return value


def check_json_object(value: Any) -> dict:
    if not isinstance(value, dict):
        raise Invalid(f"It must be a JSON object, not {type(value).__name__}.")
    return check_json(value)


def check_json(value: Any) -> dict | list:
    """A JSON column's value: an object or a list, not too deep or big, its texts valid."""
    if not isinstance(value, (dict, list)):
        raise Invalid(f"It must be a JSON object or list, not {type(value).__name__}.")
    if json_depth(value) > MAX_JSON_DEPTH:
        raise Invalid(f"It nests deeper than {MAX_JSON_DEPTH} levels.")
    try:
        size = len(json.dumps(value, ensure_ascii=False).encode("utf-8"))
    except (UnicodeEncodeError, ValueError):
        raise Invalid("It holds text that is not valid Unicode.") from None
    if size > MAX_JSON_BYTES:
        raise Invalid(f"At most {MAX_JSON_BYTES:,} bytes as JSON; this has {size:,}.")
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in item:
                check_text(key, max_length=200, long=False)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            check_text(item, max_length=MAX_LONG_TEXT, long=True)
    return value


@lru_cache(maxsize=None)
def _type_rule(column: Any) -> Callable[[Any], Any]:
    """The checks a column's SQLAlchemy type implies."""
    from sqlalchemy.types import JSON, BigInteger, Boolean, Date, DateTime, Integer, Numeric, String, Text, Uuid

    col_type = column.type
    if isinstance(col_type, JSON):  # an object, unless the column's own rule says its shape
        spec = column.info.get("spec")
        return check_json if spec is not None and spec.rule is not None else check_json_object
    if isinstance(col_type, Boolean):
        return lambda value: _is(value, bool, "true or false")
    if isinstance(col_type, Integer):
        bits = 63 if isinstance(col_type, BigInteger) else 31
        return lambda value: _in_range(_is(value, int, "a whole number"), -(2 ** bits), 2 ** bits - 1)
    if isinstance(col_type, Numeric):
        return lambda value: _numeric(value, col_type.precision, col_type.scale)
    if isinstance(col_type, (Text, String)):
        long = isinstance(col_type, Text)
        limit = MAX_LONG_TEXT if long else col_type.length
        return lambda value: check_text(_is(value, str, "text"), max_length=limit, long=long)
    if isinstance(col_type, DateTime) or isinstance(getattr(col_type, "impl", None), DateTime):
        return lambda value: _is(value, datetime, "a date and time")
    if isinstance(col_type, Date):
        return lambda value: _is(value, date, "a date")
    if isinstance(col_type, Uuid):
        return lambda value: _is(value, uuid.UUID, "an id")
    return lambda value: value


def _is(value: Any, kind: type, words: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Invalid(f"It must be {words}.")
    return value


def _in_range(value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise Invalid(f"It must be between {low:,} and {high:,}.")
    return value


def _numeric(value: Any, precision: int | None, scale: int | None) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise Invalid("It must be a number.")
    if scale is not None and value.as_tuple().exponent < -scale:
        raise Invalid(f"At most {scale} decimals.")
    if precision is not None and abs(value) >= Decimal(10) ** (precision - (scale or 0)):
        raise Invalid(f"At most {precision - (scale or 0)} digits before the point.")
    return value


#: What a spec's rule may be given (other values fail the type's check instead).
_PYTHON_KINDS = {"String": str, "Text": str, "Integer": int, "BigInteger": int, "Numeric": Decimal, "JSON": (dict, list)}


def check_value(column: Any, value: Any) -> None:
    """Raise `Invalid` when `value` (a column value, already decoded) may not be stored in `column`."""
    if value is None:
        if not column.nullable and not column.primary_key:
            raise Invalid("It cannot be empty.")
        return
    spec = column.info.get("spec")
    rule = spec.stored_rule() if spec is not None else None
    if rule is not None and isinstance(value, _PYTHON_KINDS.get(type(column.type).__name__, object)):
        rule(value)  # first: its message is the form's ("Use the two-letter state code")
    _type_rule(column)(value)
