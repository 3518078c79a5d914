"""Upload Files: attach a document or picture to the lead, or to one of its
engagements (the engagement's "attach file").

The file is hashed and copied into the blob store in a thread (see
`leads.store_blob`), then an Attachment row is written; a description is
required and files over the size limit are refused with their size."""

from __future__ import annotations

import uuid
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DirectoryTree, Input, Static

from rep_tui.domain.validation import Invalid
from rep_tui.store.leads import UploadRefused, add_attachment, file_kind, human_size, store_blob
from rep_tui.store.models import Engagement
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store_io import StoreFailed, in_store, or_refusal
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.loading import loaded
from rep_tui.widgets.markup_text import in_markup
from rep_tui.widgets.path_suggester import PathSuggester

UPLOADING = "upload the file"


class UploadScreen(FormDialog[str]):
    """Dismisses with the uploaded file's name once it is stored, or None."""

    dialog_title = "Upload Files"
    submit_label = "Upload"
    BINDINGS = [Binding("ctrl+b", "browse", "Browse files")]
    DEFAULT_CSS = """
    UploadScreen DirectoryTree { display: none; height: 10; margin-bottom: 1; }
    UploadScreen.-browsing DirectoryTree { display: block; }
    UploadScreen #file-kind { color: $text-muted; padding-left: 17; margin-bottom: 1; }
    """

    def __init__(self, lead_id: uuid.UUID, engagement: Engagement | None = None) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.engagement_id = engagement.id if engagement else None
        if engagement is not None:
            self.dialog_title = f"Attach a file to the engagement “{in_markup(engagement.subject)}”"

    def compose_body(self) -> ComposeResult:
        yield FormField("File", text_input("path", placeholder="e.g. ~/Pictures/front.jpg  (→ completes, ctrl+b browses)",
                                           suggester=PathSuggester()), required=True)
        yield Static("Documents and pictures, up to "
                     f"{human_size(self.app.settings.max_upload_bytes)}.", id="file-kind")
        yield FormField("Description", text_input("description", None, "e.g. signed contract, front of the house"),
                        required=True)

    def on_mount(self) -> None:
        self.query_one("#path").focus()

    @on(Input.Changed, "#path")
    def _describe_file(self, event: Input.Changed) -> None:
        path = Path(event.value).expanduser()
        if event.value and path.is_file():
            kind, mime = file_kind(path.name)
            text = f"{kind.title()} ({mime}), {human_size(path.stat().st_size)}"
        else:
            text = f"Documents and pictures, up to {human_size(self.app.settings.max_upload_bytes)}."
        self.query_one("#file-kind", Static).update(text)

    def action_browse(self) -> None:
        """Show a folder tree to pick the file from, starting where the typed path points."""
        trees = self.query(DirectoryTree)
        if not trees:
            typed = Path(self.query_one("#path", Input).value or "~").expanduser()
            start = typed if typed.is_dir() else typed.parent if typed.parent.is_dir() else Path.home()
            tree = DirectoryTree(start)
            self.query_one("#field-path").mount(tree)
        self.add_class("-browsing")
        self.query_one(DirectoryTree).focus()

    @on(DirectoryTree.FileSelected)
    def _file_picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#path", Input).value = str(event.path)
        self.remove_class("-browsing")
        self.query_one("#description").focus()

    def submit(self) -> None:
        values = self.values()
        errors = {}
        if not values["path"].strip():
            errors["path"] = "Pick a file to upload."
        if not values["description"].strip():
            errors["description"] = "A description is required to upload a file."
        if errors:
            self.show_errors(errors)
            return
        self.show_errors({})
        self.query_one("#dialog").loading = True
        self._upload(Path(values["path"].strip()).expanduser(), values["description"])

    def _upload(self, source: Path, description: str) -> None:
        app = self.app

        def upload(session) -> None:
            sha, size = store_blob(app.settings.paths.blobs_dir, source, app.settings.max_upload_bytes)
            add_attachment(session, app.actor, self.lead_id, source.name, description, sha, size,
                           engagement_id=self.engagement_id)

        def done(refused: Exception | None) -> None:
            if refused is None:
                self.dismiss(source.name)
            else:
                self._refused(str(refused))

        in_store(self, UPLOADING, or_refusal(upload, UploadRefused, Invalid, OSError), done, group="upload")

    def on_store_failed(self, message: StoreFailed) -> None:
        """The store could not take it: the app says why; the dialog keeps what was typed."""
        if message.what == UPLOADING:
            loaded(self.query_one("#dialog"))

    def _refused(self, message: str) -> None:
        loaded(self.query_one("#dialog"))
        self.show_errors({"path": message}, "Nothing was uploaded.")
