"""Edit Customer: contact, address & location, and result, product & sale.

The fields, their labels and checks are those the lead's and job's columns
declare as edited here (`domain.fields`), in their sections. Every field is
checked before anything is saved; each refused value shows its reason
beside the field and the form keeps what the rep typed."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Select, Static

from rep_tui.domain.custom_fields import Definition
from rep_tui.domain.fields import FieldSpec, used
from rep_tui.domain.forms import COMMENT, FormErrors, check_customer_edit, custom_control
from rep_tui.domain.validation import format_money
from rep_tui.store.leads import JobFile
from rep_tui.store.models import EDIT_SECTIONS, SALE, Job, Lead
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.markup_text import in_markup


#: The section of the fields the office defines, after the columns' sections.
CUSTOM_SECTION = "Custom Fields"


def _choices(name: str, spec: FieldSpec, value: str | None) -> Select:
    """A pick from the field's choices; a stored value no longer among them is
    offered too, marked, so saving the form keeps it."""
    choices = [(in_markup(label), stored) for stored, label in spec.choices]
    if value is not None and value not in dict(spec.choices):
        choices.append((in_markup(f"{value} (no longer a choice)"), value))
    return Select(choices, id=name, prompt="(none)", compact=True, value=Select.NULL if value is None else value)


def _custom_control(definition: Definition, value: Any) -> Widget:
    name, spec = custom_control(definition.key), definition.spec
    if spec.choices:
        return _choices(name, spec, None if value is None else definition.typed(value))
    return text_input(name, definition.typed(value), "e.g. 2026-12-03 or 12/3" if definition.kind == "date" else "")


class EditCustomerScreen(FormDialog[dict]):
    """Dismisses with the checked values (see `forms.check_customer_edit`), or None."""

    dialog_title = "Edit Customer"

    def __init__(self, lead: Lead, job: JobFile | None, result_codes: list[tuple[str, str]],
                 definitions: list[Definition] = ()) -> None:
        super().__init__()
        self.lead = lead
        self.job = job.job if job else None
        self.result_codes = result_codes
        #: The office's active custom fields (those deactivated are kept on the lead, not shown).
        self.definitions = [d for d in definitions if d.active]

    def _control(self, name: str, spec: FieldSpec, row: Lead | Job | None) -> Widget:
        """The input of one field (a display line for the few that are not typed as text)."""
        value: Any = getattr(row, name) if row is not None else None
        if name == "result_code":
            return Select(((in_markup(f"{code} · {label}"), code) for code, label in self.result_codes), id=name,
                          prompt="(no result)", compact=True, value=value or Select.NULL)
        if spec.choices:
            return _choices(name, spec, value)
        if name.endswith("_cents"):
            value = format_money(value)
        return text_input(name, value, spec.placeholder)

    def compose_body(self) -> ComposeResult:
        for section in EDIT_SECTIONS:
            yield Static(self._section_title(section), classes="section-title")
            for table, row in (("leads", self.lead), ("jobs", self.job)):
                for name, spec in used(table, "edited").items():
                    if spec.edited == section:
                        yield FormField(spec.label, self._control(name, spec, row))
        if self.definitions:
            yield Static(CUSTOM_SECTION, classes="section-title")
            custom = self.lead.custom or {}
            for definition in self.definitions:
                yield FormField(definition.label, _custom_control(definition, custom.get(definition.key)),
                                required=definition.required)
        yield FormField("Comments", text_input(COMMENT, placeholder="e.g. call after 5pm (added as a new comment)"))

    def _section_title(self, section: str) -> str:
        if section != SALE:
            return section
        job = self.job
        if job is None:
            return f"{section} (a new job)"
        return f"{section} — Job {job.job_number}" if job.job_number else section

    def on_mount(self) -> None:
        self.query_one("#home_phone").focus()

    def submit(self) -> None:
        values = {name: "" if value is None else value for name, value in self.values().items()}
        try:
            clean = check_customer_edit(values, self.definitions, self.lead.custom or {})
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(clean)
