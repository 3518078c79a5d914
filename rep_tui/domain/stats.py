"""Sales stats: each figure with the formula shown beside it on screen.

Pure functions over `Outcome`s (one per resulted appointment that counts).
What counts, and as what, is decided here once (`outcome_of`) from the
appointment's result code's flags, which are data the office edits (Result
Codes), its job's status's "counts as cancelled" flag (Job Statuses, read
by `queries.stat_rows`), and its "disregard in stats" mark: every figure, the team's, the
Dashboard's and every drill-down is computed from these outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Protocol


@dataclass(frozen=True)
class Outcome:
    """What stats need of one resulted appointment."""

    issued: bool
    demo: bool
    sale: bool
    sale_cents: int = 0
    cancelled: bool = False  # the sale was cancelled afterwards
    commission_cents: int = 0
    commission_paid_cents: int = 0


class CodeFlags(Protocol):
    """What stats read of a result code (a `ResultCode` row)."""

    counts_as_issued: bool
    counts_as_demo: bool
    counts_as_sale: bool


def outcome_of(code: CodeFlags | None, *, disregarded: bool, contract_cents: int | None = None,
               cancelled: bool = False, commission_cents: int = 0, commission_paid_cents: int = 0) -> Outcome | None:
    """What a resulted appointment counts as; None when it counts in no figure:
    marked "disregard in stats" (entered twice, a test booking, a rep's own
    cancel), or its code is unknown here. The job's sale $, cancel and
    commission count only when the code counts as a sale."""
    if code is None or disregarded:
        return None
    sale = code.counts_as_sale
    return Outcome(issued=code.counts_as_issued, demo=code.counts_as_demo, sale=sale,
                   sale_cents=(contract_cents or 0) if sale else 0, cancelled=sale and cancelled,
                   commission_cents=commission_cents if sale else 0,
                   commission_paid_cents=commission_paid_cents if sale else 0)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | float | None  # None when the formula divides by zero
    kind: str  # "count", "rate", "money"
    formula: str
    inputs: str  # the formula with this period's numbers in it

    def display(self) -> str:
        if self.value is None:
            return "—"
        if self.kind == "rate":
            return f"{self.value * 100:.1f}%"
        if self.kind == "money":
            from rep_tui.domain.validation import format_money

            return format_money(int(self.value))
        return f"{self.value:,}"


def _ratio(top: int, bottom: int) -> float | None:
    return None if bottom == 0 else top / bottom


def _cents_avg(total: int, count: int) -> int | None:
    if count == 0:
        return None
    return int((Decimal(total) / count).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _money(cents: int) -> str:
    from rep_tui.domain.validation import format_money

    return format_money(cents)


FIGURE_KEYS = (
    "issued", "demos", "sales", "demo_rate", "close_rate", "close_rate_issued",
    "average_sale", "cancels", "cancel_rate", "gross", "net", "commission_earned", "commission_paid",
)


def compute(outcomes: Iterable[Outcome]) -> dict[str, Figure]:
    issued = demos = sales = cancels = 0
    gross = cancelled_cents = earned = paid = 0
    for o in outcomes:
        issued += o.issued
        demos += o.demo
        if o.sale:
            sales += 1
            gross += o.sale_cents
            paid += o.commission_paid_cents
            if o.cancelled:
                cancels += 1
                cancelled_cents += o.sale_cents
            else:
                earned += o.commission_cents
    net = gross - cancelled_cents
    figures = [
        Figure("issued", "Issued", issued, "count",
               "appointments run (any result except Reset or Cancel)", f"{issued}"),
        Figure("demos", "Demos", demos, "count", "Sold + Demo No Sale + Be Back", f"{demos}"),
        Figure("sales", "Sales", sales, "count", "appointments resulted Sold", f"{sales}"),
        Figure("demo_rate", "Demo rate", _ratio(demos, issued), "rate", "demos ÷ issued", f"{demos} ÷ {issued}"),
        Figure("close_rate", "Close rate", _ratio(sales, demos), "rate", "sales ÷ demos", f"{sales} ÷ {demos}"),
        Figure("close_rate_issued", "Close rate (issued)", _ratio(sales, issued), "rate",
               "sales ÷ issued", f"{sales} ÷ {issued}"),
        Figure("average_sale", "Average sale", _cents_avg(gross, sales), "money",
               "gross sold $ ÷ sales", f"{_money(gross)} ÷ {sales}"),
        Figure("cancels", "Cancels", cancels, "count", "sales later cancelled (a cancel date, or a job status counting as cancelled)",
               f"{cancels}"),
        Figure("cancel_rate", "Cancel rate", _ratio(cancels, sales), "rate",
               "cancelled sales ÷ sales", f"{cancels} ÷ {sales}"),
        Figure("gross", "Gross sold", gross, "money", "sum of sale $ of all sales", _money(gross)),
        Figure("net", "Net sold", net, "money", "gross sold $ − cancelled sale $",
               f"{_money(gross)} − {_money(cancelled_cents)}"),
        Figure("commission_earned", "Commission earned", earned, "money",
               "commission on sales not cancelled", _money(earned)),
        Figure("commission_paid", "Commission paid", paid, "money", "commission already paid out", _money(paid)),
    ]
    return {f.key: f for f in figures}
