"""The changes of one row (an engagement's "view changes")."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from rep_tui.domain.safe_text import visible
from rep_tui.screens.form_dialog import Dialog
from rep_tui.store.models import ChangeRecord
from rep_tui.widgets.tabs.tables import ChangeTable


class ChangesScreen(Dialog[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    ChangesScreen ChangeTable { height: auto; max-height: 20; }
    """

    def __init__(self, title: str, changes: list[ChangeRecord], tz: str) -> None:
        super().__init__()
        self.changes_title = title
        self.changes = changes
        self.tz = tz

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(f"Changes — {visible(self.changes_title)}  (Esc closes)", classes="dialog-title",
                         markup=False)
            yield ChangeTable(id="changes-table")
            yield Static("No changes recorded: it has not been edited since it came to this device.",
                         classes="muted", id="no-changes")

    def on_mount(self) -> None:
        table = self.query_one(ChangeTable)
        table.show_changes(self.changes, self.tz)
        table.display = bool(self.changes)
        self.query_one("#no-changes").display = not self.changes
        table.focus()
