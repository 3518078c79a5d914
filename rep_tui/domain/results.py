"""The result codes a company starts with. They are data: the store keeps
them in a table, and stats read which codes count where from there."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResultCodeSpec:
    code: str
    label: str
    key: str  # the key that picks it in the Result dialog
    issued: bool
    demo: bool
    sale: bool
    needs_sale: bool = False  # asks for product, units, sale $
    follow_up: bool = False  # asks for a follow-up date
    reschedules: bool = False


DEFAULT_RESULT_CODES: tuple[ResultCodeSpec, ...] = (
    ResultCodeSpec("SOLD", "Sold", "s", issued=True, demo=True, sale=True, needs_sale=True),
    ResultCodeSpec("DNS", "Demo No Sale", "d", issued=True, demo=True, sale=False),
    ResultCodeSpec("BB", "Be Back", "b", issued=True, demo=True, sale=False, follow_up=True),
    ResultCodeSpec("ND", "No Demo", "n", issued=True, demo=False, sale=False),
    ResultCodeSpec("1L", "One Leg", "o", issued=True, demo=False, sale=False, follow_up=True),
    ResultCodeSpec("NS", "No Show", "x", issued=True, demo=False, sale=False),
    ResultCodeSpec("RS", "Reset", "r", issued=False, demo=False, sale=False, reschedules=True),
    ResultCodeSpec("CXL", "Cancel", "c", issued=False, demo=False, sale=False),
)

#: The code a rep's own cancel gives an appointment (store/booking.py).
CANCEL_CODE = "CXL"
