"""The Job tab's dialogs. New Job: a further job on the lead (a second
window order, a roof after the siding), with the fields and checks of Edit
Customer's sale section. Job Status: the job's status, from the office's list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Select

from rep_tui.domain.fields import used
from rep_tui.domain.forms import NEW_JOB_FIELDS, FormErrors, check_new_job
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.markup_text import in_markup


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


class JobStatusScreen(FormDialog[str]):
    """Dismisses with the code of the status chosen from the office's active
    statuses, or None. A job's status no longer offered is shown, marked, so
    saving without a change keeps it."""

    submit_label = "Set"

    def __init__(self, job_name: str, current: str | None, statuses: list[tuple[str, str]]) -> None:
        super().__init__()
        self.dialog_title = f"Job Status · {job_name}"
        self.current, self.statuses = current, statuses

    def compose_body(self) -> ComposeResult:
        options = [(in_markup(label if label == code else f"{label} ({code})"), code) for code, label in self.statuses]
        if self.current is not None and self.current not in dict(self.statuses):
            options.append((in_markup(f"{self.current} (no longer offered)"), self.current))
        yield FormField("Status", Select(options, id="status", compact=True, prompt="(choose)", type_to_search=True,
                                         value=self.current if self.current is not None else Select.NULL),
                        required=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#status").focus()

    def submit(self) -> None:
        chosen = self.values()["status"]
        if chosen in (None, Select.NULL):
            self.show_errors({"status": "Choose a status."})
            return
        self.dismiss(chosen)
