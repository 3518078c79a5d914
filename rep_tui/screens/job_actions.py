"""Customer Information's job-level writes: add a job to the lead, set the
job's status from the office's list, add an office note to the lead or one
of its jobs.

Kept apart from `lead_actions` (the lead's own writes) so the Job tab's
functions stay in one place; each writes through `store_io.in_store` and
reads the lead's file again."""

from __future__ import annotations

import uuid

from rep_tui.store_io import in_store


class JobActions:
    """Mixed into `CustomerScreen`, which gives `lead_id`, `lead_file`, `job_index`,
    `reload()` and `show_job_next` (the job to show once the file is read again)."""

    show_job_next: uuid.UUID | None = None

    def action_new_job(self) -> None:
        """J on the Job tab: another job on this lead (product, units, sale); it is shown once saved."""
        from rep_tui.screens.job_dialog import NewJobScreen
        from rep_tui.store.leads import add_job

        actor = self.app.actor

        def added(job_id: uuid.UUID) -> None:
            self.show_job_next = job_id
            self.notify("Job added: its Job ID comes with the next sync.")
            self.reload()

        def answered(clean: dict | None) -> None:
            if clean:
                in_store(self, "add the job", lambda session: add_job(session, actor, self.lead_id, clean).id,
                         added, exclusive=False)

        self.app.push_screen(NewJobScreen(self.lead_file.lead.name), answered)

    def _add_note(self) -> None:
        """a on the Notes tab (users allowed to write notes): a note on the customer or one of the jobs."""
        from rep_tui.screens.note_dialog import AddNoteScreen
        from rep_tui.store.leads import add_note

        lead_file, actor = self.lead_file, self.app.actor
        current = lead_file.jobs[self.job_index] if lead_file.jobs else None

        def answered(answer: tuple[uuid.UUID | None, str] | None) -> None:
            if answer:
                job_id, text = answer
                in_store(self, "add the note", lambda session: add_note(session, actor, self.lead_id, job_id, text),
                         lambda _note: (self.notify("Note added."), self.reload()), exclusive=False)

        self.app.push_screen(AddNoteScreen(lead_file.jobs, current), answered)

    def action_job_status(self) -> None:
        """S on the Job tab: the job's status, chosen from the office's active job statuses."""
        from rep_tui.screens.job_dialog import JobStatusScreen
        from rep_tui.screens.note_dialog import job_name
        from rep_tui.store.job_statuses import all_statuses, set_job_status

        job_file, actor = self.lead_file.jobs[self.job_index], self.app.actor

        def ask(statuses) -> None:
            offered = [(s.code, s.label) for s in statuses if s.active]
            if not offered:
                self.notify("The office has no job statuses yet (Ctrl+P: Job statuses).", severity="warning")
                return
            self.app.push_screen(JobStatusScreen(job_name(job_file), job_file.job.status, offered), answered)

        def answered(code: str | None) -> None:
            if code and code != job_file.job.status:
                in_store(self, "set the job status", lambda session: set_job_status(session, actor, job_file.job.id,
                                                                                    code),
                         lambda _job: (self.notify(f"Job status: {code}."), self.reload()), exclusive=False)

        in_store(self, "read the job statuses", all_statuses, ask, opens=True)
