"""My Stats (placeholder until its screen lands)."""

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class StatsScreen(Screen):
    TITLE = "My Stats"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("My Stats")
        yield Footer()
