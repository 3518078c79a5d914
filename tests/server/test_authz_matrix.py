"""Who may do what, over HTTP against a real server (SQLite and PostgreSQL):
every subject × every action, each cell asserted. `POLICY` is the table.

The company: team North (manager Maria, reps Ann and Bob), team South
(manager Otto, rep Carl), Ada the admin; Dave, a North rep who was disabled
after signing in. Ann's, Bob's and Carl's leads are the targets, so "push to
Ann's lead" is a rep's own lead for Ann, a team mate's for Bob and another
team's for Carl. Bob attached a file to his lead; Ada (the office) edited
Ann's lead before anyone pulls.

Reassigning (REASSIGN_LEADS) and setting targets (SET_TARGETS) are a
manager's and an admin's, each only for reps they see: a rep is refused
whatever lead it is, a manager outside the rep's team too. The reassign
cells move a second North lead back and forth between Ann and Bob (and
Carl's second lead to Ann, which only the admin may); Carl's lead goes back
to him after each cell, so every subject finds the same company.

Choices the table states (a sensible policy could differ):
- a manager changes the leads of her team's reps, as the rep may (the office
  reassigns them; a manager corrects and follows up);
- a comment's author is whoever's token wrote it, whatever the body says,
  admins included (they may write on behalf of others only through the
  fields they leave empty: an import's "Import" notes);
- anyone signed in may upload a blob (it proves they hold the file, and
  grants nothing until an attachment they may see points at it);
- a disabled user's and a signed-out token get exactly what no token gets.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest
from sqlalchemy import select

from rep_tui.server import admin, auth
from rep_tui.server.seed import add_rows
from rep_tui.store.models import Comment, Target, User
from server_fixtures import PASSWORD, Server, make_company, module_server, password_hash, server_rows

DENIED = 401
APPLIED, REJECTED = "applied", "rejected"
AUTHOR_IS_SIGNED_IN_USER = "author is the signed-in user"
ANN, BOB, CARL = "ann", "bob", "carl"

ACTIONS = ("pull", "push to Ann's lead", "push to Bob's lead", "push to Carl's lead", "comment as Ada",
           "upload a blob", "read Bob's attachment by SHA", "attach Bob's SHA, then read it",
           "history of Ann's lead", "remind Carl on Ann's lead", "Bob's reminder on Carl's lead arrives",
           "mark Bob's reminder on Carl's lead done", "reassign a North lead within North",
           "reassign Carl's lead to Ann", "set Ann's target", "set Carl's target", "define a custom field")
#: subject: the outcome of each action, in the order of ACTIONS. A pull's
#: outcome is whose leads arrive; a push's, the mutation's status; a blob's,
#: the HTTP status; history, whether Ada's edit of Ann's lead arrives.
#: "define a custom field" needs the permission to edit custom fields (an
#: admin's by default), whose leads one sees notwithstanding.
#: "attach Bob's SHA" puts Bob's file's SHA on an attachment of a lead of
#: one's own (the attachment is stored) and reads the blob through it.
#: Reminders: anyone who sees a lead may remind anyone on it; the office gave
#: Bob a reminder on Carl's lead, which Bob gets (but not Carl's lead) and may
#: mark done, as may whoever sees Carl's lead.
POLICY: dict[str, tuple[Any, ...]] = {
    "rep": ({ANN}, APPLIED, REJECTED, REJECTED, AUTHOR_IS_SIGNED_IN_USER, 201, 404, 404, True,
            APPLIED, False, REJECTED, REJECTED, REJECTED, REJECTED, REJECTED, REJECTED),
    "second rep": ({BOB}, REJECTED, APPLIED, REJECTED, AUTHOR_IS_SIGNED_IN_USER, 201, 200, 200, False,
                   REJECTED, True, APPLIED, REJECTED, REJECTED, REJECTED, REJECTED, REJECTED),
    "other team's rep": ({CARL}, REJECTED, REJECTED, APPLIED, AUTHOR_IS_SIGNED_IN_USER, 201, 404, 404, False,
                         REJECTED, True, APPLIED, REJECTED, REJECTED, REJECTED, REJECTED, REJECTED),
    "manager": ({ANN, BOB}, APPLIED, APPLIED, REJECTED, AUTHOR_IS_SIGNED_IN_USER, 201, 200, 200, True,
                APPLIED, False, REJECTED, APPLIED, REJECTED, APPLIED, REJECTED, REJECTED),
    "other team's manager": ({CARL}, REJECTED, REJECTED, APPLIED, AUTHOR_IS_SIGNED_IN_USER, 201, 404, 404, False,
                             REJECTED, True, APPLIED, REJECTED, REJECTED, REJECTED, APPLIED, REJECTED),
    "admin": ({ANN, BOB, CARL}, APPLIED, APPLIED, APPLIED, AUTHOR_IS_SIGNED_IN_USER, 201, 200, 200, True,
              APPLIED, True, APPLIED, APPLIED, APPLIED, APPLIED, APPLIED, APPLIED),
    "disabled user": (DENIED,) * len(ACTIONS),
    "no token": (DENIED,) * len(ACTIONS),
    "garbage token": (DENIED,) * len(ACTIONS),
    "signed-out token": (DENIED,) * len(ACTIONS),
}
#: The user each subject signs in as, and the lead they comment on and attach
#: to (the other subjects have no user and try Ann's lead).
USERS = {"rep": ("ann", ANN), "second rep": ("bob", BOB), "other team's rep": ("carl", CARL),
         "manager": ("maria", ANN), "other team's manager": ("otto", CARL), "admin": ("ada", ANN),
         "disabled user": ("dave", BOB)}


@dataclass
class World:
    server: Server
    leads: dict[str, uuid.UUID]
    #: A second lead of each rep, for the reassign cells.
    spare: dict[str, uuid.UUID]
    users: dict[str, uuid.UUID]
    headers: dict[str, dict[str, str]]
    bobs_blob: str
    http: httpx.Client
    bobs_reminder: uuid.UUID = uuid.UUID(int=0)

    def push(self, subject: str, *mutations: dict) -> httpx.Response:
        body = {"client_id": f"matrix-{uuid.uuid4()}", "mutations": list(mutations)}
        return self.http.post(f"{self.server.url}/sync/push", content=json.dumps(body),
                              headers={**self.headers[subject], "Content-Type": "application/json"})

    def pull(self, subject: str) -> httpx.Response:
        return self.http.get(f"{self.server.url}/sync/pull", headers=self.headers[subject],
                             params={"client_id": f"matrix-{uuid.uuid4()}"})


def _sign_in(client: httpx.Client, server: Server, username: str) -> dict[str, str]:
    answer = client.post(f"{server.url}/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory) -> Iterator[World]:
    """One company for the whole table (each cell writes only what it checks)."""
    with module_server(request, tmp_path_factory, "authz") as (server, client):
        yield _build(server, client)


def _build(server: Server, client: httpx.Client) -> World:
    company = make_company(server.engine)
    with server.engine.connect() as conn:
        south = conn.execute(select(User.team_id).where(User.id == company.users["carl"])).scalar_one()
        north = conn.execute(select(User.team_id).where(User.id == company.users["ann"])).scalar_one()
    users = {**company.users, "otto": uuid.uuid4(), "dave": uuid.uuid4()}
    add_rows(server.engine, {"users": [
        {"id": users["otto"], "username": "otto", "full_name": "Otto", "role": "manager", "team_id": south},
        {"id": users["dave"], "username": "dave", "full_name": "Dave", "role": "rep", "team_id": north}]})
    with server.engine.begin() as conn:
        for name in ("otto", "dave"):
            auth.set_password(conn, users[name], hashed=password_hash())
    headers = {subject: _sign_in(client, server, username) for subject, (username, _lead) in USERS.items()}
    admin.disable_user(server.engine, "dave")
    headers["no token"] = {}
    headers["garbage token"] = {"Authorization": "Bearer " + "x" * 43}
    headers["signed-out token"] = _sign_in(client, server, "ann")
    assert client.post(f"{server.url}/auth/logout", headers=headers["signed-out token"]).status_code == 204
    world = World(server, {rep: company.leads[rep][0] for rep in (ANN, BOB, CARL)},
                  {rep: company.leads[rep][1] for rep in (ANN, BOB, CARL)}, users, headers, "", client)
    world.bobs_blob = _attach(world, "second rep", BOB, b"Bob's signed contract")
    edit = world.push("admin", _mutation("update", "leads", world.leads[ANN], city=(None, "Naperville")))
    assert edit.json()["results"][0]["status"] == APPLIED, edit.text
    world.bobs_reminder = uuid.uuid4()
    given = world.push("admin", _reminder(world, world.bobs_reminder, CARL, users["bob"]))
    assert given.json()["results"][0]["status"] == APPLIED, given.text
    return world


def _reminder(world: World, row_id: uuid.UUID, rep: str, assignee: uuid.UUID) -> dict:
    return _mutation("insert", "reminders", row_id, lead_id=(None, str(world.leads[rep])),
                     assignee_id=(None, str(assignee)), due_on=(None, "2026-12-07"), body=(None, "Call back"),
                     group_id=(None, str(uuid.uuid4())))


def _mutation(op: str, table: str, row_id: uuid.UUID, seq: int = 1, **fields: tuple[Any, Any]) -> dict:
    return {"seq": seq, "table": table, "row_id": str(row_id), "op": op,
            "fields": {name: list(pair) for name, pair in fields.items()}}


def _attach(world: World, subject: str, rep: str, content: bytes) -> str:
    sha = hashlib.sha256(content).hexdigest()
    assert _upload(world, subject, content) == 201
    answer = _attachment(world, subject, rep, sha, len(content))
    assert answer.json()["results"][0]["status"] == APPLIED, answer.text
    return sha


def _attachment(world: World, subject: str, rep: str, sha: str, size: int) -> httpx.Response:
    return world.push(subject, _mutation("insert", "attachments", uuid.uuid4(), lead_id=(None, str(world.leads[rep])),
                                         kind=(None, "document"), filename=(None, "contract.pdf"),
                                         description=(None, "signed"), mime=(None, "application/pdf"),
                                         sha256=(None, sha), size=(None, size)))


def _upload(world: World, subject: str, content: bytes) -> int:
    sha = hashlib.sha256(content).hexdigest()
    answer = world.http.put(f"{world.server.url}/blobs/{sha}", content=content, headers=world.headers[subject])
    return answer.status_code


# --- the actions: each returns the outcome the table states -----------------


def _pulled_leads(world: World, subject: str) -> Any:
    answer = world.pull(subject)
    if answer.status_code != 200:
        return answer.status_code
    ids = {row["id"] for row in answer.json()["upserts"].get("leads", [])}
    return {rep for rep, lead in world.leads.items() if str(lead) in ids}


def _push_to(rep: str) -> Callable[[World, str], Any]:
    def push_to(world: World, subject: str) -> Any:
        lead = world.leads[rep]
        before = server_rows(world.server.engine, "leads")[lead]["city"]
        wanted = f"{subject} {uuid.uuid4().hex[:6]}"
        answer = world.push(subject, _mutation("update", "leads", lead, city=(before, wanted)))
        if answer.status_code != 200:
            return answer.status_code
        result = answer.json()["results"][0]
        stored = server_rows(world.server.engine, "leads")[lead]["city"]
        assert (stored == wanted) == (result["status"] == APPLIED), (result, stored)
        if result["status"] == REJECTED:
            assert "outside what you may change" in result["reason"]
        return result["status"]

    return push_to


def _comment_as_ada(world: World, subject: str) -> Any:
    comment = uuid.uuid4()
    username, home = USERS.get(subject, ("", ANN))
    lead = world.leads[home]
    answer = world.push(subject, _mutation("insert", "comments", comment, lead_id=(None, str(lead)),
                                           author_id=(None, str(world.users["ada"])), author_name=(None, "Ada"),
                                           body=(None, "Approved by the office")))
    if answer.status_code != 200:
        return answer.status_code
    assert answer.json()["results"][0]["status"] == APPLIED, answer.text
    row = server_rows(world.server.engine, "comments", Comment.id == comment)[comment]
    if (row["author_id"], row["author_name"]) == (str(world.users[username]), username.title()):
        return AUTHOR_IS_SIGNED_IN_USER
    return f"author is {row['author_name']} ({row['author_id']})"


def _upload_a_blob(world: World, subject: str) -> int:
    return _upload(world, subject, f"{subject} {uuid.uuid4()}".encode())


def _read_bobs_blob(world: World, subject: str) -> int:
    answer = world.http.get(f"{world.server.url}/blobs/{world.bobs_blob}", headers=world.headers[subject])
    if answer.status_code == 200:
        assert answer.content == b"Bob's signed contract"
    return answer.status_code


def _claim_bobs_blob(world: World, subject: str) -> int:
    answer = _attachment(world, subject, USERS.get(subject, ("", ANN))[1], world.bobs_blob,
                         len(b"Bob's signed contract"))
    if answer.status_code != 200:
        return answer.status_code
    assert answer.json()["results"][0]["status"] == APPLIED, answer.text
    return _read_bobs_blob(world, subject)


def _history_of_anns_lead(world: World, subject: str) -> Any:
    answer = world.pull(subject)
    if answer.status_code != 200:
        return answer.status_code
    return any(entry["lead_id"] == str(world.leads[ANN]) and entry["new_value"] == "Naperville"
               for entry in answer.json()["history"])


def _remind_carl(world: World, subject: str) -> Any:
    answer = world.push(subject, _reminder(world, uuid.uuid4(), ANN, world.users["carl"]))
    return answer.status_code if answer.status_code != 200 else answer.json()["results"][0]["status"]


def _bobs_reminder_arrives(world: World, subject: str) -> Any:
    answer = world.pull(subject)
    if answer.status_code != 200:
        return answer.status_code
    pulled = {row["id"] for row in answer.json()["upserts"].get("reminders", [])}
    return str(world.bobs_reminder) in pulled


def _mark_bobs_reminder_done(world: World, subject: str) -> Any:
    before = server_rows(world.server.engine, "reminders")[world.bobs_reminder]
    username = USERS.get(subject, ("ann", ANN))[0]
    done_at = f"2026-12-07T{len(subject) % 24:02d}:{uuid.uuid4().int % 60:02d}:00+00:00"
    answer = world.push(subject, _mutation("update", "reminders", world.bobs_reminder,
                                           done_at=(before["done_at"], done_at),
                                           done_by_id=(before["done_by_id"], str(world.users[username]))))
    if answer.status_code != 200:
        return answer.status_code
    result = answer.json()["results"][0]
    after = server_rows(world.server.engine, "reminders")[world.bobs_reminder]
    assert (after["done_by_id"] == str(world.users[username])) == (result["status"] == APPLIED), (result, after)
    return result["status"]


#: Why a reassignment or a target is refused, where the subject may touch the row
#: (else: "outside what you may change", as any push out of scope).
REFUSALS = {
    ("rep", "reassign a North lead within North"): "you may not reassign leads",
    ("other team's rep", "reassign Carl's lead to Ann"): "you may not reassign leads",
    ("other team's manager", "reassign Carl's lead to Ann"): "Ann is not on your team",
    **{(subject, f"set {rep} target"): "set reps' targets needs a permission your group lacks"
       for subject in ("rep", "second rep", "other team's rep") for rep in ("Ann's", "Carl's")},
}


def _refused_because(subject: str, action: str, reason: str) -> None:
    assert REFUSALS.get((subject, action), "outside what you may change") in reason, (subject, action, reason)


def _reassign(world: World, subject: str, lead: uuid.UUID, to: str, action: str) -> Any:
    """Push the lead's new rep; the outcome, with a refusal's reason checked."""
    before = server_rows(world.server.engine, "leads")[lead]["rep_id"]
    answer = world.push(subject, _mutation("update", "leads", lead, rep_id=(before, str(world.users[to]))))
    if answer.status_code != 200:
        return answer.status_code
    result = answer.json()["results"][0]
    stored = server_rows(world.server.engine, "leads")[lead]["rep_id"]
    assert (stored == str(world.users[to])) == (result["status"] == APPLIED), (result, stored)
    if result["status"] == REJECTED:
        _refused_because(subject, action, result["reason"])
    return result["status"]


def _reassign_within_north(world: World, subject: str) -> Any:
    lead = world.spare[ANN]
    now = server_rows(world.server.engine, "leads")[lead]["rep_id"]
    return _reassign(world, subject, lead, BOB if now == str(world.users[ANN]) else ANN,
                     "reassign a North lead within North")


def _reassign_carls_lead_to_ann(world: World, subject: str) -> Any:
    outcome = _reassign(world, subject, world.spare[CARL], ANN, "reassign Carl's lead to Ann")
    if outcome == APPLIED:  # back to Carl, by the office, for the next subject
        assert _reassign(world, "admin", world.spare[CARL], CARL, "") == APPLIED
    return outcome


def _set_target(rep: str, action: str) -> Callable[[World, str], Any]:
    def set_target(world: World, subject: str) -> Any:
        """A target of a month of its own per subject (one row per rep and month)."""
        month = date(2027, list(POLICY).index(subject) + 1, 1)
        row = Target.id_for(world.users[rep], month)
        answer = world.push(subject, _mutation("insert", "targets", row, rep_id=(None, str(world.users[rep])),
                                               month=(None, month.isoformat()), sales_cents=(None, 100)))
        if answer.status_code != 200:
            return answer.status_code
        result = answer.json()["results"][0]
        assert (row in server_rows(world.server.engine, "targets")) == (result["status"] == APPLIED), result
        if result["status"] == REJECTED:
            _refused_because(subject, action, result["reason"])
        return result["status"]

    return set_target


def _define_a_custom_field(world: World, subject: str) -> Any:
    key = f"f_{uuid.uuid4().hex[:8]}"
    row = uuid.uuid4()
    answer = world.push(subject, _mutation("insert", "custom_fields", row, key=(None, key), label=(None, key),
                                           kind=(None, "text")))
    if answer.status_code != 200:
        return answer.status_code
    result = answer.json()["results"][0]
    stored = row in server_rows(world.server.engine, "custom_fields")
    assert stored == (result["status"] == APPLIED), result
    if result["status"] == REJECTED:
        assert "edit custom fields needs a permission" in result["reason"], result
    return result["status"]


DO: dict[str, Callable[[World, str], Any]] = {
    "pull": _pulled_leads, "push to Ann's lead": _push_to(ANN), "push to Bob's lead": _push_to(BOB),
    "push to Carl's lead": _push_to(CARL), "comment as Ada": _comment_as_ada, "upload a blob": _upload_a_blob,
    "read Bob's attachment by SHA": _read_bobs_blob, "attach Bob's SHA, then read it": _claim_bobs_blob,
    "history of Ann's lead": _history_of_anns_lead, "remind Carl on Ann's lead": _remind_carl,
    "Bob's reminder on Carl's lead arrives": _bobs_reminder_arrives,
    "mark Bob's reminder on Carl's lead done": _mark_bobs_reminder_done,
    "reassign a North lead within North": _reassign_within_north,
    "reassign Carl's lead to Ann": _reassign_carls_lead_to_ann, "set Ann's target": _set_target(ANN, "set Ann's target"),
    "set Carl's target": _set_target(CARL, "set Carl's target"), "define a custom field": _define_a_custom_field,
}

CELLS = [pytest.param(subject, action, outcome, id=f"{subject}-{action}")
         for subject, outcomes in POLICY.items() for action, outcome in zip(ACTIONS, outcomes, strict=True)]


@pytest.mark.parametrize(("subject", "action", "expected"), CELLS)
def test_authorization(world: World, subject: str, action: str, expected: Any):
    assert DO[action](world, subject) == expected


# --- money: payments, commissions, the catalogue and the commission report ----------------

MONEY_ACTIONS = ("take a payment on Ann's job", "commission at Ann's rate on Ann's job",
                 "forged commission on Ann's job", "add to the catalogue", "commission report")
#: subject: the outcome of each money action (a push's status, the report's HTTP status).
#: Role defaults (no groups): a rep sees payments, a manager also commissions,
#: an admin does everything; only what a sale makes (the rep's rate of it) is
#: a commission anyone but the office may write.
MONEY_POLICY: dict[str, tuple[Any, ...]] = {
    "rep": (REJECTED, APPLIED, REJECTED, REJECTED, 403),
    "manager": (REJECTED, APPLIED, REJECTED, REJECTED, 200),
    "other team's manager": (REJECTED, REJECTED, REJECTED, REJECTED, 200),
    "admin": (APPLIED, APPLIED, APPLIED, APPLIED, 200),
    "no token": (DENIED,) * len(MONEY_ACTIONS),
}
ANNS_SALE = 1_000_000  # Ann's rate is 8 %: $800.00 of commission


def _anns_job(world: World) -> uuid.UUID:
    """Ann's first lead's job, sold (the same sale for every cell)."""
    from sqlalchemy import update

    from rep_tui.store.models import Job

    with world.server.engine.begin() as conn:
        job = conn.execute(select(Job.id).where(Job.lead_id == world.leads[ANN])).scalar_one()
        conn.execute(update(Job).where(Job.id == job).values(contract_cents=ANNS_SALE))
    return job


def _pushed(world: World, subject: str, table: str, **fields: Any) -> Any:
    answer = world.push(subject, _mutation("insert", table, uuid.uuid4(),
                                           **{name: (None, value) for name, value in fields.items()}))
    if answer.status_code != 200:
        return answer.status_code
    return answer.json()["results"][0]["status"]


def _take_payment(world: World, subject: str) -> Any:
    return _pushed(world, subject, "payments", job_id=str(_anns_job(world)), amount_cents=50_000,
                   paid_on="2026-11-30", method="Check")


def _commission(amount: int) -> Callable[[World, str], Any]:
    def commission(world: World, subject: str) -> Any:
        return _pushed(world, subject, "commissions", job_id=str(_anns_job(world)), rep_id=str(world.users["ann"]),
                       amount_cents=amount)

    return commission


def _add_to_catalogue(world: World, subject: str) -> Any:
    return _pushed(world, subject, "catalogue_items", sku=f"SKU-{uuid.uuid4().hex[:8]}", name="Storm door",
                   price_cents=45_000, active=True)


def _commission_report(world: World, subject: str) -> int:
    answer = world.http.get(f"{world.server.url}/reports/commissions", headers=world.headers[subject],
                            params={"from": "2020-01-01", "to": "2030-12-31"})
    if answer.status_code == 403:
        assert "see commission reports needs a permission" in answer.json()["detail"]
    return answer.status_code


MONEY_DO: dict[str, Callable[[World, str], Any]] = {
    "take a payment on Ann's job": _take_payment,
    "commission at Ann's rate on Ann's job": _commission(ANNS_SALE * 8 // 100),
    "forged commission on Ann's job": _commission(ANNS_SALE),
    "add to the catalogue": _add_to_catalogue, "commission report": _commission_report,
}
MONEY_CELLS = [pytest.param(subject, action, outcome, id=f"{subject}-{action}")
               for subject, outcomes in MONEY_POLICY.items()
               for action, outcome in zip(MONEY_ACTIONS, outcomes, strict=True)]


@pytest.mark.parametrize(("subject", "action", "expected"), MONEY_CELLS)
def test_money_authorization(world: World, subject: str, action: str, expected: Any):
    assert MONEY_DO[action](world, subject) == expected


# --- the web form's leads: unassigned until a manager or the office gives them out -----------

UNASSIGNED_ACTIONS = ("an unassigned lead arrives", "push to an unassigned lead",
                      "give an unassigned lead to a rep one sees")
#: subject: the outcome of each action on a lead the web form just stored (no
#: rep). Reps never see one; managers who may reassign leads (their role's
#: default) and admins see them all (the Unassigned queue) and give them out,
#: each to a rep whose leads they see (the manager Ann, the other Carl).
UNASSIGNED_POLICY: dict[str, tuple[Any, ...]] = {
    "rep": (False, REJECTED, REJECTED),
    "manager": (True, APPLIED, APPLIED),
    "other team's manager": (True, APPLIED, APPLIED),
    "admin": (True, APPLIED, APPLIED),
    "no token": (DENIED,) * len(UNASSIGNED_ACTIONS),
}
#: Whom each subject gives the lead to.
GIVEN_TO = {"rep": ANN, "manager": ANN, "other team's manager": CARL, "admin": BOB, "no token": ANN}


def _web_lead(world: World) -> uuid.UUID:
    from rep_tui.server import webform

    clean, errors = webform.check({"first_name": "Web", "last_name": uuid.uuid4().hex[:8],
                                   "home_phone": "312-555-0142"}, [])
    assert not errors, errors
    return webform.store(world.server.engine, clean)


def _unassigned_arrives(world: World, subject: str) -> Any:
    lead = _web_lead(world)
    answer = world.pull(subject)
    if answer.status_code != 200:
        return answer.status_code
    return str(lead) in {row["id"] for row in answer.json()["upserts"].get("leads", [])}


def _push_to_unassigned(world: World, subject: str) -> Any:
    lead = _web_lead(world)
    answer = world.push(subject, _mutation("update", "leads", lead, city=(None, "Evanston")))
    if answer.status_code != 200:
        return answer.status_code
    result = answer.json()["results"][0]
    if result["status"] == REJECTED:
        assert "outside what you may change" in result["reason"], result
    return result["status"]


def _give_unassigned(world: World, subject: str) -> Any:
    lead = _web_lead(world)
    rep = GIVEN_TO[subject]
    answer = world.push(subject, _mutation("update", "leads", lead, rep_id=(None, str(world.users[rep]))))
    if answer.status_code != 200:
        return answer.status_code
    result = answer.json()["results"][0]
    stored = server_rows(world.server.engine, "leads")[lead]["rep_id"]
    assert (stored == str(world.users[rep])) == (result["status"] == APPLIED), (result, stored)
    return result["status"]


UNASSIGNED_DO: dict[str, Callable[[World, str], Any]] = {
    "an unassigned lead arrives": _unassigned_arrives, "push to an unassigned lead": _push_to_unassigned,
    "give an unassigned lead to a rep one sees": _give_unassigned,
}


@pytest.mark.parametrize(("subject", "action", "expected"), [
    pytest.param(subject, action, outcome, id=f"{subject}-{action}")
    for subject, outcomes in UNASSIGNED_POLICY.items()
    for action, outcome in zip(UNASSIGNED_ACTIONS, outcomes, strict=True)])
def test_unassigned_lead_authorization(world: World, subject: str, action: str, expected: Any):
    assert UNASSIGNED_DO[action](world, subject) == expected


# --- users on a job and their commission shares ------------------------------------------

JOB_USER_ACTIONS = ("put Bob on Ann's job at 40 %", "shares adding up to 140 %", "Bob's commission at his 40 %",
                    "Bob's commission at 100 %", "commission of a user not on the job")
#: subject: the outcome of each action (the last mutation's status; a push refused as a whole: its HTTP status).
#: Putting users on a job needs EDIT_JOB_USERS (an admin's by default); the shares
#: of a job add up to 100 % at most, for the office too; a commission row from
#: a device is its user's share of what the sale makes, on a job one sees.
JOB_USER_POLICY: dict[str, tuple[Any, ...]] = {
    "rep": (REJECTED, REJECTED, APPLIED, REJECTED, REJECTED),
    "second rep": (REJECTED, REJECTED, REJECTED, REJECTED, REJECTED),
    "manager": (REJECTED, REJECTED, APPLIED, REJECTED, REJECTED),
    "other team's manager": (REJECTED, REJECTED, REJECTED, REJECTED, REJECTED),
    "admin": (APPLIED, REJECTED, APPLIED, APPLIED, APPLIED),
    "no token": (DENIED,) * len(JOB_USER_ACTIONS),
}


def _new_sold_job(world: World, shares: dict[str, int] | None = None) -> uuid.UUID:
    """A fresh job on Ann's lead, sold for $10,000 (Ann's rate: 8 %), with these users on it ({username: %})."""
    job = uuid.uuid4()
    add_rows(world.server.engine, {
        "jobs": [{"id": job, "lead_id": world.leads[ANN], "contract_cents": 1_000_000}],
        "job_users": [{"id": uuid.uuid4(), "job_id": job, "user_id": world.users[name],
                       "role": "rep" if name == "ann" else "co-rep", "share_pct": pct}
                      for name, pct in (shares or {}).items()]})
    return job


def _job_user(job: uuid.UUID, user: uuid.UUID, role: str, share: str, seq: int = 1) -> dict:
    return _mutation("insert", "job_users", uuid.uuid4(), seq, job_id=(None, str(job)), user_id=(None, str(user)),
                     role=(None, role), share_pct=(None, share))


def _last_status(answer: httpx.Response) -> Any:
    return answer.json()["results"][-1]["status"] if answer.status_code == 200 else answer.status_code


def _put_bob_on(share_of_ann: str, share_of_bob: str) -> Callable[[World, str], Any]:
    def put(world: World, subject: str) -> Any:
        job = _new_sold_job(world)
        answer = world.push(subject, _job_user(job, world.users["ann"], "rep", share_of_ann),
                            _job_user(job, world.users["bob"], "co-rep", share_of_bob, seq=2))
        return _last_status(answer)

    return put


def _bobs_commission(amount: int, on_job: bool = True) -> Callable[[World, str], Any]:
    def commission(world: World, subject: str) -> Any:
        job = _new_sold_job(world, {"ann": 60, "bob": 40} if on_job else {"ann": 100})
        return _last_status(world.push(subject, _mutation(
            "insert", "commissions", uuid.uuid4(), job_id=(None, str(job)), rep_id=(None, str(world.users["bob"])),
            amount_cents=(None, amount))))

    return commission


JOB_USER_DO: dict[str, Callable[[World, str], Any]] = {
    "put Bob on Ann's job at 40 %": _put_bob_on("60", "40"),
    "shares adding up to 140 %": _put_bob_on("100", "40"),
    "Bob's commission at his 40 %": _bobs_commission(32_000),
    "Bob's commission at 100 %": _bobs_commission(80_000),
    "commission of a user not on the job": _bobs_commission(32_000, on_job=False),
}
JOB_USER_CELLS = [pytest.param(subject, action, outcome, id=f"{subject}-{action}")
                  for subject, outcomes in JOB_USER_POLICY.items()
                  for action, outcome in zip(JOB_USER_ACTIONS, outcomes, strict=True)]


@pytest.mark.parametrize(("subject", "action", "expected"), JOB_USER_CELLS)
def test_job_user_authorization(world: World, subject: str, action: str, expected: Any):
    assert JOB_USER_DO[action](world, subject) == expected


def test_a_forged_share_sum_is_refused_in_words_and_leaves_the_shares_as_they_were(world: World):
    job = _new_sold_job(world, {"ann": 60, "bob": 40})
    answer = world.push("admin", _job_user(job, world.users["carl"], "installer", "10"))
    result = answer.json()["results"][0]
    assert (result["status"], result["reason"]) == (REJECTED, "the shares on this job add up to 110 %: at most 100 %")
    from rep_tui.store.models import JobUser

    on_job = server_rows(world.server.engine, "job_users", JobUser.job_id == job).values()
    assert sorted(float(row["share_pct"]) for row in on_job) == [40, 60]


# --- the vendor directory and the installer checklist -----------------------------------

OFFICE_LIST_ACTIONS = ("add a vendor", "add a checklist item", "tick Ann's job's checklist", "tick Carl's job's checklist")
#: subject: the outcome of each action (a push's status). Role defaults (no groups):
#: managers and admins edit the vendor directory; only an admin defines the checklist;
#: whoever sees a job ticks its checklist (signed by themselves).
OFFICE_LIST_POLICY: dict[str, tuple[Any, ...]] = {
    "rep": (REJECTED, REJECTED, APPLIED, REJECTED),
    "manager": (APPLIED, REJECTED, APPLIED, REJECTED),
    "other team's manager": (APPLIED, REJECTED, REJECTED, APPLIED),
    "admin": (APPLIED, APPLIED, APPLIED, APPLIED),
    "no token": (DENIED,) * len(OFFICE_LIST_ACTIONS),
}


def _add_a_vendor(world: World, subject: str) -> Any:
    return _pushed(world, subject, "vendors", company=f"Glass {uuid.uuid4().hex[:6]}", phone="(312) 555-0142")


def _add_a_checklist_item(world: World, subject: str) -> Any:
    return _pushed(world, subject, "checklist_items", label=f"Step {uuid.uuid4().hex[:6]}", sort_order=10,
                   active=True)


def _tick(rep: str) -> Callable[[World, str], Any]:
    def tick(world: World, subject: str) -> Any:
        """A new item (so each cell ticks a row of its own) ticked on the rep's job, signed by the subject."""
        from rep_tui.store.models import Job, JobCheck

        item = uuid.uuid4()
        add_rows(world.server.engine, {"checklist_items": [{"id": item, "label": f"Step {item.hex[:6]}"}]})
        with world.server.engine.connect() as conn:
            job = conn.execute(select(Job.id).where(Job.lead_id == world.leads[rep], Job.job_number.is_not(None))
                               .order_by(Job.job_number).limit(1)).scalar_one()  # the world's own (cells add others)
        signer = world.users.get(USERS.get(subject, ("", ""))[0])
        answer = world.push(subject, _mutation("insert", "job_checklist", JobCheck.id_for(job, item),
                                               job_id=(None, str(job)), item_id=(None, str(item)), done=(None, True),
                                               done_by_id=(None, str(signer) if signer else None)))
        return answer.status_code if answer.status_code != 200 else answer.json()["results"][0]["status"]

    return tick


OFFICE_LIST_DO: dict[str, Callable[[World, str], Any]] = dict(zip(OFFICE_LIST_ACTIONS, (
    _add_a_vendor, _add_a_checklist_item, _tick(ANN), _tick(CARL)), strict=True))


@pytest.mark.parametrize(("subject", "action", "expected"), [
    pytest.param(subject, action, outcome, id=f"{subject}-{action}")
    for subject, outcomes in OFFICE_LIST_POLICY.items()
    for action, outcome in zip(OFFICE_LIST_ACTIONS, outcomes, strict=True)])
def test_office_list_authorization(world: World, subject: str, action: str, expected: Any):
    assert OFFICE_LIST_DO[action](world, subject) == expected


# --- saved data searches: each user's own -----------------------------------------------

SAVED_SEARCH_ACTIONS = ("save a search of one's own", "save a search as Ann", "Ann's saved search arrives",
                        "move Ann's saved search to oneself")
#: subject: the outcome of each action (a push's status; a pull's, whether the row arrives).
#: A saved search is its owner's alone: not their manager's (who sees their leads), only an admin's too.
SAVED_SEARCH_POLICY: dict[str, tuple[Any, ...]] = {
    "rep": (APPLIED, APPLIED, True, APPLIED),
    "second rep": (APPLIED, REJECTED, False, REJECTED),
    "manager": (APPLIED, REJECTED, False, REJECTED),
    "other team's manager": (APPLIED, REJECTED, False, REJECTED),
    "admin": (APPLIED, APPLIED, True, REJECTED),
    "no token": (DENIED,) * len(SAVED_SEARCH_ACTIONS),
}
_QUERY = {"fields": ["pid"], "per": "customer", "filters": [], "sort": []}


def _save_search_as(whose: str | None) -> Callable[[World, str], Any]:
    def save(world: World, subject: str) -> Any:
        owner = world.users.get(whose or USERS.get(subject, ("", ""))[0]) or uuid.uuid4()
        return _pushed(world, subject, "saved_searches", user_id=str(owner), name="Mine", query=_QUERY)

    return save


def _anns_saved_search(world: World) -> uuid.UUID:
    row = uuid.uuid5(uuid.NAMESPACE_URL, "anns-saved-search")
    if row not in server_rows(world.server.engine, "saved_searches"):
        add_rows(world.server.engine, {"saved_searches": [
            {"id": row, "user_id": world.users[ANN], "name": "Ann's", "query": _QUERY}]})
    return row


def _anns_saved_search_arrives(world: World, subject: str) -> Any:
    row = _anns_saved_search(world)
    answer = world.pull(subject)
    if answer.status_code != 200:
        return answer.status_code
    return str(row) in {r["id"] for r in answer.json()["upserts"].get("saved_searches", [])}


def _move_anns_saved_search(world: World, subject: str) -> Any:
    """A user id fixed once the row exists: nobody moves a search to another owner."""
    row = _anns_saved_search(world)
    mover = world.users.get(USERS.get(subject, ("", ""))[0]) or world.users["ada"]
    owner = world.users[ANN] if subject == "rep" else mover
    answer = world.push(subject, _mutation("update", "saved_searches", row, user_id=(str(world.users[ANN]), str(owner)),
                                           name=("Ann's", "Ann's")))
    return answer.status_code if answer.status_code != 200 else answer.json()["results"][0]["status"]


SAVED_SEARCH_DO: dict[str, Callable[[World, str], Any]] = dict(zip(SAVED_SEARCH_ACTIONS, (
    _save_search_as(None), _save_search_as(ANN), _anns_saved_search_arrives, _move_anns_saved_search), strict=True))


@pytest.mark.parametrize(("subject", "action", "expected"), [
    pytest.param(subject, action, outcome, id=f"{subject}-{action}")
    for subject, outcomes in SAVED_SEARCH_POLICY.items()
    for action, outcome in zip(SAVED_SEARCH_ACTIONS, outcomes, strict=True)])
def test_saved_search_authorization(world: World, subject: str, action: str, expected: Any):
    assert SAVED_SEARCH_DO[action](world, subject) == expected
