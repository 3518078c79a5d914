"""Sold dollars by week: a plotext bar chart when there is room, a one-line
sparkline with first/last week and best week when the widget is narrow.

    chart = SalesChart()
    chart.show([(week_start, cents), ...])   # oldest week first

textual-plotext is imported when the chart is first composed, never at start-up.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Sparkline, Static

from rep_tui.domain.validation import format_money

WeekTotal = tuple[date, int]  # week start (Monday), sold cents
NARROW_BELOW = 36  # columns: below this the bars cannot carry labels


def _thousands(cents: int) -> float:
    return round(cents / 100_000, 1)


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
    SalesChart.-narrow PlotextPlot {
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
        self._weeks: list[WeekTotal] = []

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        yield Label(self.title, classes="chart-title")
        yield PlotextPlot()
        with Vertical(id="narrow"):
            yield Sparkline([])
            yield Static("", id="summary", classes="muted")

    def show(self, weeks: list[WeekTotal]) -> None:
        self._weeks = weeks
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        from textual_plotext import PlotextPlot

        narrow = self.size.width < NARROW_BELOW
        self.set_class(narrow, "-narrow")
        if not self._weeks:
            return
        totals = [cents for _, cents in self._weeks]
        best_week, best = max(self._weeks, key=lambda week: week[1])
        self.query_one(Sparkline).data = [float(c) for c in totals]
        first, last = self._weeks[0][0], self._weeks[-1][0]
        self.query_one("#summary", Static).update(
            f"{first:%b %-d} → {last:%b %-d}\nbest: {best_week:%b %-d} {format_money(best)}\n"
            f"this week: {format_money(totals[-1])}"
        )
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [f"{start.month}/{start.day}" for start, _ in self._weeks]
        plt.bar(labels, [_thousands(c) for c in totals], marker="hd")
        step = max(1, len(labels) * 6 // max(plot.size.width - 8, 1))
        plt.xticks(list(range(1, len(labels) + 1, step)), labels[::step])
        plot.refresh()
