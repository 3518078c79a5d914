"""The `?` screen: every key of the screen underneath (including the focused
widget's), then the keys that work everywhere (and that 1–6 type digits in
a text field, where F1–F6 still switch screens). Read from the live
bindings, so it is never out of date; keys doing the same thing share a row
("1, f1")."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from rep_tui.widgets.markup_text import in_markup

GROUPS = ("This screen", "Everywhere", "Moving around")
TYPING_NOTE = "In a text field 1–6 type digits: F1–F6 work everywhere, also while typing."


def _textual_default(node, binding: Binding) -> bool:
    """A binding Textual itself gives this kind of widget (cursor keys, Tab, copy)."""
    for cls in type(node).__mro__:
        if cls.__module__.startswith("textual.") and any(
            isinstance(b, Binding) and (b.action, b.description) == (binding.action, binding.description)
            for b in cls.__dict__.get("BINDINGS", ())
        ):
            return True
    return False


def key_rows(under: Screen) -> dict[str, list[tuple[str, str]]]:
    """{group: [(keys, what they do)]} for the screen underneath, in GROUPS order."""
    app = under.app
    groups: dict[str, dict[tuple[str, str], list[str]]] = {name: {} for name in GROUPS}
    for active in under.active_bindings.values():
        binding: Binding = active.binding
        if not binding.description:
            continue
        if isinstance(active.node, App):
            group = "Everywhere"
        else:
            group = "Moving around" if _textual_default(active.node, binding) else "This screen"
        # A short footer label keeps its full wording in the tooltip.
        keys = groups[group].setdefault((binding.action, binding.tooltip or binding.description), [])
        shown = app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    return {
        name: [(", ".join(keys), description) for (_action, description), keys in rows.items()]
        for name, rows in groups.items()
    }


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "../styles/help.tcss"
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        title = self.under.title or getattr(self.under, "dialog_title", "") or "this window"
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = f"Keys — {in_markup(title)}"  # a title may hold a name
            scroll.border_subtitle = "Esc closes"
            for number, name in enumerate(GROUPS):
                yield Static(name, classes="section-title")
                table = DataTable(show_cursor=False, zebra_stripes=True, id=f"keys-{number}")
                table.can_focus = False  # the box scrolls with the arrow keys instead
                yield table
                if name == "Everywhere":
                    yield Static(TYPING_NOTE, classes="help-note")

    def on_mount(self) -> None:
        for number, rows in enumerate(key_rows(self.under).values()):
            table = self.query_one(f"#keys-{number}", DataTable)
            table.add_columns("Key", "Does")
            rows = rows or [("—", "no keys of its own")]
            table.add_rows(rows)
            table.styles.height = len(rows) + 1  # known now; `auto` would wait for the table to measure itself
