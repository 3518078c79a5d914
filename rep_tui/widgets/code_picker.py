"""Result codes as one-key choices: "s Sold  d Demo No Sale  b Be Back …".

The keys come from the result_codes table, so the picker binds them when it
is given the codes; the chips show the keys, and `?` lists them while the picker
has focus. Picking posts `CodePicker.Picked`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from rep_tui.domain.safe_text import visible
from rep_tui.store.models import ResultCode


class CodePicker(Widget, can_focus=True):
    """A grid of code chips; the keys work while the picker has focus."""

    DEFAULT_CSS = """
    CodePicker { layout: grid; grid-size: 4; grid-gutter: 0 1; height: auto; padding: 0 1; }
    CodePicker:focus { background-tint: $foreground 5%; }
    CodePicker > .code-chip { height: 1; }
    CodePicker > .code-chip.-picked { background: $accent 35%; text-style: bold; }
    """

    @dataclass
    class Picked(Message):
        code: ResultCode

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.codes: list[ResultCode] = []
        self.picked: ResultCode | None = None

    def set_codes(self, codes: Sequence[ResultCode]) -> None:
        self.codes = list(codes)
        for code in self.codes:
            self._bindings.bind(code.key, f"pick({code.code!r})", code.label, show=False)
        self.refresh_bindings()
        self.remove_children()
        self.mount_all(
            Static(Content.from_markup("[b $text-accent]$key[/] $label", key=code.key, label=visible(code.label)),
                   classes="code-chip", id=f"code-{code.key}")
            for code in self.codes
        )

    def action_pick(self, code_name: str) -> None:
        code = next(c for c in self.codes if c.code == code_name)
        self.picked = code
        for chip in self.query(".code-chip"):
            chip.set_class(chip.id == f"code-{code.key}", "-picked")
        self.post_message(self.Picked(code))
