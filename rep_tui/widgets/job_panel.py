"""The Job tab: job info, account notes (in red), pay, and every date of
one job, the users on it with their commission shares, then its payments
with the balance after each and its invoice items. A lead with several
jobs shows which one and how to switch; the customer's A/R (what they owe
across all their jobs) is on the Pay section. A user who may not see
payments sees neither the payments nor what they add up to."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from rep_tui.clock import zone
from rep_tui.domain.safe_text import visible
from rep_tui.domain.validation import format_money
from rep_tui.store.leads import JobFile
from rep_tui.widgets.tabs.tables import InvoiceItemTable, PaymentTable
from rep_tui.widgets.job_users import JobUsersSection
from rep_tui.widgets.when import clock_time, us_date

LABEL_WIDTH = 14


def _rows(*items: tuple[str, str | Content | None]) -> Content:
    """Label/value lines; a missing value shows a muted dash so the layout stays put."""
    lines = []
    for label, value in items:
        shown = value if isinstance(value, Content) else Content(visible(value)) if value \
            else Content.styled("—", "$text-muted")
        lines.append(Content.styled(label.ljust(LABEL_WIDTH), "$text-muted") + shown)
    return Content("\n").join(lines)


def units_text(job) -> str:
    """"28 total / 24 sold"; a job not sold (yet) shows only what was quoted."""
    parts = [f"{n} {what}" for n, what in ((job.total_units, "total"), (job.sold_units, "sold")) if n is not None]
    return " / ".join(parts)


def status_text(code: str | None, labels: dict[str, str]) -> str | None:
    """A job's status as a rep reads it: its label, with the code when they differ ("Ready to order (RTO)")."""
    label = labels.get(code, code) if code else None
    return f"{label} ({code})" if label and label != code else label


class JobPanel(VerticalScroll):
    """Shows one JobFile; the screen decides which."""

    def compose(self) -> ComposeResult:
        yield Static("", id="job-picker")
        with Horizontal(id="job-columns"):
            with Vertical(classes="job-column"):
                yield Static("Job Info · J new job · S status", classes="section-title", id="job-info-title")
                yield Static("", id="job-info", classes="job-section")
                yield Static("Account Notes", classes="section-title")
                yield Static("", id="account-notes", classes="job-section")
                yield Static("Pay", classes="section-title")
                yield Static("", id="job-pay", classes="job-section")
            with Vertical(classes="job-column"):
                yield Static("Dates", classes="section-title")
                yield Static("", id="job-dates", classes="job-section")
        yield JobUsersSection(id="job-users")
        with Vertical(id="job-payments"):
            yield Static("Payments", classes="section-title")
            yield PaymentTable(id="payments-table")
            yield Static(PaymentTable.EMPTY, classes="tab-empty")
        with Vertical(id="job-items"):
            yield Static("Invoice Items", classes="section-title")
            yield InvoiceItemTable(id="items-table")
            yield Static(InvoiceItemTable.EMPTY, classes="tab-empty")

    def show_job(self, job_file: JobFile | None, index: int, count: int, tz: str, result_labels: dict[str, str],
                 *, receivable: int = 0, see_payments: bool = True, edit_payments: bool = False,
                 edit_job_users: bool = False, status_labels: dict[str, str] | None = None) -> None:
        picker = self.query_one("#job-picker", Static)
        columns = self.query_one("#job-columns")
        columns.display = job_file is not None
        self.query_one("#job-payments").display = job_file is not None and see_payments
        self.query_one("#job-items").display = job_file is not None
        self.query_one(JobUsersSection).display = job_file is not None
        if job_file is None:
            picker.display = True
            picker.update("No job for this lead yet: J adds one, or e (Edit Customer) records a result, product "
                          "and sale.")
            return
        picker.display = count > 1
        picker.update(Content.assemble(
            f"Job {index + 1} of {count} · ", ("[", "bold"), " previous  ", ("]", "bold"), " next job"))
        job = job_file.job
        result = f"{job.result_code} · {result_labels[job.result_code]}" if job.result_code in result_labels \
            else job.result_code
        self.query_one("#job-info", Static).update(_rows(
            ("Job ID", str(job.job_number) if job.job_number else "(not synced yet)"),
            ("Product", job.product), ("Units", units_text(job)), ("Result", result),
            ("Status", status_text(job.status, status_labels or {})),
        ))
        notes = self.query_one("#account-notes", Static)
        notes.update(Content(visible(job.account_notes, lines=True)) if job.account_notes
                     else Content.styled("None", "$text-muted"))
        notes.set_class(bool(job.account_notes), "account-notes")
        owed = [("Paid", format_money(job_file.paid_total)), ("Bal Due", format_money(job_file.balance_due)),
                ("Customer A/R", format_money(receivable))] if see_payments else []
        self.query_one("#job-pay", Static).update(_rows(
            ("Contract Amt", format_money(job.contract_cents)), *owed, ("MOP", job.payment_method),
            ("Commission", format_money(job_file.commission_total) if job_file.commissions else None),
            ("Comm. Paid", format_money(job_file.commission_paid) if job_file.commissions else None),
        ))
        self.query_one(JobUsersSection).show_users(job_file, editable=edit_job_users)
        self.query_one(InvoiceItemTable).show_items(job_file)
        total = f" {format_money(job_file.items_total)}" if job_file.items else ""
        self.query_one("#job-items .section-title", Static).update(
            f"Invoice Items{total} · i adds one from the catalogue, x removes one")
        if see_payments:
            self.query_one(PaymentTable).show_payments(job_file)
            self.query_one("#job-payments .section-title", Static).update(
                "Payments · a adds one, x deletes the highlighted one" if edit_payments else "Payments")
        local = job.appointment_at.astimezone(zone(tz)) if job.appointment_at else None
        self.query_one("#job-dates", Static).update(_rows(
            ("App Date", us_date(local.date()) if local else None),
            ("Appt Time", clock_time(job.appointment_at, tz) if local else None),
            ("Sale", us_date(job.sold_on)), ("RTO", us_date(job.rto_on)), ("Ordered", us_date(job.ordered_on)),
            ("Received", us_date(job.received_on)), ("Job Scheduled", us_date(job.scheduled_on)),
            ("Completed", us_date(job.completed_on)), ("ReRCD Date", us_date(job.rercd_on)),
            ("Cancelled", us_date(job.cancelled_on)),
        ))
