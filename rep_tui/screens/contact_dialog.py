"""Add or edit one of a lead's contacts (spouse, co-owner, tenant...)."""

from __future__ import annotations

from textual.app import ComposeResult

from rep_tui.domain.forms import FormErrors, check_contact
from rep_tui.store.models import Contact
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.widgets.form_field import FormField, text_input


class ContactScreen(FormDialog[dict]):
    """Dismisses with the checked values (see `leads.check_contact`), or None."""

    def __init__(self, contact: Contact | None) -> None:
        super().__init__()
        self.contact = contact
        self.dialog_title = "Edit Contact" if contact else "Add Contact"

    def compose_body(self) -> ComposeResult:
        c = self.contact
        yield FormField("Name", text_input("name", c.name if c else None), required=True)
        yield FormField("Phone", text_input("phone", c.phone if c else None, "e.g. (555) 123-4567"))
        yield FormField("Position", text_input("position", c.position if c else None, "e.g. spouse, co-owner"))
        yield FormField("Ownership %", text_input("ownership_pct", c.ownership_pct if c else None, "e.g. 50"))
        yield FormField("Type", text_input("contact_type", c.contact_type if c else None, "e.g. owner, tenant"))
        yield FormField("Info", text_input("info", c.info if c else None))

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    def submit(self) -> None:
        try:
            clean = check_contact(self.values())
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(clean)
