"""KPI cards: a figure's value with its formula filled in ("1 ÷ 3"), the
formula itself as the tooltip. A `KpiRow` lays a period's cards side by side;
compact, it is one line of "Label value" pairs for small terminals."""

from __future__ import annotations

from typing import Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Label

from rep_tui.domain.stats import Figure


class KpiCard(Vertical):
    """One figure: label, value, and the numbers behind it."""

    DEFAULT_CSS = """
    KpiCard {
        width: 1fr; height: 4; border: round $primary 60%; border-title-color: $text-muted;
        padding: 0 1;
    }
    KpiCard > .kpi-label { display: none; color: $text-muted; }
    KpiCard > .kpi-value { text-style: bold; width: 100%; text-align: center; }
    KpiCard > .kpi-inputs { color: $text-muted; width: 100%; text-align: center; }
    """

    def __init__(self, key: str, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id or f"kpi-{key}")
        self.key = key
        self.border_title = label
        self.label = Label(label, classes="kpi-label")
        self.value = Label("…", classes="kpi-value")
        self.inputs = Label("", classes="kpi-inputs")

    def compose(self) -> ComposeResult:
        yield self.label
        yield self.value
        yield self.inputs

    def show(self, figure: Figure) -> None:
        self.value.update(figure.display())
        self.inputs.update(figure.inputs if figure.inputs != figure.display() else "")
        self.tooltip = f"{figure.label} = {figure.formula}\n= {figure.inputs}"


class KpiRow(Horizontal):
    """A period's cards: `figures` names which figures, with the label to show."""

    DEFAULT_CSS = """
    KpiRow { height: auto; }
    KpiRow > .kpi-period { width: 12; height: 4; content-align: left middle; text-style: bold; color: $text-accent; }
    KpiRow.-compact { height: 1; }
    KpiRow.-compact > .kpi-period { height: 1; }
    KpiRow.-compact > KpiCard { width: auto; height: 1; border: none; padding: 0 2 0 0; layout: horizontal; }
    KpiRow.-compact > KpiCard > .kpi-label { display: block; width: auto; padding-right: 1; }
    KpiRow.-compact > KpiCard > .kpi-value { width: auto; }
    KpiRow.-compact > KpiCard > .kpi-inputs { display: none; }
    """

    compact = reactive(False, toggle_class="-compact")

    def __init__(self, period: str, figures: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.period = Label(period, classes="kpi-period")
        self.cards = [KpiCard(key, label, id=f"{id}-{key}" if id else None) for key, label in figures]

    def compose(self) -> ComposeResult:
        yield self.period
        yield from self.cards

    def show(self, period: str, figures: Mapping[str, Figure]) -> None:
        self.period.update(period)
        for card in self.cards:
            card.show(figures[card.key])

    def text(self) -> str:
        """The row as one line of text (what a rep reads; handy in tests)."""
        return "  ".join([str(self.period.content)] + [f"{c.border_title} {c.value.content}" for c in self.cards])
