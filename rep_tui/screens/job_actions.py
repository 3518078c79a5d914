"""Customer Information's job-level writes: add a job to the lead.

Kept apart from `lead_actions` (the lead's own writes) so the Job tab's
functions stay in one place; each writes through `store_io.in_store` and
reads the lead's file again."""

from __future__ import annotations

import uuid

from rep_tui.store_io import in_store


class JobActions:
    """Mixed into `CustomerScreen`, which gives `lead_id`, `lead_file`,
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
