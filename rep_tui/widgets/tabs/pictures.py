"""The Pictures tab: a grid of thumbnails, each with its description and
date under it. Arrows move between cells, Enter asks the screen
to show the highlighted picture full size. As many cells fit side by side
as the width allows. Thumbnails decode in a thread, one by one, so a big
photo never freezes the screen; a picture whose file has not come to this
device yet says so in its cell."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Grid, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from rep_tui.blobs import blob_path
from rep_tui.domain.safe_text import visible
from rep_tui.store.models import Attachment
from rep_tui.widgets.picture import NOT_DOWNLOADED, decode_picture, picture_widget
from rep_tui.widgets.when import local_date

THUMB_COLS, THUMB_ROWS = 20, 6
CELL_WIDTH = THUMB_COLS + 4  # the thumbnail, the cell's border and padding
GUTTER = 1


class PictureCell(Vertical):
    """One picture of the grid: thumbnail, description, date."""

    def __init__(self, picture: Attachment, date: str, on_device: bool) -> None:
        super().__init__(classes="picture-cell")
        self.picture = picture
        self.date = date
        self.on_device = on_device

    def compose(self) -> ComposeResult:
        with Container(classes="thumb"):
            yield Static("" if self.on_device else NOT_DOWNLOADED, classes="muted picture-problem")
        yield Static(visible(self.picture.description), classes="picture-description", markup=False)
        yield Static(self.date if self.on_device else f"{self.date} · not on device", classes="picture-date")

    async def show_thumbnail(self, thumbnail: Widget) -> None:
        holder = self.query_one(".thumb")
        await holder.remove_children()
        await holder.mount(thumbnail)


class PictureGallery(VerticalScroll, can_focus=True):
    """The screen gives it the pictures (`show`) and hears `Chosen` when one is to be opened."""

    BINDINGS = [
        # Arrows only: letters are Customer Information's tab keys (j, h, l) here too.
        Binding("left", "move(-1, 0)", "Previous", show=False),
        Binding("right", "move(1, 0)", "Next", show=False),
        Binding("up", "move(0, -1)", "Up", show=False),
        Binding("down", "move(0, 1)", "Down", show=False),
        Binding("enter", "open", "Open"),
    ]
    cursor: reactive[int] = reactive(0)

    @dataclass
    class Chosen(Message):
        """Enter (or a click) on a picture: its place in the list given to `show`."""

        index: int

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pictures: list[Attachment] = []

    def compose(self) -> ComposeResult:
        yield Static("No pictures for this lead yet: u uploads one.", id="picture-empty", classes="muted")
        yield Grid(id="picture-grid")

    @property
    def columns(self) -> int:
        return max(1, (self.scrollable_content_region.width + GUTTER) // (CELL_WIDTH + GUTTER))

    def on_resize(self, _event: events.Resize) -> None:
        self.query_one("#picture-grid").styles.grid_size_columns = self.columns

    def show(self, pictures: list[Attachment], blobs_dir: Path, tz: str) -> None:
        self.pictures = pictures
        self.cursor = min(self.cursor, max(0, len(pictures) - 1))
        self.query_one("#picture-empty").display = not pictures
        self._fill(blobs_dir, tz)

    @work(exclusive=True, group="pictures", exit_on_error=False)
    async def _fill(self, blobs_dir: Path, tz: str) -> None:
        """Put a cell per picture, then decode the thumbnails in a thread, one at a time."""
        grid = self.query_one("#picture-grid")
        paths = [blob_path(blobs_dir, p.sha256) for p in self.pictures]
        cells = [PictureCell(p, local_date(p.created_at, tz), path.is_file()) for p, path in zip(self.pictures, paths)]
        await grid.remove_children()
        await grid.mount_all(cells)
        self.watch_cursor(self.cursor)
        for cell, path in zip(cells, paths):
            if cell.on_device:
                decoded = await asyncio.to_thread(decode_picture, path, THUMB_COLS, THUMB_ROWS)
                await cell.show_thumbnail(picture_widget(decoded))

    def watch_cursor(self, cursor: int) -> None:
        cells = list(self.query(PictureCell))
        for index, cell in enumerate(cells):
            cell.set_class(index == cursor, "-cursor")
        if cursor < len(cells):
            self.scroll_to_widget(cells[cursor], animate=False)

    def action_move(self, across: int, down: int) -> None:
        if not self.pictures:
            return
        last, columns = len(self.pictures) - 1, self.columns
        if across:
            self.cursor = min(last, max(0, self.cursor + across))
        elif 0 <= (row := self.cursor // columns + down) <= last // columns:
            self.cursor = min(last, row * columns + self.cursor % columns)

    def action_open(self) -> None:
        if self.pictures:
            self.post_message(self.Chosen(self.cursor))

    def on_click(self, event: events.Click) -> None:
        clicked = event.widget.ancestors_with_self if event.widget else ()
        cell = next((w for w in clicked if isinstance(w, PictureCell)), None)
        if cell is not None:
            self.cursor = list(self.query(PictureCell)).index(cell)
            self.action_open()
