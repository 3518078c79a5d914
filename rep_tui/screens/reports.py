"""Reports: the office's figures for a day, week, month, year or a custom
range, a row per rep, team, office, product or source and a total row
(`store/reports.py`, the same figures as My Stats). `d w m y` choose the
period, `c` a custom range, `p`/`n` step back and on, `g` changes the
grouping, `e` writes what is shown as a CSV to a path (offered in the
documents folder; Enter writes it, Esc leaves it).

For managers and admins: `r` on the Team view (F8) or "Reports" in the
palette. The device's store holds what the user may see, so a manager
reports on their team, an admin on the company."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from rep_tui.domain.safe_text import visible
from rep_tui.file_out import write_text_file
from rep_tui.messages import reload_when_synced
from rep_tui.screens.stats import STATS_TABLES, period_bindings
from rep_tui.store.queries import Period
from rep_tui.store.reports import COLUMNS, GROUPINGS, MARGIN_UNKNOWN, TOTAL, Report
from rep_tui.store_io import in_store
from rep_tui.widgets.date_range import DateRange
from rep_tui.widgets.footer import RepFooter

GROUP_WIDTH, MAX_GROUP_WIDTH = 16, 30

#: A sync that changes one of these re-reads the report shown: My Stats' tables and the names it groups by.
REPORT_TABLES = STATS_TABLES | {"leads", "users", "teams", "offices"}

FORMULAS = "Close % = sales ÷ demos · Volume = gross sold $ · Avg sale = volume ÷ sales"


class ReportsScreen(Screen):
    TITLE = "Reports"
    CSS_PATH = "../styles/reports.tcss"
    BINDINGS = [
        *period_bindings("Day"),
        Binding("g", "next_grouping", "Group by", tooltip="Rep, team, office, product, source"),
        Binding("e", "export", "CSV", tooltip="Write what is shown as a CSV file"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, period: Period | None = None, by: str = "rep") -> None:
        super().__init__()
        self.first_period = period
        self.period: Period | None = None
        self.by = by
        self.shown: Report | None = None  # what the table shows: what `e` writes

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="report-bar")
        yield DateRange(id="custom-range")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="report-table")
        yield Static(f"{FORMULAS}\n{MARGIN_UNKNOWN}", id="report-note")
        yield Input(id="csv-path", placeholder="Path of the CSV file")
        yield RepFooter()

    def on_mount(self) -> None:
        from rep_tui.clock import local_today

        self.query_one("#custom-range").display = False
        self.query_one("#csv-path").display = False
        table = self.query_one("#report-table", DataTable)
        self._add_columns(self.app.size.width)
        table.focus()
        self.show_period(self.first_period or Period("month", local_today(self.app.tz)))
        reload_when_synced(self, REPORT_TABLES, self.reload)

    def on_unmount(self) -> None:
        """Closed: let go of the sync's signal, or it keeps this screen in memory."""
        self.app.rows_changed_signal.unsubscribe(self)

    def _add_columns(self, screen_width: int) -> None:
        """The group's column takes what the figures leave of the width (names are cut with "…" at 80)."""
        table = self.query_one("#report-table", DataTable)
        table.clear(columns=True)
        table.add_column(self.by.capitalize(), width=max(GROUP_WIDTH, min(MAX_GROUP_WIDTH, screen_width - 64)),
                         key="group")
        for key, heading in COLUMNS.items():
            table.add_column(Text(heading, justify="right"), width=11 if key in ("gross", "average_sale") else 7,
                             key=key)

    def on_resize(self, event: events.Resize) -> None:
        """Wider or narrower: the group's column follows, the rows are shown again."""
        self._add_columns(event.size.width)
        if self.shown is not None:
            self._show(self.shown)

    # --- keys ----------------------------------------------------------------

    def show_period(self, period: Period) -> None:
        self.period = period
        self.reload()

    def action_period(self, kind: str) -> None:
        from rep_tui.clock import local_today

        self._close("#custom-range")
        self.show_period(Period(kind, local_today(self.app.tz)))

    def action_shift(self, step: int) -> None:
        self.show_period(self.period.shifted(step))

    def action_next_grouping(self) -> None:
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        self.reload()

    def action_custom(self) -> None:
        custom = self.query_one("#custom-range", DateRange)
        custom.display = True
        custom.focus()

    @on(DateRange.Changed, "#custom-range")
    def _custom_changed(self, event: DateRange.Changed) -> None:
        if event.since and event.until:
            self.show_period(Period("custom", event.since, event.until))

    @on(Input.Submitted, "#custom-range Input")
    def _custom_done(self) -> None:
        self.query_one("#report-table").focus()

    async def action_back(self) -> None:
        """Esc closes the custom range or the CSV path first; then back."""
        if not (self._close("#custom-range") or self._close("#csv-path")):
            await self.app.action_back()

    def _close(self, selector: str) -> bool:
        """Hide an open line under the bar; says whether it was open."""
        widget = self.query_one(selector)
        if not widget.display:
            return False
        widget.display = False
        self.query_one("#report-table").focus()
        return True

    # --- loading -------------------------------------------------------------

    def reload(self) -> None:
        from rep_tui.store.reports import build_report

        period, by, tz = self.period, self.by, self.app.tz
        in_store(self, "read the report", lambda session: build_report(session, period, by, tz), self._show,
                 group="report-load")

    def _show(self, report: Report) -> None:
        self.shown = report
        bar = Text()
        bar.append(f" {report.label} ", style="bold reverse")
        bar.append(f"  by {report.by}", style="bold")
        bar.append("   p ◀ ▶ n · g group · e CSV", style="dim")
        self.query_one("#report-bar", Static).update(bar)
        table = self.query_one("#report-table", DataTable)
        table.columns["group"].label = Text(report.by.capitalize())
        row = table.cursor_row
        table.clear()
        for line in report.rows:
            group, *figures = line.cells()
            table.add_row(Text(visible(group), no_wrap=True, overflow="ellipsis"),
                          *(Text(cell, justify="right") for cell in figures))
        group, *figures = report.total.cells()
        table.add_row(Text(group, style="bold"), *(Text(cell, justify="right", style="bold") for cell in figures),
                      key=TOTAL)
        table.move_cursor(row=min(row, table.row_count - 1), animate=False)

    # --- CSV -----------------------------------------------------------------

    def csv_path(self) -> Path:
        """Where `e` offers to write: the documents folder, named for the period and the grouping."""
        first, last = self.shown.period.days()
        span = f"{first}" if first == last else f"{first}_{last}"
        return self.app.settings.paths.documents_dir / f"report-{span}-by-{self.shown.by}.csv"

    def action_export(self) -> None:
        if self.shown is None:
            return
        field = self.query_one("#csv-path", Input)
        field.value = str(self.csv_path())
        field.border_title = "Write the CSV to — Enter writes, Esc leaves it"
        field.display = True
        field.focus()

    @on(Input.Submitted, "#csv-path")
    def _write_csv(self, event: Input.Submitted) -> None:
        """Enter on the path: the report shown, written in a thread; says where, or why not."""
        report, path = self.shown, Path(event.value.strip()).expanduser()
        if report is None or not event.value.strip():
            return
        self._close("#csv-path")

        write_text_file(self, path, report.write_csv, f"Wrote {len(report.rows)} row(s) and the total",
                        group="report-csv")
