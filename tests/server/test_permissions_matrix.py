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
role, and for giving the admin role (managing users does not make one an admin).
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
from rep_tui.store.models import User
from server_fixtures import PASSWORD, Server, make_company, module_server, password_hash, server_rows

APPLIED = "applied"
ADMIN_ONLY = "only an admin"
USERS_, CODES, DELETE = Permission.MANAGE_USERS, Permission.EDIT_RESULT_CODES, Permission.DELETE_LEADS
NOTES = Permission.WRITE_NOTES

ACTIONS = ("edit a user", "add a team", "change a group's grant", "add a group", "edit a result code",
           "delete a lead", "delete a lead by an update", "add an office", "make someone an admin",
           "edit an admin's account", "write an office note", "add a job status")
#: subject: (username, role, group: "starting", None or the permissions of a custom group), outcomes in ACTIONS order.
POLICY: dict[str, tuple[tuple[str, str, Any], tuple[Any, ...]]] = {
    "rep (Reps)": (("ann", "rep", "starting"),
                   (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, ADMIN_ONLY, USERS_, USERS_, NOTES, CODES)),
    "manager (Managers)": (("maria", "manager", "starting"),
                           (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, ADMIN_ONLY, USERS_, USERS_, APPLIED,
                            CODES)),
    "admin (Office admins)": (("ada", "admin", "starting"), (APPLIED,) * 12),
    "rep in no group": (("nora", "rep", None),
                        (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, ADMIN_ONLY, USERS_, USERS_, NOTES,
                         CODES)),
    "admin in no group": (("abe", "admin", None), (APPLIED,) * 12),
    "rep granted delete leads": (("dora", "rep", [DELETE]),
                                 (USERS_, USERS_, USERS_, USERS_, CODES, APPLIED, APPLIED, ADMIN_ONLY, USERS_, USERS_,
                                  NOTES, CODES)),
    "rep granted manage users": (("uma", "rep", [USERS_]),
                                 (APPLIED, APPLIED, APPLIED, APPLIED, CODES, DELETE, DELETE, ADMIN_ONLY, ADMIN_ONLY,
                                  ADMIN_ONLY, NOTES, CODES)),
    "manager granted result codes": (("rico", "manager", [CODES, Permission.REASSIGN_LEADS]),
                                     (USERS_, USERS_, USERS_, USERS_, APPLIED, DELETE, DELETE, ADMIN_ONLY, USERS_, USERS_,
                                      NOTES, APPLIED)),
    "rep granted office notes": (("nell", "rep", [NOTES]),
                                 (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, ADMIN_ONLY, USERS_, USERS_,
                                  APPLIED, CODES)),
    "admin without manage users": (("alf", "admin", [p for p in Permission if p is not USERS_]),
                                   (USERS_, USERS_, USERS_, USERS_, APPLIED, APPLIED, APPLIED, APPLIED, USERS_, USERS_,
                                    APPLIED, APPLIED)),
    "admin granted nothing": (("ned", "admin", []),
                              (USERS_, USERS_, USERS_, USERS_, CODES, DELETE, DELETE, APPLIED, USERS_, USERS_, NOTES,
                               CODES)),
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
    return ADMIN_ONLY if reason.startswith(ADMIN_ONLY) else reason


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
    _delete_a_lead_by_update, _add_an_office, _make_an_admin, _edit_an_admins_account, _write_a_note,
    _add_a_job_status), strict=True))

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
