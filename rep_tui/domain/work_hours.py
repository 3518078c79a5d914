"""A user's work hours: for each weekday a span of whole hours ("8-18") or
none (a day off). What the agenda lays out, the free times a booking offers,
and what a booking outside them is warned about (never refused: a rep may
take a customer at 7 PM).

Typed as a rep says them: "8-6" (an end before the start is afternoon),
"8am-6pm", "8 AM – 6 PM", "8:00-18:00"; "off" or empty is a day off."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from rep_tui.domain.dates import format_hour, parse_time
from rep_tui.domain.validation import Invalid

#: The `work_hours` columns, Monday first (as `date.weekday()` counts).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OFF = "off"
EXAMPLE = "e.g. 8-6, 9am-5pm or off"

Hours = tuple[int, int]
_STORED = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_SPLIT = re.compile(r"\s*(?:-|–|—|\bto\b)\s*")


def parse_span(text: str | None) -> str | None:
    """Typed work hours of a day → stored ("8-18"), None for a day off."""
    if text is None or not text.strip() or text.strip().casefold() == OFF:
        return None
    parts = _SPLIT.split(text.strip().casefold())
    if len(parts) != 2 or not all(parts):
        raise Invalid(f"Type a start and an end, {EXAMPLE}.")
    start, end = (parse_time("0" if part in ("24", "24:00") else part) for part in parts)
    if start.minute or end.minute:
        raise Invalid("Work hours start and end on the hour.")
    first, last = start.hour, end.hour or 24
    if last <= first and not parts[1].rstrip().endswith(("am", "pm", "a", "p")) and last + 12 > first:
        last += 12  # "8-6": six in the evening
    if last <= first:
        raise Invalid("The day ends after it starts.")
    return f"{first}-{last}"


def span_rule(value: str) -> str:
    """A stored span as a device sends it: "start-end", whole hours, 0 ≤ start < end ≤ 24."""
    match = _STORED.match(value) if isinstance(value, str) else None
    if not match or not 0 <= int(match[1]) < int(match[2]) <= 24:
        raise Invalid('Work hours are stored as "start-end" in whole hours (e.g. "8-18").')
    return value


def hours_of(span: str | None) -> Hours | None:
    """A stored span as (start hour, end hour); None for a day off."""
    if span is None:
        return None
    start, end = span.split("-")
    return int(start), int(end)


def format_hours(hours: Hours) -> str:
    """"8 AM–6 PM"."""
    return f"{format_hour(hours[0])}–{format_hour(hours[1])}"


def format_span(span: str | None) -> str:
    """A stored span as the form shows it: "8 AM–6 PM", or "off"."""
    hours = hours_of(span)
    return OFF if hours is None else format_hours(hours)


def column_of(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def within(start: datetime, length: timedelta, hours: Hours | None) -> bool:
    """Whether an appointment from `start` (local time) for `length` lies inside the day's hours."""
    if hours is None:
        return False
    day_start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return day_start + timedelta(hours=hours[0]) <= start and start + length <= day_start + timedelta(hours=hours[1])


def outside_warning(start: datetime, length: timedelta, hours: Hours | None, whose: str) -> str | None:
    """What a booking outside the day's hours is told (it is made all the same), or None."""
    if within(start, length, hours):
        return None
    if hours is None:
        return f"It is on {whose} day off"
    return f"It is outside {whose} work hours ({format_hours(hours)})"
