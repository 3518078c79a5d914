"""Two date fields (From, To), typed as any date field ("2026-11-24", "11/24",
"-7", "today"), checked as typed.

Posts `DateRange.Changed(since, until)` whenever both fields are valid
(either may be empty = open-ended), so a screen can re-query at once.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget

from rep_tui.clock import local_today
from rep_tui.domain.dates import parse_day
from rep_tui.domain.validation import Invalid
from rep_tui.widgets.validated_input import ValidatedInput


PAST_DAY_EXAMPLE = "e.g. -7, 11/1 or 2026-11-01"


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
        for label, name in (("From", "since"), ("To", "until")):
            yield ValidatedInput(label, self._check_day, placeholder=PAST_DAY_EXAMPLE, max_length=10, id=name)

    def _check_day(self, text: str | None) -> date | None:
        """A date as typed anywhere in the app (the past allowed), None when empty."""
        if text is None or not text.strip():
            return None
        return parse_day(text, local_today(self.app.tz), allow_past=True)

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
