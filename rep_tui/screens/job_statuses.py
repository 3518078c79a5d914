"""Job Statuses: the list a job's status is chosen from (the Job tab's `S`),
in order, with the flags that say what each status counts as. A user allowed
`EDIT_RESULT_CODES` ("result codes and job statuses") adds one (`a`), edits
one (`e` or Enter) and stops offering one (`d`; `d` again offers it again).
Statuses are never deleted and their code never changes: jobs keep theirs.
Saved to the local store and synced like every change.

Reached from the Ctrl+P palette ("Job statuses") by users allowed to."""

from __future__ import annotations

import uuid
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Header, Input, Static

from rep_tui.domain.forms import FormErrors
from rep_tui.domain.job_statuses import FLAG_HEADS, FLAGS
from rep_tui.domain.safe_text import visible
from rep_tui.messages import reload_when_synced
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store.models import JobStatus
from rep_tui.store_io import in_store
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.form_field import FormField, text_input

TICK = "✓"


class JobStatusDialog(FormDialog[dict]):
    """Add or edit one status; `save(dialog, status id, values)` checks and
    writes it, then dismisses the dialog or marks the refused fields."""

    def __init__(self, status: JobStatus | None, save) -> None:
        super().__init__()
        self.status = status
        self._save = save
        self.dialog_title = f"Edit job status {status.code}" if status else "Add job status"

    def compose_body(self) -> ComposeResult:
        s = self.status
        code = text_input("code", s.code if s else "", "what a job stores, e.g. Ordered", disabled=s is not None)
        yield FormField("Code", code, required=True)
        yield FormField("Label", text_input("label", s.label if s else "", "what a rep reads (the code if empty)"))
        yield FormField("Order", text_input("sort_order", s.sort_order if s else "", "lower comes first"))
        for name, label in FLAGS.items():
            yield FormField("", Checkbox(label, bool(s and getattr(s, name)), id=name, compact=True))
        yield FormField("", Checkbox("Offered on the Job tab", s.active if s else True, id="active", compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#label" if self.status else "#code", Input).focus()

    def submit(self) -> None:
        self._save(self, self.status.id if self.status else None, self.values())


class JobStatusesScreen(Screen):
    TITLE = "Job Statuses"
    CSS_PATH = "../styles/job_statuses.tcss"
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "toggle_active", "Deactivate / offer again"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[JobStatus] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("The statuses a job is set to on the Job tab (S), in order. "
                     "a: add · e: edit · d: stop offering (jobs keep it)", id="codes-help")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="statuses")
        yield RepFooter()

    def on_mount(self) -> None:
        table = self.query_one("#statuses", DataTable)
        table.add_column("Code", width=12)
        table.add_column("Label", width=18)
        for head in FLAG_HEADS:
            table.add_column(head, width=len(head))
        table.add_column("Ord", width=3)
        table.add_column("Offered", width=7)
        table.focus()
        reload_when_synced(self, {"job_statuses"}, self.load)
        self.load()

    def on_unmount(self) -> None:
        self.app.rows_changed_signal.unsubscribe(self)

    def load(self) -> None:
        from rep_tui.store.job_statuses import all_statuses

        in_store(self, "read the job statuses", all_statuses, self._show, group="job-statuses-load")

    def _show(self, statuses: list[JobStatus]) -> None:
        self.statuses = statuses
        table = self.query_one("#statuses", DataTable)
        row = table.cursor_row
        table.clear()
        for status in statuses:
            style = "" if status.active else "dim"
            cells = [visible(status.code), visible(status.label), *(TICK if getattr(status, name) else ""
                                                                    for name in FLAGS),
                     str(status.sort_order), "yes" if status.active else "no"]
            table.add_row(*(Text(cell, style=style) for cell in cells), key=str(status.id))
        if statuses:
            table.move_cursor(row=min(row, len(statuses) - 1))

    def _current(self) -> JobStatus | None:
        table = self.query_one("#statuses", DataTable)
        return self.statuses[table.cursor_row] if self.statuses and 0 <= table.cursor_row < len(self.statuses) \
            else None

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        """Enter on a status edits it, as `e` does."""
        self.action_edit()

    def action_add(self) -> None:
        self.app.push_screen(JobStatusDialog(None, self.save))

    def action_edit(self) -> None:
        if (status := self._current()) is not None:
            self.app.push_screen(JobStatusDialog(status, self.save))

    def action_toggle_active(self) -> None:
        from rep_tui.store.job_statuses import set_active

        status = self._current()
        if status is None:
            return
        actor, active = self.app.actor, not status.active

        def done(_row) -> None:
            self.app.notify(f"{status.code} is {'offered again' if active else 'no longer offered'}.")
            self.load()

        in_store(self, "change the job status", lambda session: set_active(session, actor, status.id, active), done,
                 group="job-statuses-write")

    def save(self, dialog: JobStatusDialog, status_id: uuid.UUID | None, values: dict[str, Any]) -> None:
        """Check and write what `dialog` holds; refused fields are marked there and nothing is written."""
        from rep_tui.store.job_statuses import save_status

        actor = self.app.actor

        def write(session) -> FormErrors | str:
            try:
                return save_status(session, actor, status_id, values).code
            except FormErrors as refused:
                return refused

        def done(outcome: FormErrors | str) -> None:
            if isinstance(outcome, FormErrors):
                dialog.show_errors(outcome.errors)
                return
            dialog.dismiss(values)
            self.app.notify(f"Job status {outcome} saved.")
            self.load()

        in_store(self, "save the job status", write, done, group="job-statuses-write")
