"""A text file the user asked for (a report as CSV) written off the UI thread,
then the user told where it went, or why it could not be written."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, TextIO

if TYPE_CHECKING:
    from textual.dom import DOMNode


def write_text_file(node: DOMNode, path: Path, write: Callable[[TextIO], None], written: str, *,
                    group: str) -> None:
    """`write(out)` into `path` (its folder made) in a thread of `node`;
    then "`written` to PATH", or what stopped it."""
    app = node.app

    def run() -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", newline="", encoding="utf-8") as out:
                write(out)
        except OSError as exc:
            app.call_from_thread(app.notify, f"Could not write {path}: {exc.strerror or exc}", severity="error")
        else:
            app.call_from_thread(app.notify, f"{written} to {path}")

    node.run_worker(run, group=group, thread=True)
