"""The office's flagged lists, edited the same way: result codes and job
statuses. Each is a list in order, with flags that say what an entry counts
as in the stats. A user allowed `EDIT_RESULT_CODES` adds one (`a`), edits
one (`e` or Enter) and stops offering one (`d`; `d` again offers it again).
Entries are never deleted and their code never changes: the rows that use
them keep theirs. Saved to the local store and synced like every change.

A list says what differs in a `FlaggedList`; `FlaggedListScreen` and
`FlaggedEntryDialog` do the rest."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Header, Input, Static

from rep_tui.domain.forms import FormErrors
from rep_tui.messages import reload_when_synced
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store_io import in_store, or_refusal
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.form_field import FormField

TICK = "✓"


@dataclass(frozen=True)
class FlaggedList:
    """What one flagged list is: its words, its columns and how the store reads and writes it."""

    entry: str  # what one entry is called: "result code"
    table: str  # the synced table, to reload when a sync changes it
    table_id: str
    help: str  # the line above the table
    offered: str  # the label of the "active" checkbox
    flags: dict[str, str]  # column → checkbox label
    flag_heads: tuple[str, ...]  # the flags' short column heads
    columns: tuple[tuple[str, int], ...]  # (head, width) of the columns before the flags
    cells: Callable[[Any], tuple[str, ...]]  # an entry → the cells of those columns
    read: Callable[[Any], list]  # session → every entry, retired ones too
    save: Callable[[Any, Any, uuid.UUID | None, dict], Any]  # session, actor, id or None, values → the entry
    set_active: Callable[[Any, Any, uuid.UUID, bool], Any]  # session, actor, id, active


class FlaggedEntryDialog(FormDialog[dict]):
    """Add or edit one entry; `save(dialog, id, values)` checks and writes it,
    then dismisses the dialog or marks the refused fields. Subclasses give the
    list's text fields (`text_fields`)."""

    kind: FlaggedList

    def __init__(self, row: Any | None, save) -> None:
        super().__init__()
        self.row = row
        self._save = save
        self.dialog_title = f"Edit {self.kind.entry} {row.code}" if row else f"Add {self.kind.entry}"

    def text_fields(self, row: Any | None) -> ComposeResult:
        yield from ()

    def compose_body(self) -> ComposeResult:
        row = self.row
        yield from self.text_fields(row)
        for name, label in self.kind.flags.items():
            yield FormField("", Checkbox(label, bool(row and getattr(row, name)), id=name, compact=True))
        yield FormField("", Checkbox(self.kind.offered, row.active if row else True, id="active", compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#label" if self.row else "#code", Input).focus()

    def submit(self) -> None:
        self._save(self, self.row.id if self.row else None, self.values())


class FlaggedListScreen(Screen):
    """Subclasses give `kind` and `dialog` (the list's `FlaggedEntryDialog`)."""

    DEFAULT_CSS = """
    FlaggedListScreen #codes-help { height: auto; padding: 0 1; color: $text-muted; }
    FlaggedListScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "toggle_active", "Deactivate / offer again"),
        Binding("escape", "app.pop_screen", "Back"),
    ]
    kind: FlaggedList
    dialog: type[FlaggedEntryDialog]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.kind.help, id="codes-help")
        yield DataTable(cursor_type="row", zebra_stripes=True, id=self.kind.table_id)
        yield RepFooter()

    @property
    def _table(self) -> DataTable:
        return self.query_one(f"#{self.kind.table_id}", DataTable)

    def on_mount(self) -> None:
        table = self._table
        for head, width in self.kind.columns:
            table.add_column(head, width=width)
        for head in self.kind.flag_heads:
            table.add_column(head, width=len(head))
        table.add_column("Ord", width=3)
        table.add_column("Offered", width=7)
        table.focus()
        reload_when_synced(self, {self.kind.table}, self.load)
        self.load()

    def on_unmount(self) -> None:
        self.app.rows_changed_signal.unsubscribe(self)

    def load(self) -> None:
        in_store(self, f"read the {self.kind.entry}s", self.kind.read, self._show, group="flagged-list-load")

    def _show(self, rows: list) -> None:
        self.rows = rows
        table = self._table
        at = table.cursor_row
        table.clear()
        for row in rows:
            style = "" if row.active else "dim"
            cells = [*self.kind.cells(row), *(TICK if getattr(row, name) else "" for name in self.kind.flags),
                     str(row.sort_order), "yes" if row.active else "no"]
            table.add_row(*(Text(cell, style=style) for cell in cells), key=str(row.id))
        if rows:
            table.move_cursor(row=min(at, len(rows) - 1))

    def _current(self) -> Any | None:
        at = self._table.cursor_row
        return self.rows[at] if 0 <= at < len(self.rows) else None

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        """Enter on an entry edits it, as `e` does."""
        self.action_edit()

    def action_add(self) -> None:
        self.app.push_screen(self.dialog(None, self.save))

    def action_edit(self) -> None:
        if (row := self._current()) is not None:
            self.app.push_screen(self.dialog(row, self.save))

    def action_toggle_active(self) -> None:
        row = self._current()
        if row is None:
            return
        actor, active, set_active = self.app.actor, not row.active, self.kind.set_active

        def done(outcome) -> None:
            if isinstance(outcome, FormErrors):
                self.app.notify(f"{row.code} not changed: {' '.join(outcome.errors.values())}", severity="error")
                return
            self.app.notify(f"{row.code} is {'offered again' if active else 'no longer offered'}.")
            self.load()

        in_store(self, f"change the {self.kind.entry}", or_refusal(lambda session: set_active(
            session, actor, row.id, active)), done, group="flagged-list-write")

    def save(self, dialog: FlaggedEntryDialog, row_id: uuid.UUID | None, values: dict[str, Any]) -> None:
        """Check and write what `dialog` holds; refused fields are marked there and nothing is written."""
        actor, save = self.app.actor, self.kind.save

        def done(outcome) -> None:
            if isinstance(outcome, FormErrors):
                dialog.show_errors(outcome.errors)
                return
            dialog.dismiss(values)
            self.app.notify(f"{self.kind.entry.capitalize()} {outcome.code} saved.")
            self.load()

        in_store(self, f"save the {self.kind.entry}", or_refusal(lambda session: save(session, actor, row_id, values)),
                 done, group="flagged-list-write")

