"""Add a payment to a job: amount, date, method (from the list), note."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Select

from rep_tui.clock import local_today
from rep_tui.domain.fields import specs
from rep_tui.domain.forms import FormErrors, check_payment
from rep_tui.domain.validation import format_money
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store.leads import JobFile
from rep_tui.widgets.form_field import FormField, text_input


class PaymentScreen(FormDialog[dict]):
    """Dismisses with the checked Payment columns (`forms.check_payment`), or None.
    The method starts as the job's method of payment; the date as today."""

    submit_label = "Add"

    def __init__(self, job_file: JobFile, tz: str) -> None:
        super().__init__()
        self.job_file, self.tz = job_file, tz
        job = job_file.job
        due = job_file.balance_due
        self.dialog_title = f"Add Payment · Job {job.job_number or '(not synced yet)'}" + (
            f" · {format_money(due)} due" if due is not None else "")

    def compose_body(self) -> ComposeResult:
        spec = specs("payments")
        method = spec["method"]
        yield FormField(spec["amount_cents"].label, text_input("amount_cents", None, spec["amount_cents"].placeholder),
                        required=True)
        yield FormField(spec["paid_on"].label, text_input("paid_on", local_today(self.tz).isoformat(),
                                                          spec["paid_on"].placeholder))
        mop = self.job_file.job.payment_method
        yield FormField(method.label, Select([(label, value) for value, label in method.choices],
                                             id="method", compact=True, prompt="(none)",
                                             value=mop if mop in dict(method.choices) else Select.NULL))
        yield FormField(spec["note"].label, text_input("note", None, spec["note"].placeholder))

    def on_mount(self) -> None:
        self.query_one("#amount_cents").focus()

    def submit(self) -> None:
        try:
            clean = check_payment(self.values(), local_today(self.tz))
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(clean)
