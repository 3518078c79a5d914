"""The appointments behind one figure of My Stats, so a rep can check a
number; Enter opens the lead, Escape goes back."""

from __future__ import annotations

import uuid

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static

from rep_tui.domain.stats import Figure
from rep_tui.domain.validation import format_money
from rep_tui.store.queries import StatRow
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.lead_table import LeadTable
from rep_tui.widgets.row_table import Column


class StatsDrilldownScreen(Screen):
    """A list of resulted appointments: when, who, result, product, sale $."""

    CSS_PATH = "../styles/stats.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(
        self, figure: Figure, period_label: str, rows: list[StatRow],
        rep_names: dict[uuid.UUID, str] | None = None,
    ) -> None:
        super().__init__()
        self.figure = figure
        self.period_label = period_label
        self.rows = rows
        self.rep_names = rep_names  # given in the team view: adds a Rep column
        self.title = f"{figure.label} — behind the number"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._summary(), id="drilldown-summary")
        columns = [Column("When", 10), Column("Customer", 15, grow=1), Column("Result", 12), Column("Product", 8),
                   Column("Sale $", 9)]
        if self.rep_names is not None:
            columns.insert(1, Column("Rep", 12))
        yield LeadTable(*columns, id="drilldown")
        if not self.rows:
            yield Static("No appointments behind this number in this period.", id="drilldown-empty")
        yield RepFooter()

    def on_mount(self) -> None:
        table = self.query_one("#drilldown", LeadTable)
        table.show((row.lead.id, self._cells(row)) for row in self.rows)
        table.focus()

    def _summary(self) -> Text:
        text = Text()
        text.append(f"{self.figure.label}: {self.figure.display()}", style="bold")
        text.append(f"  ·  {self.period_label}\n")
        text.append(f"{self.figure.formula} = {self.figure.inputs}", style="italic")
        count = len(self.rows)
        text.append(f"  ·  {count} appointment{'s' if count != 1 else ''}", style="dim")
        return text

    def _cells(self, row: StatRow) -> list:
        from rep_tui.clock import zone

        when = row.appointment.starts_at.astimezone(zone(self.app.tz))
        sale = Text(format_money(row.outcome.sale_cents) if row.outcome.sale else "", justify="right")
        if row.outcome.cancelled:
            sale.stylize("strike")
        result = row.code.label + (" (cxl)" if row.outcome.cancelled else "")
        cells = [
            when.strftime("%a %b %-d"),
            row.lead.name,
            result,
            (row.job.product if row.job else None) or row.lead.product_interest or "",
            sale,
        ]
        if self.rep_names is not None:
            cells.insert(1, self.rep_names.get(row.appointment.rep_id, ""))
        return cells

    @on(LeadTable.LeadChosen)
    def _open(self, event: LeadTable.LeadChosen) -> None:
        self.app.open_lead(event.lead_id)
