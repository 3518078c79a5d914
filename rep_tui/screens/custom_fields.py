"""Custom Fields: the customer fields the office defines, for a user allowed
to edit them (`Permission.EDIT_CUSTOM_FIELDS`): a row per field in the
office's order; `a` adds one, Enter edits its label, choices, order and
whether it is required, `x` deactivates it (its values stay on the leads,
hidden) or brings it back. Reached by F10 or "Custom fields" in the palette
(F9 is the Admin screen of users, teams and groups).

Changes are written on the device like any edit and reach the server on the
next sync, which checks them again (and refuses them from anyone without the
permission)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Select, Static

from rep_tui.domain.custom_fields import KINDS, Definition, check_key, definition_errors, make_key, parse_choices
from rep_tui.domain.forms import FormErrors, collect
from rep_tui.domain.validation import Invalid
from rep_tui.messages import reload_when_synced
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store_io import in_store
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.row_table import Column
from rep_tui.widgets.tabs.tables import RecordTable

#: A new field's place: after the last, with room to put one between.
ORDER_STEP = 10


class DefinitionTable(RecordTable):
    EMPTY = "No custom fields yet: a adds one."
    BINDINGS = [Binding("enter", "select_cursor", "Edit")]
    COLUMNS = (Column("#", 4), Column("Label", 20, grow=1), Column("Kind", 8), Column("Choices", 22, grow=1),
               Column("Req", 3), Column("In use", 6), Column("Key", 16, wide_only=True))

    def show_definitions(self, rows: list[tuple[uuid.UUID, Definition]]) -> None:
        self.fill([(str(row_id), (str(d.sort_order), d.label, dict(KINDS)[d.kind], ", ".join(d.choices),
                                  "yes" if d.required else "", "yes" if d.active else "no", d.key))
                   for row_id, d in rows])


class DefinitionDialog(FormDialog[Definition]):
    """Add a field, or change one (its key and kind are fixed once made):
    dismisses with the checked definition, or None."""

    def __init__(self, definition: Definition | None, taken_keys: set[str], next_order: int) -> None:
        super().__init__()
        self.definition = definition
        self.taken_keys = taken_keys
        self.next_order = next_order
        self.dialog_title = f"Edit Field: {definition.label}" if definition else "Add Custom Field"

    def compose_body(self) -> ComposeResult:
        d = self.definition
        yield FormField("Label", text_input("label", d and d.label, "e.g. Siding Type"), required=True)
        if d is None:
            yield FormField("Kind", Select([(name, kind) for kind, name in KINDS], id="kind", value="text",
                                           allow_blank=False, compact=True))
            yield FormField("Key", text_input("key", None, "from the label, e.g. siding_type"))
        if d is None or d.kind == "choice":
            yield FormField("Choices", text_input("choices", d and ", ".join(d.choices), "e.g. Cedar, Vinyl, Brick"))
        yield FormField("Required", Select([("No", "no"), ("Yes", "yes")], id="required", allow_blank=False,
                                           value="yes" if d and d.required else "no", compact=True))
        yield FormField("Order", text_input("sort_order", d.sort_order if d else self.next_order))

    def on_mount(self) -> None:
        self.query_one("#label").focus()

    def _checked(self, values: dict) -> Definition:
        """The definition the form holds, or FormErrors naming each bad field."""
        d = self.definition
        clean = collect(values, {
            "label": lambda v: v.strip() or _refuse("A field needs a label."),
            "choices": parse_choices,
            "sort_order": _whole_number,
            **({} if d else {"key": lambda v: self._new_key(v, values.get("label") or "")}),
        })
        made = Definition(clean["key"], clean["label"], values["kind"]) if d is None else d
        made = replace(made, label=clean["label"], choices=tuple(clean["choices"]),
                       required=values["required"] == "yes", sort_order=clean["sort_order"])
        errors = definition_errors(made)
        if errors:
            raise FormErrors(errors)
        return made

    def _new_key(self, typed: str, label: str) -> str:
        key = check_key(typed.strip()) if typed.strip() else make_key(label or "field")
        if key in self.taken_keys:
            raise Invalid(f"The key {key!r} is taken: give another.")
        return key

    def submit(self) -> None:
        try:
            self.dismiss(self._checked(self.values()))
        except FormErrors as exc:
            self.show_errors(exc.errors)


def _refuse(message: str) -> str:
    raise Invalid(message)


def _whole_number(typed: str) -> int:
    try:
        return int((typed or "0").strip() or "0")
    except ValueError:
        raise Invalid("The order is a whole number, like 10.") from None


class CustomFieldsScreen(Screen):
    TITLE = "Custom Fields"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("a,plus", "add", "Add", key_display="a/+"),
        Binding("x", "toggle_active", "Deactivate / reactivate"),
    ]
    DEFAULT_CSS = """
    CustomFieldsScreen #fields-note { height: auto; padding: 0 1; color: $text-muted; }
    CustomFieldsScreen .tab-empty { padding: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[uuid.UUID, Definition]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Fields the office adds to every customer: shown on Customer Information, edited in Edit "
                     "Customer, searched (text and choice), imported by label or key.", id="fields-note")
        yield DefinitionTable(id="fields-table")
        yield Static(DefinitionTable.EMPTY, classes="tab-empty")
        yield RepFooter()

    def on_mount(self) -> None:
        self.reload()
        reload_when_synced(self, {"custom_fields"}, self.reload)

    def on_unmount(self) -> None:
        self.app.rows_changed_signal.unsubscribe(self)

    def focus_top(self) -> None:
        self.query_one(DefinitionTable).focus()

    def reload(self) -> None:
        from rep_tui.store.custom_fields import definition_rows

        in_store(self, "read the custom fields", definition_rows, self._show, group="custom-fields-load")

    def _show(self, rows: list[tuple[uuid.UUID, Definition]]) -> None:
        self.rows = rows
        self.query_one(DefinitionTable).show_definitions(rows)
        self.focus_top()

    def _current(self) -> tuple[uuid.UUID, Definition] | None:
        key = self.query_one(DefinitionTable).current_key()
        return next(((row_id, d) for row_id, d in self.rows if str(row_id) == key), None)

    def _save(self, row_id: uuid.UUID | None, done: str):
        from rep_tui.store.custom_fields import save_definition

        actor = self.app.actor

        def saved(_row) -> None:
            self.notify(done)
            self.reload()

        def answered(definition: Definition | None) -> None:
            if definition is not None:
                in_store(self, "save the custom field",
                         lambda session: save_definition(session, actor, definition, row_id), saved, exclusive=False)

        return answered

    def action_add(self) -> None:
        next_order = max((d.sort_order for _id, d in self.rows), default=0) + ORDER_STEP
        self.app.push_screen(DefinitionDialog(None, {d.key for _id, d in self.rows}, next_order),
                             self._save(None, "Custom field added."))

    @on(DataTable.RowSelected)
    def _edit(self, _event: DataTable.RowSelected) -> None:
        current = self._current()
        if current is not None:
            row_id, definition = current
            self.app.push_screen(DefinitionDialog(definition, set(), definition.sort_order),
                                 self._save(row_id, "Custom field saved."))

    def action_toggle_active(self) -> None:
        current = self._current()
        if current is None:
            return
        row_id, definition = current
        done = (f"{definition.label} deactivated: its values stay on the leads, hidden." if definition.active
                else f"{definition.label} is in use again.")
        self._save(row_id, done)(replace(definition, active=not definition.active))
