"""Set a lead's next follow-up date: type "+3", "tomorrow", "fri" or a date;
the day it means is spelled out as you type. Dismisses with the date, or
None when cancelled (after "Discard changes?" when the date was changed)."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from rep_tui.clock import local_today
from rep_tui.domain.dates import DAY_HINT, parse_day
from rep_tui.screens.form_dialog import KeepsTypedText
from rep_tui.widgets.markup_text import in_markup
from rep_tui.widgets.validated_input import DAY_EXAMPLE, ValidatedInput, day_meaning


class FollowUpDialog(KeepsTypedText, ModalScreen[date | None]):
    CSS_PATH = "../styles/follow_up_dialog.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "leave", "Cancel"),
    ]

    def __init__(self, lead_name: str, current: date | None) -> None:
        super().__init__()
        self.lead_name = lead_name
        self.current = current

    def compose(self) -> ComposeResult:
        today = local_today(self.app.tz)
        with Vertical(id="dialog") as dialog:
            dialog.border_title = f"Next follow-up · {in_markup(self.lead_name)}"
            yield ValidatedInput("Follow-up", lambda text: parse_day(text, today), id="day",
                                 value=str(self.current) if self.current else "", placeholder=DAY_EXAMPLE)
            yield Static("", id="meaning")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#day", ValidatedInput).focus()
        self._spell_out()
        self.remember_form()

    @on(ValidatedInput.Changed)
    def _spell_out(self) -> None:
        self.query_one("#meaning", Static).update(
            day_meaning(self.query_one("#day", ValidatedInput), local_today(self.app.tz),
                        f"Type {DAY_HINT}. Enter saves, Esc cancels.", emphasis="b"))

    @on(Input.Submitted)
    def action_save(self) -> None:
        field = self.query_one("#day", ValidatedInput)
        if field.validate():
            self.dismiss(field.cleaned())
