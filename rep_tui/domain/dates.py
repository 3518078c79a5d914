"""Dates and times as a rep types and reads them.

Typed: "2026-12-01", "12/1", "+3" (in 3 days), "-7" (a week ago, where the
past is allowed), "today", "tomorrow", "mon".."sun" (the next one after today);
times "14:30", "2:30pm", "2 pm"; lengths "90", "90 min", "1h", "1.5h", "1:30".
Read: "Tue Nov 24", "9:00 AM", "90 min", "3 days overdue".
Pure functions; `today` is always passed in. The only date parser of the app:
every date field (follow-ups, engagements, the Result dialog, booking, date
ranges, CSV import) reads what was typed here, so they all accept the same things.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from rep_tui.clock import zone
from rep_tui.domain.validation import Invalid

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_HINT = "YYYY-MM-DD, 12/1, +3, tomorrow or mon…sun"
#: For fields where a past day makes sense (engagements, date ranges).
PAST_DAY_HINT = "YYYY-MM-DD, 12/1, -7, +3, tomorrow or mon…sun"
TIME_HINT = "like 2:30pm or 14:30"
LENGTH_HINT = "90 (minutes), 2 or 1.5h (hours) or 1:30"
MONTH_HINT = "2026-12, 12/2026 or Dec 2026"
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})/(\d{4})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*([ap])?\.?m?\.?$")
_HOURS = re.compile(r"^(\d{1,2}(?:\.\d+)?)\s*h(?:ours?|rs?)?$")
_MINUTES = re.compile(r"^(\d{1,3})\s*(?:m|mins?|minutes?)?$")
_HOURS_MINUTES = re.compile(r"^(\d{1,2}):(\d{2})$")
#: The longest appointment a rep can book (a whole working day).
MAX_LENGTH = timedelta(hours=12)


def parse_day(text: str, today: date, *, allow_past: bool = False) -> date:
    """The date a rep typed, relative to `today`; raises `Invalid` saying what to type.

    A month and day without a year is the next one, or with `allow_past` the
    nearest one (Nov 24 typed on Dec 2 is last week's, not next year's)."""
    value, hint = text.strip().lower(), PAST_DAY_HINT if allow_past else DAY_HINT
    if not value:
        raise Invalid(f"Type a date: {hint}.")
    day = _relative_day(value, today) or _calendar_day(value, today, nearest=allow_past)
    if day is None:
        raise Invalid(f"Not a date. Use {hint}.")
    if not allow_past and day < today:
        raise Invalid(f"{format_day(day)} is in the past.")
    return day


def _relative_day(value: str, today: date) -> date | None:
    if value in ("today", "tod"):
        return today
    if value in ("tomorrow", "tmrw", "tom"):
        return today + timedelta(days=1)
    if re.fullmatch(r"[+-]\d{1,3}", value):
        return today + timedelta(days=int(value))
    if len(value) >= 3:
        for index, name in enumerate(WEEKDAYS):
            if name.startswith(value):
                return today + timedelta(days=(index - today.weekday()) % 7 or 7)
    return None


def _calendar_day(value: str, today: date, *, nearest: bool = False) -> date | None:
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            year, month, day = (int(p) for p in value.split("-"))
            return date(year, month, day)
        match = _US_DATE.match(value)
        if match:
            month, day, year = match.groups()
            if year is None:
                return _year_of(int(month), int(day), today, nearest)
            full_year = int(year) + (2000 if len(year) == 2 else 0)
            return date(full_year, int(month), int(day))
    except ValueError:
        return None
    return None


def _year_of(month: int, day: int, today: date, nearest: bool) -> date:
    """Month/day in the year that makes it the next one (or the nearest one)."""
    guesses = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            guesses.append(date(year, month, day))
        except ValueError:  # Feb 29 outside a leap year
            continue
    if not guesses:
        raise ValueError("no such day")
    if nearest:
        return min(guesses, key=lambda guess: abs((guess - today).days))
    coming = [guess for guess in guesses if guess >= today]
    return coming[0] if coming else guesses[-1]


def parse_month(text: str) -> date:
    """A month typed as "2026-12", "12/2026" or "Dec 2026" → its first day; raises `Invalid`."""
    value = text.strip()
    found = _MONTH.match(value)
    try:
        if found:
            year, month = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
            return date(int(year), int(month), 1)
        return datetime.strptime(value.title(), "%b %Y").date()
    except ValueError:
        raise Invalid(f"A month, like {MONTH_HINT}.") from None


def format_month(month: date) -> str:
    """"Dec 2026"."""
    return f"{month:%b %Y}"


def parse_time(text: str) -> time:
    """A clock time as typed: "14:30", "2:30pm", "2 pm"."""
    match = _TIME.match(text.strip().lower())
    if not match:
        raise Invalid(f"Not a time. Type it {TIME_HINT}.")
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise Invalid("With am/pm the hour is 1 to 12.")
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        raise Invalid(f"Not a time. Type it {TIME_HINT}.")
    return time(hour, minute)


def parse_length(text: str) -> timedelta:
    """How long something lasts, as typed: "90", "90 min", "2h", "1.5h", "1:30".
    A bare number up to 12 means hours ("2"), above it minutes ("45")."""
    value = text.strip().lower()
    minutes = None
    if match := _MINUTES.match(value):
        number = int(match[1])
        minutes = number * 60 if number <= 12 and value.isdigit() else number
    elif match := _HOURS.match(value):
        minutes = round(float(match[1]) * 60)
    elif match := _HOURS_MINUTES.match(value):
        minutes = int(match[1]) * 60 + int(match[2]) if int(match[2]) < 60 else None
    if minutes is None:
        raise Invalid(f"Not a length. Type {LENGTH_HINT}.")
    length = timedelta(minutes=minutes)
    if not timedelta(minutes=5) <= length <= MAX_LENGTH:
        raise Invalid(f"A length is 5 minutes to {MAX_LENGTH // timedelta(hours=1)} hours.")
    return length


def format_length(length: timedelta) -> str:
    """90 min"""
    return f"{int(length.total_seconds() // 60)} min"


def format_day(day: date) -> str:
    """Tue Nov 24"""
    return day.strftime("%a %b %-d")


def format_day_from(day: date, today: date) -> str:
    """Tue Nov 24 this year; 10/20/25 in another, so a date never reads as the wrong year."""
    return format_day(day) if day.year == today.year else day.strftime("%-m/%-d/%y")


def format_time(moment: datetime, tz_name: str) -> str:
    """9:00 AM in the company's time zone."""
    return moment.astimezone(zone(tz_name)).strftime("%-I:%M %p")


def format_hour(hour: int) -> str:
    """8 AM, 12 PM, 8 PM"""
    return time(hour % 24).strftime("%-I %p")


def local_day(moment: datetime, tz_name: str) -> date:
    return moment.astimezone(zone(tz_name)).date()


def relative_day(day: date, today: date, past: str = "overdue") -> str:
    """"today", "tomorrow", "in 3 days", "1 day overdue" (or "1 day ago" with past="ago")."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta > 1:
        return f"in {delta} days"
    return f"{-delta} day{'' if delta == -1 else 's'} {past}"
