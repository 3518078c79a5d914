"""The map link shown in the terminal when no browser can open here (SSH):
a clickable hyperlink, already copied to the clipboard with the address."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from rep_tui.domain.safe_text import visible
from rep_tui.screens.form_dialog import Dialog


class MapLinkScreen(Dialog[None]):
    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    MapLinkScreen .dialog-title { margin-bottom: 1; }
    MapLinkScreen #map-url { margin: 1 0; }
    """

    def __init__(self, address: str, url: str) -> None:
        super().__init__()
        self.address = address
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Map", classes="dialog-title")
            yield Static(Content(visible(self.address)), id="map-address")
            yield Static(Content("Open in Google Maps").stylize(Style(link=self.url, bold=True, underline=True)),
                         id="map-url")
            yield Static(Content(self.url), classes="muted")
            yield Static("Copied to the clipboard (address and link). Esc closes.", classes="muted")

    def on_mount(self) -> None:
        self.app.copy_to_clipboard(f"{self.address}\n{self.url}")
