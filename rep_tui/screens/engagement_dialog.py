"""Add or edit an engagement: a call, visit, email or text with the
customer, and its follow-up. Mandatory fields are marked with *. An
engagement being edited also lists the files attached to it; Enter on one
opens it (ctrl+f jumps to the list)."""

from __future__ import annotations

import uuid
from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from rep_tui.clock import local_today, zone
from rep_tui.domain.forms import FormErrors, check_engagement
from rep_tui.domain.rules import CONTACT_TYPES
from rep_tui.domain.safe_text import visible
from rep_tui.store.leads import human_size
from rep_tui.store.models import Attachment, Contact, Engagement
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.markup_text import in_markup


def _picker(name: str, options: list[tuple[str, uuid.UUID | str]], value, prompt: str) -> Select:
    """A Select of (label, value); the labels are names (contacts, users), so markup is not read in them."""
    return Select([(in_markup(label), key) for label, key in options], id=name, prompt=prompt, compact=True,
                  value=Select.NULL if value is None else value)


class EngagementScreen(FormDialog[dict]):
    """Dismisses with Engagement column values (see `leads.check_engagement`), or None."""

    BINDINGS = [Binding("ctrl+f", "files", "Files")]
    DEFAULT_CSS = """
    EngagementScreen #notes { height: 4; }
    EngagementScreen #engagement-files-row { height: auto; margin-top: 1; }
    EngagementScreen #engagement-files-row .field-label { width: 17; padding-right: 1; color: $text-muted; }
    EngagementScreen #engagement-files { width: 1fr; height: auto; max-height: 6; }
    """

    def __init__(
        self, engagement: Engagement | None, contacts: list[Contact], users: list[tuple[str, uuid.UUID]],
        me: uuid.UUID, tz: str, files: list[Attachment] = (), open_file: Callable[[uuid.UUID], None] | None = None,
    ) -> None:
        super().__init__()
        self.engagement = engagement
        self.files = files
        self.open_file = open_file
        self.contacts = contacts
        self.users = users
        self.me = me
        self.tz = tz
        self.dialog_title = "Edit Engagement" if engagement else "Add Engagement"

    def compose_body(self) -> ComposeResult:
        e = self.engagement
        when = e.occurred_at.astimezone(zone(self.tz)) if e else None
        yield FormField("Subject", text_input("subject", e.subject if e else None), required=True)
        yield FormField("Date", text_input("day", when.date() if when else local_today(self.tz), "e.g. 2026-11-24"),
                        required=True)
        yield FormField("Time", text_input("at_time", when.strftime("%H:%M") if when else None, "e.g. 14:30"))
        yield FormField("Contact", _picker("contact_id", [(c.name, c.id) for c in self.contacts],
                                           e.contact_id if e else None, "(the customer)"))
        yield FormField("Duration", text_input("duration", e.duration_minutes if e else None, "e.g. 45 or 1h30"))
        yield FormField("Contacted By", _picker("contacted_by_id", self.users,
                                                e.contacted_by_id if e else self.me, "(nobody)"))
        yield FormField("Contact Type", _picker("contact_type", [(t.title(), t) for t in CONTACT_TYPES],
                                                e.contact_type if e else None, "(pick one)"), required=True)
        yield FormField("Follow Up", Checkbox("a follow-up is to happen", e.follow_up if e else False,
                                              id="follow_up", compact=True))
        yield FormField("Assignee", _picker("follow_up_assignee_id", self.users,
                                            e.follow_up_assignee_id if e else None, "(nobody)"))
        yield FormField("Follow-up Date", text_input("follow_up_on", e.follow_up_on if e else None, "e.g. 2026-12-01"))
        yield FormField("Completed", Checkbox("follow-up completed", e.completed if e else False,
                                              id="completed", compact=True))
        yield FormField("Notes", TextArea(visible(e.notes or "", lines=True) if e else "", id="notes", soft_wrap=True))
        if e is not None:
            with Horizontal(id="engagement-files-row"):
                yield Label("Files", classes="field-label")
                if self.files:
                    options = [Option(in_markup(f"{a.filename} — {a.description} ({human_size(a.size)})"), str(a.id))
                               for a in self.files]
                    yield OptionList(*options, id="engagement-files", compact=True)
                else:
                    yield Static("None yet: t on the Engagements tab attaches one.", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#subject").focus()

    def action_files(self) -> None:
        for files in self.query("#engagement-files"):
            files.focus()
            files.scroll_visible()

    @on(OptionList.OptionSelected, "#engagement-files")
    def _open_file(self, event: OptionList.OptionSelected) -> None:
        if self.open_file is not None:
            self.open_file(uuid.UUID(event.option.id))

    def submit(self) -> None:
        try:
            clean = check_engagement(self.values(), self.tz)
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        e = self.engagement
        if e is not None and clean["occurred_at"] == e.occurred_at.replace(second=0, microsecond=0):
            clean["occurred_at"] = e.occurred_at  # the form shows minutes: an untouched time keeps its seconds
        self.dismiss(clean)
