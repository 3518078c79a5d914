"""Who may see and change which rows, enforced in the server's queries.

A rep sees the leads assigned to them and everything hanging off those
leads; a manager sees their team's reps' leads (and their own); an admin
sees all. Reference tables are readable by everyone; users, teams, groups,
result codes, custom fields, the catalogue, targets, payments and the users
on a job (`job_users`, seen by whoever sees the job) are written by whoever
has the permission for them (`sync.tables.WRITE_PERMISSION`),
whatever the role, the other reference tables by admins; one with a
`READ_PERMISSION` (payments) is not sent to a user without it. Only an admin
gives the admin role. Deleting a lead needs DELETE_LEADS, whatever the role.
Notes, payments and commissions are office data: reps and managers read them
only, but a sale writes the commission rows of the users on the job (the
lead's rep when nobody else is), each at its share (checked in `push`). Comments are append-only. A reminder is also seen (and may be marked
done) by its assignee, who may not see its lead. A rep's own rows (targets)
are seen like the rep's leads, and so are a user's work hours. A lead with
no rep (from the web form) is in the Unassigned queue of every manager who
may reassign leads (and admins'): reps never see one. Someone else's calendar
(their appointments, their work hours) is changed only with
EDIT_OTHERS_CALENDAR (`calendar_refusal`). A user's own rows (`OWN_ROWS`:
saved searches) are the user's alone."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, ColumnElement, Select, or_, select

from rep_tui.domain import permissions
from rep_tui.domain.permissions import Permission, granted
from rep_tui.server.auth import Principal, lacks
from rep_tui.store.models import SYNCED_TABLES, Job, Lead, Team, User, UserGroup
from rep_tui.sync.tables import (
    APPEND_ONLY, CALENDARS, JOB_CHILDREN, LEAD_CHILDREN, OFFICE_TABLES, OWN_ROWS, READ_PERMISSION, REFERENCE_TABLES,
    REP_ROWS, WRITE_PERMISSION,
)


def visible_reps(user: Principal) -> Select | None:
    """The users whose leads `user` sees; None means everyone's."""
    return _visible_reps(user.role, user.id, user.team_id)


def _visible_reps(role: str, user_id: Any, team_id: Any) -> Select | None:
    if role == "admin":
        return None
    if role == "manager":
        teams = select(Team.id).where(or_(Team.manager_id == user_id, Team.id == team_id))
        return select(User.id).where(or_(User.team_id.in_(teams), User.id == user_id))
    return select(User.id).where(User.id == user_id)


def sees_unassigned(user: Principal) -> bool:
    """`permissions.sees_unassigned` for a signed-in user."""
    return permissions.sees_unassigned(user.role, granted(user.role, user.group_permissions))


def viewers(conn: Connection, rep_id: uuid.UUID | None) -> set[uuid.UUID]:
    """Who sees the leads of `rep_id` besides admins: the rep and the
    managers of the rep's team (the inverse of `visible_reps`); of no rep:
    the managers who may reassign leads."""
    if rep_id is None:
        managers = conn.execute(
            select(User.id, UserGroup.id.label("group_id"), UserGroup.permissions)
            .outerjoin(UserGroup, (UserGroup.id == User.group_id) & UserGroup.deleted.is_(False))
            .where(User.role == "manager", User.deleted.is_(False)))
        return {row.id for row in managers if permissions.sees_unassigned("manager", granted(
            "manager", None if row.group_id is None else row.permissions or ()))}
    team = conn.execute(select(User.team_id).where(User.id == rep_id)).scalar()
    if team is None:
        return {rep_id}
    managers = conn.execute(
        select(Team.manager_id).where(Team.id == team, Team.manager_id.is_not(None))
        .union(select(User.id).where(User.team_id == team, User.role == "manager"))
    ).scalars()
    return {rep_id, *managers}


def _lead_clause(role: str, user_id: Any, team_id: Any, lead_col: Any, unassigned: bool) -> ColumnElement | None:
    reps = _visible_reps(role, user_id, team_id)
    if reps is None:
        return None
    if role == "rep":
        return lead_col.in_(select(Lead.id).where(Lead.rep_id == user_id))
    return lead_col.in_(select(Lead.id).where(_owned_by(Lead.rep_id, reps, unassigned)))


def _owned_by(rep_col: Any, reps: Select, unassigned: bool) -> ColumnElement:
    """A lead of one of `reps`, or (`unassigned`) of no rep."""
    return or_(rep_col.in_(reps), rep_col.is_(None)) if unassigned else rep_col.in_(reps)


def row_filter(table: str, user: Principal) -> ColumnElement | None:
    """A WHERE clause limiting `table` to the rows `user` may see (None: all)."""
    return role_filter(table, user.role, user.id, user.team_id, sees_unassigned(user))


def role_filter(table: str, role: str, user_id: Any, team_id: Any, unassigned: bool = False) -> ColumnElement | None:
    """`row_filter` for a role, the user's id and team given as values or as
    bind parameters (so one statement can serve every user of a role);
    `unassigned`: the user sees leads of no rep (`sees_unassigned`)."""
    cols = SYNCED_TABLES[table].__table__.c  # type: ignore[attr-defined]
    if table in REFERENCE_TABLES or role == "admin":
        return None
    if table in OWN_ROWS:
        return cols[OWN_ROWS[table]] == user_id
    if table == "leads" or table in REP_ROWS:
        whose = cols[REP_ROWS.get(table, "rep_id")]
        if role == "rep":
            return whose == user_id
        return _owned_by(whose, _visible_reps(role, user_id, team_id), unassigned and table == "leads")
    if table == "reminders":
        return or_(_lead_clause(role, user_id, team_id, cols.lead_id, unassigned), cols.assignee_id == user_id)
    if table in LEAD_CHILDREN:
        return _lead_clause(role, user_id, team_id, cols.lead_id, unassigned)
    if table in JOB_CHILDREN:
        lead_clause = _lead_clause(role, user_id, team_id, Job.lead_id, unassigned)
        return cols.job_id.in_(select(Job.id).where(lead_clause))
    raise KeyError(table)


def lead_of(conn: Connection, table: str, values: dict[str, Any]) -> uuid.UUID | None:
    """The lead a row (given by its column values) hangs off."""
    if table == "leads":
        return values.get("id")
    if table in LEAD_CHILDREN:
        return values.get("lead_id")
    if table in JOB_CHILDREN:
        return conn.execute(select(Job.lead_id).where(Job.id == values.get("job_id"))).scalar()
    return None


def sees_rep(conn: Connection, user: Principal, rep_id: Any) -> bool:
    """Whether `user` sees the leads (and targets) of `rep_id`."""
    reps = visible_reps(user)
    if reps is None:
        return True
    return rep_id is not None and conn.execute(reps.where(User.id == rep_id)).first() is not None


def may_see_lead(conn: Connection, user: Principal, lead_id: uuid.UUID | None) -> bool:
    if lead_id is None:
        return False
    if user.role == "admin":
        return conn.execute(select(Lead.id).where(Lead.id == lead_id)).first() is not None
    clause = row_filter("leads", user)
    return conn.execute(select(Lead.id).where(Lead.id == lead_id, clause)).first() is not None


def withheld(user: Principal) -> frozenset[str]:
    """The tables `user` may not see at all (their rows and their history stay on the server)."""
    return frozenset(table for table, needed in READ_PERMISSION.items() if not user.may(needed))


def write_refusal(table: str, op: str, user: Principal) -> str | None:
    """Why `user` may not do `op` on `table` at all, or None. `op` is "delete"
    for any change that deletes the row (an update setting `deleted` too)."""
    needed = WRITE_PERMISSION.get(table)
    if table == "leads" and op == "delete":
        needed = Permission.DELETE_LEADS
    if needed is not None:
        return None if user.may(needed) else lacks(needed)
    if user.role == "admin":
        return None
    if table in REFERENCE_TABLES:
        return f"only an admin may change {table}"
    if table == "commissions" and op != "delete":
        return None  # only the user's own, at their rate of the sale: `push.check_commission`
    if table in OFFICE_TABLES:
        return f"{table} are office data: read-only for a {user.role}"
    if table in APPEND_ONLY and op != "insert":
        return f"{table} are append-only"
    return None


def promotion_refusal(table: str, fields: dict[str, Any], user: Principal,
                      current: dict[str, Any] | None = None) -> str | None:
    """Managing users does not make one an admin: only an admin gives the
    admin role, or changes (disables, demotes) an admin's account."""
    if table != "users" or user.role == "admin":
        return None
    if fields.get("role", (None, None))[1] == "admin":
        return "only an admin may give someone the admin role"
    if current is not None and current.get("role") == "admin":
        return "only an admin may change an admin's account"
    return None


def calendar_refusal(conn: Connection, table: str, fields: dict[str, Any], user: Principal,
                     current: dict[str, Any] | None = None) -> str | None:
    """Why `user` may not change this row of someone else's calendar (an
    appointment, work hours), or None: that needs EDIT_OTHERS_CALENDAR,
    whatever the role, and the calendar must be of a user whose leads they
    see. A row of no one's (an appointment without a rep) is anyone's who may
    change its lead."""
    column = CALENDARS.get(table)
    if column is None:
        return None
    whose = {current[column]} if current is not None else set()
    if column in fields:
        whose.add(fields[column][1])
    others = whose - {None, user.id}
    if not others:
        return None
    if not user.may(Permission.EDIT_OTHERS_CALENDAR):
        return lacks(Permission.EDIT_OTHERS_CALENDAR)
    if not all(sees_rep(conn, user, other) for other in others):
        return "that calendar is of a user outside your team: you may change only the calendars of users you see"
    return None


def may_write_row(conn: Connection, user: Principal, table: str, values: dict[str, Any]) -> bool:
    """Whether a row with these values is inside what `user` may change
    (a reference row is anyone's whom `write_refusal` lets write it)."""
    if user.role == "admin" or table in REFERENCE_TABLES:
        return True
    if table == "leads" and user.role == "rep":
        return values.get("rep_id") == user.id  # the row is at hand: no need to read it again
    if table == "reminders" and values.get("assignee_id") == user.id:
        return True  # what an assignee who does not see the lead may change: `server.reminders`
    if table in OWN_ROWS:
        return values.get(OWN_ROWS[table]) == user.id
    if table in REP_ROWS:
        return sees_rep(conn, user, values.get(REP_ROWS[table]))
    return may_see_lead(conn, user, lead_of(conn, table, values))
