"""Dashboard (placeholder until its screen lands)."""

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class DashboardScreen(Screen):
    TITLE = "Dashboard"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Dashboard")
        yield Footer()
