"""Progress against a rep's monthly targets: "Sales $42,000 of $60,000 · 70%"
(sales: net sold $, as My Stats counts it; units: units of those sales).

Pure functions: the month's figures (`domain.stats`) and units sold come in,
each goal goes out with its share reached. A goal of 0 is no goal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from rep_tui.domain.stats import Figure
from rep_tui.domain.validation import format_money


@dataclass(frozen=True)
class Goal:
    key: str
    label: str
    short: str  # on the Team view's line per rep, as its table's columns say it
    reached: int
    target: int
    money: bool = False

    @property
    def share(self) -> float:
        """How much of the target is reached (1.0 = all of it; more when beaten)."""
        return self.reached / self.target

    def _amount(self, value: int) -> str:
        return format_money(value) if self.money else f"{value:,}"

    def text(self) -> str:
        """"$42,000 of $60,000 · 70%" """
        return f"{self._amount(self.reached)} of {self._amount(self.target)} · {self.share:.0%}"


def units_sold(rows: Iterable[Any]) -> int:
    """Units of the sales among stat rows (`store.queries.StatRow`) that were not cancelled."""
    return sum((row.job.sold_units or 0) for row in rows
               if row.outcome.sale and not row.outcome.cancelled and row.job is not None)


def goals(target: Any, figures: dict[str, Figure], units: int) -> list[Goal]:
    """The month's goals that were set (a `Target` row, or None), each with what was reached."""
    if target is None:
        return []
    found = [Goal("sales", "Sales", "Sales", int(figures["net"].value or 0), target.sales_cents, money=True),
             Goal("units", "Units", "Units", units, target.units),
             Goal("issued", "Issued", "Iss", int(figures["issued"].value or 0), target.issued)]
    return [goal for goal in found if goal.target > 0]
