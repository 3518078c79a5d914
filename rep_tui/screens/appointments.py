"""My Appointments (placeholder until its screen lands)."""

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class AppointmentsScreen(Screen):
    TITLE = "My Appointments"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("My Appointments")
        yield Footer()
