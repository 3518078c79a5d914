"""The changes of one row (an engagement's "view changes")."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from rep_tui.store.models import ChangeRecord
from rep_tui.widgets.tabs.tables import ChangeTable


class ChangesScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    ChangesScreen { align: center middle; }
    ChangesScreen > Vertical {
        width: 100%; max-width: 110; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ChangesScreen .title { text-style: bold; color: $primary; }
    ChangesScreen ChangeTable { height: auto; max-height: 20; }
    """

    def __init__(self, title: str, changes: list[ChangeRecord], tz: str) -> None:
        super().__init__()
        self.changes_title = title
        self.changes = changes
        self.tz = tz

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Changes — {self.changes_title}  (Esc closes)", classes="title", markup=False)
            yield ChangeTable()

    def on_mount(self) -> None:
        table = self.query_one(ChangeTable)
        table.show(self.changes, self.tz)
        table.focus()

    def on_click(self, event: events.Click) -> None:
        if event.widget is self:
            self.dismiss(None)
