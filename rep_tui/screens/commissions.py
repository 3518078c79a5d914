"""The commission report on the device: per job sold in a month and user on
it, their role and share, the sale, the commission, what of it is payable
now (in the share of the job the customer has paid) and what was paid, and
how much of the job the customer has paid (from the payments), with the
totals. `s` saves what is shown as a CSV in the user's documents folder. The jobs are those
this user sees (a manager: the team's). For users whose permissions include
`SEE_COMMISSIONS`; reached from My Stats ($) and the palette.

`p`/`n` move a month back or on, `u` shows one rep after another (then everyone)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static

from rep_tui.domain.money import pct_text
from rep_tui.domain.validation import format_money
from rep_tui.file_out import write_text_file
from rep_tui.store.commissions import CommissionReport, commission_report
from rep_tui.store_io import in_store
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.row_table import Column, Toned
from rep_tui.widgets.tabs.tables import RecordTable
from rep_tui.widgets.when import us_date


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of the month holding `day`."""
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def totals_text(report: CommissionReport) -> str:
    """Lines that fit 80 columns: the commission, what of it the customers' payments make payable, what they paid."""
    money = {name: format_money(cents) for name, cents in report.totals.items()}
    return (f"Totals: sales {money['sale_cents']} · commission {money['commission_cents']} "
            f"· paid {money['commission_paid_cents']}\n"
            f"Commission due {money['commission_due_cents']} · payable now {money['payable_cents']} "
            f"(as customers paid)\n"
            f"Customers paid {money['customer_paid_cents']} · balance {money['balance_cents']}")


class CommissionTable(RecordTable):
    """One line per commission; a commission paid before the customer paid the job in full is marked."""

    EMPTY = "No commissions on jobs sold in this month."
    BINDINGS = [Binding("enter", "select_cursor", "Open lead", show=False)]
    COLUMNS = (Column("User", 12, wide_only=True, grow=1), Column("Job ID", 6), Column("Customer", 11, grow=2),
               Column("Role", 7), Column("Share", 5), Column("Sold", 10, wide_only=True),
               Column("Sale", 10, wide_only=True), Column("Comm.", 9), Column("Payable", 9), Column("Paid", 9),
               Column("Cust.", 4))

    def show_report(self, report: CommissionReport) -> None:
        rows = []
        for line in report.lines:
            early = line.commission_paid_cents and line.customer_paid_pct < 100
            rows.append((f"{line.job_id}/{line.rep_id}", (
                line.rep, str(line.job_number or "—"), line.customer, line.role,
                f"{pct_text(line.share_pct)}%".rjust(5),
                us_date(line.sold_on), format_money(line.sale_cents).rjust(9),
                format_money(line.commission_cents).rjust(9), format_money(line.payable_cents).rjust(9),
                Toned(format_money(line.commission_paid_cents).rjust(9), "warning") if early
                else format_money(line.commission_paid_cents).rjust(9),
                f"{line.customer_paid_pct:>3}%")))
        self.fill(rows)


class CommissionsScreen(Screen):
    TITLE = "Commission Report"
    DEFAULT_CSS = """
    CommissionsScreen #commission-period { padding: 0 1; text-style: bold; }
    CommissionsScreen CommissionTable { height: 1fr; }
    CommissionsScreen .tab-empty { padding: 1; color: $text-muted; }
    CommissionsScreen #commission-totals { padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding("escape", "app.back", "Back"),
        Binding("p", "shift(-1)", "Prev month"),
        Binding("n", "shift(1)", "Next month"),
        Binding("u", "next_rep", "Rep", tooltip="One rep after another, then everyone"),
        Binding("s", "save_csv", "Save CSV", tooltip="Save what is shown as a CSV in your documents folder"),
    ]

    def __init__(self, in_month: date | None = None) -> None:
        """The month holding `in_month` (by default this month, where the user is)."""
        super().__init__()
        self.in_month = in_month
        self.reps: list[tuple[uuid.UUID, str]] = []  # seen in the month, in report order
        self.rep: tuple[uuid.UUID, str] | None = None
        self.shown: CommissionReport | None = None  # what the table shows: what `s` saves

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="commission-period")
        yield CommissionTable(id="commission-table")
        yield Static(CommissionTable.EMPTY, classes="tab-empty")
        yield Static("", id="commission-totals")
        yield RepFooter()

    def on_mount(self) -> None:
        from rep_tui.clock import local_today

        self.start, self.end = month_of(self.in_month or local_today(self.app.tz))
        self.reload()

    def reload(self) -> None:
        start, end = self.start, self.end
        in_store(self, "read the commission report", lambda session: commission_report(session, start, end),
                 self._show, group="commissions-load")

    def _show(self, report: CommissionReport) -> None:
        self.reps = list(dict.fromkeys((line.rep_id, line.rep) for line in report.lines))
        if self.rep is not None and self.rep not in self.reps:
            self.rep = None
        if self.rep is not None:
            report = CommissionReport(report.start, report.end, [l for l in report.lines if l.rep_id == self.rep[0]])
        self.shown = report
        who = self.rep[1] if self.rep else "Everyone"
        self.query_one("#commission-period", Static).update(
            f"{self.start:%B %Y} · {who} · jobs sold {us_date(self.start)} – {us_date(self.end)}")
        table = self.query_one(CommissionTable)
        table.show_report(report)
        self.query_one("#commission-totals", Static).update(totals_text(report) if report.lines else "")
        if report.lines:
            table.focus()

    def action_shift(self, step: int) -> None:
        self.start, self.end = month_of(self.start - timedelta(days=1) if step < 0 else self.end + timedelta(days=1))
        self.reload()

    def action_next_rep(self) -> None:
        if not self.reps:
            return
        at = self.reps.index(self.rep) + 1 if self.rep in self.reps else 0
        self.rep = self.reps[at] if at < len(self.reps) else None
        self.reload()

    def csv_path(self):
        """Where `s` saves: the user's documents folder, named for the month and who is shown."""
        who = f"-{self.rep[1].lower().replace(' ', '-')}" if self.rep else ""
        return self.app.settings.paths.documents_dir / f"commissions-{self.start:%Y-%m}{who}.csv"

    def action_save_csv(self) -> None:
        """s: what is shown, as a CSV in the documents folder (written in a thread); says where, or why not."""
        report, path = self.shown, self.csv_path()
        if report is None:
            return

        write_text_file(self, path, report.write_csv, f"Saved {len(report.lines)} line(s)", group="commissions-csv")

    def on_data_table_row_selected(self, event) -> None:
        """Enter: the job's lead."""
        from sqlalchemy import select

        from rep_tui.store.models import Job

        job_id = uuid.UUID(event.row_key.value.split("/")[0])
        in_store(self, "open the job's lead", lambda session: session.scalar(select(Job.lead_id).where(Job.id == job_id)),
                 lambda lead_id: lead_id and self.app.open_lead(lead_id))
