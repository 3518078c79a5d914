"""The one clock. `REP_TUI_NOW` (ISO timestamp) fixes it for tests and snapshots."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    fixed = os.environ.get("REP_TUI_NOW")
    if fixed:
        moment = datetime.fromisoformat(fixed)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc)
    return datetime.now(timezone.utc)


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_now(tz_name: str) -> datetime:
    return utcnow().astimezone(zone(tz_name))


def local_today(tz_name: str) -> date:
    return local_now(tz_name).date()
