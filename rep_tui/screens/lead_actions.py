"""What Customer Information writes: Edit Customer, Result, Follow-up,
Book / Move / Cancel, comments, contacts, engagements and deletes.

Each opens its dialog; the dialog's answer is written in a thread through
`store_io.in_store` (one session, one transaction), then the screen says
so and reads the lead's file again. A write that fails is told to the rep
by the app (`StoreFailed`) and leaves nothing half-saved.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Callable

from rep_tui.store_io import in_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class LeadActions:
    """Customer Information's write actions; the screen gives `lead_id`,
    `lead_file`, `job_index`, `result_labels`, `users`, `open_appointment_id`, `definitions`,
    `active_tab`, `reload()` and the highlighted rows (`_current_id`, `_current_engagement`)."""

    def _write_answer(self, what: str, done: str, write: Callable[[Session, Any], object]) -> Callable[[Any], None]:
        """A dialog's callback: unless it was cancelled, write its answer, then
        say `done` and show the lead's file again. `what` names the write for
        the rep if it fails ("save the comment")."""

        def written(_result: object) -> None:
            self.notify(done)
            self.reload()

        def answered(answer: Any) -> None:
            if answer:
                in_store(self, what, lambda session: write(session, answer), written, exclusive=False)

        return answered

    def action_edit_customer(self) -> None:
        from rep_tui.screens.edit_customer import EditCustomerScreen
        from rep_tui.store.leads import save_customer_edit

        lead_file, actor = self.lead_file, self.app.actor
        job = lead_file.jobs[self.job_index] if lead_file.jobs else None
        job_id = job.job.id if job else None
        codes = list(self.result_labels.items())
        self.app.push_screen(EditCustomerScreen(lead_file.lead, job, codes, self.definitions), self._write_answer(
            "save the customer", "Customer saved.",
            lambda session, clean: save_customer_edit(session, actor, self.lead_id, job_id, clean)))

    def action_result(self) -> None:
        """r, as on the Dashboard and My Appointments: the Result dialog, here
        for the lead's open appointment (the latest still without a result)."""
        from rep_tui.dialogs.result import ResultDialog

        if self.open_appointment_id is None:
            self.notify(f"{self.lead_file.lead.name} has no appointment waiting for a result.", severity="warning")
            return
        self.app.push_screen(ResultDialog(self.open_appointment_id), lambda saved: saved and self.reload())

    def action_follow_up(self) -> None:
        """f, as on Be Backs: the lead's next follow-up (be-back) date."""
        from rep_tui.dialogs.follow_up import FollowUpDialog
        from rep_tui.store.leads import set_follow_up

        lead, actor = self.lead_file.lead, self.app.actor
        self.app.push_screen(FollowUpDialog(lead.name, lead.follow_up_on), self._write_answer(
            "set the follow-up date", "Follow-up date set.",
            lambda session, day: set_follow_up(session, actor, self.lead_id, day)))

    def action_remind(self) -> None:
        """w: a reminder on this lead for the writer or others, on their Dashboards on its day."""
        from rep_tui.dialogs.reminder import ReminderDialog
        from rep_tui.store.reminders import add

        lead, actor = self.lead_file.lead, self.app.actor
        self.app.push_screen(ReminderDialog(lead.name, self.users, actor.user_id), self._write_answer(
            "add the reminder", "Reminder added.",
            lambda session, new: add(session, actor, self.lead_id, new.due_on, new.body, new.assignee_ids)))

    def action_book(self) -> None:
        from rep_tui.dialogs.book import book_appointment

        book_appointment(self, self.lead_id, self.reload)

    def action_move_appointment(self) -> None:
        from rep_tui.dialogs.book import move_appointment

        move_appointment(self, self.reload, lead_id=self.lead_id)

    def action_cancel_appointment(self) -> None:
        from rep_tui.dialogs.book import cancel_appointment

        cancel_appointment(self, self.reload, lead_id=self.lead_id)

    async def action_add_comment(self) -> None:
        await self.action_show_tab("comments")
        self.action_add()

    async def action_add_note(self) -> None:
        await self.action_show_tab("notes")
        self.action_add()

    async def action_add_payment(self) -> None:
        await self.action_show_tab("job")
        self.action_add()

    def action_add(self) -> None:
        tab = self.active_tab
        if tab == "job":
            self._add_payment()
        elif tab == "notes":
            self._add_note()
        elif tab == "comments":
            from rep_tui.screens.comment_dialog import AddCommentScreen
            from rep_tui.store.leads import add_comment

            actor = self.app.actor
            self.app.push_screen(AddCommentScreen(), self._write_answer(
                "add the comment", "Comment added.",
                lambda session, text: add_comment(session, actor, self.lead_id, text)))
        elif tab == "contacts":
            self._edit_contact(None)
        elif tab == "engagements":
            self._edit_engagement(None)

    def _save_row(self, model, row_id: uuid.UUID | None, done: str) -> Callable[[Any], None]:
        from rep_tui.store.leads import save_row

        actor = self.app.actor
        return self._write_answer(
            f"save the {model.__tablename__[:-1]}", done,
            lambda session, clean: save_row(session, actor, model, self.lead_id, row_id, clean))

    def _edit_contact(self, contact_id: uuid.UUID | None) -> None:
        from rep_tui.screens.contact_dialog import ContactScreen
        from rep_tui.store.models import Contact

        contact = next((c for c in self.lead_file.contacts if c.id == contact_id), None)
        self.app.push_screen(ContactScreen(contact), self._save_row(Contact, contact_id, "Contact saved."))

    def _edit_engagement(self, engagement_id: uuid.UUID | None) -> None:
        from rep_tui.screens.engagement_dialog import EngagementScreen
        from rep_tui.store.models import Engagement

        engagement = next((e for e in self.lead_file.engagements if e.id == engagement_id), None)
        files = self.lead_file.engagement_files(engagement_id) if engagement else []
        screen = EngagementScreen(engagement, self.lead_file.contacts, self.users, self.app.user.id, self.app.tz,
                                  files, self._open_attachment)
        self.app.push_screen(screen, self._save_row(Engagement, engagement_id, "Engagement saved."))

    def _add_payment(self) -> None:
        from rep_tui.screens.payment_dialog import PaymentScreen
        from rep_tui.store.money import add_payment

        job_file, actor = self.lead_file.jobs[self.job_index], self.app.actor
        self.app.push_screen(PaymentScreen(job_file, self.app.tz), self._write_answer(
            "add the payment", "Payment added.",
            lambda session, clean: add_payment(session, actor, job_file.job.id, clean)))

    async def action_add_item(self) -> None:
        """i on the Job tab: an item from the catalogue, with a quantity, on the job."""
        from rep_tui.screens.item_dialog import AddItemScreen
        from rep_tui.store.money import add_invoice_item, catalogue

        await self.action_show_tab("job")
        job, actor = self.lead_file.jobs[self.job_index].job, self.app.actor

        def ask(items) -> None:
            if not items:
                self.notify("The catalogue has no items yet: the office adds them.", severity="warning")
                return
            self.app.push_screen(AddItemScreen(items), self._write_answer(
                "add the item", "Item added.",
                lambda session, chosen: add_invoice_item(session, actor, job.id, *chosen)))

        in_store(self, "read the catalogue", catalogue, ask, opens=True)

    def _remove_item(self) -> None:
        from rep_tui.screens.confirm import ConfirmScreen
        from rep_tui.store.money import remove_invoice_item
        from rep_tui.widgets.tabs.tables import InvoiceItemTable

        item_id = self._current_id(InvoiceItemTable)
        item = next((i for i in self.lead_file.jobs[self.job_index].items if i.id == item_id), None)
        if item is None:
            return
        actor = self.app.actor
        self.app.push_screen(ConfirmScreen(f"Remove {item.quantity} × {item.name} from this job?"), self._write_answer(
            "remove the item", "Item removed.", lambda session, _yes: remove_invoice_item(session, actor, item.id)))

    # --- the users on the job (`store.job_users`) ---

    def action_add_job_user(self) -> None:
        """s on the Job tab: a user, a role and a share; the rep keeps what the others leave."""
        from rep_tui.screens.job_user_dialog import JobUserScreen
        from rep_tui.store.job_users import add_job_user, others_share

        job_file, actor = self.lead_file.jobs[self.job_index], self.app.actor
        taken = others_share(job_file.users, self.lead_file.lead.rep_id)
        label = f"Job {job_file.job.job_number or '(not synced yet)'}"
        self.app.push_screen(JobUserScreen(label, self.users, taken), self._write_answer(
            "put the user on the job", "User added to the job; the commission follows the shares.",
            lambda session, chosen: add_job_user(session, actor, job_file.job.id, *chosen)))

    def _remove_job_user(self) -> None:
        from rep_tui.screens.confirm import ConfirmScreen
        from rep_tui.store.job_users import REP_ROLE, remove_job_user
        from rep_tui.widgets.job_users import JobUserTable

        if not self._edits_job_users():
            self.notify("Taking users off a job needs a permission your group does not give.", severity="warning")
            return
        key = self.query_one(JobUserTable).current_key()
        user = next((u for u in self.lead_file.jobs[self.job_index].users if str(u.id or u.user_id) == key), None)
        if user is None or (user.role == REP_ROLE and user.user_id == self.lead_file.lead.rep_id):
            self.notify("The job's rep stays on it: their share is what the others leave.", severity="warning")
            return
        actor = self.app.actor
        self.app.push_screen(ConfirmScreen(f"Take {user.name} ({user.role}) off this job?"), self._write_answer(
            "take the user off the job", "User taken off the job; their share went back to the rep.",
            lambda session, _yes: remove_job_user(session, actor, user.id)))

    def _delete_payment(self) -> None:
        from rep_tui.domain.validation import format_money
        from rep_tui.screens.confirm import ConfirmScreen
        from rep_tui.store.money import delete_payment
        from rep_tui.widgets.tabs.tables import PaymentTable
        from rep_tui.widgets.when import us_date

        payment_id = self._current_id(PaymentTable)
        payment = next((p for p in self.lead_file.jobs[self.job_index].payments if p.id == payment_id), None)
        if payment is None:
            self.notify("No payment to delete: this job has none.", severity="warning")
            return
        actor = self.app.actor
        question = f"Delete the payment of {format_money(payment.amount_cents)} on {us_date(payment.paid_on)}?"
        self.app.push_screen(ConfirmScreen(question), self._write_answer(
            "delete the payment", "Payment deleted.", lambda session, _yes: delete_payment(session, actor, payment.id)))

    def action_delete(self) -> None:
        from rep_tui.screens.confirm import ConfirmScreen
        from rep_tui.store.leads import delete_row
        from rep_tui.store.models import Contact, Engagement
        from rep_tui.widgets.tabs.tables import ContactTable

        if self.active_tab == "job":
            from rep_tui.widgets.job_users import JobUserTable
            from rep_tui.widgets.tabs.tables import InvoiceItemTable

            if isinstance(self.focused, JobUserTable):
                self._remove_job_user()
                return
            on_items = isinstance(self.focused, InvoiceItemTable) or not self._takes_payments()
            self._remove_item() if on_items else self._delete_payment()
            return
        if self.active_tab == "contacts":
            row_id = self._current_id(ContactTable)
            name = self.lead_file.contact_name(row_id)
            model, question = Contact, f"Delete the contact {name}?"
        else:
            engagement = self._current_engagement()
            row_id = engagement.id if engagement else None
            model, question = Engagement, f"Delete the engagement “{engagement.subject if engagement else ''}”?"
        if row_id is None:
            self.notify("Nothing to delete here.", severity="warning")
            return
        actor = self.app.actor
        self.app.push_screen(ConfirmScreen(question), self._write_answer(
            "delete it", "Deleted.", lambda session, _yes: delete_row(session, actor, model, row_id)))
