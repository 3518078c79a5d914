"""The invoice item catalogue: SKU, name, list price, whether it is still
sold. For users whose permissions let them edit it (`EDIT_CATALOGUE`):
`a` adds an item, Enter edits the highlighted one, `x` takes it out of sale
(or back). Items are never deleted: jobs keep the items they were sold with."""

from __future__ import annotations

import uuid

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rep_tui.domain.fields import specs
from rep_tui.domain.forms import FormErrors, check_catalogue_item
from rep_tui.domain.validation import format_money
from rep_tui.messages import reload_when_synced
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store.models import CatalogueItem
from rep_tui.store_io import in_store
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.row_table import Column, Toned
from rep_tui.widgets.tabs.tables import RecordTable


class CatalogueTable(RecordTable):
    EMPTY = "The catalogue is empty: a adds the first item."
    BINDINGS = [Binding("enter", "select_cursor", "Edit")]
    COLUMNS = (Column("SKU", 14), Column("Name", 30, grow=1), Column("Price", 12), Column("Sold", 6))

    def show_items(self, items: list[CatalogueItem]) -> None:
        self.fill([(str(i.id), tuple(c if i.active else Toned(c, "muted") for c in (
            i.sku, i.name, format_money(i.price_cents).rjust(11), "yes" if i.active else "no"))) for i in items])


class CatalogueItemScreen(FormDialog[dict]):
    """Add or edit one item; dismisses with the checked columns (`forms.check_catalogue_item`), or None."""

    def __init__(self, item: CatalogueItem | None) -> None:
        super().__init__()
        self.item = item
        self.dialog_title = "Edit Catalogue Item" if item else "Add Catalogue Item"

    def compose_body(self) -> ComposeResult:
        for name, spec in specs("catalogue_items").items():
            if name == "active":
                continue
            value = getattr(self.item, name) if self.item else None
            if name == "price_cents" and value is not None:
                value = format_money(value)
            yield FormField(spec.label, text_input(name, value, spec.placeholder), required=spec.required)

    def on_mount(self) -> None:
        self.query_one("#sku").focus()

    def submit(self) -> None:
        try:
            clean = check_catalogue_item(self.values())
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(clean)


class CatalogueScreen(Screen):
    TITLE = "Invoice Item Catalogue"
    DEFAULT_CSS = """
    CatalogueScreen #catalogue-hint { padding: 0 1; color: $text-muted; }
    CatalogueScreen CatalogueTable { height: 1fr; }
    CatalogueScreen .tab-empty { padding: 1; }
    """
    BINDINGS = [
        Binding("escape", "app.back", "Back"),
        Binding("a,plus", "add", "Add", key_display="a/+"),
        Binding("x", "toggle_active", "Sold / not"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[CatalogueItem] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("a adds an item · Enter edits it · x takes it out of sale or back", id="catalogue-hint")
        yield CatalogueTable(id="catalogue-table")
        yield Static(CatalogueTable.EMPTY, classes="tab-empty")
        yield RepFooter()

    def on_mount(self) -> None:
        reload_when_synced(self, {"catalogue_items"}, self.reload)
        self.reload()

    def on_unmount(self) -> None:
        self.app.rows_changed_signal.unsubscribe(self)

    def reload(self) -> None:
        from rep_tui.store.money import catalogue

        in_store(self, "read the catalogue", lambda session: catalogue(session, with_inactive=True), self._show,
                 group="catalogue-load")

    def _show(self, items: list[CatalogueItem]) -> None:
        self.items = items
        table = self.query_one(CatalogueTable)
        table.show_items(items)
        table.focus()

    def _highlighted(self) -> CatalogueItem | None:
        key = self.query_one(CatalogueTable).current_key()
        return next((i for i in self.items if str(i.id) == key), None)

    def _save(self, item_id: uuid.UUID | None, done: str):
        from rep_tui.store.money import save_catalogue_item

        actor = self.app.actor

        def saved(_item) -> None:
            self.notify(done)
            self.reload()

        def answered(clean: dict | None) -> None:
            if clean:
                in_store(self, "save the catalogue item",
                         lambda session: save_catalogue_item(session, actor, item_id, clean), saved, exclusive=False)

        return answered

    def action_add(self) -> None:
        self.app.push_screen(CatalogueItemScreen(None), self._save(None, "Item added to the catalogue."))

    @on(DataTable.RowSelected, "#catalogue-table")
    def _edit(self) -> None:
        item = self._highlighted()
        if item is not None:
            self.app.push_screen(CatalogueItemScreen(item), self._save(item.id, "Item saved."))

    def action_toggle_active(self) -> None:
        item = self._highlighted()
        if item is None:
            return
        done = f"{item.sku} is sold again." if not item.active else f"{item.sku} is no longer sold."
        self._save(item.id, done)({"active": not item.active})
