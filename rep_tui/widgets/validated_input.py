"""A labelled one-line input that checks what is typed as it is typed and
shows the problem right under the field, in words a rep can act on.

    field = ValidatedInput("Cell", check_phone, id="cell_phone")
    field.value          # the text as typed
    field.error          # the message shown, or None
    field.cleaned()      # the checked value (check's return) or raises Invalid
    field.set_error(msg) # a rule the field cannot know alone ("name required")

It posts `ValidatedInput.Changed` after every edit (with the error, if any);
`Input.Submitted` bubbles unchanged so a form can move on with Enter.
The label, Input and error line are a `FormField`'s.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from textual import on
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input

from rep_tui.domain.validation import Invalid
from rep_tui.widgets.form_field import FormField

# A placeholder is an example after "e.g.", so nobody takes it for a value already filled in.
DAY_EXAMPLE = "e.g. tomorrow, +3, fri, 12/1 or 2026-12-01"
TIME_EXAMPLE = "e.g. 2:30pm or 14:30"

Check = Callable[[str], Any]


def _accept(text: str) -> str:
    return text.strip()


class ValidatedInput(FormField):
    """Label, compact Input and an error line that appears only when needed."""

    DEFAULT_CSS = """
    ValidatedInput > Horizontal {
        height: 1;
    }
    ValidatedInput .field-label {
        width: 11;
    }
    ValidatedInput.-invalid .field-label {
        color: $text-error;
    }
    ValidatedInput Input {
        background: $boost;
    }
    ValidatedInput Input:focus {
        background: $primary 25%;
    }
    ValidatedInput .field-error {
        color: $text-error;
        padding-left: 11;
    }
    """

    error: reactive[str | None] = reactive(None)

    class Changed(Message):
        """The text changed; `error` is the message now shown (None when fine)."""

        def __init__(self, field: ValidatedInput, value: str, error: str | None) -> None:
            super().__init__()
            self.field = field
            self.value = value
            self.error = error

        @property
        def control(self) -> ValidatedInput:
            return self.field

    def __init__(
        self,
        label: str,
        check: Check | None = None,
        *,
        value: str = "",
        placeholder: str = "",
        max_length: int = 0,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(label, Input(value, placeholder=placeholder, max_length=max_length, compact=True),
                         id=id, classes=classes)
        self.check = check or _accept

    @property
    def input(self) -> Input:
        return self.control

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    def cleaned(self) -> Any:
        """The checked value; raises `Invalid` with the message when it is wrong."""
        return self.check(self.value)

    def validate(self) -> bool:
        """Check now and show the outcome; True when the value is fine."""
        try:
            self.cleaned()
        except Invalid as exc:
            self.error = str(exc)
            return False
        self.error = None
        return True

    def set_error(self, message: str | None) -> None:
        self.error = message

    def clear(self) -> None:
        """Empty the field without flagging it (a fresh form is not an error)."""
        with self.input.prevent(Input.Changed):
            self.input.value = ""
        self.error = None

    def focus(self, scroll_visible: bool = True) -> ValidatedInput:
        self.input.focus(scroll_visible)
        return self

    def watch_error(self, message: str | None) -> None:
        super().set_error(message)

    @on(Input.Changed)
    def _check_as_typed(self, event: Input.Changed) -> None:
        event.stop()
        self.validate()
        self.post_message(self.Changed(self, event.value, self.error))


def day_meaning(field: ValidatedInput, today: date, hint: str, *, emphasis: str = "") -> str:
    """What the day typed in `field` means ("Fri Dec 11, 2026 · in 4 days"),
    the date in `emphasis` markup (e.g. "b"); `hint` while it means nothing yet."""
    from rep_tui.domain.dates import format_day, relative_day

    if not field.value.strip() or field.error is not None:
        return hint
    day = field.cleaned()
    shown = f"{format_day(day)}, {day.year}"
    return f"{f'[{emphasis}]{shown}[/{emphasis}]' if emphasis else shown} · {relative_day(day, today)}"
