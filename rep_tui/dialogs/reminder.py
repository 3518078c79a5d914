"""Add a reminder on a lead: the day (typed as a rep says it: "fri", "+3"),
what to do, and who to remind (the writer, unless changed). Each person
chosen gets it on their Dashboard on that day. Dismisses with a
`NewReminder`, or None when cancelled."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, SelectionList, Static

from rep_tui.clock import local_today
from rep_tui.domain.dates import DAY_HINT, parse_day
from rep_tui.domain.safe_text import visible
from rep_tui.domain.validation import Invalid
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.widgets.form_field import FormField
from rep_tui.widgets.validated_input import DAY_EXAMPLE, ValidatedInput, day_meaning


@dataclass(frozen=True)
class NewReminder:
    due_on: date
    body: str
    assignee_ids: list[uuid.UUID]


def _what_to_do(text: str) -> str:
    if not text.strip():
        raise Invalid("Write what to do; an empty reminder is not added.")
    return text.strip()


class ReminderDialog(FormDialog[NewReminder | None]):
    submit_label = "Add"
    DEFAULT_CSS = """
    ReminderDialog #assignees { height: auto; max-height: 8; border: none; padding: 0; }
    ReminderDialog #due-meaning { color: $text-muted; padding-left: 11; height: 1; }
    ReminderDialog FormField .field-label { width: 11; }
    ReminderDialog FormField .field-error { padding-left: 11; }
    """

    def __init__(self, lead_name: str, users: list[tuple[str, uuid.UUID]], me: uuid.UUID) -> None:
        super().__init__()
        self.dialog_title = f"Add Reminder · {visible(lead_name)}"
        self.users = users
        self.me = me

    def compose_body(self) -> ComposeResult:
        today = local_today(self.app.tz)
        yield ValidatedInput("Due", lambda text: parse_day(text, today), id="due", placeholder=DAY_EXAMPLE)
        yield Static("", id="due-meaning")
        yield ValidatedInput("To do", _what_to_do, id="body", placeholder="e.g. call about the quote")
        people = sorted(self.users, key=lambda user: user[1] != self.me)  # the writer first, ticked
        choices = SelectionList[uuid.UUID](*((visible(name), uid, uid == self.me) for name, uid in people),
                                           id="assignees")
        yield FormField("Remind", choices, required=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#due", ValidatedInput).focus()
        self._spell_out()

    @on(ValidatedInput.Changed, "#due")
    def _spell_out(self) -> None:
        self.query_one("#due-meaning", Static).update(
            day_meaning(self.query_one("#due", ValidatedInput), local_today(self.app.tz), f"Type {DAY_HINT}."))

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        """Enter moves on to the next field (ctrl+s adds)."""
        event.stop()
        self.focus_next()

    def submit(self) -> None:
        due, body = self.query_one("#due", ValidatedInput), self.query_one("#body", ValidatedInput)
        chosen = list(self.query_one("#assignees", SelectionList).selected)
        fine = [field.validate() for field in (due, body)]
        people = self.query_one("#field-assignees", FormField)
        people.set_error(None if chosen else "Choose at least one person to remind.")
        if not all(fine) or not chosen:
            self.show_message("Nothing was added: fix the fields marked in red.")
            first = next((f for f, ok in zip((due, body), fine) if not ok), None)
            (first or people.control).focus()
            return
        self.dismiss(NewReminder(due.cleaned(), body.cleaned(), chosen))
