"""Taking a widget out of its loading state, footer included."""

from __future__ import annotations

from textual.widget import Widget


def loaded(widget: Widget) -> None:
    """While a focused widget loads, Textual leaves its keys out of the footer
    and does not put them back when it is done: refresh the screen's bindings."""
    widget.loading = False
    widget.screen.refresh_bindings()
