"""Reassign leads: pick the rep they go to (only those the user may give them
to), confirm when there are several, and write it to the local store; the
sync takes it to the server and the reps' devices.

    reassign(screen, lead_ids, done)   # Customer Information (one), Search (the marked rows)
"""

from __future__ import annotations

import uuid
from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from rep_tui.domain.permissions import Permission
from rep_tui.domain.safe_text import visible
from rep_tui.screens.form_dialog import Dialog
from rep_tui.store.reassign import NO_ONE, Handover
from rep_tui.store_io import in_store


class RepPicker(Dialog[uuid.UUID | None]):
    """The users the leads may go to; Enter picks one, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, handover: Handover) -> None:
        super().__init__()
        self.handover = handover

    def compose(self) -> ComposeResult:
        count, holders = len(self.handover.leads), self.handover.holders()
        whose = f" of {holders[0][0]}" if len(holders) == 1 and holders[0][0] != NO_ONE else ""
        with Vertical(classes="dialog-box"):
            yield Label(visible(f"Reassign {'this lead' if count == 1 else f'{count} leads'}{whose} to…"),
                        classes="dialog-title")
            yield OptionList(*(Option(visible(name), id=str(user_id)) for name, user_id in self.handover.choices),
                             id="reassign-reps")
            yield Static("Enter gives the leads to the rep under the cursor · Esc cancels", id="reassign-help")

    def on_mount(self) -> None:
        self.query_one("#reassign-reps", OptionList).focus()

    @on(OptionList.OptionSelected, "#reassign-reps")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(uuid.UUID(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


def reassign(screen: Screen, lead_ids: list[uuid.UUID], done: Callable[[int], object]) -> None:
    """Ask whom `lead_ids` go to (and, for several, "Reassign 12 leads from
    Rita Rep to Sam Seller?"), then write it; `done(count)` after the write,
    or with 0 when the user cancelled (so the screen can put the focus back)."""
    from rep_tui.screens.confirm import ConfirmScreen
    from rep_tui.store.reassign import handover, reassign_leads

    app = screen.app
    if not app.may(Permission.REASSIGN_LEADS):
        app.notify("You may not reassign leads: ask your manager or the office.", severity="warning")
        return
    user, actor = app.user, app.actor

    def write(found: Handover, rep_id: uuid.UUID) -> None:
        name = found.name_of(rep_id)

        def written(count: int) -> None:
            leads = "1 lead" if count == 1 else f"{count} leads"
            app.notify(f"{leads} reassigned to {name}: they move on the next sync." if count
                       else f"Nothing to change: the leads are {name}'s already.")
            done(count)

        in_store(screen, "reassign the leads", lambda session: reassign_leads(session, actor, list(found.lead_ids),
                                                                               rep_id), written, exclusive=False)

    def picked(found: Handover, rep_id: uuid.UUID | None) -> None:
        if rep_id is None:
            done(0)
            return
        if len(found.leads) == 1 or not found.holders(but=rep_id):  # one lead, or nothing would change
            write(found, rep_id)
            return
        app.push_screen(ConfirmScreen(found.question(rep_id), yes="Reassign", no="Cancel"),
                        lambda yes: write(found, rep_id) if yes else done(0))

    def ask(found: Handover) -> None:
        if not found.lead_ids:
            app.notify("Those leads are not on this device any more.", severity="warning")
        elif not found.choices:
            app.notify("There is no one you may give leads to.", severity="warning")
        else:
            app.push_screen(RepPicker(found), lambda rep_id: picked(found, rep_id))

    in_store(screen, "read who may take the leads", lambda session: handover(session, user, lead_ids), ask,
             group="reassign-read", opens=True)
