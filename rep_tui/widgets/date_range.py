"""Two date fields (From, To) typed as YYYY-MM-DD, checked as typed.

Posts `DateRange.Changed(since, until)` whenever both fields are valid
(either may be empty = open-ended), so a screen can re-query at once.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget

from rep_tui.domain.validation import Invalid
from rep_tui.widgets.validated_input import ValidatedInput


def check_day(text: str | None) -> date | None:
    """A date typed as YYYY-MM-DD, None when empty."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid("A date like 2026-11-24 (year-month-day).") from None


class DateRange(Widget):
    """From and To side by side; the messages appear under each field."""

    DEFAULT_CSS = """
    DateRange {
        layout: horizontal;
        height: auto;
        width: auto;
    }
    DateRange ValidatedInput {
        width: 24;
        margin-right: 1;
    }
    DateRange ValidatedInput .field-label {
        width: 6;
    }
    DateRange ValidatedInput .field-error {
        padding-left: 0;
    }
    """

    class Changed(Message):
        """Both dates are valid (None = not given) and the range is in order."""

        def __init__(self, date_range: DateRange, since: date | None, until: date | None) -> None:
            super().__init__()
            self.date_range = date_range
            self.since = since
            self.until = until

        @property
        def control(self) -> DateRange:
            return self.date_range

    def compose(self) -> ComposeResult:
        yield ValidatedInput("From", check_day, max_length=10, id="since")
        yield ValidatedInput("To", check_day, max_length=10, id="until")

    @property
    def since_field(self) -> ValidatedInput:
        return self.query_one("#since", ValidatedInput)

    @property
    def until_field(self) -> ValidatedInput:
        return self.query_one("#until", ValidatedInput)

    def dates(self) -> tuple[date | None, date | None]:
        """Both dates; raises `Invalid` when one is wrong or To is before From."""
        since, until = self.since_field.cleaned(), self.until_field.cleaned()
        if since and until and until < since:
            raise Invalid("To is before From.")
        return since, until

    def focus(self, scroll_visible: bool = True) -> DateRange:
        self.since_field.focus(scroll_visible)
        return self

    @on(ValidatedInput.Changed)
    def _range_changed(self, event: ValidatedInput.Changed) -> None:
        event.stop()
        if not all([self.since_field.validate(), self.until_field.validate()]):
            return
        try:
            since, until = self.dates()
        except Invalid as exc:
            self.until_field.set_error(str(exc))
            return
        self.post_message(self.Changed(self, since, until))
