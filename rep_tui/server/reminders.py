"""The server's rules for reminders, beyond the field rules every row gets.

A reminder's row belongs to one assignee (`models.Reminder`), who may not
see its lead: such an assignee may only mark it done or not done. Who it is
for, which lead and which reminder it is part of never change (taking an
assignee off is deleting their row, so the row's tombstone reaches their
devices). The lead's summary and who wrote it come from the server, never
from the device. Only the office moves one to another lead, when it merges
two customers."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import select, update

from rep_tui.server import scoping
from rep_tui.server.db import PENDING
from rep_tui.store.models import Engagement, Job, Lead, Reminder, User
from rep_tui.sync.protocol import Mutation

#: The lead's columns its reminders' summary is made of.
SUMMARY_SOURCES = frozenset({"first_name", "last_name", "cell_phone", "home_phone", "work_phone", "address", "city",
                             "state", "zip"})
#: What an assignee who does not see the lead may change.
DONE_FIELDS = frozenset({"done_at", "done_by_id"})
#: Set on creation, never changed after.
FIXED = ("group_id", "lead_id", "assignee_id")
SERVER_OWNED = frozenset({*Reminder.SUMMARY, "created_by_id"})

Fields = dict[str, tuple[Any, Any]]


class Refused(ValueError):
    """A reminder change the server will not apply; the message says why."""


def vet(push: Any, m: Mutation, fields: Fields) -> Fields:
    """The reminder mutation's fields as the server will write them, or Refused."""
    conn, user = push.conn, push.user
    admin = user.role == "admin"
    given = {name: pair for name, pair in fields.items() if name not in SERVER_OWNED}
    done_by = given.get("done_by_id", (None, None))[1]
    if done_by is not None and done_by != user.id and not admin:
        raise Refused("a reminder is marked done in your own name")
    if m.op == "insert":
        return {**given, **_filled(conn, user, given, {name: pair for name, pair in fields.items()
                                                       if admin and name in SERVER_OWNED})}
    current = conn.execute(select(*(getattr(Reminder, n) for n in FIXED))
                           .where(Reminder.id == m.row_id)).mappings().first()
    if current is None:
        return given  # `authorize` answers "no such row"
    changed = [name for name in FIXED if name in given and given[name][1] != current[name]]
    if changed == ["lead_id"] and admin:  # the office merging customers (`admin_merge`): the summary follows
        row = conn.execute(select(Reminder.__table__).where(Reminder.id == m.row_id)).mappings().one()
        lead = conn.execute(select(Lead).where(Lead.id == given["lead_id"][1])).first()
        summary = Reminder.summary(lead) if lead is not None else {}
        return {**given, **{name: (row[name], value) for name, value in summary.items()}}
    if changed:
        raise Refused("a reminder stays on its lead and with its assignee: remove it and add a new one")
    if admin or scoping.may_see_lead(conn, user, current["lead_id"]):
        return given
    if m.op == "delete" or set(given) - DONE_FIELDS:
        raise Refused("as its assignee you may only mark this reminder done or not done")
    return given


def _filled(conn: Any, user: Any, given: Fields, from_admin: Fields) -> Fields:
    """A new reminder's checks against other rows, and the values the server fills in."""
    lead_id = given.get("lead_id", (None, None))[1]
    assignee = given.get("assignee_id", (None, None))[1]
    active = conn.execute(select(User.id).where(User.id == assignee, User.active.is_(True),
                                                User.deleted.is_(False))).first()
    if active is None:
        raise Refused("a reminder is assigned to an active user")
    for name, model in (("job_id", Job), ("engagement_id", Engagement)):
        row_id = given.get(name, (None, None))[1]
        if row_id is not None and conn.execute(select(model.lead_id).where(model.id == row_id)).scalar() != lead_id:
            raise Refused(f"{name}: not a row of the reminder's lead")
    lead = conn.execute(select(Lead).where(Lead.id == lead_id)).first()
    summary = Reminder.summary(lead) if lead is not None else {}
    filled = {name: (None, value) for name, value in summary.items()}
    filled["created_by_id"] = (None, user.id)
    return {**filled, **from_admin}


def lead_changed(push: Any, lead_id: Any, lead: dict[str, Any], changes: dict[str, Any]) -> None:
    """A lead's name, phones or address changed: its reminders' summary follows
    (and goes to their assignees' devices with new versions)."""
    if not SUMMARY_SOURCES & changes.keys():
        return
    t = Reminder.__table__
    ids = list(push.conn.execute(select(t.c.id).where(t.c.lead_id == lead_id, t.c.deleted.is_(False))).scalars())
    if ids:
        push.conn.execute(update(t).where(t.c.id.in_(ids)).values(**Reminder.summary(SimpleNamespace(**lead)),
                                                                  version=PENDING))
        push.stamped.extend(("reminders", row_id) for row_id in ids)

