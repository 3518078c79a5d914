"""Section 1 of Customer Information: who the customer is and how to reach
them. A field with no data is left out entirely, labels and all."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from rep_tui.domain.validation import format_phone
from rep_tui.store.models import Lead


def _labelled(label: str, value: str) -> Content:
    return Content.styled(label, "$text-muted") + Content(f" {value}")


def _pairs(*items: tuple[str, str | None]) -> Content:
    """'Label value' pairs joined on one line, skipping empty values."""
    parts = [_labelled(label, value) for label, value in items if value]
    return Content("   ").join(parts)


def _phone(typed: str | None, e164: str | None) -> str | None:
    return format_phone(e164) if e164 else typed


def header_lines(lead: Lead, job_number: int | None) -> list[Content]:
    """The header's lines, each present only when it has something to show."""
    name = Content.styled(lead.name or "(no name)", "bold")
    first = Content("   ").join([
        part for part in (
            _labelled("PID", str(lead.pid)) if lead.pid else None,
            name,
            _labelled("Job ID", str(job_number)) if job_number else None,
        ) if part
    ])
    street = ", ".join(part for part in (lead.address, lead.city) if part)
    email = None
    if lead.email:
        email = _labelled("Email", lead.email)
        if lead.invalid_email:
            email += Content(" ") + Content.styled("INVALID", "bold $error")
    lines = [
        first,
        Content("   ").join([part for part in (Content(street), _pairs(("Region", lead.region),
                                                                       ("County", lead.county))) if part]),
        _pairs(("Home", _phone(lead.home_phone, lead.home_phone_e164)),
               ("Cell", _phone(lead.cell_phone, lead.cell_phone_e164)),
               ("Work", _phone(lead.work_phone, lead.work_phone_e164))),
        Content("   ").join([part for part in (email, _pairs(("Alt", lead.alt_email))) if part]),
    ]
    return [line for line in lines if line]


class LeadHeader(Horizontal):
    """The customer's details on the left, Edit Customer / Map / Upload Files on the right."""

    def compose(self) -> ComposeResult:
        """The buttons are for the mouse; keys e, m and u do the same, so they never take focus."""
        yield Static("", id="lead-details")
        with Vertical(id="lead-buttons"):
            for label, name, action in (("Edit Customer e", "edit-customer", "edit_customer"), ("Map m", "map", "map"),
                                        ("Upload Files u", "upload", "upload")):
                button = Button(label, id=name, compact=True, action=f"screen.{action}")
                button.can_focus = False
                yield button

    def show_lead(self, lead: Lead, job_number: int | None) -> None:
        self.query_one("#lead-details", Static).update(Content("\n").join(header_lines(lead, job_number)))
