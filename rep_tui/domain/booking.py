"""Booking rules, pure: the kinds of appointment a rep books, when two
appointments clash, and the free times of a work day.

Times are aware datetimes; a day and its work hours are read in the rep's
time zone (`tz_name`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable

from rep_tui.clock import zone
from rep_tui.domain.dates import format_length, format_time
from rep_tui.domain.rules import APPOINTMENT_KINDS

#: What a rep books: every kind of appointment but "reset" (resulting one Reset makes it).
BOOKABLE_KINDS: tuple[tuple[str, str], ...] = tuple(kind for kind in APPOINTMENT_KINDS if kind[0] != "reset")
KIND_LABELS = dict(APPOINTMENT_KINDS)
#: How long an appointment lasts unless the rep says otherwise (and for rows without an end).
DEFAULT_LENGTH = timedelta(hours=2)
#: Free times are offered on this grid (9:00, 9:30, …).
SLOT_STEP = timedelta(minutes=30)


def length_of(starts_at: datetime, ends_at: datetime | None) -> timedelta:
    """An appointment's length; one stored without an end lasts DEFAULT_LENGTH."""
    return ends_at - starts_at if ends_at else DEFAULT_LENGTH


@dataclass(frozen=True)
class Taken:
    """A stretch of the rep's time another appointment holds."""

    start: datetime
    end: datetime
    customer: str

    def describe(self, tz_name: str) -> str:
        """2:00 PM Ann Leeuwen, 90 min"""
        return f"{format_time(self.start, tz_name)} {self.customer}, {format_length(self.end - self.start)}"


def overlaps(start: datetime, end: datetime, taken: Taken) -> bool:
    """Touching ends (one ends at 2:00, the next starts at 2:00) do not clash."""
    return start < taken.end and taken.start < end


def first_clash(start: datetime, length: timedelta, taken: Iterable[Taken]) -> Taken | None:
    return next((t for t in sorted(taken, key=lambda t: t.start) if overlaps(start, start + length, t)), None)


def free_slots(day: date, tz_name: str, work_hours: tuple[int, int], length: timedelta,
               taken: Iterable[Taken], now: datetime) -> list[datetime]:
    """Starts on the SLOT_STEP grid within work hours where an appointment of
    `length` fits, is still ahead and clashes with nothing."""
    taken = list(taken)
    tz = zone(tz_name)
    start_hour, end_hour = work_hours
    slot = datetime.combine(day, time(start_hour), tzinfo=tz)
    day_end = datetime.combine(day, time.min, tzinfo=tz) + timedelta(hours=end_hour)
    out = []
    while slot + length <= day_end:
        if slot > now and not any(overlaps(slot, slot + length, t) for t in taken):
            out.append(slot)
        slot += SLOT_STEP
    return out
