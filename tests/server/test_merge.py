"""Combining duplicate customers, on real SQLite and PostgreSQL servers with
real devices syncing over HTTP: the office finds the pair, previews the
merge (nothing written), merges; a rep's device that edited the loser
offline loses nothing (its edits land on the survivor, or as a conflict in
the history); every device converges; undo puts both customers back, and
the devices converge again."""

from __future__ import annotations

import json
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from rep_tui.cli import main

from rep_tui.server import admin_merge
from rep_tui.server.admin import AdminError
from rep_tui.server.seed import add_rows
from rep_tui.store import writes
from rep_tui.store.models import ChangeRecord, Comment, Lead
from server_fixtures import make_company, server_rows

SURVIVOR_PID, LOSER_PID = 7001, 7002


def _pair(engine, company) -> dict[str, uuid.UUID]:
    """Jane Smith twice, Ann's: one PID with a phone and an address, the other
    with the same phone, an email, a city; each with a job and a comment."""
    ann = company.users["ann"]
    ids = {name: uuid.uuid4() for name in ("survivor", "loser", "job_s", "job_l", "comment_s", "comment_l")}
    blank = dict.fromkeys(("home_phone", "home_phone_e164", "cell_phone", "cell_phone_e164", "email", "city"))
    add_rows(engine, {
        "leads": [
            {**blank, "id": ids["survivor"], "pid": SURVIVOR_PID, "first_name": "Jane", "last_name": "Smith",
             "home_phone": "(312) 555-0101", "home_phone_e164": "+13125550101", "address": "12 Oak St",
             "rep_id": ann, "custom": {}},
            {**blank, "id": ids["loser"], "pid": LOSER_PID, "first_name": "Jane", "last_name": "Smith",
             "cell_phone": "312-555-0101", "cell_phone_e164": "+13125550101", "email": "jane@example.com",
             "address": "12 Oak Street", "city": "Evanston", "rep_id": ann, "custom": {}}],
        "jobs": [{"id": ids["job_s"], "lead_id": ids["survivor"], "job_number": 9001, "product": "windows"},
                 {"id": ids["job_l"], "lead_id": ids["loser"], "job_number": 9002, "product": "siding"}],
        "comments": [{"id": ids["comment_s"], "lead_id": ids["survivor"], "author_name": "Ann", "body": "dog"},
                     {"id": ids["comment_l"], "lead_id": ids["loser"], "author_name": "Ann", "body": "gate"}],
    })
    return ids


def _state(engine) -> dict:
    """Everything a merge could touch on the server, and the version counter."""
    with engine.connect() as conn:
        top = conn.execute(select(func.max(Lead.version))).scalar()
        history = conn.execute(select(func.count()).select_from(ChangeRecord)).scalar()
    return {"top": top, "history": history,
            **{table: server_rows(engine, table) for table in ("leads", "jobs", "comments", "contacts")}}


def _under(rows: dict, lead: uuid.UUID) -> set:
    return {row_id for row_id, row in rows.items() if row["lead_id"] == str(lead)}


def _converged(server, *devices) -> None:
    """Each device holds exactly the server's live rows of the pair's tables (Ann's and her manager's)."""
    for table in ("leads", "jobs", "comments", "contacts"):
        want = server_rows(server.engine, table)
        for device in devices:
            have = device.rows(table)
            assert {k: v for k, v in have.items() if k in want} == {k: want[k] for k in have if k in want}, table
            assert set(have) <= set(want), f"{table}: a ghost on the device"


def test_duplicates_lists_the_pair_as_high_by_phone_and_name(server, company):
    _pair(server.engine, company)
    pairs = [p for p in admin_merge.find_duplicates(server.engine) if {p.first, p.second} & {SURVIVOR_PID}]
    assert [(p.first, p.second, p.sureness) for p in pairs] == [(SURVIVOR_PID, LOSER_PID, "high")]
    assert pairs[0].shared == ("phone +13125550101", "name")


def test_dry_run_writes_nothing(server, company):
    _pair(server.engine, company)
    before = _state(server.engine)
    report = admin_merge.merge(server.engine, str(SURVIVOR_PID), str(LOSER_PID), dry_run=True)
    assert report.dry_run and report.merge_id is None
    assert report.fields["email"] == (None, "jane@example.com")
    assert report.moved["jobs"] == 1 and report.moved["comments"] == 1
    assert _state(server.engine) == before


def test_offline_edits_of_the_loser_land_on_the_survivor_and_devices_converge(server, company, devices):
    ids = _pair(server.engine, company)
    ann, maria = devices("ann"), devices("maria")
    ann.sync(), maria.sync()
    assert {ids["survivor"], ids["loser"]} <= set(ann.rows("leads")) & set(maria.rows("leads"))

    with ann.store.session() as s:  # offline, before the office merges
        loser = s.get(Lead, ids["loser"])
        writes.update(s, ann.actor, loser, email="jane.new@example.com", address="12 Oak St Apt 2")
        late_comment = writes.insert(s, ann.actor, Comment(lead_id=ids["loser"], author_name="Ann",
                                                           body="she called back")).id

    report = admin_merge.merge(server.engine, str(SURVIVOR_PID), str(LOSER_PID))
    assert report.merge_id is not None
    leads = server_rows(server.engine, "leads")
    assert ids["loser"] not in leads
    assert (leads[ids["survivor"]]["email"], leads[ids["survivor"]]["city"]) == ("jane@example.com", "Evanston")
    assert leads[ids["survivor"]]["address"] == "12 Oak St"  # the survivor's own value wins

    assert ann.sync().rejected == []
    maria.sync()
    survivor = server_rows(server.engine, "leads")[ids["survivor"]]
    assert survivor["email"] == "jane.new@example.com"  # her edit of the loser, on the survivor
    with server.engine.connect() as conn:
        lost = conn.execute(select(ChangeRecord.new_value).where(
            ChangeRecord.row_id == ids["survivor"], ChangeRecord.field == "address",
            ChangeRecord.kind == "conflict")).scalars().all()
    assert lost == ["12 Oak St Apt 2"]  # the address that lost to the survivor's is kept, not dropped
    for device in (ann, maria):
        assert ids["loser"] not in device.rows("leads")
        assert _under(device.rows("jobs"), ids["survivor"]) == {ids["job_s"], ids["job_l"]}
        assert _under(device.rows("comments"), ids["survivor"]) == {ids["comment_s"], ids["comment_l"], late_comment}
    _converged(server, ann, maria)

    with pytest.raises(AdminError, match="Email of PID 7001 is now 'jane.new@example.com'"):
        admin_merge.undo(server.engine, report.merge_id)  # undo would throw her edit away


def test_undo_puts_both_back_and_devices_converge(server, company, devices):
    ids = _pair(server.engine, company)
    ann, maria = devices("ann"), devices("maria")
    ann.sync(), maria.sync()
    before = {table: server_rows(server.engine, table) for table in ("leads", "jobs", "comments")}

    report = admin_merge.merge(server.engine, str(SURVIVOR_PID), str(LOSER_PID), take=["address"], as_family=True)
    assert server_rows(server.engine, "leads")[ids["survivor"]]["address"] == "12 Oak Street"
    assert [c["name"] for c in server_rows(server.engine, "contacts").values()
            if c["lead_id"] == str(ids["survivor"])] == ["Jane Smith"]
    ann.sync(), maria.sync()
    assert ids["loser"] not in ann.rows("leads")

    admin_merge.undo(server.engine, report.merge_id)
    after = {table: server_rows(server.engine, table) for table in ("leads", "jobs", "comments")}
    for table, rows in before.items():
        assert {k: {c: v for c, v in row.items() if c != "updated_at"} for k, row in after[table].items()} \
            == {k: {c: v for c, v in row.items() if c != "updated_at"} for k, row in rows.items()}, table
    assert not [c for c in server_rows(server.engine, "contacts").values() if c["lead_id"] == str(ids["survivor"])]
    ann.sync(), maria.sync()
    for device in (ann, maria):
        assert {ids["survivor"], ids["loser"]} <= set(device.rows("leads"))
        assert _under(device.rows("jobs"), ids["loser"]) == {ids["job_l"]}
        assert _under(device.rows("comments"), ids["loser"]) == {ids["comment_l"]}
    _converged(server, ann, maria)
    with pytest.raises(AdminError, match="undone already"):
        admin_merge.undo(server.engine, report.merge_id)


def test_the_office_cli_finds_previews_merges_and_undoes(backend):
    def admin(*args: str):
        return CliRunner().invoke(main, ["admin", "--db", backend.url, *args], catch_exceptions=False)

    from rep_tui.server.admin import open_server

    engine = open_server(backend.url)
    ids = _pair(engine, make_company(engine))
    found = json.loads(admin("duplicates", "--json").output)
    assert {"sureness": "high", "pids": [SURVIVOR_PID, LOSER_PID], "names": ["Jane Smith", "Jane Smith"],
            "shared": ["phone +13125550101", "name"]} in found

    bad = admin("merge", str(SURVIVOR_PID), str(LOSER_PID), "--take", "shoe_size=loser")
    assert bad.exit_code == 1 and "--take: no field shoe_size (fields: first_name" in bad.output
    assert admin("merge", str(SURVIVOR_PID)).exit_code == 2  # one customer is no merge
    preview = admin("merge", str(SURVIVOR_PID), str(LOSER_PID), "--take", "address=loser", "--dry-run")
    assert preview.output.startswith(f"Would merge PID {LOSER_PID} into PID {SURVIVOR_PID}.\n")
    assert "  Address: 12 Oak St -> 12 Oak Street\n" in preview.output
    assert ids["loser"] in server_rows(engine, "leads")

    done = json.loads(admin("merge", str(SURVIVOR_PID), str(LOSER_PID), "--take", "address=loser", "--json").output)
    assert (done["dry_run"], done["moved"]["jobs"], done["fields"]["address"]) == (
        False, 1, {"before": "12 Oak St", "after": "12 Oak Street"})
    assert ids["loser"] not in server_rows(engine, "leads")
    again = admin("merge", str(SURVIVOR_PID), str(LOSER_PID))
    assert again.exit_code == 1 and f"Customer {LOSER_PID} was deleted" in again.output

    undone = admin("merge", "--undo", str(done["merge_id"]))
    assert undone.output == f"Merge {done['merge_id']} undone: PID {LOSER_PID} is back, with its 2 row(s); " \
                            f"PID {SURVIVOR_PID}'s fields are as before.\n"
    assert server_rows(engine, "leads")[ids["survivor"]]["address"] == "12 Oak St"
    engine.dispose()


def _one_of_each(lead: uuid.UUID, ann: uuid.UUID) -> dict[str, list[dict]]:
    """A row under `lead` in every table that hangs off a lead."""
    from datetime import date, datetime, timezone

    when = datetime(2026, 12, 1, 18, tzinfo=timezone.utc)
    rows = {
        "jobs": {"product": "roof"}, "comments": {"author_name": "Ann", "body": "b"},
        "notes": {"author_name": "Office", "body": "n"}, "contacts": {"name": "Joe Smith"},
        "appointments": {"rep_id": ann, "starts_at": when},
        "attachments": {"kind": "document", "filename": "c.pdf", "description": "contract", "sha256": "a" * 64,
                        "size": 1, "mime": "application/pdf"},
        "engagements": {"subject": "call", "occurred_at": when, "contact_type": "phone"},
        "reminders": {"assignee_id": ann, "due_on": date(2026, 12, 9), "body": "call back"},
    }
    return {table: [{"id": uuid.uuid4(), "lead_id": lead, **values}] for table, values in rows.items()}


def test_every_table_under_the_loser_moves_and_moves_back(server, company):
    from rep_tui.sync.tables import LEAD_CHILDREN

    ids = _pair(server.engine, company)
    children = _one_of_each(ids["loser"], company.users["ann"])
    assert set(children) == LEAD_CHILDREN, "a new table under leads: give the loser a row of it here"
    add_rows(server.engine, children)
    mine = {table: {rows[0]["id"]} | ({ids["job_l"]} if table == "jobs" else set())
            | ({ids["comment_l"]} if table == "comments" else set()) for table, rows in children.items()}

    merged = admin_merge.merge(server.engine, str(SURVIVOR_PID), str(LOSER_PID))
    for table, wanted in mine.items():
        assert wanted <= _under(server_rows(server.engine, table), ids["survivor"]), table
        assert not _under(server_rows(server.engine, table), ids["loser"]), table
    admin_merge.undo(server.engine, merged.merge_id)
    for table, wanted in mine.items():
        assert _under(server_rows(server.engine, table), ids["loser"]) == wanted, table


def test_over_http_merging_needs_the_permission_and_customers_one_sees(server, company):
    from server_fixtures import PASSWORD, give, http

    ids = _pair(server.engine, company)
    give(server.engine, "maria", "merge")

    def call(username: str, method: str, path: str, **kwargs):
        token = http.post(f"{server.url}/auth/login", json={"username": username, "password": PASSWORD}).json()["token"]
        return http.request(method, f"{server.url}{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)

    body = {"survivor": str(SURVIVOR_PID), "loser": str(LOSER_PID), "take": ["city"]}
    refused = call("ann", "POST", "/merges", json=body)
    assert (refused.status_code, refused.json()["detail"]) == (403, "You may not do this: merge customers needs a "
                                                                     "permission your group lacks.")
    assert call("ann", "GET", "/merges/duplicates").status_code == 403
    assert call("carl", "POST", "/merges", json=body).status_code == 403

    pairs = call("maria", "GET", "/merges/duplicates").json()
    assert [p["pids"] for p in pairs if p["sureness"] == "high"] == [[SURVIVOR_PID, LOSER_PID]]
    carls = company.leads["carl"][0]  # not on her team: as if it did not exist
    other = call("maria", "POST", "/merges", json={"survivor": str(SURVIVOR_PID), "loser": str(carls)})
    assert (other.status_code, other.json()["detail"]) == (404, f"No customer {carls}.")

    preview = call("maria", "POST", "/merges", json={**body, "dry_run": True})
    assert preview.status_code == 200 and preview.json()["merge_id"] is None
    assert ids["loser"] in server_rows(server.engine, "leads")
    done = call("maria", "POST", "/merges", json=body).json()
    assert ids["loser"] not in server_rows(server.engine, "leads")
    with server.engine.connect() as conn:
        who = set(conn.execute(select(ChangeRecord.user_name).where(ChangeRecord.row_id == ids["loser"],
                                                                    ChangeRecord.new_value == "deleted")).scalars())
    assert who == {"Maria"}
    twice = call("maria", "POST", "/merges", json=body)
    assert twice.status_code == 409 and f"Customer {LOSER_PID} was deleted" in twice.json()["detail"]
    assert call("maria", "POST", f"/merges/{done['merge_id']}/undo").status_code == 200
    assert ids["loser"] in server_rows(server.engine, "leads")
    again = call("maria", "POST", f"/merges/{done['merge_id']}/undo")
    assert again.status_code == 409 and "undone already" in again.json()["detail"]


def test_a_late_comment_on_a_customer_merged_twice_lands_where_it_lives_now(server, company, devices):
    ids = _pair(server.engine, company)
    third = company.leads["ann"][0]
    ann = devices("ann")
    ann.sync()
    with ann.store.session() as s:  # offline
        late = writes.insert(s, ann.actor, Comment(lead_id=ids["loser"], author_name="Ann", body="late")).id
    admin_merge.merge(server.engine, str(SURVIVOR_PID), str(LOSER_PID))
    third_pid = server_rows(server.engine, "leads")[third]["pid"]
    admin_merge.merge(server.engine, str(third_pid), str(SURVIVOR_PID))
    assert ann.sync().rejected == []
    assert server_rows(server.engine, "comments")[late]["lead_id"] == str(third)
    assert ann.rows("comments")[late]["lead_id"] == str(third)


def test_undo_is_refused_when_a_moved_row_was_deleted_since(server, company):
    from rep_tui.server.admin import Change, _apply

    ids = _pair(server.engine, company)
    merged = admin_merge.merge(server.engine, str(SURVIVOR_PID), str(LOSER_PID))
    _apply(server.engine, [Change("comments", ids["comment_l"], "update", {"deleted": (False, True)})])
    with pytest.raises(AdminError, match=f"comments row {ids['comment_l']} was deleted since"):
        admin_merge.undo(server.engine, merged.merge_id)
    assert ids["loser"] not in server_rows(server.engine, "leads")  # nothing undone
