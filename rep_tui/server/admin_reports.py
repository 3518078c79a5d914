"""Reports by period from the server's box: `rep-tui admin report`, the same
`store.reports.build_report` the app's Reports screen runs, on the server
database (every rep's appointments). Days are read in the offices' time
zone unless the command names one."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from rep_tui.server.admin import AdminError
from rep_tui.store.queries import PERIOD_FORMATS, Period
from rep_tui.store.reports import Report, build_report, office_time_zone


def period_of(kind: str, on: str | None, start: date | None, end: date | None) -> Period:
    """`--period KIND --on TEXT`, or a custom range `--from --to`; bad input in words."""
    if kind == "custom" or start or end:
        if not (start and end) or on:
            raise AdminError("A custom range takes --from and --to (and no --on).")
        if end < start:
            raise AdminError(f"--to ({end}) is before --from ({start}).")
        return Period("custom", start, end)
    if not on:
        raise AdminError(f"Say which {kind} with --on, written {PERIOD_FORMATS[kind]}.")
    try:
        return Period.parse(kind, on)
    except ValueError as exc:
        raise AdminError(str(exc)) from None


def report(engine: Engine, period: Period, by: str, tz_name: str | None = None) -> Report:
    """The report of `period` grouped `by`, days in `tz_name` (else the offices' zone, else the default)."""
    from rep_tui.clock import zone
    from rep_tui.config import DEFAULT_TIME_ZONE

    with Session(engine) as session:
        tz = tz_name or office_time_zone(session) or DEFAULT_TIME_ZONE
        try:
            zone(tz)
        except (ValueError, KeyError) as exc:
            raise AdminError(f"{tz!r} is not a time zone (e.g. America/Chicago).") from exc
        return build_report(session, period, by, tz)
