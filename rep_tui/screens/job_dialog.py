"""New Job: a further job on the lead (a second window order, a roof after
the siding), with the fields and checks of Edit Customer's sale section."""

from __future__ import annotations

from textual.app import ComposeResult

from rep_tui.domain.fields import used
from rep_tui.domain.forms import NEW_JOB_FIELDS, FormErrors, check_new_job
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.widgets.form_field import FormField, text_input


class NewJobScreen(FormDialog[dict]):
    """Dismisses with the checked Job columns (`forms.check_new_job`), or None."""

    submit_label = "Add"

    def __init__(self, lead_name: str) -> None:
        super().__init__()
        self.dialog_title = f"New Job · {lead_name}"

    def compose_body(self) -> ComposeResult:
        for name, spec in used("jobs", "edited").items():
            if name in NEW_JOB_FIELDS:
                yield FormField(spec.label, text_input(name, None, spec.placeholder), required=name == "product")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#product").focus()

    def submit(self) -> None:
        try:
            clean = check_new_job(self.values())
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(clean)
