"""Money on a job, computed one way for the app, the server and the reports:
what the customer still owes and what a sale earns its rep.

All amounts are integer cents; rates are percents (`users.commission_pct`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

#: What a user is on a job (the seed's "user associations"); each carries a
#: share of the job's commission (`job_users.share_pct`).
JOB_ROLES = ("rep", "co-rep", "installer", "service tech")
#: The most a job's shares may add up to, in percent.
ALL_SHARES = Decimal(100)


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


def share_cents(sale_cents: int | None, rate: Decimal | None, share_pct: Decimal | None) -> int:
    """A user's part of a sale's commission: the sale × the job rep's `rate` ×
    the user's share, rounded once (half up). A 100 % share is `commission_cents`."""
    if not share_pct:
        return 0
    return commission_cents(sale_cents, Decimal(rate or 0) * Decimal(share_pct) / 100)


def pct_text(share: Decimal) -> str:
    """A share as people write it: "40", "33.5", "100" (no trailing zeros)."""
    return f"{Decimal(share).normalize():f}"


def shares_refusal(shares: Iterable[Decimal]) -> str | None:
    """Why these shares of one job cannot stand together (more than 100 % in all), or None."""
    total = sum(shares, Decimal(0))
    if total > ALL_SHARES:
        return f"the shares on this job add up to {pct_text(total)} %: at most 100 %"
    return None


def covered_cents(commission: int, sale_cents: int, customer_paid_cents: int) -> int:
    """What of a commission the customer's payments cover: it is payable in
    the share of the job the customer has paid (rounded down; all of it
    once the job is paid in full, or when there is no sale to pay)."""
    if not sale_cents or customer_paid_cents >= sale_cents:
        return commission
    return commission * max(0, customer_paid_cents) // sale_cents


def running_balances(contract_cents: int | None, payments: Iterable[int]) -> list[int | None]:
    """The balance after each payment, in the order given (the history of paid A/R)."""
    paid, out = 0, []
    for amount in payments:
        paid += amount
        out.append(balance_due(contract_cents, [paid]))
    return out
