"""Be Backs (placeholder until its screen lands)."""

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class BeBacksScreen(Screen):
    TITLE = "Be Backs"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Be Backs")
        yield Footer()
