"""Small questions answered by one key: yes/no before something is removed
or typed text is thrown away, or a choice between a few ways on."""

from __future__ import annotations

from typing import Callable, Sequence

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from rep_tui.screens.form_dialog import Dialog

DISCARD_QUESTION = "Discard changes?"


class ChoiceScreen(Dialog[str | None]):
    """A question and one button per choice, each with its key: dismisses with
    the key pressed; Escape or a click outside dismiss with None (nothing is done)."""

    BINDINGS = [Binding("escape", "answer(None)", "Cancel")]
    closed_result = None
    DEFAULT_CSS = """
    ChoiceScreen Static { margin-bottom: 1; }
    ChoiceScreen Horizontal { height: 1; align-horizontal: right; }
    ChoiceScreen Button { margin-left: 2; }
    """
    #: The button focused at first (its key), so Enter takes the safe way.
    safe_choice: str | None = None
    #: The first choice's button variant ("error" when it removes something).
    first_variant = "primary"

    def __init__(self, question: str, choices: Sequence[tuple[str, str]]) -> None:
        """`choices`: (key, label) pairs, shown in this order."""
        super().__init__()
        self.question = question
        self.choices = tuple(choices)
        for key, label in self.choices:
            self._bindings.bind(key, f"answer({key!r})", label)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.question)
            with Horizontal():
                for number, (key, label) in enumerate(self.choices):
                    yield Button(f"{label} ({key})", id=f"choice-{key}", compact=True,
                                 variant=self.first_variant if number == 0 else "default")

    def on_mount(self) -> None:
        if self.safe_choice is not None:
            self.query_one(f"#choice-{self.safe_choice}", Button).focus()

    def action_answer(self, key: str | None) -> None:
        self.dismiss(key)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id.removeprefix("choice-"))


class ConfirmScreen(ChoiceScreen):
    """Yes (y) or No (n); dismisses with True only on Yes. No, n, Escape or a click outside say no."""

    safe_choice = "n"
    first_variant = "error"

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(question, (("y", yes), ("n", no)))

    def action_answer(self, key: str | None) -> None:
        self.dismiss(key == "y")


def ask_to_discard(app: App, discard: Callable[[], object]) -> None:
    """"Discard changes? y/n": `discard` runs on y; n or Escape go back to the form, text intact."""

    def answered(yes: bool | None) -> None:
        if yes:
            discard()

    app.push_screen(ConfirmScreen(DISCARD_QUESTION, yes="Discard", no="Keep editing"), answered)
