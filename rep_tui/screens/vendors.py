"""The vendor directory: outside companies (installers, suppliers, lenders…)
and whom to call there, filtered by contact type (`f` or the list at the
top) and by typed text (`/`: company, contact, phone, email, address, note).
Everyone reads it; a user whose permissions allow (`EDIT_VENDORS`) adds a
vendor (`a`), edits one (Enter) and deletes one (`d`, after a yes) and edits the contact types (`t`).
The highlighted vendor's whole record shows under the table."""

from __future__ import annotations

import uuid

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Select, Static

from rep_tui.domain.fields import used
from rep_tui.domain.forms import FormErrors, check_vendor
from rep_tui.domain.permissions import Permission
from rep_tui.domain.safe_text import visible
from rep_tui.messages import reload_when_synced
from rep_tui.ordered_keys import WaitsForData
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store.models import Vendor, VendorContactType
from rep_tui.store_io import in_store
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.row_table import Column
from rep_tui.widgets.tabs.tables import RecordTable

TABLE = "vendors"


class VendorTable(RecordTable):
    EMPTY = "No vendors match."
    BINDINGS = [Binding("enter", "select_cursor", "Edit")]
    COLUMNS = (Column("Company", 22, grow=2), Column("Type", 12), Column("Contact", 15, grow=1),
               Column("Phone", 15), Column("Email", 24, wide_only=True, grow=1))


class VendorScreen(FormDialog[dict]):
    """Add or edit one vendor; dismisses with the checked columns (`forms.check_vendor`), or None."""

    def __init__(self, vendor: Vendor | None, types: list[VendorContactType]) -> None:
        super().__init__()
        self.vendor = vendor
        self.types = types
        self.dialog_title = "Edit Vendor" if vendor else "Add Vendor"

    def compose_body(self) -> ComposeResult:
        for name, spec in used(TABLE, "edited").items():
            value = getattr(self.vendor, name) if self.vendor else None
            if name == "contact_type_id":  # the types in use, and the vendor's own even if retired
                offered = [(t.label, str(t.id)) for t in self.types if t.active or t.id == value]
                control = Select(offered, value=str(value) if value else Select.NULL, prompt="(none)",
                                 id=name, compact=True)
                yield FormField(spec.label, control)
                continue
            yield FormField(spec.label, text_input(name, value, spec.placeholder), required=spec.required)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#company").focus()

    def submit(self) -> None:
        try:
            clean = check_vendor(self.values())
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(clean)


class VendorsScreen(WaitsForData, Screen):
    TITLE = "Vendors"
    CSS_PATH = "../styles/vendors.tcss"
    AUTO_FOCUS = "#vendor-table"
    BINDINGS = [
        Binding("escape", "app.back", "Back"),
        Binding("slash", "find", "Find", key_display="/"),
        Binding("f", "filter_type", "Type"),
        Binding("a,plus", "add", "Add", key_display="a/+"),
        Binding("d,delete", "delete", "Delete", key_display="d"),
        Binding("t", "contact_types", "Types", tooltip="Edit the contact types"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.vendors: list[Vendor] = []
        self.types: list[VendorContactType] = []

    @property
    def editor(self) -> bool:
        return self.app.may(Permission.EDIT_VENDORS)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="vendor-filters"):
            yield Select([], prompt="All types", id="vendor-type", compact=True)
            yield Input(placeholder="/ find: company, contact, phone, email…", id="vendor-find", compact=True)
        yield VendorTable(id="vendor-table")
        yield Static(VendorTable.EMPTY, classes="tab-empty")
        yield Static("", id="vendor-detail")
        yield RepFooter()

    def on_mount(self) -> None:
        reload_when_synced(self, {"vendors", "vendor_contact_types"}, self.reload)
        self.reload()

    def on_screen_resume(self) -> None:
        """Back from the contact types (or a form): show what they changed."""
        if self.is_mounted and self.types is not None:
            self.reload()

    def on_unmount(self) -> None:
        self.app.rows_changed_signal.unsubscribe(self)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Add and delete are for the users who may edit the directory (the server checks again)."""
        if action in ("add", "delete", "contact_types"):
            return self.editor
        return True

    def focus_top(self) -> None:
        self.query_one(VendorTable).focus()

    # --- reading ------------------------------------------------------------

    def _type_filter(self) -> uuid.UUID | None:
        chosen = self.query_one("#vendor-type", Select)
        return None if chosen.is_blank() else uuid.UUID(str(chosen.value))

    def reload(self) -> None:
        from rep_tui.store.vendors import directory

        type_id, text = self._type_filter(), self.query_one("#vendor-find", Input).value
        in_store(self, "read the vendors", lambda session: directory(session, type_id=type_id, text=text),
                 self._show, group="vendors-load")

    def _show(self, found) -> None:
        focused_table = self.focused is None or isinstance(self.focused, VendorTable)
        if [t.id for t in found.types] != [t.id for t in self.types] or \
                [t.label for t in found.types] != [t.label for t in self.types]:
            self.types = found.types
            chooser = self.query_one("#vendor-type", Select)
            kept = chooser.value
            with chooser.prevent(Select.Changed):
                chooser.set_options([(t.label, str(t.id)) for t in found.types])
                if kept in {str(t.id) for t in found.types}:
                    chooser.value = kept
        self.directory = found
        self.vendors = found.vendors
        table = self.query_one(VendorTable)
        table.fill([(str(v.id), (v.company, found.type_label(v), v.contact_name or "", v.phone or "", v.email or ""))
                    for v in found.vendors])
        self._show_detail()
        if focused_table:
            table.focus()
        self.data_shown.set()  # keys typed while it opened act on the vendors now

    def _highlighted(self) -> Vendor | None:
        key = self.query_one(VendorTable).current_key()
        return next((v for v in self.vendors if str(v.id) == key), None)

    @on(DataTable.RowHighlighted, "#vendor-table")
    def _show_detail(self) -> None:
        vendor = self._highlighted()
        detail = self.query_one("#vendor-detail", Static)
        if vendor is None:
            detail.update(Content(self._hint()))
            return
        lines = [" · ".join(x for x in (vendor.company, self.directory.type_label(vendor), vendor.contact_name) if x),
                 " · ".join(x for x in (vendor.phone, vendor.alt_phone and f"alt {vendor.alt_phone}", vendor.email,
                                        vendor.address) if x),
                 vendor.note or "", self._hint()]
        detail.update(Content(visible("\n".join(lines), lines=True)))

    def _hint(self) -> str:
        if self.editor:
            return "a adds a vendor · Enter edits · d deletes · t contact types · f type · / find"
        return "f filters by type · / finds by text · the office keeps this list"

    @on(Select.Changed, "#vendor-type")
    @on(Input.Changed, "#vendor-find")
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#vendor-find")
    def _to_table(self) -> None:
        self.query_one(VendorTable).focus()

    def action_find(self) -> None:
        self.query_one("#vendor-find", Input).focus()

    def action_filter_type(self) -> None:
        chooser = self.query_one("#vendor-type", Select)
        chooser.focus()
        chooser.action_show_overlay()

    # --- writing ------------------------------------------------------------

    def action_contact_types(self) -> None:
        from rep_tui.screens.office_lists import CONTACT_TYPES, OfficeListScreen

        self.app.push_screen(OfficeListScreen(CONTACT_TYPES))

    def _save(self, vendor_id: uuid.UUID | None, done: str):
        from rep_tui.store.vendors import save_vendor

        actor = self.app.actor

        def saved(_vendor) -> None:
            self.notify(done)
            self.reload()

        def answered(clean: dict | None) -> None:
            if clean:
                in_store(self, "save the vendor", lambda session: save_vendor(session, actor, vendor_id, clean), saved,
                         exclusive=False)

        return answered

    def action_add(self) -> None:
        self.app.push_screen(VendorScreen(None, self.types), self._save(None, "Vendor added."))

    @on(DataTable.RowSelected, "#vendor-table")
    def _edit(self) -> None:
        vendor = self._highlighted()
        if vendor is None:
            return
        if not self.editor:
            self.notify("The office keeps the vendor directory: you may read it.", severity="warning")
            return
        self.app.push_screen(VendorScreen(vendor, self.types), self._save(vendor.id, "Vendor saved."))

    def action_delete(self) -> None:
        from rep_tui.screens.confirm import ConfirmScreen
        from rep_tui.store.vendors import delete_vendor

        vendor = self._highlighted()
        if vendor is None:
            self.notify("No vendor to delete.", severity="warning")
            return
        actor = self.app.actor

        def deleted(_result) -> None:
            self.notify(f"{vendor.company} deleted.")
            self.reload()

        def answered(yes: bool | None) -> None:
            if yes:
                in_store(self, "delete the vendor", lambda session: delete_vendor(session, actor, vendor.id), deleted,
                         exclusive=False)

        self.app.push_screen(ConfirmScreen(f"Delete the vendor {vendor.company}?"), answered)
