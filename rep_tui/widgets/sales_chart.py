"""Sold dollars by week: vertical bars with the week under each, or a one-line
sparkline with first, best and this week's totals when the widget is narrow.

    chart = SalesChart()
    chart.show([(week_start, cents), ...])   # oldest week first

The bars are drawn here with block characters rather than by plotext:
plotext placed its tick labels a column apart from one run to the next,
which made the screen (and its snapshots) change with nothing changed.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Sparkline, Static

from rep_tui.domain.validation import format_money

WeekTotal = tuple[date, int]  # week start (Monday), sold cents
NARROW_BELOW = 36  # columns: below this the bars cannot carry their labels
EIGHTHS = " ▁▂▃▄▅▆▇█"


def _thousands(cents: int) -> str:
    return f"${cents / 100_000:,.1f}k"


def bar_lines(weeks: list[WeekTotal], width: int, height: int) -> list[tuple[str, str]]:
    """The chart as rows of (axis, bars) text: `height` rows of bars (eighth
    blocks for the tops) and a last row of week labels; pure, for testing."""
    axis_width = max(len(_thousands(c)) for _, c in weeks) + 1
    slot = max(2, (width - axis_width) // len(weeks))  # columns per week
    bar = max(1, slot - 1)
    top = max(c for _, c in weeks) or 1
    rows = []
    for level in range(height, 0, -1):
        cells = []
        for _, cents in weeks:
            eighths = round(cents / top * height * 8) - (level - 1) * 8
            if cents and level == 1:
                eighths = max(eighths, 1)  # a small week still shows, unlike a week with no sale
            cells.append(EIGHTHS[max(0, min(8, eighths))] * bar + " " * (slot - bar))
        axis = _thousands(top) if level == height else ("0" if level == 1 else "")
        rows.append((f"{axis:>{axis_width - 1}} ", "".join(cells)))
    every = next(n for n in range(1, len(weeks) + 1) if slot * n >= 6)  # a label is up to 5 columns and a gap
    labels = [" "] * (slot * len(weeks) + 5)
    for index in range(0, len(weeks), every):
        start = weeks[index][0]
        labels[index * slot:index * slot + 5] = f"{start.month}/{start.day}".ljust(5)
    rows.append((" " * axis_width, "".join(labels).rstrip()))
    return rows


class _Bars(Widget):
    """The bars themselves, redrawn from the data at whatever size they get."""

    COMPONENT_CLASSES = {"bars--bar", "bars--axis"}
    DEFAULT_CSS = """
    _Bars {
        height: 1fr;
    }
    _Bars > .bars--bar {
        color: $primary;
    }
    _Bars > .bars--axis {
        color: $text-muted;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.weeks: list[WeekTotal] = []

    def render(self) -> RenderResult:
        if not self.weeks or self.size.height < 2:
            return ""
        bar_style = self.get_component_rich_style("bars--bar")
        axis_style = self.get_component_rich_style("bars--axis")
        text = Text(no_wrap=True, overflow="crop")
        lines = bar_lines(self.weeks, self.size.width, self.size.height - 1)
        for number, (axis, bars) in enumerate(lines):
            text.append(axis, style=axis_style)
            text.append(bars, style=axis_style if number == len(lines) - 1 else bar_style)
            if number < len(lines) - 1:
                text.append("\n")
        return text


class SalesChart(Widget):
    """Bars of sold $ per week, or a sparkline when narrow."""

    DEFAULT_CSS = """
    SalesChart {
        height: 1fr;
        min-height: 6;
    }
    SalesChart .chart-title {
        color: $text-muted;
        text-style: bold;
    }
    SalesChart #narrow {
        display: none;
        height: auto;
    }
    SalesChart.-narrow #narrow {
        display: block;
    }
    SalesChart.-narrow _Bars {
        display: none;
    }
    SalesChart Sparkline {
        height: 3;
        margin: 1 0;
    }
    """

    def __init__(self, title: str = "Sold $ by week", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title

    def compose(self) -> ComposeResult:
        yield Label(self.title, classes="chart-title")
        yield _Bars()
        with Vertical(id="narrow"):
            yield Sparkline([])
            yield Static("", id="summary", classes="muted")

    def show(self, weeks: list[WeekTotal]) -> None:
        bars = self.query_one(_Bars)
        bars.weeks = weeks
        bars.refresh()
        if not weeks:
            return
        totals = [cents for _, cents in weeks]
        best_week, best = max(weeks, key=lambda week: week[1])
        self.query_one(Sparkline).data = [float(c) for c in totals]
        self.query_one("#summary", Static).update(
            f"{weeks[0][0]:%b %-d} → {weeks[-1][0]:%b %-d}\nbest: {best_week:%b %-d} {format_money(best)}\n"
            f"this week: {format_money(totals[-1])}"
        )

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")
