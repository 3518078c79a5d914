"""Add Note: an office note on the customer or on one of their jobs."""

from __future__ import annotations

import uuid

from textual.app import ComposeResult
from textual.widgets import Select, TextArea

from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store.leads import JobFile
from rep_tui.widgets.form_field import FormField
from rep_tui.widgets.markup_text import in_markup

#: The About choice of a note on the customer as a whole.
ON_LEAD = "lead"


def job_name(job_file: JobFile) -> str:
    """How a note names its job: "Job 500157 · Siding" (a job not synced yet has no number)."""
    job = job_file.job
    number = job.job_number or "(not synced yet)"
    return f"Job {number} · {job.product}" if job.product else f"Job {number}"


class AddNoteScreen(FormDialog[tuple[uuid.UUID | None, str]]):
    """Dismisses with (the job's id or None for the customer, the text); an empty note is refused here."""

    dialog_title = "Add Office Note"
    submit_label = "Add"
    DEFAULT_CSS = """
    AddNoteScreen #body { height: 6; }
    """

    def __init__(self, jobs: list[JobFile], current: JobFile | None) -> None:
        super().__init__()
        self.jobs, self.current = jobs, current

    def compose_body(self) -> ComposeResult:
        options = [("The customer (no one job)", ON_LEAD),
                   *((in_markup(job_name(j)), str(j.job.id)) for j in self.jobs)]
        start = str(self.current.job.id) if self.current else ON_LEAD
        yield FormField("About", Select(options, id="about", compact=True, allow_blank=False, value=start))
        yield FormField("Note", TextArea(id="body", soft_wrap=True, show_line_numbers=False), required=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#body", TextArea).focus()

    def submit(self) -> None:
        values = self.values()
        text = values["body"].strip()
        if not text:
            self.show_errors({"body": "Write the note first; an empty note is not added."})
            return
        self.dismiss((None if values["about"] == ON_LEAD else uuid.UUID(values["about"]), text))
