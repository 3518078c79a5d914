"""Users, teams and groups as the Admin screen reads and writes them, in the
local store: a change is an ordinary local write that syncs like every other
(offline included), and the server refuses it unless the user's group grants
MANAGE_USERS. The checks here are the forms' (`domain.forms`); the server
checks the same specs again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rep_tui.domain.fields import used
from rep_tui.domain.forms import FormErrors, collect
from rep_tui.domain.permissions import Permission
from rep_tui.store import writes
from rep_tui.store.queries import permissions_of
from rep_tui.store.client_models import PasswordReset
from rep_tui.store.models import Appointment, Lead, Office, Team, User, UserGroup


@dataclass(frozen=True)
class UserLine:
    user: User
    team: str
    group: str
    leads: int
    #: A password reset on this device: "waiting for a sync", or the server's refusal.
    password_reset: str | None = None


@dataclass(frozen=True)
class TeamLine:
    team: Team
    office: str
    manager: str
    members: int


@dataclass(frozen=True)
class GroupLine:
    group: UserGroup
    members: int


@dataclass(frozen=True)
class People:
    """Everything the Admin screen shows, and the choices its forms offer."""

    users: list[UserLine]
    teams: list[TeamLine]
    groups: list[GroupLine]
    offices: list[Office]


def _live(model: Any) -> Any:
    return select(model).where(model.deleted.is_(False))


def read_people(session: Session) -> People:
    users = list(session.scalars(_live(User).order_by(User.full_name)))
    teams = list(session.scalars(_live(Team).order_by(Team.name)))
    groups = list(session.scalars(_live(UserGroup).order_by(UserGroup.name)))
    offices = list(session.scalars(_live(Office).order_by(Office.name)))
    team_name = {t.id: t.name for t in teams}
    group_name = {g.id: g.name for g in groups}
    user_name = {u.id: u.full_name for u in users}
    office_name = {o.id: o.name for o in offices}
    leads = dict(session.execute(select(Lead.rep_id, func.count()).where(Lead.deleted.is_(False))
                                 .group_by(Lead.rep_id)).all())
    resets = {user_id: f"refused: {refused}" if refused else "waiting for a sync"
              for user_id, refused in session.execute(select(PasswordReset.user_id, PasswordReset.refused))}
    return People(
        users=[UserLine(u, team_name.get(u.team_id, ""), group_name.get(u.group_id, ""), leads.get(u.id, 0),
                        resets.get(u.id)) for u in users],
        teams=[TeamLine(t, office_name.get(t.office_id, ""), user_name.get(t.manager_id, ""),
                        sum(u.team_id == t.id for u in users)) for t in teams],
        groups=[GroupLine(g, sum(u.group_id == g.id for u in users)) for g in groups],
        offices=offices,
    )


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.deleted.is_(False))) or 0


@contextmanager
def _no_lockout(session: Session, actor: writes.Actor, field: str) -> Iterator[None]:
    """Refuse (FormErrors on `field`) a change that would leave the one making
    it unable to manage users, or the company with no active admin: nobody on
    this device could undo it. The caller's session rolls the change back."""
    admins_before = _active_admins(session)
    yield
    session.flush()
    me = session.get(User, actor.user_id) if actor.user_id else None
    if me is not None and (me.deleted or not me.active or
                           Permission.MANAGE_USERS not in permissions_of(session, me)):
        raise FormErrors({field: "That would take away your own right to manage users: "
                                 "another user who manages users must do it."})
    if admins_before and not _active_admins(session):
        raise FormErrors({field: "That would leave the company with no active admin."})


def _checked(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """The typed fields of a form by their columns' specs; FormErrors names every bad one."""
    return collect(values, {name: spec.check for name, spec in used(table, "edited").items()})


def _taken(session: Session, column: Any, value: str, row_id: uuid.UUID | None) -> bool:
    model = column.class_
    stmt = select(model.id).where(func.lower(column) == value.lower(), model.deleted.is_(False))
    if row_id is not None:
        stmt = stmt.where(model.id != row_id)
    return session.execute(stmt.limit(1)).first() is not None


def save_user(session: Session, actor: writes.Actor, user_id: uuid.UUID | None, values: dict[str, Any]) -> User:
    """Add (`user_id` None) or change a user. `values`: the typed fields
    (username, full_name, email, phone) and role, team_id, group_id, active."""
    clean = _checked("users", values)
    if _taken(session, User.username, clean["username"], user_id):
        raise FormErrors({"username": f"{clean['username']} is someone else's username."})
    fields = {**clean, "role": values["role"], "team_id": values.get("team_id"),
              "group_id": values.get("group_id"), "active": bool(values.get("active", True))}
    if user_id is None:
        return writes.insert(session, actor, User(**fields))  # type: ignore[return-value]
    user = session.get(User, user_id)
    with _no_lockout(session, actor, "role"):
        writes.update(session, actor, user, **fields)
    return user


def save_team(session: Session, actor: writes.Actor, team_id: uuid.UUID | None, values: dict[str, Any]) -> Team:
    """Add or change a team: its name, and office_id and manager_id (or None)."""
    clean = _checked("teams", values)
    if _taken(session, Team.name, clean["name"], team_id):
        raise FormErrors({"name": f"There is a team named {clean['name']} already."})
    fields = {**clean, "office_id": values.get("office_id"), "manager_id": values.get("manager_id")}
    if team_id is None:
        return writes.insert(session, actor, Team(**fields))  # type: ignore[return-value]
    team = session.get(Team, team_id)
    writes.update(session, actor, team, **fields)
    return team


def save_group(session: Session, actor: writes.Actor, group_id: uuid.UUID | None,
               values: dict[str, Any]) -> UserGroup:
    """Add or change a group: name, description and `permissions` (Permission values)."""
    clean = _checked("user_groups", values)
    if _taken(session, UserGroup.name, clean["name"], group_id):
        raise FormErrors({"name": f"There is a group named {clean['name']} already."})
    known = {p.value for p in Permission}
    grant = sorted(known & set(values.get("permissions") or ()))  # sorted, as stored everywhere
    fields = {**clean, "permissions": grant}
    if group_id is None:
        return writes.insert(session, actor, UserGroup(**fields))  # type: ignore[return-value]
    group = session.get(UserGroup, group_id)
    with _no_lockout(session, actor, "permissions"):
        writes.update(session, actor, group, **fields)
    return group


def delete_team(session: Session, actor: writes.Actor, team_id: uuid.UUID) -> int:
    """Delete a team; its members are left with no team (their leads stay
    theirs). Returns how many members it had."""
    members = list(session.scalars(_live(User).where(User.team_id == team_id)))
    for member in members:
        writes.update(session, actor, member, team_id=None)
    writes.delete(session, actor, session.get(Team, team_id))
    return len(members)


def delete_group(session: Session, actor: writes.Actor, group_id: uuid.UUID) -> int:
    """Delete a group; its members fall back to their role's defaults.
    Refused when that would take away the deleter's own right to manage users.
    Returns how many members it had."""
    members = list(session.scalars(_live(User).where(User.group_id == group_id)))
    with _no_lockout(session, actor, "group"):
        for member in members:
            writes.update(session, actor, member, group_id=None)
        writes.delete(session, actor, session.get(UserGroup, group_id))
    return len(members)


def toggle_active(session: Session, actor: writes.Actor, user_id: str | uuid.UUID) -> bool:
    """Disable an active user (they cannot sign in once it syncs) or enable a disabled one; returns the new state."""
    user = session.get(User, uuid.UUID(str(user_id)))
    with _no_lockout(session, actor, "active"):
        writes.update(session, actor, user, active=not user.active)
    return user.active


def reset_password(session: Session, user_id: uuid.UUID, password: str, repeated: str) -> None:
    """Give a user a new password: hashed here and kept until the next sync
    takes it to the server (a second reset before then replaces the first)."""
    from rep_tui.domain.passwords import hash_password, too_short

    if (why := too_short(password)) is not None:
        raise FormErrors({"password": why})
    if repeated != password:
        raise FormErrors({"repeated": "The two passwords differ."})
    session.merge(PasswordReset(user_id=user_id, password_hash=hash_password(password), refused=None))


def leads_of(session: Session, user_id: uuid.UUID) -> int:
    """How many live leads on this device are the user's."""
    return session.scalar(select(func.count()).select_from(Lead).where(Lead.rep_id == user_id,
                                                                       Lead.deleted.is_(False))) or 0


def delete_user(session: Session, actor: writes.Actor, user_id: uuid.UUID, leads_to: uuid.UUID | None) -> int:
    """Delete a user (they cannot sign in once it syncs). Their leads go to
    `leads_to` with their open appointments, or are left with no rep (None:
    only the office sees them then). Returns the leads moved."""
    if user_id == actor.user_id:
        raise FormErrors({"leads_to": "You cannot delete yourself."})
    if leads_to == user_id:
        raise FormErrors({"leads_to": "Their leads must go to someone else."})
    leads = list(session.scalars(select(Lead).where(Lead.rep_id == user_id, Lead.deleted.is_(False))))
    for lead in leads:
        writes.update(session, actor, lead, rep_id=leads_to)
    if leads_to is not None and leads:
        open_visits = select(Appointment).where(
            Appointment.lead_id.in_([lead.id for lead in leads]), Appointment.rep_id == user_id,
            Appointment.result_code.is_(None), Appointment.deleted.is_(False))
        for appointment in session.scalars(open_visits):
            writes.update(session, actor, appointment, rep_id=leads_to)
    with _no_lockout(session, actor, "leads_to"):
        writes.delete(session, actor, session.get(User, user_id))
    return len(leads)
