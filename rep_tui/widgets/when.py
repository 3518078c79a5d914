"""Dates and times as a US rep reads them, in the company's time zone."""

from __future__ import annotations

from datetime import date, datetime

from rep_tui.clock import zone


def us_date(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else ""


def clock_time(moment: datetime, tz: str) -> str:
    return moment.astimezone(zone(tz)).strftime("%I:%M %p").lstrip("0")


def local_date(moment: datetime | None, tz: str) -> str:
    """11/24/2026: the day it was in the company's zone."""
    return us_date(moment.astimezone(zone(tz)).date()) if moment else ""


def local_stamp(moment: datetime | None, tz: str) -> str:
    """11/24/2026 10:00 AM in the company's zone."""
    if moment is None:
        return ""
    return f"{local_date(moment, tz)} {clock_time(moment, tz)}"


def short_date(moment: datetime, tz: str, today: date) -> str:
    """Nov 19 this year, 7/10/25 before: short, and never a wrong year."""
    day = moment.astimezone(zone(tz)).date()
    return day.strftime("%b %-d") if day.year == today.year else day.strftime("%-m/%-d/%y")
