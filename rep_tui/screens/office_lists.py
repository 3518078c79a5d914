"""Short lists the office keeps, each edited the same way: vendor contact
types (code, label) and the installer checklist's items (label, in order).
`a` adds an entry, Enter edits the highlighted one, `x` retires it (or takes
it back): entries are never deleted, as rows that use them keep them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rep_tui.domain.fields import specs
from rep_tui.domain.forms import FormErrors, collect
from rep_tui.messages import reload_when_synced
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store_io import in_store
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.row_table import Column, Toned
from rep_tui.widgets.tabs.tables import RecordTable


@dataclass(frozen=True)
class OfficeList:
    """One list: its table, the columns its form edits, and how the store reads and saves it."""

    title: str
    entry: str  # what one entry is called ("contact type")
    table: str
    fields: tuple[str, ...]
    read: Callable[[Any], list]  # session → every entry, retired ones too
    save: Callable[[Any, Any, uuid.UUID | None, dict], Any]  # session, actor, id or None, checked values


def _contact_types(session) -> list:
    from rep_tui.store.vendors import contact_types

    return contact_types(session, with_inactive=True)


def _save_contact_type(session, actor, row_id, clean) -> Any:
    from rep_tui.store.vendors import save_contact_type

    return save_contact_type(session, actor, row_id, clean)


def _checklist_items(session) -> list:
    from rep_tui.store.checklist import items

    return items(session, with_inactive=True)


def _save_checklist_item(session, actor, row_id, clean) -> Any:
    from rep_tui.store.checklist import save_item

    return save_item(session, actor, row_id, clean)


CONTACT_TYPES = OfficeList("Vendor Contact Types", "contact type", "vendor_contact_types", ("code", "label"),
                           _contact_types, _save_contact_type)
CHECKLIST = OfficeList("Installer Checklist Items", "checklist item", "checklist_items", ("label",),
                       _checklist_items, _save_checklist_item)


class EntryDialog(FormDialog[dict]):
    """Add or edit one entry; dismisses with its checked columns, or None."""

    def __init__(self, kind: OfficeList, row: Any | None) -> None:
        super().__init__()
        self.kind, self.row = kind, row
        self.dialog_title = f"{'Edit' if row else 'Add'} {kind.entry.title()}"

    def compose_body(self) -> ComposeResult:
        spec = specs(self.kind.table)
        for name in self.kind.fields:
            value = getattr(self.row, name) if self.row else None
            yield FormField(spec[name].label, text_input(name, value, spec[name].placeholder),
                            required=spec[name].required)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(f"#{self.kind.fields[0]}").focus()

    def submit(self) -> None:
        spec = specs(self.kind.table)
        try:
            clean = collect(self.values(), {name: spec[name].check for name in self.kind.fields})
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(clean)


class EntryTable(RecordTable):
    BINDINGS = [Binding("enter", "select_cursor", "Edit")]

    def __init__(self, columns: tuple[Column, ...], *, id: str | None = None) -> None:
        self.COLUMNS = columns  # the list's own, read by RecordTable
        super().__init__(id=id)


class OfficeListScreen(Screen):
    DEFAULT_CSS = """
    OfficeListScreen #list-hint { padding: 0 1; color: $text-muted; }
    OfficeListScreen EntryTable { height: 1fr; }
    OfficeListScreen .tab-empty { padding: 1; }
    """
    BINDINGS = [
        Binding("escape", "app.back", "Back"),
        Binding("a,plus", "add", "Add", key_display="a/+"),
        Binding("x", "toggle_active", "Used / retired"),
    ]

    def __init__(self, kind: OfficeList) -> None:
        super().__init__()
        self.kind = kind
        self.title = kind.title
        self.rows: list = []

    def compose(self) -> ComposeResult:
        spec = specs(self.kind.table)
        yield Header()
        yield Static(f"a adds a {self.kind.entry} · Enter edits it · x retires it or takes it back", id="list-hint")
        yield EntryTable((*(Column(spec[name].label, 20, grow=1) for name in self.kind.fields), Column("In use", 8)),
                         id="list-table")
        yield Static(f"No {self.kind.entry} yet: a adds the first.", classes="tab-empty")
        yield RepFooter()

    def on_mount(self) -> None:
        reload_when_synced(self, {self.kind.table}, self.reload)
        self.reload()

    def on_unmount(self) -> None:
        self.app.rows_changed_signal.unsubscribe(self)

    def reload(self) -> None:
        in_store(self, f"read the {self.kind.entry}s", self.kind.read, self._show, group="office-list-load")

    def _show(self, rows: list) -> None:
        self.rows = rows
        table = self.query_one(EntryTable)
        table.fill([(str(r.id), tuple(c if r.active else Toned(c, "muted") for c in (
            *(str(getattr(r, name)) for name in self.kind.fields), "yes" if r.active else "no"))) for r in rows])
        table.focus()

    def _highlighted(self) -> Any | None:
        key = self.query_one(EntryTable).current_key()
        return next((r for r in self.rows if str(r.id) == key), None)

    def _save(self, row_id: uuid.UUID | None, done: str):
        actor, save = self.app.actor, self.kind.save

        def saved(_row) -> None:
            self.notify(done)
            self.reload()

        def answered(clean: dict | None) -> None:
            if clean:
                in_store(self, f"save the {self.kind.entry}", lambda session: save(session, actor, row_id, clean),
                         saved, exclusive=False)

        return answered

    def action_add(self) -> None:
        self.app.push_screen(EntryDialog(self.kind, None), self._save(None, f"The {self.kind.entry} is added."))

    @on(DataTable.RowSelected, "#list-table")
    def _edit(self) -> None:
        row = self._highlighted()
        if row is not None:
            self.app.push_screen(EntryDialog(self.kind, row), self._save(row.id, f"The {self.kind.entry} is saved."))

    def action_toggle_active(self) -> None:
        row = self._highlighted()
        if row is not None:
            self._save(row.id, f"The {self.kind.entry} is {'in use again' if not row.active else 'retired'}.")(
                {"active": not row.active})
