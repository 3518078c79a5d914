"""Self Gen (placeholder until its screen lands)."""

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class SelfGenScreen(Screen):
    TITLE = "Self Gen"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Self Gen")
        yield Footer()
