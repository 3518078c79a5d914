"""What makes a result code valid: the one check the app's Result Codes screen
and `rep-tui admin result-codes` both run, so a device and the server's box
cannot accept different codes.

A code is never deleted (old appointments keep naming it): it is made
inactive, and then no longer offered in the Result dialog."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rep_tui.domain.forms import FormErrors

#: The flags of a code, in the order they are shown, with what each means to an admin.
FLAGS: dict[str, str] = {
    "counts_as_issued": "Counts as issued",
    "counts_as_demo": "Counts as demo",
    "counts_as_sale": "Counts as sale",
    "needs_sale": "Needs sale amount",
    "needs_follow_up": "Needs follow-up date",
    "reschedules": "Reschedules",
}
#: The short column heads of the flags in a list (same order as FLAGS).
FLAG_HEADS = ("Iss", "Demo", "Sale", "$", "F/U", "Resch")
#: Every column an admin sets on a code.
EDITABLE = ("code", "label", "key", *FLAGS, "sort_order", "active")

_CODE = re.compile(r"^[A-Z0-9_]{1,12}$")


@dataclass(frozen=True)
class Existing:
    """What the check needs of another code: its code, key, and whether it is offered."""

    code: str
    key: str
    active: bool


def check_code(values: Mapping[str, Any], others: Iterable[Existing], *, old_code: str | None = None,
               in_use: bool = False) -> dict[str, Any]:
    """`values` (the code's columns, strings or already typed) cleaned; raises
    FormErrors with every refused field. `others` are the other codes;
    `old_code` is the code being edited (None: a new one); `in_use`: some
    appointment or job names `old_code`, so it cannot be renamed."""
    errors: dict[str, str] = {}
    others = list(others)
    code = str(values.get("code") or "").strip().upper()
    if not _CODE.match(code):
        errors["code"] = "A code is 1 to 12 letters, digits or _ (e.g. ONELEG)."
    elif old_code is not None and code != old_code and in_use:
        errors["code"] = f"{old_code} is on appointments already: its code cannot change (the label can)."
    elif any(o.code == code for o in others):
        errors["code"] = f"There is already a code {code}."
    label = " ".join(str(values.get("label") or "").split())
    if not label or len(label) > 40:
        errors["label"] = "A label is 1 to 40 characters (what a rep reads in the Result dialog)."
    key = str(values.get("key") or "").strip().lower()
    active = _flag(values.get("active", True))
    if len(key) != 1 or not key.isalnum():
        errors["key"] = "The key is one letter or digit (pressed in the Result dialog)."
    elif active and (taken := next((o.code for o in others if o.active and o.key.lower() == key), None)):
        errors["key"] = f"Key {key} is taken by {taken}: each active code needs its own key."
    try:
        order = int(str(values.get("sort_order") if values.get("sort_order") not in (None, "") else 0).strip())
    except ValueError:
        errors["sort_order"] = "The order is a whole number (lower comes first)."
        order = 0
    if errors:
        raise FormErrors(errors)
    flags = {name: _flag(values.get(name, False)) for name in FLAGS}
    return {"code": code, "label": label, "key": key, **flags, "sort_order": order, "active": active}


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "y", "yes", "true", "on")
    return bool(value)
