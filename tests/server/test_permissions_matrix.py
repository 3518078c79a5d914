"""Who may use which office function, over HTTP against a real server (SQLite
and PostgreSQL): each role in its starting group, each role in no group, and
custom groups that grant or take away one function, against every function
of the `Permission` vocabulary that the server has a way in for today.
`POLICY` is the table; each cell is asserted.

The company is `make_company`'s (Maria manages Ann and Bob, Carl is on the
other team, Ada is the admin) after an admin command made the starting
groups and put everyone in the one of their role. The subjects in no group or
in a custom group are users added for this table. Each delete is of a lead of
the subject's own, made for that cell (an admin's: a lead of Carl's), so a
refusal can only be the permission's.

Outcomes: APPLIED, or the permission a refusal names (in its plain words, as
the Sync screen shows them); ADMIN_ONLY where the table stays an admin's by
role, and for giving the admin role (managing users does not make one an admin);
OUTSIDE where the subject may edit others' calendars but not this user's (not
one whose leads they see). The calendar cells book on a lead of the subject's
own for Bob (an admin: on Carl's lead, for Carl) and set that user's hours.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import httpx
import pytest
from sqlalchemy import select

from rep_tui.domain.permissions import Permission
from rep_tui.server import admin, auth
from rep_tui.server.seed import add_rows
from rep_tui.store.models import User, WorkHours
from server_fixtures import PASSWORD, Server, make_company, module_server, password_hash, server_rows

APPLIED = "applied"
ADMIN_ONLY = "only an admin"
#: A user's calendar is changed only for users whose leads one sees (the permission is not enough).
OUTSIDE = "that calendar is of a user outside your team"
USERS_, CODES, DELETE = Permission.MANAGE_USERS, Permission.EDIT_RESULT_CODES, Permission.DELETE_LEADS
CAL = Permission.EDIT_OTHERS_CALENDAR
JOB_USERS = Permission.EDIT_JOB_USERS
NOTES = Permission.WRITE_NOTES

ACTIONS = ("edit a user", "add a team", "change a group's grant", "add a group", "edit a result code",
           "delete a lead", "delete a lead by an update", "add an office", "make someone an admin",
           "edit an admin's account", "book for another user", "set another user's work hours", "put a user on a job",
           "write an office note", "add a job status")
#: subject: (username, role, group: "starting", None or the permissions of a custom group), outcomes in ACTIONS order.
POLICY: dict[str, tuple[tuple[str, str, Any], tuple[Any, ...]]] = {
    "rep (Reps)": (("ann", "rep", "starting"),
                   (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, ADMIN_ONLY, USERS_, USERS_, CAL, CAL,
                    JOB_USERS, NOTES, CODES)),
    "manager (Managers)": (("maria", "manager", "starting"),
                           (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, ADMIN_ONLY, USERS_, USERS_, APPLIED,
                            APPLIED, JOB_USERS, APPLIED, CODES)),
    "admin (Office admins)": (("ada", "admin", "starting"), (APPLIED,) * 15),
    "rep in no group": (("nora", "rep", None),
                        (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, ADMIN_ONLY, USERS_, USERS_, CAL, CAL,
                         JOB_USERS, NOTES, CODES)),
    "admin in no group": (("abe", "admin", None), (APPLIED,) * 15),
    "rep granted delete leads": (("dora", "rep", [DELETE]),
                                 (USERS_, USERS_, USERS_, USERS_, CODES, APPLIED, APPLIED, ADMIN_ONLY, USERS_, USERS_,
                                  CAL, CAL, JOB_USERS, NOTES, CODES)),
    "rep granted manage users": (("uma", "rep", [USERS_]),
                                 (APPLIED, APPLIED, APPLIED, APPLIED, CODES, DELETE, DELETE, ADMIN_ONLY, ADMIN_ONLY,
                                  ADMIN_ONLY, CAL, CAL, JOB_USERS, NOTES, CODES)),
    "rep granted others' calendars": (("cali", "rep", [CAL]),
                                      (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, ADMIN_ONLY, USERS_,
                                       USERS_, OUTSIDE, OUTSIDE, JOB_USERS, NOTES, CODES)),
    "manager granted result codes": (("rico", "manager", [CODES, Permission.REASSIGN_LEADS]),
                                     (USERS_, USERS_, USERS_, USERS_, APPLIED, DELETE, DELETE, ADMIN_ONLY, USERS_,
                                      USERS_, CAL, CAL, JOB_USERS, NOTES, APPLIED)),
    "rep granted office notes": (("nell", "rep", [NOTES]),
                                 (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, ADMIN_ONLY, USERS_, USERS_,
                                  CAL, CAL, JOB_USERS, APPLIED, CODES)),
    "admin without manage users": (("alf", "admin", [p for p in Permission if p is not USERS_]),
                                   (USERS_, USERS_, USERS_, USERS_, APPLIED, APPLIED, APPLIED, APPLIED, USERS_, USERS_,
                                    APPLIED, APPLIED, APPLIED, APPLIED, APPLIED)),
    "admin granted nothing": (("ned", "admin", []),
                              (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, APPLIED, USERS_, USERS_, CAL,
                               CAL, JOB_USERS, NOTES, CODES)),
    "rep granted job users": (("jules", "rep", [JOB_USERS]),
                              (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, ADMIN_ONLY, USERS_, USERS_,
                               CAL, CAL, APPLIED, NOTES, CODES)),
}


@dataclass
class World:
    server: Server
    users: dict[str, uuid.UUID]
    headers: dict[str, dict[str, str]]
    spare_group: uuid.UUID
    result_code: uuid.UUID
    http: httpx.Client

    def push(self, subject: str, mutation: dict) -> dict:
        body = {"client_id": f"perm-{uuid.uuid4()}", "mutations": [{"seq": 1, **mutation}]}
        answer = self.http.post(f"{self.server.url}/sync/push", content=json.dumps(body),
                                headers={**self.headers[subject], "Content-Type": "application/json"})
        assert answer.status_code == 200, answer.text
        return answer.json()["results"][0]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory) -> Iterator[World]:
    with module_server(request, tmp_path_factory, "perm") as (server, client):
        yield _build(server, client)


def _build(server: Server, client: httpx.Client) -> World:
    engine = server.engine
    company = make_company(engine)
    admin.ensure_default_groups(engine)  # what the first admin command on this server does
    users = dict(company.users)
    for _subject, ((username, role, group), _outcomes) in POLICY.items():
        if username in users:
            continue
        users[username] = uuid.uuid4()
        add_rows(engine, {"users": [{"id": users[username], "username": username, "full_name": username.title(),
                                     "role": role}]})
        with engine.begin() as conn:
            auth.set_password(conn, users[username], hashed=password_hash())
        if group is not None:
            admin.add_group(engine, f"{username}'s group", permissions=[p.value for p in group])
            admin.set_user_group(engine, username, f"{username}'s group")
    spare = admin.add_group(engine, "Spare", permissions=["see_payments"])
    with engine.connect() as conn:
        in_groups = dict(conn.execute(select(User.username, User.group_id)).all())
    assert all(in_groups[name] is not None for name in ("ann", "maria", "ada")), in_groups
    result_code = next(iter(server_rows(engine, "result_codes")))
    headers = {}
    for subject, ((username, _role, _group), _outcomes) in POLICY.items():
        answer = client.post(f"{server.url}/auth/login", json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        headers[subject] = {"Authorization": f"Bearer {answer.json()['token']}"}
    return World(server, users, headers, spare, result_code, client)


def _mutation(op: str, table: str, row_id: uuid.UUID, **fields: tuple[Any, Any]) -> dict:
    return {"table": table, "row_id": str(row_id), "op": op,
            "fields": {name: list(pair) for name, pair in fields.items()}}


def _outcome(result: dict) -> Any:
    """APPLIED, the permission a refusal names, or ADMIN_ONLY; anything else is shown as it is."""
    if result["status"] == APPLIED:
        return APPLIED
    reason = result["reason"] or ""
    for permission in Permission:
        if reason == auth.lacks(permission):
            return permission
    return next((known for known in (ADMIN_ONLY, OUTSIDE) if reason.startswith(known)), reason)


def _lead_to_delete(world: World, subject: str) -> uuid.UUID:
    """A lead the subject sees and may change: their own (an admin's, a rep's lead: Carl's)."""
    (username, role, _group), _ = POLICY[subject]
    lead = uuid.uuid4()
    owner = world.users["carl" if role == "admin" else username]
    add_rows(world.server.engine, {"leads": [{"id": lead, "first_name": "To", "last_name": "Delete",
                                              "rep_id": owner, "custom": {}}]})
    return lead


def _edit_a_user(world: World, subject: str) -> Any:
    phone = f"(312) 555-{uuid.uuid4().int % 10000:04d}"
    return _outcome(world.push(subject, _mutation("update", "users", world.users["bob"], phone=(None, phone))))


def _add_a_team(world: World, subject: str) -> Any:
    return _outcome(world.push(subject, _mutation("insert", "teams", uuid.uuid4(), name=(None, f"Team {subject}"))))


def _change_a_grant(world: World, subject: str) -> Any:
    now = server_rows(world.server.engine, "user_groups")[world.spare_group]["permissions"]
    wanted = ["see_payments"] if now != ["see_payments"] else ["export", "see_payments"]
    return _outcome(world.push(subject, _mutation("update", "user_groups", world.spare_group,
                                                  permissions=(now, wanted))))


def _add_a_group(world: World, subject: str) -> Any:
    return _outcome(world.push(subject, _mutation("insert", "user_groups", uuid.uuid4(), name=(None, subject),
                                                  permissions=(None, ["merge"]))))


def _edit_a_result_code(world: World, subject: str) -> Any:
    return _outcome(world.push(subject, _mutation("update", "result_codes", world.result_code,
                                                  label=(None, f"Sold {uuid.uuid4().hex[:4]}"))))


def _delete_a_lead(world: World, subject: str) -> Any:
    lead = _lead_to_delete(world, subject)
    outcome = _outcome(world.push(subject, _mutation("delete", "leads", lead, deleted=(False, True))))
    assert (lead not in server_rows(world.server.engine, "leads")) == (outcome == APPLIED)
    return outcome


def _delete_a_lead_by_update(world: World, subject: str) -> Any:
    lead = _lead_to_delete(world, subject)
    outcome = _outcome(world.push(subject, _mutation("update", "leads", lead, deleted=(False, True))))
    assert (lead not in server_rows(world.server.engine, "leads")) == (outcome == APPLIED)
    return outcome


def _add_an_office(world: World, subject: str) -> Any:
    return _outcome(world.push(subject, _mutation("insert", "offices", uuid.uuid4(), name=(None, subject))))


def _make_an_admin(world: World, subject: str) -> Any:
    """Give a new user the admin role: managing users is not enough (ADMIN_ONLY)."""
    return _outcome(world.push(subject, _mutation("insert", "users", uuid.uuid4(),
                                                  username=(None, f"boss{uuid.uuid4().hex[:6]}"),
                                                  full_name=(None, "New Boss"), role=(None, "admin"))))


def _edit_an_admins_account(world: World, subject: str) -> Any:
    """Change the admin Ada's phone: managing users is not enough to touch an admin's account (ADMIN_ONLY)."""
    phone = f"(312) 555-{uuid.uuid4().int % 10000:04d}"
    return _outcome(world.push(subject, _mutation("update", "users", world.users["ada"], phone=(None, phone))))


def _another_user(world: World, subject: str) -> uuid.UUID:
    """Whose calendar a subject changes: a rep of Maria's team (Bob), Carl for an admin."""
    (_username, role, _group), _ = POLICY[subject]
    return world.users["carl" if role == "admin" else "bob"]


def _book_for_another_user(world: World, subject: str) -> Any:
    """An appointment on a lead of the subject's own, on another user's calendar."""
    row = uuid.uuid4()
    outcome = _outcome(world.push(subject, _mutation(
        "insert", "appointments", row, lead_id=(None, str(_lead_to_delete(world, subject))),
        rep_id=(None, str(_another_user(world, subject))), starts_at=(None, "2026-12-01T16:00:00+00:00"))))
    assert (row in server_rows(world.server.engine, "appointments")) == (outcome == APPLIED)
    return outcome


def _set_another_users_work_hours(world: World, subject: str) -> Any:
    """A real change to another user's Monday, whatever the cells run before (in any order) left there."""
    other = _another_user(world, subject)
    row = WorkHours.id_for(other)
    before = server_rows(world.server.engine, "work_hours").get(row)
    wanted = next(hours for hours in ("8-17", "9-17") if hours != (before or {}).get("mon"))
    mutation = (_mutation("insert", "work_hours", row, user_id=(None, str(other)), mon=(None, wanted)) if before is None
                else _mutation("update", "work_hours", row, mon=(before["mon"], wanted)))
    outcome = _outcome(world.push(subject, mutation))
    after = server_rows(world.server.engine, "work_hours").get(row)
    assert (after is not None and after["mon"] == wanted) == (outcome == APPLIED)
    return outcome


def _put_a_user_on_a_job(world: World, subject: str) -> Any:
    """The lead's rep on a new job of a lead of the subject's own, at 100 %: EDIT_JOB_USERS, whatever the role."""
    lead, job = _lead_to_delete(world, subject), uuid.uuid4()
    add_rows(world.server.engine, {"jobs": [{"id": job, "lead_id": lead, "contract_cents": 100_000}]})
    owner = server_rows(world.server.engine, "leads")[lead]["rep_id"]
    return _outcome(world.push(subject, _mutation("insert", "job_users", uuid.uuid4(), job_id=(None, str(job)),
                                                  user_id=(None, owner), role=(None, "rep"), share_pct=(None, "100"))))


def _write_a_note(world: World, subject: str) -> Any:
    """An office note on a lead the subject sees and may change (their own; an admin's: Carl's)."""
    lead = _lead_to_delete(world, subject)
    return _outcome(world.push(subject, _mutation("insert", "notes", uuid.uuid4(), lead_id=(None, str(lead)),
                                                  body=(None, f"Note by {subject}"))))


def _add_a_job_status(world: World, subject: str) -> Any:
    return _outcome(world.push(subject, _mutation("insert", "job_statuses", uuid.uuid4(),
                                                  code=(None, f"S{uuid.uuid4().hex[:8]}"), label=(None, "Shipped"))))


DO: dict[str, Callable[[World, str], Any]] = dict(zip(ACTIONS, (
    _edit_a_user, _add_a_team, _change_a_grant, _add_a_group, _edit_a_result_code, _delete_a_lead,
    _delete_a_lead_by_update, _add_an_office, _make_an_admin, _edit_an_admins_account, _book_for_another_user,
    _set_another_users_work_hours, _put_a_user_on_a_job, _write_a_note, _add_a_job_status), strict=True))

CELLS = [pytest.param(subject, action, outcome, id=f"{subject}-{action}")
         for subject, (_who, outcomes) in POLICY.items() for action, outcome in zip(ACTIONS, outcomes, strict=True)]


@pytest.mark.parametrize(("subject", "action", "expected"), CELLS)
def test_permission(world: World, subject: str, action: str, expected: Any):
    assert DO[action](world, subject) == expected


def test_a_refusal_names_the_missing_permission_in_plain_words(world: World):
    result = world.push("rep (Reps)", _mutation("update", "users", world.users["bob"], phone=(None, "(312) 555-0100")))
    assert result["status"] == "rejected"
    assert result["reason"] == ("You may not do this: manage users, teams and groups needs a permission "
                                "your group lacks.")


def test_a_grant_naming_no_known_permission_is_refused_with_the_known_ones(world: World):
    result = world.push("admin (Office admins)", _mutation("insert", "user_groups", uuid.uuid4(), name=(None, "Typo"),
                                                           permissions=(None, ["delete_lead"])))
    assert result["status"] == "rejected"
    assert "No such permission: delete_lead" in result["reason"] and "delete_leads" in result["reason"]


#: Editing the vendor directory, per subject of `POLICY`: the Managers and Office
#: admins groups grant it (as the manager and admin roles do), the others not.
VENDORS_ = Permission.EDIT_VENDORS
VENDOR_POLICY = {
    "rep (Reps)": VENDORS_, "manager (Managers)": APPLIED, "admin (Office admins)": APPLIED,
    "rep in no group": VENDORS_, "admin in no group": APPLIED, "rep granted delete leads": VENDORS_,
    "rep granted manage users": VENDORS_, "manager granted result codes": VENDORS_,
    "admin without manage users": APPLIED, "admin granted nothing": VENDORS_,
    "rep granted others' calendars": VENDORS_, "rep granted office notes": VENDORS_,
    "rep granted job users": VENDORS_,
}


@pytest.mark.parametrize(("subject", "expected"), list(VENDOR_POLICY.items()))
def test_editing_the_vendor_directory(world: World, subject: str, expected: Any):
    assert VENDOR_POLICY.keys() == POLICY.keys()
    result = world.push(subject, _mutation("insert", "vendors", uuid.uuid4(), company=(None, f"Vendor of {subject}")))
    assert _outcome(result) == expected


#: Merging two customers (a dry run over HTTP, two leads of the subject's own;
#: an admin's: Carl's), per subject of `POLICY`: only the Office admins group
#: and the admin role grant it.
MERGE_ = Permission.MERGE
MERGE_POLICY = {
    "rep (Reps)": MERGE_, "manager (Managers)": MERGE_, "admin (Office admins)": APPLIED,
    "rep in no group": MERGE_, "admin in no group": APPLIED, "rep granted delete leads": MERGE_,
    "rep granted manage users": MERGE_, "manager granted result codes": MERGE_,
    "admin without manage users": APPLIED, "admin granted nothing": MERGE_,
    "rep granted others' calendars": MERGE_, "rep granted office notes": MERGE_,
    "rep granted job users": MERGE_,
}


@pytest.mark.parametrize(("subject", "expected"), list(MERGE_POLICY.items()))
def test_merging_customers(world: World, subject: str, expected: Any):
    assert MERGE_POLICY.keys() == POLICY.keys()
    survivor, loser = _lead_to_delete(world, subject), _lead_to_delete(world, subject)
    answer = world.http.post(f"{world.server.url}/merges", headers=world.headers[subject],
                             json={"survivor": str(survivor), "loser": str(loser), "dry_run": True})
    outcome = APPLIED if answer.status_code == 200 else _outcome({"status": "refused",
                                                                   "reason": answer.json()["detail"]})
    assert outcome == expected
    assert loser in server_rows(world.server.engine, "leads")  # a dry run
