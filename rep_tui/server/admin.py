"""Running a company from the server's box: users, teams, reps' monthly
targets, and clearing bookkeeping nobody needs any more (importing and
reassigning leads: `admin_bulk`).

Works on the server database directly (no HTTP, no Textual). Every row
change goes through the server's own push path as a one-shot admin device,
so admin rows get versions, PIDs, births and change history exactly like a
rep's pushed rows, and a reassigned lead leaves the old rep's devices: every
device sees the change on its next sync."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import Connection, Engine, delete, func, or_, select

from rep_tui.blobs import BlobStore, is_name
from rep_tui.clock import utcnow
from rep_tui.domain.permissions import DEFAULT_GROUPS, Permission, default_grant
from rep_tui.domain.rules import check_username
from rep_tui.domain.validation import Invalid
from rep_tui.server import auth
from rep_tui.server.auth import Principal
from rep_tui.server.db import make_engine, migrate
from rep_tui.server.models import LoginFailure, Token
from rep_tui.store.models import (
    Appointment, Attachment, Job, Office, ResultCode, Target, Team, User, UserGroup,
)
from rep_tui.store.serialize import to_json
from rep_tui.sync.protocol import MAX_BATCH, Mutation

#: Who admin changes are recorded as in the change history (not a user row).
ADMIN = Principal(id=uuid.uuid5(uuid.NAMESPACE_URL, "rep-tui:admin"), username="rep-tui-admin",
                  full_name="rep-tui admin", role="admin", team_id=None)
ROLES = ("rep", "manager", "admin")
#: Mutations handed to the push path at a time (within the command's one
#: transaction): the most a device's push holds, so the bulk paths see batches they know.
BATCH = MAX_BATCH
#: An upload comes before the attachment row that names it: younger blobs are kept.
BLOB_GRACE = timedelta(days=1)


class AdminError(Exception):
    """Input the admin must fix; nothing was written. The message says what."""


def open_server(url: str, *, defaults: bool = True) -> Engine:
    """The server database at `url`, migrated (so the first admin can be made
    before serving), with the default groups and job statuses unless not
    `defaults` (an export only reads; an import wants the database empty)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    try:
        engine = make_engine(url)
        migrate(engine)
    except SQLAlchemyError as exc:
        shown = make_url(url).render_as_string(hide_password=True) if "://" in url else url
        raise AdminError(f"Cannot open the server database {shown}: {str(exc).splitlines()[0]}") from None
    if not defaults:
        return engine
    ensure_default_groups(engine)
    from rep_tui.server.admin_jobs import ensure_default_job_statuses

    ensure_default_job_statuses(engine)
    return engine


# --- writing through the push path ----------------------------------------------


@dataclass
class Change:
    """One row change; `fields` maps a column to (base, new) column values."""

    table: str
    row_id: uuid.UUID
    op: str
    fields: dict[str, tuple[Any, Any]]
    label: str = ""


#: Told (changes written, changes in all) after each batch: a progress bar.
Progress = Callable[[int, int], None]


def _mutations(changes: list[Change], first_seq: int) -> list[Mutation]:
    return [Mutation(seq=first_seq + i, table=c.table, row_id=c.row_id, op=c.op,  # type: ignore[arg-type]
                     fields={k: [to_json(base), to_json(new)] for k, (base, new) in c.fields.items()})
            for i, c in enumerate(changes)]


def _write(state: Any, changes: list[Change], progress: Progress | None = None) -> None:
    """Push `changes` into the office's open transaction (`push.office_transaction`),
    BATCH at a time; AdminError (which rolls it all back) names those the server refused."""
    from rep_tui.server.push import apply_batch

    for start in range(0, len(changes), BATCH):
        batch = changes[start:start + BATCH]
        refused = [f"{batch[r.seq - 1].label or batch[r.seq - 1].table}: {r.reason}"
                   for r in apply_batch(state, _mutations(batch, 1)) if r.status == "rejected"]
        if refused:
            raise AdminError(f"The server refused {len(refused)} change(s); nothing written:\n  "
                             + "\n  ".join(refused))
        if progress:
            progress(start + len(batch), len(changes))


def _apply(engine: Engine, changes: list[Change], progress: Progress | None = None, *,
           actor: Principal = ADMIN) -> None:
    """Write `changes` through the push path as the office (or `actor`, an
    admin), all in one transaction (in bulk where the push path can): all of
    them, or none and AdminError naming those the server refused."""
    from rep_tui.server import push

    def attempt() -> None:
        with push.office_transaction(engine, actor, f"admin-{uuid.uuid4().hex}") as state:
            _write(state, changes, progress)

    push.retried(attempt)


def _insert(table: str, values: dict[str, Any], label: str = "") -> Change:
    return Change(table, uuid.uuid4(), "insert", {k: (None, v) for k, v in values.items()}, label)


def _user(conn: Connection, username: str) -> Any:
    row = conn.execute(select(User.__table__).where(User.username == username, User.deleted.is_(False))).first()
    if row is None:
        raise AdminError(f"No user named {username!r} (see `rep-tui admin users list`).")
    return row


def _one_named(conn: Connection, model: Any, kind: str, name: str) -> Any:
    rows = conn.execute(select(model.id).where(model.name == name, model.deleted.is_(False))).scalars().all()
    if len(rows) != 1:
        known = ", ".join(conn.execute(select(model.name).where(model.deleted.is_(False))
                                       .order_by(model.name)).scalars()) or "none yet"
        problem = "Several" if rows else "No"
        raise AdminError(f"{problem} {kind}s named {name!r} (known: {known}).")
    return rows[0]


# --- reminders ------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderLine:
    due_on: date
    body: str
    assignee: str  # username
    customer: str
    phone: str
    address: str
    pid: int | None
    done_at: datetime | None
    done_by: str  # username, "" while not done

    def as_json(self) -> dict[str, Any]:
        return {"due_on": self.due_on.isoformat(), "text": self.body, "assignee": self.assignee,
                "customer": self.customer, "phone": self.phone, "address": self.address, "pid": self.pid,
                "done_at": self.done_at.isoformat() if self.done_at else None, "done_by": self.done_by or None}


def list_reminders(engine: Engine, *, user: str | None = None, due_by: date | None = None) -> list[ReminderLine]:
    """Live reminders by due date: everyone's, or one user's; up to a day if given."""
    from sqlalchemy.orm import Session

    from rep_tui.store import reminders

    with Session(engine) as session:
        user_id = _user(session.connection(), user).id if user else None
        names = dict(session.execute(select(User.id, User.username)).all())
        return [ReminderLine(d.reminder.due_on, d.reminder.body, names.get(d.reminder.assignee_id, ""), d.customer,
                             d.phone, d.address, d.lead.pid if d.lead is not None else None, d.reminder.done_at,
                             names.get(d.reminder.done_by_id, ""))
                for d in reminders.listed(session, user_id, due_by)]


# --- users and teams --------------------------------------------------------------


@dataclass(frozen=True)
class UserLine:
    username: str
    full_name: str
    role: str
    team: str
    active: bool
    group: str = ""


def list_users(engine: Engine) -> list[UserLine]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(User.username, User.full_name, User.role, Team.name, User.active, UserGroup.name)
            .outerjoin(Team, Team.id == User.team_id).outerjoin(UserGroup, UserGroup.id == User.group_id)
            .where(User.deleted.is_(False)).order_by(User.username))
        return [UserLine(u, n, r, t or "", a, g or "") for u, n, r, t, a, g in rows]


def check_password(password: str) -> str:
    from rep_tui.domain.passwords import too_short

    if (why := too_short(password)) is not None:
        raise AdminError(why)
    return password


def add_user(engine: Engine, username: str, password: str, *, full_name: str | None = None, role: str = "rep",
             team: str | None = None, group: str | None = None) -> uuid.UUID:
    """A new user, in `group` (by name) or else in their role's starting group while it exists."""
    try:
        username = check_username(username)
    except Invalid as exc:
        raise AdminError(str(exc)) from None
    if role not in ROLES:
        raise AdminError(f"A role is one of {', '.join(ROLES)}.")
    check_password(password)
    with engine.connect() as conn:
        if conn.execute(select(User.id).where(User.username == username)).first():
            raise AdminError(f"A user named {username!r} already exists.")
        team_id = _one_named(conn, Team, "team", team) if team else None
        group_id = _one_named(conn, UserGroup, "group", group) if group else _starting_group(conn, role)
    change = _insert("users", {"username": username, "full_name": (full_name or username).strip(), "role": role,
                               "team_id": team_id, "group_id": group_id, "active": True}, label=f"user {username}")
    _apply(engine, [change])
    with engine.begin() as conn:
        auth.set_password(conn, change.row_id, password)
    return change.row_id


def disable_user(engine: Engine, username: str) -> tuple[bool, int]:
    """Stop a user signing in and sign them out everywhere; returns whether
    they were active, and the tokens revoked."""
    with engine.connect() as conn:
        user = _user(conn, username)
        live = conn.execute(select(func.count()).select_from(Token).where(
            Token.user_id == user.id, Token.revoked_at.is_(None), Token.expires_at > utcnow())).scalar_one()
    if user.active:
        _apply(engine, [Change("users", user.id, "update", {"active": (True, False)}, f"user {username}")])
    with engine.begin() as conn:
        auth.revoke_user(conn, user.id)
    return user.active, live


def set_user_password(engine: Engine, username: str, password: str) -> None:
    check_password(password)
    with engine.begin() as conn:
        auth.set_password(conn, _user(conn, username).id, password)


@dataclass(frozen=True)
class TeamLine:
    name: str
    office: str
    manager: str
    members: int


def list_teams(engine: Engine) -> list[TeamLine]:
    members = select(User.team_id, func.count().label("n")).where(User.deleted.is_(False)) \
        .group_by(User.team_id).subquery()
    with engine.connect() as conn:
        rows = conn.execute(
            select(Team.name, Office.name, User.username, members.c.n)
            .outerjoin(Office, Office.id == Team.office_id).outerjoin(User, User.id == Team.manager_id)
            .outerjoin(members, members.c.team_id == Team.id).where(Team.deleted.is_(False)).order_by(Team.name))
        return [TeamLine(t, o or "", m or "", n or 0) for t, o, m, n in rows]


def add_team(engine: Engine, name: str, *, manager: str | None = None, office: str | None = None) -> uuid.UUID:
    name = name.strip()
    if not name:
        raise AdminError("A team needs a name.")
    with engine.connect() as conn:
        if conn.execute(select(Team.id).where(Team.name == name, Team.deleted.is_(False))).first():
            raise AdminError(f"A team named {name!r} already exists.")
        manager_id = None
        if manager:
            boss = _user(conn, manager)
            if boss.role == "rep":
                raise AdminError(f"{manager} is a rep: a team's manager has the role manager (or admin).")
            manager_id = boss.id
        office_id = _one_named(conn, Office, "office", office) if office else None
    change = _insert("teams", {"name": name, "manager_id": manager_id, "office_id": office_id}, f"team {name}")
    _apply(engine, [change])
    return change.row_id


# --- groups: what users may do -------------------------------------------------------


def ensure_default_groups(engine: Engine) -> None:
    """A company's starting groups, made the first time an admin command opens a
    server that never had any: one per role, granting the role's defaults,
    with the role's users in it (so nobody's permissions change)."""
    with engine.connect() as conn:
        if conn.execute(select(UserGroup.id).limit(1)).first() is not None:
            return
        users = conn.execute(select(User.id, User.role).where(User.group_id.is_(None))).all()
    groups = {role: _insert("user_groups", {"name": name, "description": description,
                                            "permissions": default_grant(role)}, f"group {name}")
              for role, (name, description) in DEFAULT_GROUPS.items()}
    members = [Change("users", user_id, "update", {"group_id": (None, groups[role].row_id)}, "user")
               for user_id, role in users if role in groups]
    _apply(engine, [*groups.values(), *members])


def _starting_group(conn: Connection, role: str) -> uuid.UUID | None:
    """The group a new user of `role` goes in: the one named for the role, if it is still there."""
    name = DEFAULT_GROUPS[role][0]
    rows = conn.execute(select(UserGroup.id).where(UserGroup.name == name, UserGroup.deleted.is_(False))).scalars()
    found = rows.all()
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class GroupLine:
    name: str
    description: str
    permissions: list[str]
    members: list[str]


def list_groups(engine: Engine) -> list[GroupLine]:
    with engine.connect() as conn:
        groups = conn.execute(select(UserGroup.id, UserGroup.name, UserGroup.description, UserGroup.permissions)
                              .where(UserGroup.deleted.is_(False)).order_by(UserGroup.name)).all()
        members: dict[Any, list[str]] = {}
        for group_id, username in conn.execute(select(User.group_id, User.username).where(
                User.deleted.is_(False), User.group_id.is_not(None)).order_by(User.username)):
            members.setdefault(group_id, []).append(username)
    return [GroupLine(name, description or "", sorted(permissions or ()), members.get(group_id, []))
            for group_id, name, description, permissions in groups]


def permission_names(names: Iterable[str]) -> list[str]:
    """Permission values from what an admin typed (a value like delete_leads,
    or its label); AdminError names the known ones."""
    known = {word.casefold(): p.value for p in Permission for word in (p.value, p.label)}
    wanted, unknown = [], []
    for name in names:
        value = known.get(name.strip().casefold())
        (wanted if value else unknown).append(value or name)
    if unknown:
        raise AdminError(f"No such permission: {', '.join(unknown)}. Known: "
                         + ", ".join(p.value for p in Permission) + ".")
    return list(dict.fromkeys(wanted))


def add_group(engine: Engine, name: str, *, description: str | None = None,
              permissions: Iterable[str] = ()) -> uuid.UUID:
    name = name.strip()
    if not name:
        raise AdminError("A group needs a name.")
    grant = sorted(permission_names(permissions))
    with engine.connect() as conn:
        if conn.execute(select(UserGroup.id).where(UserGroup.name == name, UserGroup.deleted.is_(False))).first():
            raise AdminError(f"A group named {name!r} already exists.")
    change = _insert("user_groups", {"name": name, "description": (description or "").strip() or None,
                                     "permissions": grant}, f"group {name}")
    _apply(engine, [change])
    return change.row_id


def change_grant(engine: Engine, name: str, *, grant: Iterable[str] = (), revoke: Iterable[str] = ()) -> list[str]:
    """Add and remove permissions of a group; returns what it grants now."""
    more, less = set(permission_names(grant)), set(permission_names(revoke))
    with engine.connect() as conn:
        group_id = _one_named(conn, UserGroup, "group", name)
        before = sorted(conn.execute(select(UserGroup.permissions).where(UserGroup.id == group_id)).scalar() or ())
    after = sorted((set(before) | more) - less)
    if after != before:
        _apply(engine, [Change("user_groups", group_id, "update", {"permissions": (before, after)}, f"group {name}")])
    return after


def set_user_group(engine: Engine, username: str, group: str | None) -> None:
    """Put a user in a group (None: in no group, so their role's defaults apply)."""
    with engine.connect() as conn:
        user = _user(conn, username)
        group_id = _one_named(conn, UserGroup, "group", group) if group else None
    if user.group_id != group_id:
        _apply(engine, [Change("users", user.id, "update", {"group_id": (user.group_id, group_id)},
                               f"user {username}")])


# --- targets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetLine:
    username: str
    full_name: str
    month: date
    sales_cents: int
    units: int
    issued: int

    def as_json(self) -> dict[str, Any]:
        return {"username": self.username, "full_name": self.full_name, "month": f"{self.month:%Y-%m}",
                "sales_cents": self.sales_cents, "units": self.units, "issued": self.issued}


def set_target(engine: Engine, username: str, month: str, *, sales: str | None = None, units: str | None = None,
               issued: str | None = None) -> TargetLine:
    """Set a rep's targets for a month (typed as the app's form takes them:
    "2026-12", "60,000"); a goal not given keeps its value (0 for a new month)."""
    from rep_tui.domain.forms import FormErrors, check_target
    from rep_tui.domain.labels import field_label

    given = {"sales_cents": sales, "units": units, "issued": issued}
    try:
        clean = check_target({"month": month, **{name: value or "" for name, value in given.items()}})
    except FormErrors as exc:
        raise AdminError("; ".join(f"{field_label(name)}: {reason}" for name, reason in exc.errors.items())) from None
    with engine.connect() as conn:
        rep = _user(conn, username)
        found = conn.execute(select(Target.__table__).where(
            Target.rep_id == rep.id, Target.month == clean["month"], Target.deleted.is_(False))).mappings().first()
    wanted = {name: clean[name] for name, value in given.items() if value is not None or found is None}
    label = f"{username} {clean['month']:%Y-%m}"
    if found is None:
        change = Change("targets", Target.id_for(rep.id, clean["month"]), "insert",
                        {k: (None, v) for k, v in {"rep_id": rep.id, "month": clean["month"], **wanted}.items()}, label)
    else:
        change = Change("targets", found["id"], "update", {k: (found[k], v) for k, v in wanted.items()}, label)
    _apply(engine, [change])
    return next(line for line in list_targets(engine, clean["month"]) if line.username == username)


def list_targets(engine: Engine, month: date | None = None) -> list[TargetLine]:
    """Every rep's targets (of one month's first day, if given), newest month first."""
    stmt = (select(User.username, User.full_name, Target.month, Target.sales_cents, Target.units, Target.issued)
            .join(User, User.id == Target.rep_id).where(Target.deleted.is_(False))
            .order_by(Target.month.desc(), User.username))
    if month is not None:
        stmt = stmt.where(Target.month == month)
    with engine.connect() as conn:
        return [TargetLine(*row) for row in conn.execute(stmt)]


# --- result codes -------------------------------------------------------------------


def list_result_codes(engine: Engine) -> list[dict[str, Any]]:
    """Every code, inactive ones too, in the Result dialog's order: its editable columns."""
    from rep_tui.domain.result_codes import EDITABLE

    with engine.connect() as conn:
        rows = conn.execute(select(ResultCode.__table__).where(ResultCode.deleted.is_(False))
                            .order_by(ResultCode.sort_order, ResultCode.code)).mappings().all()
    return [{name: row[name] for name in EDITABLE} for row in rows]


def save_result_code(engine: Engine, code: str | None, changes: dict[str, Any]) -> str:
    """Add a code (`code` None; `changes` holds all it needs) or change the
    named one; checked as the app's Result Codes screen checks it. Returns the code."""
    from rep_tui.domain.forms import FormErrors
    from rep_tui.domain.result_codes import EDITABLE, Existing, check_code

    table = ResultCode.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(table).where(table.c.deleted.is_(False))).mappings().all()
        row = next((r for r in rows if r["code"] == (code or "").upper()), None) if code else None
        if code and row is None:
            raise AdminError(f"No result code {code!r} (see `rep-tui admin result-codes list`).")
        in_use = row is not None and any(conn.execute(select(model.id).where(
            model.result_code == row["code"]).limit(1)).first() for model in (Appointment, Job))
    old = {name: row[name] for name in EDITABLE} if row is not None else {}
    others = [Existing(r["code"], r["key"], r["active"]) for r in rows if row is None or r["id"] != row["id"]]
    try:
        clean = check_code({**old, **changes}, others, old_code=row["code"] if row else None, in_use=in_use)
    except FormErrors as refused:
        raise AdminError("Nothing was saved: " + "; ".join(f"{k}: {v}" for k, v in refused.errors.items())) \
            from None
    if row is None:
        _apply(engine, [_insert("result_codes", clean, f"result code {clean['code']}")])
    else:
        changed = {k: (old[k], v) for k, v in clean.items() if old[k] != v}
        if changed:
            _apply(engine, [Change("result_codes", row["id"], "update", changed, f"result code {row['code']}")])
    return clean["code"]


# --- pruning ----------------------------------------------------------------------------


@dataclass
class PruneReport:
    tokens: int = 0
    login_failures: int = 0
    blobs: list[str] = field(default_factory=list)
    blob_bytes: int = 0
    #: Uploads cut off and never finished (`BlobStore.sweep_partials`).
    partials: list[str] = field(default_factory=list)

    def text(self) -> str:
        return (f"Removed {self.tokens} expired or revoked token(s), {self.login_failures} old failed-sign-in "
                f"record(s), {len(self.blobs)} unreferenced blob file(s) ({self.blob_bytes:,} bytes), "
                f"and {len(self.partials)} unfinished upload(s)."
                + "".join(f"\n  {name}" for name in self.blobs + self.partials))


def prune(engine: Engine, blobs_dir: Path | None, older_than: timedelta) -> PruneReport:
    """Remove tokens expired or revoked more than `older_than` ago, stale
    failed-sign-in counts, blobs that no attachment row (live or deleted)
    names and that are older than a day, and uploads cut off a day ago."""
    now, report = utcnow(), PruneReport()
    cutoff = now - older_than
    with engine.begin() as conn:
        report.tokens = conn.execute(delete(Token).where(
            or_(Token.expires_at < cutoff, Token.revoked_at < cutoff))).rowcount
        report.login_failures = conn.execute(delete(LoginFailure).where(
            LoginFailure.last_at < now - auth.FORGET_AFTER,
            or_(LoginFailure.locked_until.is_(None), LoginFailure.locked_until < now))).rowcount
    if blobs_dir is None or not blobs_dir.is_dir():
        return report
    report.partials = [str(path.relative_to(blobs_dir)) for path in BlobStore(blobs_dir).sweep_partials()]
    with engine.connect() as conn:
        referenced = set(conn.execute(select(Attachment.sha256).distinct()).scalars())
    young = (now - BLOB_GRACE).timestamp()
    for path in sorted(p for p in blobs_dir.glob("*/*") if is_name(p.name) and p.is_file()):
        stat = path.stat()
        if path.name in referenced or stat.st_mtime >= young:
            continue
        os.unlink(path)
        report.blobs.append(str(path.relative_to(blobs_dir)))
        report.blob_bytes += stat.st_size
    return report
