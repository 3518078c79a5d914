"""Result Codes: the codes a rep picks in the Result dialog, in their order,
with the flags that decide what each counts as in every stat. An admin (any
user allowed `EDIT_RESULT_CODES`) adds one (`a`), edits one (`e` or Enter)
and stops offering one (`d`; `d` again offers it again). Codes are never
deleted: old appointments keep theirs. Saved to the local store and synced
like every change; stats re-read the flags when they are next shown.

Reached from the Ctrl+P palette ("Result codes") by users allowed to."""

from __future__ import annotations

import uuid
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Header, Input, Static

from rep_tui.domain.forms import FormErrors
from rep_tui.domain.result_codes import FLAG_HEADS, FLAGS
from rep_tui.domain.safe_text import visible
from rep_tui.messages import reload_when_synced
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store.models import ResultCode
from rep_tui.store_io import in_store
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.form_field import FormField, text_input

TICK = "✓"


class ResultCodeDialog(FormDialog[dict]):
    """Add or edit one code; `save(dialog, code id, values)` checks and writes
    it, then dismisses the dialog or marks the refused fields."""

    def __init__(self, code: ResultCode | None, save) -> None:
        super().__init__()
        self.code = code
        self._save = save
        self.dialog_title = f"Edit result code {code.code}" if code else "Add result code"

    def compose_body(self) -> ComposeResult:
        c = self.code
        yield FormField("Code", text_input("code", c.code if c else "", "e.g. ONELEG"), required=True)
        yield FormField("Label", text_input("label", c.label if c else "", "what a rep reads"), required=True)
        yield FormField("Key", text_input("key", c.key if c else "", "one letter or digit", max_length=1),
                        required=True)
        yield FormField("Order", text_input("sort_order", c.sort_order if c else "", "lower comes first"))
        for name, label in FLAGS.items():
            yield FormField("", Checkbox(label, bool(c and getattr(c, name)), id=name, compact=True))
        yield FormField("", Checkbox("Offered in the Result dialog", c.active if c else True, id="active",
                                     compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#label" if self.code else "#code", Input).focus()

    def submit(self) -> None:
        self._save(self, self.code.id if self.code else None, self.values())


class ResultCodesScreen(Screen):
    TITLE = "Result Codes"
    CSS_PATH = "../styles/result_codes.tcss"
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "toggle_active", "Deactivate / offer again"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[ResultCode] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("The codes of the Result dialog, in order. Flags decide every stat: "
                     "a: add · e: edit · d: stop offering (old appointments keep it)", id="codes-help")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="codes")
        yield RepFooter()

    def on_mount(self) -> None:
        table = self.query_one("#codes", DataTable)
        table.add_column("Code", width=6)
        table.add_column("Label", width=16)
        table.add_column("Key", width=3)
        for head in FLAG_HEADS:
            table.add_column(head, width=len(head))
        table.add_column("Ord", width=3)
        table.add_column("Offered", width=7)
        table.focus()
        reload_when_synced(self, {"result_codes"}, self.load)
        self.load()

    def on_unmount(self) -> None:
        self.app.rows_changed_signal.unsubscribe(self)

    def load(self) -> None:
        from rep_tui.store.result_codes import all_codes

        in_store(self, "read the result codes", all_codes, self._show, group="result-codes-load")

    def _show(self, codes: list[ResultCode]) -> None:
        self.codes = codes
        table = self.query_one("#codes", DataTable)
        row = table.cursor_row
        table.clear()
        for code in codes:
            style = "" if code.active else "dim"
            cells = [visible(code.code), visible(code.label), code.key,
                     *(TICK if getattr(code, name) else "" for name in FLAGS),
                     str(code.sort_order), "yes" if code.active else "no"]
            table.add_row(*(Text(cell, style=style) for cell in cells), key=str(code.id))
        if codes:
            table.move_cursor(row=min(row, len(codes) - 1))

    def _current(self) -> ResultCode | None:
        table = self.query_one("#codes", DataTable)
        return self.codes[table.cursor_row] if self.codes and 0 <= table.cursor_row < len(self.codes) else None

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        """Enter on a code edits it, as `e` does."""
        self.action_edit()

    def action_add(self) -> None:
        self.app.push_screen(ResultCodeDialog(None, self.save))

    def action_edit(self) -> None:
        if (code := self._current()) is not None:
            self.app.push_screen(ResultCodeDialog(code, self.save))

    def action_toggle_active(self) -> None:
        from rep_tui.store.result_codes import set_active

        code = self._current()
        if code is None:
            return
        actor, active = self.app.actor, not code.active

        def toggle(session) -> FormErrors | None:
            try:
                set_active(session, actor, code.id, active)
            except FormErrors as refused:
                return refused
            return None

        def done(refused: FormErrors | None) -> None:
            if refused is not None:
                self.app.notify(f"{code.code} not changed: {' '.join(refused.errors.values())}", severity="error")
                return
            self.app.notify(f"{code.code} is {'offered again' if active else 'no longer offered'}.")
            self.load()

        in_store(self, "change the result code", toggle, done, group="result-codes-write")

    def save(self, dialog: ResultCodeDialog, code_id: uuid.UUID | None, values: dict[str, Any]) -> None:
        """Check and write what `dialog` holds; refused fields are marked there and nothing is written."""
        from rep_tui.store.result_codes import save_code

        actor = self.app.actor

        def write(session) -> FormErrors | str:
            try:
                return save_code(session, actor, code_id, values).code
            except FormErrors as refused:
                return refused

        def done(outcome: FormErrors | str) -> None:
            if isinstance(outcome, FormErrors):
                dialog.show_errors(outcome.errors)
                return
            dialog.dismiss(values)
            self.app.notify(f"Result code {outcome} saved.")
            self.load()

        in_store(self, "save the result code", write, done, group="result-codes-write")
