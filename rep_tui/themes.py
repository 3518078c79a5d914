"""The app's dark and light themes: Textual's own, under the same names (so
`theme = "textual-light"` in settings keeps working), with the few colours
that read poorly raised to WCAG AA contrast, 4.5:1 against the backgrounds
they are drawn on. tests/test_readable.py measures every screen in both.

Styles keep using the theme's variables ($text-muted, $text-accent, …); this
is the one place their values change."""

from __future__ import annotations

from dataclasses import replace

from textual.theme import BUILTIN_THEMES, Theme

READABLE_VARIABLES = {
    "textual-dark": {
        # text on the highlighted row: #0178D4 under light text was 3.8:1
        "block-cursor-background": "#005FB7",
        "button-color-foreground": "#FFFFFF",  # "Save" on a #0178D4 button: 3.8:1 in Textual's off-white
    },
    "textual-light": {
        "text-muted": "auto 72%",  # 60% was 4.4:1 on the header
        "text-accent": "#794600",  # headings: #A86D1C was 2.7:1 (and $accent 1.5:1)
        "text-warning": "#794600",
        "text-success": "#146432",  # "synced", Sold: #337E4A was 3.2:1
        "footer-key-foreground": "#004578",  # the footer's keys: #0178D4 was 2.9:1
    },
}


def readable_themes() -> list[Theme]:
    """Textual's dark and light themes with `READABLE_VARIABLES` applied."""
    return [replace(BUILTIN_THEMES[name], variables={**BUILTIN_THEMES[name].variables, **overrides})
            for name, overrides in READABLE_VARIABLES.items()]
