"""A labelled form control with its error shown right under it, so a rep
sees why a value was refused next to the value itself.

`FormField` holds any control (Input, Select, TextArea, Checkbox) and shows
the errors a whole-form check finds (Customer Information's dialogs).
`ValidatedInput` (widgets/validated_input.py) is a FormField around an Input
that checks each value as it is typed."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static, TextArea

from rep_tui.domain.safe_text import visible


class FormField(Vertical):
    """Label (with * when mandatory), control, and an error line mounted on the
    first error (a form of many fields opens with one widget fewer per field)."""

    DEFAULT_CSS = """
    FormField { height: auto; }
    FormField > Horizontal { height: auto; }
    FormField .field-label { width: 17; padding-right: 1; color: $text-muted; }
    FormField .field-label.-required { color: $text; text-style: bold; }
    FormField.-invalid .field-label { color: $text-error; }
    FormField .form-control { width: 1fr; }
    FormField .field-error { display: none; color: $text-error; padding-left: 17; height: auto; }
    FormField.-invalid .field-error { display: block; }
    """

    def __init__(self, label: str, control: Widget, *, required: bool = False, id: str | None = None,
                 classes: str | None = None) -> None:
        """The field's id, unless given, is `field-<control id>`."""
        super().__init__(id=id or (control.id and f"field-{control.id}"), classes=classes)
        self.label = label
        self.control = control
        self.required = required
        control.add_class("form-control")

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(f"{self.label} *" if self.required else self.label,
                        classes="field-label -required" if self.required else "field-label")
            yield self.control

    @property
    def value(self) -> Any:
        control = self.control
        if isinstance(control, Select):
            return None if control.is_blank() else control.value
        if isinstance(control, TextArea):
            return control.text
        if isinstance(control, (Input, Checkbox)):
            return control.value
        if isinstance(control, SelectionList):
            return list(control.selected)
        raise TypeError(f"FormField cannot read a {type(control).__name__}")

    def set_error(self, message: str | None) -> None:
        """Show `message` under the field (None clears it). It may quote the
        value (or a server's reason): plain text, control characters as symbols."""
        shown = Content(visible(message or "", lines=True))
        lines = self.query_children(".field-error")
        if lines:
            lines.first(Static).update(shown)
        elif message:
            self.mount(Static(shown, classes="field-error"))
        self.set_class(bool(message), "-invalid")


def text_input(name: str, value: Any = None, placeholder: str = "", **kwargs: Any) -> Input:
    """A compact Input named after its form field. Focus puts the cursor after
    the saved value rather than selecting it, so a stray key cannot wipe it.
    A control character in the saved value shows as a symbol (and is saved
    so, should the form be saved: the server refuses control characters)."""
    return Input("" if value is None else visible(str(value)), placeholder=placeholder, id=name, compact=True,
                 select_on_focus=False, **kwargs)
