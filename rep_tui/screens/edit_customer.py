"""Edit Customer: contact, address & location, and result, product & sale.

Every field is checked before anything is saved; each refused value shows
its reason beside the field and the form keeps what the rep typed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Select, Static

from rep_tui.domain.validation import format_money
from rep_tui.store.leads import FormErrors, JobFile, check_customer_edit
from rep_tui.store.models import Lead
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.markup_text import in_markup


class EditCustomerScreen(FormDialog[dict]):
    """Dismisses with the checked values (see `leads.check_customer_edit`), or None."""

    dialog_title = "Edit Customer"

    def __init__(self, lead: Lead, job: JobFile | None, result_codes: list[tuple[str, str]]) -> None:
        super().__init__()
        self.lead = lead
        self.job = job.job if job else None
        self.result_codes = result_codes

    def compose_body(self) -> ComposeResult:
        lead, job = self.lead, self.job
        yield Static("Contact Information", classes="section-title")
        yield FormField("Home Phone", text_input("home_phone", lead.home_phone, "e.g. (312) 555-0123"))
        yield FormField("Cell Phone", text_input("cell_phone", lead.cell_phone, "e.g. (312) 555-0123"))
        yield FormField("Work Phone", text_input("work_phone", lead.work_phone, "e.g. (312) 555-0123"))
        yield FormField("Email", text_input("email", lead.email, "e.g. name@example.com"))
        yield FormField("Email 2", text_input("alt_email", lead.alt_email))
        yield Static("Address & Location", classes="section-title")
        yield FormField("Address", text_input("address", lead.address))
        yield FormField("Zip Code", text_input("zip", lead.zip, "e.g. 60614"))
        yield FormField("City", text_input("city", lead.city))
        yield FormField("State", text_input("state", lead.state, "e.g. IL"))
        yield FormField("County", text_input("county", lead.county))
        title = f"Result, Product & Sale — Job {job.job_number}" if job and job.job_number else "Result, Product & Sale"
        yield Static(title if job else f"{title} (a new job)", classes="section-title")
        codes = Select(((in_markup(f"{code} · {label}"), code) for code, label in self.result_codes),
                       id="result_code", prompt="(no result)", compact=True,
                       value=job.result_code if job and job.result_code else Select.NULL)
        yield FormField("Result", codes)
        yield FormField("Product", text_input("product", job.product if job else None))
        yield FormField("Total # Units", text_input("total_units", job.total_units if job else None))
        yield FormField("Sold # Units", text_input("sold_units", job.sold_units if job else None))
        yield FormField("Sale $ Amount", text_input("sale", format_money(job.contract_cents) if job else None,
                                                    "e.g. 12,450.00"))
        yield FormField("Comments", text_input("comment", placeholder="e.g. call after 5pm (added as a new comment)"))

    def on_mount(self) -> None:
        self.query_one("#home_phone").focus()

    def submit(self) -> None:
        values = {name: "" if value is None else value for name, value in self.values().items()}
        try:
            clean = check_customer_edit(values)
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(clean)
