"""Users' work hours on the device: a day's hours for the agenda and the free
times a booking offers, and setting them (the user's own, or a rep's by whoever
may edit their calendar) as a local write that syncs like any edit. One row
per user, the same id on every device (`WorkHours.id_for`)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from rep_tui.domain.work_hours import WEEKDAYS, Hours, column_of, hours_of
from rep_tui.store import writes
from rep_tui.store.models import WorkHours


def work_hours_of(session: Session, user_id: uuid.UUID) -> WorkHours | None:
    found = session.get(WorkHours, WorkHours.id_for(user_id))
    return None if found is None or found.deleted else found


def week_of(session: Session, user_id: uuid.UUID, default: Hours) -> dict[str, str | None]:
    """The user's stored span of each weekday ({"mon": "8-18", ..., "sun": None});
    `default` every day for a user who never set theirs."""
    found = work_hours_of(session, user_id)
    if found is None:
        return {day: f"{default[0]}-{default[1]}" for day in WEEKDAYS}
    return {day: getattr(found, day) for day in WEEKDAYS}


def hours_on(session: Session, user_id: uuid.UUID, day: date, default: Hours) -> Hours | None:
    """The user's hours on `day` (None: a day off); `default` for a user who never set theirs."""
    return hours_of(week_of(session, user_id, default)[column_of(day)])


def set_work_hours(session: Session, actor: writes.Actor, user_id: uuid.UUID, week: dict[str, str | None]) -> WorkHours:
    """The user's week ({"mon": "8-18", "sun": None, ...}, checked by the form), made or changed."""
    found = work_hours_of(session, user_id)
    if found is None:
        return writes.insert(session, actor, WorkHours(id=WorkHours.id_for(user_id), user_id=user_id, **week))
    writes.update(session, actor, found, **week)
    return found
