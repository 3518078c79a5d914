"""A labelled form control with its error shown right under it, so a rep
sees why a value was refused next to the value itself."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea


class FormField(Vertical):
    """Label (with * when mandatory), control, and a hidden error line."""

    DEFAULT_CSS = """
    FormField { height: auto; }
    FormField > Horizontal { height: auto; }
    FormField .form-label { width: 17; padding-right: 1; color: $text-muted; }
    FormField .form-label.-required { color: $text; text-style: bold; }
    FormField .form-control { width: 1fr; }
    FormField .form-error { display: none; color: $error; padding-left: 17; }
    FormField.-invalid .form-error { display: block; }
    FormField.-invalid .form-control { background-tint: $error 20%; }
    """

    def __init__(self, label: str, control: Widget, *, required: bool = False) -> None:
        super().__init__(id=f"field-{control.id}")
        self.label = label
        self.control = control
        self.required = required
        control.add_class("form-control")

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(f"{self.label} *" if self.required else self.label,
                        classes="form-label -required" if self.required else "form-label")
            yield self.control
        yield Static("", classes="form-error")

    @property
    def value(self) -> Any:
        control = self.control
        if isinstance(control, Select):
            return None if control.is_blank() else control.value
        if isinstance(control, TextArea):
            return control.text
        if isinstance(control, (Input, Checkbox)):
            return control.value
        raise TypeError(f"FormField cannot read a {type(control).__name__}")

    def set_error(self, message: str | None) -> None:
        self.query_one(".form-error", Static).update(message or "")
        self.set_class(bool(message), "-invalid")


def text_input(name: str, value: Any = None, placeholder: str = "", **kwargs: Any) -> Input:
    """A compact Input named after its form field."""
    return Input("" if value is None else str(value), placeholder=placeholder, id=name, compact=True, **kwargs)
