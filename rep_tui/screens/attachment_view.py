"""Attachments shown inside the terminal: a document's text (when the
system viewer is out of reach, e.g. over SSH) and a picture full size."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path
from typing import TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.widgets import Static, TextArea

from rep_tui.screens.form_dialog import Dialog
from rep_tui.store.leads import LeadFile, blob_path, human_size
from rep_tui.widgets.loading import loaded
from rep_tui.widgets.picture import decode_picture, picture_widget
from rep_tui.widgets.when import local_stamp

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


ResultT = TypeVar("ResultT")


class _ViewerScreen(Dialog[ResultT]):
    BINDINGS = [Binding("escape,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    _ViewerScreen TextArea, _ViewerScreen #full-picture { height: 1fr; }
    _ViewerScreen #full-picture { align: center middle; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.viewer_title = title


class DocumentTextScreen(_ViewerScreen[None]):
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
        loaded(area)
        area.focus()


class PictureScreen(_ViewerScreen[int]):
    """One of the lead's pictures as large as the screen allows, with what is known
    about it; Left/Right (or h/l) go to the previous/next one. Closing answers the
    index last shown, so the grid's cursor follows."""

    BINDINGS = [
        Binding("escape,q", "close", "Back"),
        Binding("left,h", "step(-1)", "Previous"),
        Binding("right,l", "step(1)", "Next"),
    ]

    def __init__(self, lead_file: LeadFile, index: int, blobs_dir: Path, tz: str) -> None:
        super().__init__("Pictures")
        self.lead_file = lead_file
        self.index = index
        self.blobs_dir = blobs_dir
        self.tz = tz
        self.closed_result = index

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("", id="picture-title", classes="dialog-title", markup=False)
            yield Container(id="full-picture")
            yield Static("", id="picture-facts", markup=False)
            yield Static("← → previous / next picture · Esc back to the grid", classes="muted")

    def on_mount(self) -> None:
        self._show()

    def on_resize(self) -> None:
        self._show()

    def action_step(self, step: int) -> None:
        self.index = self.closed_result = (self.index + step) % len(self.lead_file.pictures)
        self._show()

    def action_close(self) -> None:
        self.dismiss(self.index)

    def _show(self) -> None:
        picture = self.lead_file.pictures[self.index]
        count = len(self.lead_file.pictures)
        title = f"Picture {self.index + 1} of {count} — {picture.description}"
        self.query_one("#picture-title", Static).update(title)
        uploader = self.lead_file.user_name(picture.uploaded_by)
        engagement = self.lead_file.engagement_subject(picture.engagement_id)
        facts = (picture.filename, human_size(picture.size), uploader and f"uploaded by {uploader}",
                 local_stamp(picture.created_at, self.tz), engagement and f"engagement “{engagement}”")
        self.query_one("#picture-facts", Static).update(" · ".join(filter(None, facts)))
        self._draw(blob_path(self.blobs_dir, picture.sha256))

    @work(exclusive=True, group="picture", exit_on_error=False)
    async def _draw(self, path: Path) -> None:
        """Decode in a thread at the size the screen leaves for it, then show it."""
        holder = self.query_one("#full-picture")
        size = holder.content_size
        decoded = await asyncio.to_thread(decode_picture, path, size.width, size.height)
        await holder.remove_children()
        await holder.mount(picture_widget(decoded, headless=self.app.is_headless))
