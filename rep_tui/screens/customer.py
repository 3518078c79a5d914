"""Customer Information (placeholder until its screen lands)."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class CustomerScreen(Screen):
    TITLE = "Customer Information"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, lead_id) -> None:
        super().__init__()
        self.lead_id = lead_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(str(self.lead_id))
        yield Footer()
