"""Reminders as table rows: due date (overdue in red, today in amber), done,
what to do, and either the customer (the Dashboard) or who it is for
(Customer Information). Space marks the highlighted one done or not done;
Enter opens its lead when it is on this device, else says why not."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Sequence

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from rep_tui.store.reminders import Due
from rep_tui.widgets.be_back_table import date_cell
from rep_tui.widgets.markup_text import in_markup
from rep_tui.widgets.row_table import Column, RowTable, TableRow, Toned

DONE_MARK = "✓"


class ReminderTable(RowTable):
    """`for_lead`: the reminders of one lead (who each is for); else one user's (which customer)."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open lead"),
        Binding("space", "toggle_done", "Done/undo", tooltip="Mark the reminder done, or not done"),
    ]

    @dataclass
    class ToggleDone(Message):
        """Cross off (or put back) this reminder row."""

        reminder_id: uuid.UUID
        done: bool

    def __init__(self, *, for_lead: bool = False, id: str | None = None, classes: str | None = None) -> None:
        who = (Column("For", 14),) if for_lead else (
            Column("Customer", 16, grow=1), Column("Phone", 14, wide_only=True), Column("Address", 24, wide_only=True))
        super().__init__((Column("Due", 12), Column("", 1), Column("To do", 20, grow=2), *who), id=id,
                         classes=classes)
        self.for_lead = for_lead
        self.items: dict[str, Due] = {}

    def show_reminders(self, items: Sequence[Due], today: date) -> None:
        self.items = {str(item.reminder.id): item for item in items}
        self.show([self._row(item, today) for item in items])

    def _row(self, item: Due, today: date) -> TableRow:
        reminder = item.reminder
        done = reminder.done_at is not None
        due = date_cell(reminder.due_on, today)
        if done:
            due = Toned(due.text if isinstance(due, Toned) else due, "muted")
        what = Toned(reminder.body, "muted") if done else reminder.body
        who = (item.assignee,) if self.for_lead else (item.customer, item.phone, item.address)
        return TableRow(str(reminder.id), item.lead.id if item.lead is not None else None,
                        (due, DONE_MARK if done else "", what, *who))

    @property
    def current_item(self) -> Due | None:
        row = self.current
        return self.items.get(row.key) if row is not None else None

    def action_toggle_done(self) -> None:
        item = self.current_item
        if item is not None:
            self.post_message(self.ToggleDone(item.reminder.id, item.reminder.done_at is None))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        item = self.current_item
        if item is not None and item.lead is None:
            event.stop()
            self.notify(in_markup(f"{item.customer} is not one of the leads you see: call {item.phone or 'them'} "
                                  f"at {item.address or 'their address'}."), title="Reminder only", timeout=8)
            return
        super().on_data_table_row_selected(event)
