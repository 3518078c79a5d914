"""Notes and Comments: each post shows its author top left, its date on the
right, and the text underneath."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Static

from rep_tui.domain.safe_text import visible
from rep_tui.widgets.when import local_stamp


class PostCard(Vertical):
    def __init__(self, author: str, stamp: str, body: str) -> None:
        super().__init__(classes="post")
        self.author, self.stamp, self.body = author, stamp, body

    def compose(self) -> ComposeResult:
        with Horizontal(classes="post-top"):
            yield Label(visible(self.author), classes="post-author", markup=False)
            yield Label(self.stamp, classes="post-date")
        yield Static(visible(self.body, lines=True), classes="post-body", markup=False)


class PostList(VerticalScroll):
    """A scrolling list of posts, newest first; says so when there are none."""

    def __init__(self, empty_text: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.empty_text = empty_text

    async def show_posts(self, posts: list[tuple[str, datetime, str]], tz: str) -> None:
        await self.remove_children()
        if not posts:
            await self.mount(Static(self.empty_text, classes="muted empty"))
            return
        await self.mount_all(PostCard(author, local_stamp(at, tz), body) for author, at, body in posts)
