"""The Pictures tab: the list of pictures and a thumbnail of the highlighted
one; Enter shows it full size (the screen opens that)."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from rep_tui.store.leads import blob_path, human_size
from rep_tui.store.models import Attachment
from rep_tui.widgets.picture import picture_widget
from rep_tui.widgets.tabs.tables import PictureTable
from rep_tui.widgets.when import local_date


class PictureGallery(Horizontal):
    """Keeps the pictures it shows so the thumbnail follows the cursor."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pictures: dict[str, Attachment] = {}
        self.blobs_dir: Path | None = None
        self._previewed: str | None = None

    def compose(self) -> ComposeResult:
        yield PictureTable(id="picture-table")
        with Vertical(id="picture-preview"):
            yield Static("No pictures for this lead yet: u uploads one.", classes="muted")

    def show(self, pictures: list[Attachment], blobs_dir: Path, tz: str) -> None:
        self.blobs_dir = blobs_dir
        self.pictures = {str(p.id): p for p in pictures}
        self.query_one(PictureTable).fill([
            (str(p.id), (p.description, local_date(p.created_at, tz), p.filename,
                         "yes" if blob_path(blobs_dir, p.sha256).is_file() else "not yet"))
            for p in pictures
        ])
        self._preview(self.query_one(PictureTable).current_key())

    @on(DataTable.RowHighlighted, "#picture-table")
    def _follow_cursor(self, event: DataTable.RowHighlighted) -> None:
        self._preview(event.row_key.value)

    def _preview(self, key: str | None) -> None:
        picture = self.pictures.get(key) if key else None
        if picture is None or self.blobs_dir is None or self._previewed == key:
            return
        self._previewed = key
        preview = self.query_one("#picture-preview", Vertical)
        preview.remove_children()
        preview.mount(picture_widget(blob_path(self.blobs_dir, picture.sha256), classes="thumbnail"),
                      Static(f"{picture.description} · {human_size(picture.size)}", classes="caption", markup=False))

    def current(self) -> Attachment | None:
        key = self.query_one(PictureTable).current_key()
        return self.pictures.get(key) if key else None
