"""Unassigned: the leads no rep has yet (from the web lead form), newest
first, for a manager or the office to give out. `a` gives the lead under the
cursor to a rep (the Reassign dialog: only reps the user may give leads to),
Enter opens it. The server sends these leads only to users who may reassign
leads (`server.scoping`), so a rep's device never has any."""

from __future__ import annotations

from typing import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header

from rep_tui.domain.dates import format_day, local_day
from rep_tui.messages import reload_when_synced
from rep_tui.store.models import Lead
from rep_tui.store_io import in_store
from rep_tui.widgets.agenda_table import lead_phone
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.loading import loaded
from rep_tui.widgets.row_table import Column, RowTable, TableRow, TableSection

EMPTY = "No unassigned leads: every lead has a rep. New ones come from the web lead form."


class UnassignedTable(RowTable):
    """Unassigned leads: when they came, who, how to reach them, where they heard of the company."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__((
            Column("Received", 10),
            Column("Customer", 18, grow=2),
            Column("Phone", 14),
            Column("City", 12, grow=1),
            Column("ZIP", 10, wide_only=True),
            Column("Heard of us", 12, grow=1),
            Column("Interest", 10, wide_only=True),
        ), id=id)

    def show_leads(self, leads: Sequence[Lead], tz: str) -> None:
        self.show([TableRow(str(lead.id), lead.id, (
            format_day(local_day(lead.created_at, tz)), lead.name or "(no name)", lead_phone(lead), lead.city or "",
            lead.zip or "", lead.referral or "", lead.product_interest or "")) for lead in leads])


class UnassignedScreen(Screen):
    TITLE = "Unassigned leads"
    CSS_PATH = "../styles/unassigned.tcss"
    BINDINGS = [Binding("a", "assign", "Assign to a rep")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield TableSection("", UnassignedTable(id="unassigned"), EMPTY, fit_rows=False, id="unassigned-section")
        yield RepFooter()

    def on_mount(self) -> None:
        self.query_one("#unassigned-section").loading = True
        reload_when_synced(self, {"leads"}, self._load)

    def on_screen_resume(self) -> None:
        self._load()

    def _load(self) -> None:
        from rep_tui.store.reassign import unassigned_leads

        in_store(self, "read the unassigned leads", unassigned_leads, self._show, group="unassigned")

    def _show(self, leads: list[Lead]) -> None:
        table = self.query_one("#unassigned", UnassignedTable)
        table.show_leads(leads, self.app.tz)
        section = self.query_one("#unassigned-section", TableSection)
        count = len(leads)
        section.show(f"{count} lead{'' if count == 1 else 's'} waiting for a rep · a assigns" if leads else "")
        loaded(section)
        if leads:
            table.focus()

    def action_assign(self) -> None:
        from rep_tui.dialogs.reassign import reassign

        row = self.query_one("#unassigned", UnassignedTable).current
        if row is not None and row.lead_id is not None:
            reassign(self, [row.lead_id], lambda count: self._load() if count else None)
