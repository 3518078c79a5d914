"""The frames of Customer Information's dialogs.

`Dialog`: a box over the dimmed screen (styles/dialogs.tcss); a click
outside closes it. `FormDialog`: a title with a close X, a scrolling body of
FormFields, a message line, and Save/Cancel buttons. Escape, the X, Cancel
and a click outside all close it without saving — at once when nothing was
changed, else after "Discard changes? y/n" (`KeepsTypedText`, which every
form of the app uses); ctrl+s or the Save button submits."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static, TextArea

from rep_tui.widgets.form_field import FormField

ResultT = TypeVar("ResultT")
#: The controls whose values make up what a form holds.
FORM_CONTROLS = (Input, TextArea, Select, Checkbox, SelectionList)


def _control_value(control) -> Any:
    if isinstance(control, SelectionList):
        return tuple(control.selected)
    return control.text if isinstance(control, TextArea) else control.value


class KeepsTypedText:
    """For a screen holding a form: Esc (and any other way out but saving)
    never throws typed text away. `remember_form()` notes what the form holds
    when it is ready; `leave(close)` then closes at once when nothing differs,
    else asks "Discard changes? y/n" (y closes, n or Esc go back to the form)."""

    _form_at_start: tuple | None = None

    def _form_state(self) -> tuple:
        return tuple(_control_value(control) for control in self.query("*") if isinstance(control, FORM_CONTROLS))

    def remember_form(self) -> None:
        self._form_at_start = self._form_state()

    @property
    def has_changes(self) -> bool:
        """Whether the form holds anything other than what it was opened with."""
        return self._form_at_start is not None and self._form_state() != self._form_at_start

    def leave(self, close: Callable[[], object] | None = None) -> None:
        """Close (`close`, by default dismiss with None), asking first when there are changes."""
        close = close or (lambda: self.dismiss(None))
        if not self.has_changes:
            close()
            return
        from rep_tui.screens.confirm import ask_to_discard

        ask_to_discard(self.app, close)

    def action_leave(self) -> None:
        self.leave()


class Dialog(ModalScreen[ResultT]):
    """Subclasses compose a `.dialog-box` container; `closed_result` is what a click outside it answers."""

    CSS_PATH = "../styles/dialogs.tcss"
    DEFAULT_CLASSES = "dialog"
    closed_result: Any = None

    def on_click(self, event: events.Click) -> None:
        if event.widget is self:
            self.close_outside()

    def close_outside(self) -> None:
        self.dismiss(self.closed_result)


class FormDialog(KeepsTypedText, Dialog[ResultT]):
    """Subclasses give `dialog_title`, `compose_body()` and `submit()`; what
    `compose_body` fills in is what "unchanged" means."""

    BINDINGS = [
        Binding("escape", "leave", "Cancel"),
        Binding("ctrl+s", "submit", "Save"),
    ]
    DEFAULT_CSS = """
    FormDialog #dialog-title { height: 1; margin-bottom: 1; }
    FormDialog #dialog-title Label { width: 1fr; }
    FormDialog #close { min-width: 3; width: 3; }
    FormDialog #dialog-body { height: auto; }
    FormDialog #dialog-message { height: auto; color: $text-error; display: none; }
    FormDialog #dialog-buttons { height: 1; align-horizontal: right; margin-top: 1; }
    FormDialog #dialog-buttons Button { margin-left: 2; }
    """
    dialog_title = ""
    submit_label = "Save"
    CHROME = 7  # rows around the body: borders, title, buttons, a message line

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog-box"):
            with Horizontal(id="dialog-title"):
                yield Label(self.dialog_title, classes="dialog-title")
                yield Button("✕", id="close", compact=True, tooltip="Close without saving (Esc)")
            with VerticalScroll(id="dialog-body", can_focus=False):
                yield from self.compose_body()
            yield Static("", id="dialog-message")
            with Horizontal(id="dialog-buttons"):
                yield Button(f"{self.submit_label} (ctrl+s)", id="submit", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.call_after_refresh(self.remember_form)  # once every control has its value (a Select sets it on mount)

    def on_resize(self, event: events.Resize) -> None:
        """The body scrolls within what the screen leaves after the frame, so Save stays in view."""
        self.query_one("#dialog-body").styles.max_height = max(3, event.size.height - self.CHROME)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def submit(self) -> None:
        raise NotImplementedError

    def fields(self) -> dict[str, FormField]:
        return {field.control.id: field for field in self.query(FormField)}

    def values(self) -> dict[str, Any]:
        return {name: field.value for name, field in self.fields().items()}

    def show_errors(self, errors: dict[str, str], message: str = "") -> None:
        """Mark each refused field with its reason and focus the first one; a
        reason about no one field (or one without a label) goes in the message."""
        first = None
        fields = self.fields()
        for name, field in fields.items():
            field.set_error(errors.get(name))
            if name in errors and first is None:
                first = field
        unplaced = " ".join(reason for name, reason in errors.items() if name not in fields)
        self.show_message(message or (f"Nothing was saved: {unplaced}" if unplaced else "")
                          or ("Nothing was saved: fix the fields marked in red." if errors else ""))
        if first is not None:
            first.control.focus()
            first.scroll_visible()

    def show_message(self, message: str) -> None:
        line = self.query_one("#dialog-message", Static)
        line.update(message)
        line.display = bool(message)

    def action_submit(self) -> None:
        self.submit()

    def close_outside(self) -> None:
        self.leave()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.submit()

    @on(Button.Pressed, "#cancel, #close")
    def _cancel_pressed(self) -> None:
        self.leave()
