"""Money on a job, computed one way for the app, the server and the reports:
what the customer still owes and what a sale earns its rep.

All amounts are integer cents; rates are percents (`users.commission_pct`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal


def balance_due(contract_cents: int | None, payments: Iterable[int]) -> int | None:
    """The job total less what was paid; never below zero (an overpayment is
    the office's to refund, not a negative balance). None for a job not sold."""
    if contract_cents is None:
        return None
    return max(0, contract_cents - sum(payments))


def commission_cents(sale_cents: int | None, pct: Decimal | None) -> int:
    """A sale's commission at `pct` percent, to the nearest cent (half up); 0 without a sale."""
    if not sale_cents or not pct:
        return 0
    return int((Decimal(sale_cents) * Decimal(pct) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def running_balances(contract_cents: int | None, payments: Iterable[int]) -> list[int | None]:
    """The balance after each payment, in the order given (the history of paid A/R)."""
    paid, out = 0, []
    for amount in payments:
        paid += amount
        out.append(balance_due(contract_cents, [paid]))
    return out
