"""The `?` screen: every key of the screen underneath, and the app-wide keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    HelpScreen DataTable { height: auto; }
    """

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(f"[b]Keys — {self.under.title or type(self.under).__name__}[/b]  (Esc closes)")
            yield DataTable(show_cursor=False, zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does")
        seen = set()
        for key, active in self.under.active_bindings.items():
            binding = active.binding
            if not binding.description or (binding.description, key) in seen:
                continue
            seen.add((binding.description, key))
            table.add_row(self.app.get_key_display(binding), binding.description)
        table.add_row("Ctrl+P", "Command palette: screens, leads, actions")
