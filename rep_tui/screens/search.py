"""Search (placeholder until its screen lands)."""

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class SearchScreen(Screen):
    TITLE = "Search"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Search")
        yield Footer()
