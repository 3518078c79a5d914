"""Section 1 of Customer Information: who the customer is and how to reach
them, and when to go back (the follow-up / be-back date). A field with no
data is left out entirely, labels and all.

The fields come in groups (who, where, how to reach them), one group a
line, placed by their columns' specs (`domain.fields`), so at 80 columns
the header takes three lines. A group too long for the width goes on over
the next line, breaking only between fields, so a
label is never parted from its value. Below 100 columns the Edit Customer,
Map and Upload Files buttons give their room to the fields: the footer
carries the same keys as far as it has room (`?` and Ctrl+P always), and
they are clickable too."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Button

from rep_tui.domain.custom_fields import Definition, filled
from rep_tui.domain.dates import format_day
from rep_tui.domain.fields import FieldSpec, used
from rep_tui.domain.safe_text import visible
from rep_tui.domain.validation import format_phone
from rep_tui.store.models import Lead

GAP = Content("   ")
NARROW_BELOW = 100  # columns: the buttons go, the footer has their keys
EXTENSION = re.compile(r"(?:x|ext\.?)\s*(\d+)\s*$", re.IGNORECASE)


def _phone(typed: str | None, e164: str | None) -> str | None:
    """(815) 654-7714, keeping an extension typed after the number (x3211)."""
    if not e164:
        return typed
    extension = EXTENSION.search(typed or "")
    return format_phone(e164) + (f" x{extension.group(1)}" if extension else "")


def _email(lead: Lead) -> Content:
    shown = Content(lead.email)
    return shown + Content(" ") + Content.styled("INVALID", "bold $text-error") if lead.invalid_email else shown


#: How a field reads when not as "Tag value": a display line per field.
DISPLAY: dict[str, Callable[[Lead], str | Content | None]] = {
    "first_name": lambda lead: Content.styled(lead.name or "(no name)", "bold"),
    "address": lambda lead: ", ".join(part for part in (lead.address, lead.city) if part) or None,
    "home_phone": lambda lead: _phone(lead.home_phone, lead.home_phone_e164),
    "cell_phone": lambda lead: _phone(lead.cell_phone, lead.cell_phone_e164),
    "work_phone": lambda lead: _phone(lead.work_phone, lead.work_phone_e164),
    "email": lambda lead: lead.email and _email(lead),
    "follow_up_on": lambda lead: lead.follow_up_on and format_day(lead.follow_up_on),
}


@lru_cache(maxsize=1)
def _placed() -> list[tuple[str, FieldSpec]]:
    """The fields the lead's and job's columns place in the header, by line and order."""
    found = [item for table in ("leads", "jobs") for item in used(table, "header").items()]
    return sorted(found, key=lambda item: (item[1].header.line, item[1].header.order))


def header_groups(lead: Lead, job_number: int | None, definitions: Iterable[Definition] = ()) -> list[list[Content]]:
    """The header's fields in groups (lines), each field present only when it
    has a value; the office's custom fields that hold one on a line of their own."""
    groups: dict[int, list[Content]] = {}
    for name, spec in _placed():
        if name in DISPLAY:
            value = DISPLAY[name](lead)
        else:
            value = spec.choice_label(job_number if name == "job_number" else getattr(lead, name))
        if value is None or value == "":
            continue
        shown = value if isinstance(value, Content) else Content(str(value))
        tag = spec.header.tag
        groups.setdefault(spec.header.line, []).append(
            Content.styled(f"{tag} ", "$text-muted") + shown if tag else shown)
    lines = [groups[line] for line in sorted(groups)]
    custom = [Content.styled(f"{d.label} ", "$text-muted") + Content(d.shown(value))
              for d, value in filled(definitions, lead.custom or {})]
    return lines + [custom] if custom else lines


def _shown(field: Content) -> Content:
    """The field with its control characters shown as symbols (`visible`),
    keeping its styles where that leaves it as long as it was."""
    plain = visible(field.plain)
    if plain == field.plain:
        return field
    return Content(plain, list(field.spans) if len(plain) == len(field.plain) else None)


def pack_lines(groups: list[list[Content]], width: int) -> list[Content]:
    """One line per group, going on over more lines where the group is too
    wide; a single field wider than the whole width is wrapped on its own."""
    lines: list[Content] = []
    for group in groups:
        line: Content | None = None
        for field in group:
            if line is not None and line.cell_length + GAP.cell_length + field.cell_length <= width:
                line = line + GAP + field
                continue
            if line is not None:
                lines.append(line)
            line = field
            if field.cell_length > width:
                *full, line = field.wrap(width)
                lines.extend(full)
        if line is not None:
            lines.append(line)
    return lines


class FieldLines(Widget):
    """Groups of fields laid out for the width it has, as tall as it needs."""

    DEFAULT_CSS = "FieldLines { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.groups: list[list[Content]] = []

    def show(self, groups: list[list[Content]]) -> None:
        """Show these fields; they hold data, so every one goes through `_shown`."""
        self.groups = [[_shown(field) for field in group] for group in groups]
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(pack_lines(self.groups, width)))

    def render(self) -> Content:
        return Content("\n").join(pack_lines(self.groups, self.content_size.width))


class LeadHeader(Horizontal):
    """The customer's details on the left, Edit Customer / Map / Upload Files on the right."""

    def compose(self) -> ComposeResult:
        """The buttons are for the mouse; keys e, m and u do the same, so they never take focus."""
        yield FieldLines(id="lead-details")
        with Vertical(id="lead-buttons"):
            for label, name, action in (("Edit Customer e", "edit-customer", "edit_customer"), ("Map m", "map", "map"),
                                        ("Upload Files u", "upload", "upload")):
                button = Button(label, id=name, compact=True, action=f"screen.{action}")
                button.can_focus = False
                yield button

    def on_resize(self, event: events.Resize) -> None:
        """Narrow below 100 columns (a class on this header only: restyling it is cheap)."""
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    def show_lead(self, lead: Lead, job_number: int | None, definitions: Iterable[Definition] = ()) -> None:
        self.query_one(FieldLines).show(header_groups(lead, job_number, definitions))

    def show_message(self, text: str) -> None:
        """A sentence instead of the details (the lead is gone)."""
        self.query_one(FieldLines).show([[Content(text)]])
