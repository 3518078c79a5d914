"""Dates and times as a rep types them (relative to a fixed Tuesday)."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from rep_tui.domain.dates import format_time, parse_day, parse_time, relative_day
from rep_tui.domain.validation import Invalid

TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("12/1", date(2026, 12, 1)),
        ("1/5", date(2027, 1, 5)),  # no year: the next one
        ("12/1/26", date(2026, 12, 1)),
        ("+3", date(2026, 11, 27)),
        ("+0", TUESDAY),
        ("today", TUESDAY),
        ("Tomorrow", date(2026, 11, 25)),
        ("mon", date(2026, 11, 30)),
        ("tue", date(2026, 12, 1)),  # the next Tuesday, not today
        ("Friday", date(2026, 11, 27)),
        ("  wed ", date(2026, 11, 25)),
    ],
)
def test_parse_day_understands_what_reps_type(typed, meant):
    assert parse_day(typed, TUESDAY) == meant


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type a date"),
        ("next week", "Not a date"),
        ("2026-02-30", "Not a date"),
        ("mo", "Not a date"),
        ("2026-11-20", "Fri Nov 20 is in the past"),
    ],
)
def test_parse_day_refuses_with_a_reason(typed, message):
    with pytest.raises(Invalid, match=message):
        parse_day(typed, TUESDAY)


def test_a_past_day_is_accepted_when_asked_for():
    assert parse_day("2026-11-20", TUESDAY, allow_past=True) == date(2026, 11, 20)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("2pm", time(14)), ("2:30 pm", time(14, 30)), ("14:30", time(14, 30)), ("9", time(9)),
     ("12am", time(0)), ("12pm", time(12)), ("10:05a.m.", time(10, 5))],
)
def test_parse_time(typed, meant):
    assert parse_time(typed) == meant


@pytest.mark.parametrize("typed", ["13pm", "25:00", "9:75", "noon", ""])
def test_parse_time_refuses(typed):
    with pytest.raises(Invalid):
        parse_time(typed)


def test_relative_day_words():
    assert [relative_day(date(2026, 11, d), TUESDAY) for d in (24, 25, 27, 23, 20)] == [
        "today", "tomorrow", "in 3 days", "1 day overdue", "4 days overdue"]
    assert relative_day(date(2026, 11, 20), TUESDAY, past="ago") == "4 days ago"


def test_times_read_in_the_company_zone():
    assert format_time(datetime(2026, 11, 24, 16, 0, tzinfo=timezone.utc), "America/Chicago") == "10:00 AM"


def test_short_date_names_the_year_only_when_it_is_not_this_one():
    from datetime import datetime, timezone

    from rep_tui.widgets.when import short_date

    today = date(2026, 11, 24)
    assert short_date(datetime(2026, 11, 19, 15, tzinfo=timezone.utc), "America/Chicago", today) == "Nov 19"
    assert short_date(datetime(2025, 7, 10, 15, tzinfo=timezone.utc), "America/Chicago", today) == "7/10/25"
    # 2 AM UTC on Jan 1 is still New Year's Eve in Chicago
    assert short_date(datetime(2026, 1, 1, 2, tzinfo=timezone.utc), "America/Chicago", today) == "12/31/25"


def test_a_day_of_another_year_shows_its_year():
    from rep_tui.domain.dates import format_day_from

    today = date(2026, 12, 7)
    assert format_day_from(date(2026, 10, 20), today) == "Tue Oct 20"
    assert format_day_from(date(2025, 10, 20), today) == "10/20/25"
    assert format_day_from(date(2027, 1, 4), today) == "1/4/27"
