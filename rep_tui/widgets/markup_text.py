"""Data put into Textual markup (a dialog's title, an option, a line with
bold parts): read as text, not as markup, so a name like
"[@click=app.quit]x[/]" neither styles nor acts, and its control characters
shown as symbols (`visible`). Where no markup is wanted, widgets take
`Content(visible(text))` or `markup=False` instead."""

from __future__ import annotations

from textual.markup import escape

from rep_tui.domain.safe_text import visible


def in_markup(text: str) -> str:
    return escape(visible(text))
