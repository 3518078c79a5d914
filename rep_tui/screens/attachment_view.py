"""Attachments shown inside the terminal: a document's text (when the
system viewer is out of reach, e.g. over SSH) and a picture full size."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from rep_tui.screens.form_dialog import Dialog
from rep_tui.widgets.picture import picture_widget

TEXT_LIMIT = 512 * 1024
TEXT_MIMES = ("application/json", "application/xml", "application/csv", "application/x-sh")


def document_text(path: Path, mime: str) -> str:
    """The readable text of a document, or a sentence saying why there is none."""
    if not path.is_file():
        return "This file is not downloaded to this device yet: it comes with the next sync."
    if mime.startswith("text/") or mime in TEXT_MIMES:
        with path.open("rb") as fh:
            return fh.read(TEXT_LIMIT).decode("utf-8", errors="replace")
    if mime == "application/pdf":
        pdftotext = shutil.which("pdftotext")
        if pdftotext is None:
            return "PDF text cannot be shown here: pdftotext (poppler-utils) is not installed on this machine."
        done = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, timeout=60)
        return done.stdout.decode("utf-8", errors="replace")[:TEXT_LIMIT] or "This PDF has no text (scanned?)."
    return f"A {mime} file cannot be shown in the terminal; open it on a computer with a viewer."


class _ViewerScreen(Dialog[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    _ViewerScreen TextArea, _ViewerScreen .full-picture { height: 1fr; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.viewer_title = title


class DocumentTextScreen(_ViewerScreen):
    """Reads the text in a thread (pdftotext can take a moment)."""

    def __init__(self, title: str, path: Path, mime: str) -> None:
        super().__init__(title)
        self.path = path
        self.mime = mime

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(f"{self.viewer_title}  (Esc closes)", classes="dialog-title", markup=False)
            yield TextArea("", read_only=True, soft_wrap=True, id="document-text")

    def on_mount(self) -> None:
        self.query_one(TextArea).loading = True
        self._read()

    @work(thread=True, exclusive=True, group="document", exit_on_error=False)
    def _read(self) -> None:
        text = document_text(self.path, self.mime)
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        area = self.query_one(TextArea)
        area.load_text(text)
        area.loading = False
        area.focus()


class PictureScreen(_ViewerScreen):
    def __init__(self, title: str, path: Path) -> None:
        super().__init__(title)
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(f"{self.viewer_title}  (Esc closes)", classes="dialog-title", markup=False)
            yield picture_widget(self.path, classes="full-picture")
