"""Attachments shown inside the terminal: a document's text (a PDF's too,
read by pypdf, so it opens over SSH as well), with keys to open it in the
system viewer or save it to Downloads; and a picture full size."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.widgets import Static, TextArea

from rep_tui.blobs import blob_path
from rep_tui.domain.safe_text import visible
from rep_tui.screens.form_dialog import Dialog
from rep_tui.store.leads import LeadFile, human_size
from rep_tui.widgets.footer import RepFooter
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
        return pdf_text(path)
    return f"A {mime} file cannot be shown in the terminal: o opens it in a viewer, s saves it to Downloads."


def pdf_text(path: Path) -> str:
    """Every page's text under a "Page 2 of 5" rule, or a sentence saying why there is none."""
    import pypdf  # imported here: only a PDF being read needs it

    logging.getLogger("pypdf").addHandler(logging.NullHandler())  # its warnings must not write over the screen
    logging.getLogger("pypdf").propagate = False
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            return "This PDF is locked with a password, so its text cannot be shown: o opens it in a viewer."
        pages = [_page_text(page) for page in reader.pages]
    except Exception as exc:  # a damaged file can fail in many ways deep inside pypdf
        return (f"This PDF is damaged and cannot be read ({exc or type(exc).__name__}). "
                "s saves it to Downloads to try another program.")
    if not any(text.strip() for text in pages):
        return (f"This PDF ({len(pages)} page{'s' if len(pages) != 1 else ''}) has no text to show: it is probably "
                "a scan. o opens it in a viewer, s saves it to Downloads.")
    shown = [f"── Page {number} of {len(pages)} ──\n{text.strip()}" for number, text in enumerate(pages, 1)]
    return "\n\n".join(shown)[:TEXT_LIMIT]


def _page_text(page) -> str:
    try:
        return page.extract_text() or ""
    except Exception as exc:  # one bad page must not hide the others
        return f"(this page could not be read: {type(exc).__name__})"


ResultT = TypeVar("ResultT")


class _ViewerScreen(Dialog[ResultT]):
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("question_mark", "app.help", "Help", key_display="?"),  # a modal screen keeps the app's keys out
    ]
    DEFAULT_CSS = """
    _ViewerScreen TextArea, _ViewerScreen #full-picture { height: 1fr; }
    _ViewerScreen #full-picture { align: center middle; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.viewer_title = title


class DocumentTextScreen(_ViewerScreen[None]):
    """Reads the text in a thread (a long PDF takes a moment); `o` opens the
    file in the system viewer, `s` saves a copy to Downloads."""

    BINDINGS = [
        Binding("o", "open_in_viewer", "Open in viewer"),
        Binding("s", "save_to_downloads", "Save to Downloads"),
    ]

    def __init__(self, title: str, path: Path, mime: str, filename: str) -> None:
        super().__init__(title)
        self.path = path
        self.mime = mime
        self.filename = filename

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(f"{visible(self.viewer_title)}  (Esc closes)", classes="dialog-title", markup=False)
            yield TextArea("", read_only=True, soft_wrap=True, id="document-text")
            yield RepFooter()

    def on_mount(self) -> None:
        self.query_one(TextArea).loading = True
        self._read()

    @work(thread=True, exclusive=True, group="document", exit_on_error=False)
    def _read(self) -> None:
        text = document_text(self.path, self.mime)
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        area = self.query_one(TextArea)
        area.load_text(visible(text, lines=True))  # a text file may hold escape sequences too
        loaded(area)
        area.focus()

    @work(thread=True, exclusive=True, group="document-open", exit_on_error=False)
    def action_open_in_viewer(self) -> None:
        from rep_tui.screens.open_external import NoViewer, open_in_viewer

        try:
            open_in_viewer(self.path, self.filename)
        except NoViewer as exc:
            self.app.call_from_thread(self.notify, f"{exc} s saves it to Downloads.", severity="warning",
                                      timeout=8)
        else:
            self.app.call_from_thread(self.notify, f"Opened {self.filename} in your viewer.")

    @work(thread=True, exclusive=True, group="document-save", exit_on_error=False)
    def action_save_to_downloads(self) -> None:
        from rep_tui.screens.open_external import downloads_dir, save_to_downloads

        if not self.path.is_file():
            self.app.call_from_thread(self.notify, "This file is not downloaded to this device yet: it comes with "
                                      "the next sync.", severity="warning")
            return
        folder = downloads_dir()
        try:
            saved = save_to_downloads(self.path, self.filename, folder)
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"Could not save to {folder}: {exc.strerror or exc}.",
                                      severity="error", timeout=8)
        else:
            self.app.call_from_thread(self.notify, f"Saved to {saved}", timeout=8)


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
        self.query_one("#picture-title", Static).update(visible(title))
        uploader = self.lead_file.user_name(picture.uploaded_by)
        engagement = self.lead_file.engagement_subject(picture.engagement_id)
        facts = (picture.filename, human_size(picture.size), uploader and f"uploaded by {uploader}",
                 local_stamp(picture.created_at, self.tz), engagement and f"engagement “{engagement}”")
        self.query_one("#picture-facts", Static).update(visible(" · ".join(filter(None, facts))))
        self._draw(blob_path(self.blobs_dir, picture.sha256))

    @work(exclusive=True, group="picture", exit_on_error=False)
    async def _draw(self, path: Path) -> None:
        """Decode in a thread at the size the screen leaves for it, then show it."""
        holder = self.query_one("#full-picture")
        size = holder.content_size
        decoded = await asyncio.to_thread(decode_picture, path, size.width, size.height)
        await holder.remove_children()
        await holder.mount(picture_widget(decoded))
