"""Job Statuses: the list a job's status is chosen from (the Job tab's `S`),
in order, with the flags that say what each status counts as in the stats.
Statuses are never deleted and their code never changes: jobs keep theirs.
Edited as every flagged list is (`flagged_list`).

Reached from the Ctrl+P palette ("Job statuses") by users allowed to."""

from __future__ import annotations

from textual.app import ComposeResult

from rep_tui.domain.job_statuses import FLAG_HEADS, FLAGS
from rep_tui.domain.safe_text import visible
from rep_tui.screens.flagged_list import FlaggedEntryDialog, FlaggedList, FlaggedListScreen
from rep_tui.store.job_statuses import all_statuses, save_status, set_active
from rep_tui.widgets.form_field import FormField, text_input


JOB_STATUSES = FlaggedList(
    entry="job status", table="job_statuses", table_id="statuses",
    help="The statuses a job is set to on the Job tab (S), in order. "
         "a: add · e: edit · d: stop offering (jobs keep it)",
    offered="Offered on the Job tab", flags=FLAGS, flag_heads=FLAG_HEADS,
    columns=(("Code", 12), ("Label", 18)),
    cells=lambda status: (visible(status.code), visible(status.label)),
    read=all_statuses, save=save_status, set_active=set_active)


class JobStatusDialog(FlaggedEntryDialog):
    kind = JOB_STATUSES

    def text_fields(self, status) -> ComposeResult:
        code = text_input("code", status.code if status else "", "what a job stores, e.g. Ordered",
                          disabled=status is not None)
        yield FormField("Code", code, required=True)
        yield FormField("Label", text_input("label", status.label if status else "",
                                            "what a rep reads (the code if empty)"))
        yield FormField("Order", text_input("sort_order", status.sort_order if status else "", "lower comes first"))


class JobStatusesScreen(FlaggedListScreen):
    TITLE = "Job Statuses"
    kind = JOB_STATUSES
    dialog = JobStatusDialog
