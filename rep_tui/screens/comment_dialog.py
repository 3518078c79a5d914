"""Add Comment: comments are append-only, so this only ever adds one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import TextArea

from rep_tui.screens.form_dialog import FormDialog
from rep_tui.widgets.form_field import FormField


class AddCommentScreen(FormDialog[str]):
    """Dismisses with the comment's text; an empty comment is refused here."""

    dialog_title = "Add Comment"
    submit_label = "Add"
    DEFAULT_CSS = """
    AddCommentScreen #body { height: 6; }
    """

    def compose_body(self) -> ComposeResult:
        yield FormField("Comment", TextArea(id="body", soft_wrap=True, show_line_numbers=False), required=True)

    def on_mount(self) -> None:
        self.query_one("#body", TextArea).focus()

    def submit(self) -> None:
        text = self.values()["body"].strip()
        if not text:
            self.show_errors({"body": "Write a comment first; an empty comment is not added."})
            return
        self.dismiss(text)
