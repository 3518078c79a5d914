"""The installer checklist of one job (a service call's "done right" list):
the items the office defines, each ticked or not. Space ticks or unticks the
highlighted item and saves it at once (offline too; it syncs like any
edit); Escape closes. Opened with `k` on Customer Information."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from rep_tui.messages import reload_when_synced
from rep_tui.ordered_keys import WaitsForData
from rep_tui.screens.form_dialog import Dialog
from rep_tui.store_io import StoreFailed, in_store
from rep_tui.widgets.markup_text import in_markup

if TYPE_CHECKING:
    from rep_tui.store.checklist import Line

WRITING = "tick the checklist"
EMPTY = "The office has not defined a checklist yet (rep-tui admin checklist add)."


class ChecklistScreen(WaitsForData, Dialog[None]):
    """One job's checklist; dismisses with None when closed."""

    DEFAULT_CSS = """
    ChecklistScreen #checklist-title { height: 1; margin-bottom: 1; }
    ChecklistScreen #checklist { height: auto; max-height: 16; border: none; padding: 0; }
    ChecklistScreen #checklist-hint { height: auto; color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, job_id: uuid.UUID, job_name: str) -> None:
        super().__init__()
        self.job_id = job_id
        self.job_name = job_name
        self.lines: list[Line] = []
        #: Ticks given but not yet written (item → done), and whether a write is under way.
        self.wanted: dict[uuid.UUID, bool] = {}
        self.writing = False
        self.ticks_given = 0  # a read started before the last tick is stale: not shown

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog-box"):
            yield Label(in_markup(f"Installer Checklist — {self.job_name}"), id="checklist-title", markup=True)
            yield SelectionList[str](id="checklist", compact=True)
            yield Static("", id="checklist-hint")

    def on_mount(self) -> None:
        reload_when_synced(self, {"checklist_items", "job_checklist"}, self.reload)
        self.reload()

    def on_unmount(self) -> None:
        self.app.rows_changed_signal.unsubscribe(self)

    def reload(self) -> None:
        from rep_tui.store.checklist import of_job

        job_id, ticks_given = self.job_id, self.ticks_given
        in_store(self, "read the checklist", lambda session: of_job(session, job_id),
                 lambda lines: self._show(lines, ticks_given), group="checklist-load")

    def _show(self, lines: list[Line], ticks_given: int) -> None:
        if self.writing or self.wanted or ticks_given != self.ticks_given:
            return  # the list shows ticks newer than what was read
        self.lines = lines
        chooser = self.query_one(SelectionList)
        highlighted = chooser.highlighted
        with chooser.prevent(SelectionList.SelectionToggled):
            chooser.clear_options()
            chooser.add_options([Selection(in_markup(line.item.label), str(line.item.id), line.done)
                                 for line in lines])
        if lines:
            chooser.highlighted = min(highlighted or 0, len(lines) - 1)
        done = sum(line.done for line in lines)
        self.query_one("#checklist-hint", Static).update(
            f"{done} of {len(lines)} done · Space ticks or unticks · Esc closes" if lines else EMPTY)
        chooser.focus()
        self.data_shown.set()  # keys typed while it opened act on the items now

    @on(SelectionList.SelectionToggled, "#checklist")
    def _toggled(self, event: SelectionList.SelectionToggled) -> None:
        """Remember what the item is to be and write it; quick ticks are written
        in the order given, one batch at a time, so the last one wins."""
        self.wanted[uuid.UUID(str(event.selection.value))] = event.selection.value in event.selection_list.selected
        self.ticks_given += 1
        self._write()

    def _write(self) -> None:
        from rep_tui.store.checklist import tick

        if self.writing or not self.wanted:
            return
        batch, self.wanted = self.wanted, {}
        self.writing = True
        job_id, actor = self.job_id, self.app.actor

        def write(session) -> None:
            for item_id, done in batch.items():
                tick(session, actor, job_id, item_id, done)

        in_store(self, WRITING, write, lambda _none: self._written(), exclusive=False)

    def on_store_failed(self, message: StoreFailed) -> None:
        """A refused write: the app says why; the next ticks may still go (the message goes on to the app)."""
        if message.what == WRITING:
            self._written()

    def _written(self) -> None:
        self.writing = False
        if self.wanted:
            self._write()
        else:
            self.reload()

    def action_close(self) -> None:
        self.dismiss(None)


def open_for(screen) -> None:
    """`k` on Customer Information: the checklist of the job shown (`screen.job_index`)."""
    lead_file = screen.lead_file
    if lead_file is None or not lead_file.jobs:
        screen.notify("This lead has no job yet: the checklist is ticked on a job.", severity="warning")
        return
    job = lead_file.jobs[screen.job_index].job
    name = " · ".join(x for x in (f"Job {job.job_number}" if job.job_number else "New job", job.product) if x)
    screen.app.push_screen(ChecklistScreen(job.id, name))
