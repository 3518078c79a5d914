"""Add or edit one of a lead's contacts (spouse, co-owner, tenant...)."""

from __future__ import annotations

from textual.app import ComposeResult

from rep_tui.domain.fields import used
from rep_tui.domain.forms import FormErrors, check_contact
from rep_tui.store.models import Contact
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.widgets.form_field import FormField, text_input


class ContactScreen(FormDialog[dict]):
    """Dismisses with the checked values (see `forms.check_contact`), or None."""

    def __init__(self, contact: Contact | None) -> None:
        super().__init__()
        self.contact = contact
        self.dialog_title = "Edit Contact" if contact else "Add Contact"

    def compose_body(self) -> ComposeResult:
        """The contact's columns edited here, as their specs say (`domain.fields`)."""
        for name, spec in used("contacts", "edited").items():
            value = getattr(self.contact, name) if self.contact else None
            yield FormField(spec.label, text_input(name, value, spec.placeholder), required=spec.required)

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    def submit(self) -> None:
        try:
            clean = check_contact(self.values())
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(clean)
