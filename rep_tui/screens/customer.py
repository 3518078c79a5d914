"""Customer Information: the lead's details (section 1) and its tabs
(section 2) — Job, Notes, Comments, Documents, Pictures, Related, plus
Contacts, Engagements and History. The lead's reminders are listed under
the job (what is to be done next on it); `w` adds one from any tab, Space
on one crosses it off or puts it back.

Letters mean what they mean on every screen: `r` results the lead's open
appointment (the latest still without a result), `f` sets its follow-up
(be-back) date; each tab has its own letter (`l` for reLated).

The frame paints at once; the lead's file is read in a thread
(`store_io.in_store`) and shown when it arrives. Only the tab on show is
built and filled: the others are built the first time they are shown, and
filled when shown after each load (related leads and history are read
then). The writes (Edit, Result, Follow-up, Book, comments, contacts,
engagements) are in `lead_actions.py`; each reloads the file.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from rep_tui.domain.custom_fields import Definition
from rep_tui.domain.permissions import Permission
from rep_tui.domain.safe_text import visible
from rep_tui.messages import reload_when_synced
from rep_tui.store.leads import LeadFile
from rep_tui.store.models import ChangeRecord
from rep_tui.store.queries import RelatedLead
from rep_tui.store.reminders import Due
from rep_tui.ordered_keys import WaitsForData
from rep_tui.screens.job_actions import JobActions
from rep_tui.screens.lead_actions import LeadActions
from rep_tui.store_io import in_store
from rep_tui.sync.tables import JOB_CHILDREN, LEAD_CHILDREN
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.job_panel import JobPanel
from rep_tui.widgets.lead_header import LeadHeader
from rep_tui.widgets.reminder_table import ReminderTable
from rep_tui.widgets.row_table import TableSection
from rep_tui.widgets.tabs.pictures import PictureGallery
from rep_tui.widgets.tabs.posts import PostList
from rep_tui.widgets.tabs.tables import (
    ChangeTable, ContactTable, DocumentTable, EngagementTable, RecordTable, RelatedTable,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from rep_tui.store.models import Engagement

# (tab id, tab label, key)
TABS = (
    ("job", "Job", "j"), ("notes", "Notes", "n"), ("comments", "Comments", "c"), ("documents", "Docs", "d"),
    ("pictures", "Pictures", "p"), ("related", "Related", "l"), ("contacts", "Contacts", "o"),
    ("engagements", "Engage", "g"), ("history", "History", "h"),
)
TAB_KEYS = Binding.Group("Tabs", compact=True)
JOB_KEYS = Binding.Group("Jobs")  # one footer item: "[] Jobs"
# Actions that only make sense on some tabs.
ACTION_TABS = {
    "add": ("job", "notes", "comments", "contacts", "engagements"),
    "delete": ("job", "contacts", "engagements"),
    "copy_notes": ("engagements",), "view_changes": ("engagements",), "attach": ("engagements",),
    "other_job": ("job",), "add_item": ("job",), "add_job_user": ("job",), "new_job": ("job",),
    "job_status": ("job",),
}


def _records(table: RecordTable, *more: Widget) -> list[Widget]:
    """A tab's table, the line said instead when it has no rows, and what follows them."""
    empty = Static(table.EMPTY, classes="tab-empty")
    empty.display = False
    return [table, empty, *more]


#: What each tab holds, built the first time the tab is shown.
TAB_CONTENT: dict[str, Callable[[], list[Widget]]] = {
    "job": lambda: [JobPanel(id="job-panel"),
                    TableSection("Reminders", ReminderTable(for_lead=True, id="lead-reminders"),
                                 "No reminders: w adds one.", id="lead-reminders-section")],
    "notes": lambda: [PostList("No notes from the office.", id="notes-list")],
    "comments": lambda: [Static("a / + adds a comment", classes="tab-hint"),
                         PostList("No comments yet: a adds one.", id="comments-list")],
    "documents": lambda: _records(DocumentTable(id="documents-table")),
    "pictures": lambda: [PictureGallery(id="picture-gallery")],
    "related": lambda: _records(RelatedTable(id="related-table")),
    "contacts": lambda: _records(ContactTable(id="contacts-table")),
    "engagements": lambda: _records(EngagementTable(id="engagements-table"),
                                    Static("", id="engagement-details", markup=False)),
    "history": lambda: _records(ChangeTable(id="history-table")),
}
FIRST_TAB = "job"


@dataclass
class LeadRead:
    """What Customer Information reads when it opens or reloads (`_read_lead`)."""

    lead_file: LeadFile | None
    result_labels: dict[str, str]
    users: list[tuple[str, uuid.UUID]]
    open_appointment_id: uuid.UUID | None
    reminders: list[Due]
    definitions: list[Definition]
    status_labels: dict[str, str]


def _read_lead(session: Session, lead_id: uuid.UUID) -> LeadRead:
    from rep_tui.store import reminders
    from rep_tui.store.job_statuses import all_statuses
    from rep_tui.store.leads import load_lead, rep_names
    from rep_tui.store.queries import appointment_to_result, custom_definitions, result_codes

    appointment = appointment_to_result(session, lead_id)
    return LeadRead(load_lead(session, lead_id), {rc.code: rc.label for rc in result_codes(session)},
                    rep_names(session), appointment.id if appointment else None, reminders.of_lead(session, lead_id),
                    custom_definitions(session), {s.code: s.label for s in all_statuses(session)})


class CustomerScreen(LeadActions, JobActions, WaitsForData, Screen):
    TITLE = "Customer Information"
    CSS_PATH = "../styles/customer.tcss"
    # The keys of the current tab come first so a narrow footer still shows them.
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("a,plus", "add", "Add", key_display="a/+"),
        Binding("x,delete", "delete", "Delete"),
        Binding("y", "copy_notes", "Copy", tooltip="Copy notes"),
        Binding("v", "view_changes", "Changes", tooltip="View changes"),
        Binding("t", "attach", "Attach", tooltip="Attach file"),
        Binding("i", "add_item", "Item", show=False, tooltip="Add an invoice item from the catalogue (said on the Job tab)"),
        Binding("s", "add_job_user", "Share", show=False,
                tooltip="Put a user on the job with a commission share (said on the Job tab)"),
        Binding("k", "checklist", "Checklist", show=False, tooltip="The job's installer checklist: Space ticks an item"),
        Binding("left_square_bracket", "other_job(-1)", "Previous job", key_display="[", group=JOB_KEYS),
        Binding("right_square_bracket", "other_job(1)", "Next job", key_display="]", group=JOB_KEYS),
        # At 80 columns the footer has room for these; the tabs, Map and Upload follow when there is more.
        Binding("e", "edit_customer", "Edit", tooltip="Edit Customer"),
        Binding("r", "result", "Result", tooltip="Result the open appointment"),
        Binding("f", "follow_up", "Follow-up", tooltip="Set the follow-up date"),
        Binding("b", "book", "Book", tooltip="Book appointment"),
        Binding("M", "move_appointment", "Move appt", show=False, tooltip="Move the open appointment"),
        Binding("X", "cancel_appointment", "Cancel appt", show=False, tooltip="Cancel the open appointment"),
        Binding("R", "reassign", "Reassign", show=False, tooltip="Give this lead to another rep"),
        *(Binding(key, f"show_tab('{tab}')", f"{label} tab", group=TAB_KEYS) for tab, label, key in TABS),
        Binding("m", "map", "Map"),
        Binding("u", "upload", "Upload", tooltip="Upload Files"),
        Binding("w", "remind", "Remind", tooltip="Add a reminder"),  # at 80 columns: in ?, Ctrl+P and the Job tab
        # Said on the Job tab (its Job Info title), in ? and Ctrl+P: the footer has no room for it.
        Binding("J", "new_job", "New job", tooltip="Add another job to this lead"),
        Binding("S", "job_status", "Status", tooltip="Set the job's status"),
    ]

    def __init__(self, lead_id: uuid.UUID) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.lead_file: LeadFile | None = None
        self.job_index = 0
        self.result_labels: dict[str, str] = {}
        self.users: list[tuple[str, uuid.UUID]] = []
        self.open_appointment_id: uuid.UUID | None = None
        self.reminders: list[Due] = []
        #: The office's custom fields, as this device has them.
        self.definitions: list[Definition] = []
        #: The office's job statuses' labels by code.
        self.status_labels: dict[str, str] = {}
        #: Tabs whose widgets exist, and those showing the lead's file as last loaded (see `_show_tab`).
        self.built_tabs: set[str] = set()
        self.filled_tabs: set[str] = set()
        self._tab_lock = asyncio.Lock()

    def action_checklist(self) -> None:
        from rep_tui.screens.checklist_dialog import open_for

        open_for(self)

    # --- frame ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield LeadHeader(id="lead-header")
        with TabbedContent(id="customer-tabs", initial=FIRST_TAB):
            for tab, label, _key in TABS:
                with TabPane(label, id=tab):
                    if tab == FIRST_TAB:
                        yield from TAB_CONTENT[tab]()
        yield RepFooter()

    def on_mount(self) -> None:
        self.built_tabs.add(FIRST_TAB)
        self.reload()
        reload_when_synced(self, {"leads", "users", "custom_fields", *LEAD_CHILDREN, *JOB_CHILDREN}, self.reload)

    def on_unmount(self) -> None:
        """Closed: let go of the sync's signal, or it keeps this screen in memory."""
        self.app.rows_changed_signal.unsubscribe(self)

    def reload(self) -> None:
        """Read the lead's file again (after a write, or on first show)."""
        in_store(self, "read this lead", lambda session: _read_lead(session, self.lead_id), self._show_lead,
                 group="customer-load")

    async def _show_lead(self, read: LeadRead) -> None:
        header = self.query_one(LeadHeader)
        self.result_labels, self.users = read.result_labels, read.users
        self.open_appointment_id = read.open_appointment_id
        self.reminders = read.reminders
        self.definitions = read.definitions
        self.status_labels = read.status_labels
        lead_file = self.lead_file = read.lead_file
        self.filled_tabs.clear()
        if lead_file is None:
            header.show_message("This lead is not on this device any more (deleted or reassigned). Esc goes back.")
            self.data_shown.set()
            return
        self.job_index = min(self.job_index, len(lead_file.jobs) - 1) if lead_file.jobs else 0
        if self.show_job_next is not None:
            self.job_index = next((i for i, j in enumerate(lead_file.jobs) if j.job.id == self.show_job_next),
                                  self.job_index)
            self.show_job_next = None
        self.sub_title = lead_file.lead.name
        self._show_header()
        await self._show_tab(self.active_tab)
        self.refresh_bindings()
        self.data_shown.set()

    def _current_job(self):
        return self.lead_file.jobs[self.job_index] if self.lead_file.jobs else None

    def _takes_payments(self) -> bool:
        """Whether the Job tab's a/x add and delete payments: a job to take them on, and the permission."""
        return bool(self.lead_file and self.lead_file.jobs) and self.app.may(Permission.SEE_PAYMENTS) \
            and self.app.may(Permission.EDIT_PAYMENTS)

    def _edits_job_users(self) -> bool:
        """Whether the Job tab's s and x put users on the job and take them off: a job, and the permission."""
        return bool(self.lead_file and self.lead_file.jobs) and self.app.may(Permission.EDIT_JOB_USERS)

    def _show_header(self) -> None:
        job = self._current_job()
        self.query_one(LeadHeader).show_lead(self.lead_file.lead, job.job.job_number if job else None,
                                             self.definitions)

    async def _show_tab(self, tab: str) -> None:
        """A tab's widgets are built the first time it is shown, and filled
        with the lead's file the first time it is shown after each load: opening
        a lead builds and fills one tab, not nine."""
        async with self._tab_lock:
            if tab not in self.built_tabs:
                self.built_tabs.add(tab)
                await self.query_one(TabbedContent).get_pane(tab).mount_all(TAB_CONTENT[tab]())
            if self.lead_file is not None and tab not in self.filled_tabs:
                self.filled_tabs.add(tab)
                await self._fill_tab(tab)

    async def _fill_tab(self, tab: str) -> None:
        lead_file, tz = self.lead_file, self.app.tz
        if tab == "job":
            self.query_one(JobPanel).show_job(
                self._current_job(), self.job_index, len(lead_file.jobs), tz, self.result_labels,
                receivable=lead_file.receivable, see_payments=self.app.may(Permission.SEE_PAYMENTS),
                edit_payments=self._takes_payments(), edit_job_users=self._edits_job_users(),
                status_labels=self.status_labels)
            self._show_reminders()
        elif tab == "notes":
            await self.query_one("#notes-list", PostList).show_posts(self._note_posts(), tz)
        elif tab == "comments":
            await self.query_one("#comments-list", PostList).show_posts(
                [(p.author_name, p.created_at, p.body) for p in lead_file.comments], tz)
        elif tab == "documents":
            self.query_one(DocumentTable).show_documents(lead_file.documents, tz)
        elif tab == "contacts":
            self.query_one(ContactTable).show_contacts(lead_file)
        elif tab == "engagements":
            self.query_one(EngagementTable).show_engagements(lead_file, tz)
            self._show_engagement_details()
        elif tab == "pictures":
            self.query_one(PictureGallery).show(lead_file.pictures, self.app.settings.paths.blobs_dir, tz)
        elif tab == "related":
            from rep_tui.store.queries import related_leads

            in_store(self, "find related leads", lambda session: related_leads(session, self.lead_id),
                     self._show_related, group="customer-related")
        elif tab == "history":
            from rep_tui.store.leads import lead_history, user_names

            in_store(self, "read this lead's history",
                     lambda session: (lead_history(session, self.lead_id), user_names(session)),
                     self._show_history, group="customer-history")

    def _note_posts(self) -> list[tuple[str, datetime, str]]:
        """The office's notes, each saying which job it is about (or the customer as a whole)."""
        from rep_tui.screens.note_dialog import job_name

        jobs = {j.job.id: job_name(j) for j in self.lead_file.jobs}
        return [(f"{n.author_name} · {jobs.get(n.job_id, 'Job (no longer here)') if n.job_id else 'Customer'}",
                 n.created_at, n.body) for n in self.lead_file.notes]

    # --- tabs ----------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    async def action_show_tab(self, tab: str) -> None:
        await self._show_tab(tab)
        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        focusable = [w for w in tabs.get_pane(tab).query("*") if w.focusable]
        if focusable:
            focusable[0].focus()

    @on(TabbedContent.TabActivated)
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """A tab chosen with the mouse or the tab bar's arrows (its key went through `action_show_tab`)."""
        await self._show_tab(event.pane.id)
        self.refresh_bindings()

    def _show_reminders(self) -> None:
        from rep_tui.clock import local_today

        self.query_one(ReminderTable).show_reminders(self.reminders, local_today(self.app.tz))
        still_open = sum(item.reminder.done_at is None for item in self.reminders)
        self.query_one("#lead-reminders-section", TableSection).show(
            f"Reminders ({still_open} open) · w adds one" if self.reminders else "Reminders")

    @on(ReminderTable.ToggleDone)
    def _toggle_done(self, event: ReminderTable.ToggleDone) -> None:
        from rep_tui.store.reminders import set_done

        actor = self.app.actor
        in_store(self, "mark the reminder done" if event.done else "put the reminder back",
                 lambda session: set_done(session, actor, event.reminder_id, event.done),
                 lambda _reminder: self.reload(), exclusive=False)

    def _show_related(self, related: list[RelatedLead]) -> None:
        self.query_one(RelatedTable).show_related(related)

    def _show_history(self, read: tuple[list[ChangeRecord], dict[str, str]]) -> None:
        changes, names = read
        self.query_one(ChangeTable).show_changes(changes, self.app.tz, names)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tabs = ACTION_TABS.get(action)
        if tabs is not None and (self.lead_file is None or self.active_tab not in tabs):
            return False
        if action == "other_job":
            return len(self.lead_file.jobs) > 1
        if action == "reassign" and not self.app.may(Permission.REASSIGN_LEADS):
            return False
        if action == "add" and self.active_tab == "job":
            return self._takes_payments()
        if action == "add" and self.active_tab == "notes":
            return self.app.may(Permission.WRITE_NOTES)
        if action == "delete" and self.active_tab == "job":
            return self._takes_payments() or self._edits_job_users() or bool(
                self._current_job() and self._current_job().items)
        if action == "add_job_user":
            return self._edits_job_users()
        if action in ("add_item", "job_status"):
            return self._current_job() is not None
        if action in ("edit_customer", "map", "upload", "result", "follow_up", "book", "move_appointment",
                      "cancel_appointment", "remind", "reassign") and self.lead_file is None:
            return None
        return True

    # --- section 1: the buttons --------------------------------------------------

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    async def action_other_job(self, step: int) -> None:
        self.job_index = (self.job_index + step) % len(self.lead_file.jobs)
        self._show_header()
        self.filled_tabs.discard("job")
        await self._show_tab("job")

    def action_map(self) -> None:
        from rep_tui.screens.open_external import full_address, map_url, runs_locally

        lead = self.lead_file.lead
        if not (lead.address or lead.city or lead.zip):
            self.notify("This customer has no address to map.", severity="warning")
            return
        url = map_url(lead)
        if runs_locally():
            self.app.open_url(url)
            self.notify("Map opened in your browser.")
        else:
            from rep_tui.screens.map_link import MapLinkScreen

            self.app.push_screen(MapLinkScreen(full_address(lead), url))

    def action_upload(self, engagement: Engagement | None = None) -> None:
        from rep_tui.screens.upload_files import UploadScreen

        self.app.push_screen(UploadScreen(self.lead_id, engagement=engagement), self._uploaded)

    def _uploaded(self, filename: str | None) -> None:
        if filename:
            self.notify(f"Uploaded {filename}.")
            self.reload()

    # --- section 2: what the tabs do -------------------------------------------

    def action_reassign(self) -> None:
        """R: give this lead to another rep of the team (managers; the lead leaves the old rep on the next sync)."""
        from rep_tui.dialogs.reassign import reassign

        reassign(self, [self.lead_id], lambda count: count and self.reload())

    def palette_commands(self):
        """This lead's actions, for the command palette."""
        payments = [("Add payment", self.action_add_payment, "a on the Job tab")] if self._takes_payments() else []
        items = ([("Add invoice item", self.action_add_item, "i on the Job tab")]
                 if self.lead_file and self.lead_file.jobs else [])
        job_users = [("Put a user on this job with a commission share", self.action_add_job_user,
                      "s on the Job tab")] if self._edits_job_users() else []
        commands = [
            *payments, *items, *job_users,
            ("New job on this lead", self.action_new_job, "J on the Job tab"),
            *([("Set the job's status", self.action_job_status, "S on the Job tab")]
              if self.lead_file and self.lead_file.jobs else []),
            *([("Add office note", self.action_add_note, "a on the Notes tab")]
              if self.app.may(Permission.WRITE_NOTES) else []),
            ("Add comment", self.action_add_comment, "a on the Comments tab"),
            ("Edit Customer", self.action_edit_customer, "e"),
            ("Map: the customer's address", self.action_map, "m"),
            ("Upload Files", self.action_upload, "u"),
            ("Book appointment", self.action_book, "b"),
            ("Add a reminder on this lead", self.action_remind, "w"),
            ("Move appointment", self.action_move_appointment, "M"),
            ("Cancel appointment", self.action_cancel_appointment, "X"),
        ]
        if self.app.may(Permission.REASSIGN_LEADS):
            commands.append(("Reassign this lead to another rep", self.action_reassign, "R"))
        return commands

    def _current_id(self, table: type[DataTable]) -> uuid.UUID | None:
        key = self.query_one(table).current_key()
        return uuid.UUID(key) if key else None

    def _current_engagement(self):
        engagement_id = self._current_id(EngagementTable)
        return next((e for e in self.lead_file.engagements if e.id == engagement_id), None)

    def action_copy_notes(self) -> None:
        engagement = self._current_engagement()
        if engagement is None or not engagement.notes:
            self.notify("This engagement has no notes to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(engagement.notes)
        self.notify("Engagement notes copied to the clipboard.")

    def action_view_changes(self) -> None:
        from rep_tui.screens.history import ChangesScreen
        from rep_tui.store.leads import row_history

        engagement = self._current_engagement()
        if engagement is None:
            return
        in_store(self, "read the engagement's changes", lambda session: row_history(session, "engagements",
                                                                                   engagement.id),
                 lambda changes: self.app.push_screen(ChangesScreen(engagement.subject, changes, self.app.tz)))

    def action_attach(self) -> None:
        engagement = self._current_engagement()
        if engagement is not None:
            self.action_upload(engagement)

    @on(DataTable.RowHighlighted, "#engagements-table")
    def _show_engagement_details(self) -> None:
        """Under the table, the highlighted engagement's who, how long, follow-up and notes
        (a narrow terminal leaves those columns out)."""
        from rep_tui.widgets.tabs.tables import duration, follow_up_text

        engagement = self._current_engagement() if self.lead_file else None
        details = ""
        if engagement is not None:
            follow_up = follow_up_text(engagement, self.lead_file)
            files = ", ".join(a.filename for a in self.lead_file.engagement_files(engagement.id))
            parts = (self.lead_file.user_name(engagement.contacted_by_id), duration(engagement.duration_minutes),
                     follow_up and f"Follow-up {follow_up}", engagement.notes and f"Notes: {engagement.notes}",
                     files and f"Files: {files} (Enter lists them)")
            details = " · ".join(part for part in parts if part)
        self.query_one("#engagement-details", Static).update(visible(details))

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: open a document, picture or related lead; edit a contact or engagement."""
        row_id = uuid.UUID(event.row_key.value)
        table_id = event.data_table.id
        if table_id == "related-table":
            self.app.open_lead(row_id)
        elif table_id == "contacts-table":
            self._edit_contact(row_id)
        elif table_id == "engagements-table":
            self._edit_engagement(row_id)
        elif table_id == "documents-table":
            self._open_attachment(row_id)

    @on(PictureGallery.Chosen)
    def _picture_chosen(self, message: PictureGallery.Chosen) -> None:
        self._show_picture(message.index)

    def _show_picture(self, index: int) -> None:
        """The full view; the grid's cursor follows the picture it was left on."""
        from rep_tui.screens.attachment_view import PictureScreen

        def left_on(shown: int) -> None:
            for gallery in self.query(PictureGallery):  # none until the Pictures tab was shown
                gallery.cursor = shown

        self.app.push_screen(PictureScreen(self.lead_file, index, self.app.settings.paths.blobs_dir, self.app.tz),
                             left_on)

    def _open_attachment(self, attachment_id: uuid.UUID) -> None:
        """A picture full size; a document in the system viewer on the rep's own
        machine, else (over SSH, or with no viewer) its text in the terminal."""
        from rep_tui.screens.attachment_view import DocumentTextScreen
        from rep_tui.screens.open_external import NoViewer, open_in_viewer, runs_locally
        from rep_tui.blobs import blob_path

        attachment = next(a for a in self.lead_file.attachments if a.id == attachment_id)
        path = blob_path(self.app.settings.paths.blobs_dir, attachment.sha256)
        title = f"{attachment.filename} — {attachment.description}"
        if attachment.kind == "picture":
            self._show_picture(self.lead_file.pictures.index(attachment))
            return
        if runs_locally() and path.is_file():
            try:
                open_in_viewer(path, attachment.filename)
            except NoViewer as exc:
                self.notify(f"{exc} Its text is shown here instead.", severity="warning", timeout=8)
            else:
                self.notify(f"Opened {attachment.filename} in your viewer.")
                return
        self.app.push_screen(DocumentTextScreen(title, path, attachment.mime, attachment.filename))
