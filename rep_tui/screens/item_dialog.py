"""Add an invoice item to a job: one of the catalogue's items and how many."""

from __future__ import annotations

import uuid

from textual.app import ComposeResult
from textual.widgets import Select

from rep_tui.domain.forms import FormErrors, check_quantity, collect
from rep_tui.domain.validation import Invalid, format_money
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store.models import CatalogueItem
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.markup_text import in_markup


def _chosen(value: str) -> str:
    if not value:
        raise Invalid("Choose an item.")
    return value


class AddItemScreen(FormDialog[tuple[uuid.UUID, int]]):
    """Dismisses with (catalogue item id, quantity), or None."""

    dialog_title = "Add Invoice Item"
    submit_label = "Add"

    def __init__(self, items: list[CatalogueItem]) -> None:
        super().__init__()
        self.items = items

    def compose_body(self) -> ComposeResult:
        options = [(in_markup(f"{i.sku} · {i.name} · {format_money(i.price_cents)}"), str(i.id)) for i in self.items]
        yield FormField("Item", Select(options, id="item", compact=True, prompt="(choose)", type_to_search=True),
                        required=True)
        yield FormField("Quantity", text_input("quantity", 1, "e.g. 12"), required=True)

    def on_mount(self) -> None:
        self.query_one("#item").focus()

    def submit(self) -> None:
        try:
            clean = collect(self.values(), {"item": _chosen, "quantity": check_quantity})
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss((uuid.UUID(clean["item"]), clean["quantity"]))
