"""Custom fields on the server (SQLite and PostgreSQL): the office defines
them (`rep-tui admin custom-fields`), only a user with the permission may
change them, and every pushed `leads.custom` is checked against the server's
definitions over HTTP, whatever the device sent."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import httpx
import pytest

from rep_tui.server import admin, admin_bulk, custom_fields
from server_fixtures import PASSWORD, server_rows


def _headers(server, username: str) -> dict[str, str]:
    answer = httpx.post(f"{server.url}/auth/login", json={"username": username, "password": PASSWORD}, timeout=60)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}", "Content-Type": "application/json"}


def _push(server, username: str, table: str, row_id: uuid.UUID, op: str = "update", **fields: Any) -> dict:
    """One mutation pushed by `username` over HTTP; its result."""
    body = {"client_id": f"test-{uuid.uuid4()}", "mutations": [
        {"seq": 1, "table": table, "row_id": str(row_id), "op": op,
         "fields": {name: list(pair) for name, pair in fields.items()}}]}
    answer = httpx.post(f"{server.url}/sync/push", content=json.dumps(body), headers=_headers(server, username),
                        timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"][0]


@pytest.fixture
def fields(server, company):
    custom_fields.add_field(server.engine, "Siding Type", "choice", choices=["Cedar", "Vinyl"])
    custom_fields.add_field(server.engine, "Roof Age", "number")
    custom_fields.add_field(server.engine, "Gate Code", "text", required=True)
    return company


def test_the_server_checks_every_custom_value_against_its_definition(server, fields):
    lead = fields.leads["ann"][0]
    good = {"siding_type": "Vinyl", "roof_age": 12, "gate_code": "#4411"}
    assert _push(server, "ann", "leads", lead, custom=({}, good))["status"] == "applied"
    assert server_rows(server.engine, "leads")[lead]["custom"] == good

    forged = {"not one of the choices": ({"siding_type": "Brick"}, "Siding Type must be one of: Cedar, Vinyl"),
              "not a number": ({"roof_age": "old"}, "Roof Age must be a number"),
              "a number as text": ({"roof_age": "12"}, "Roof Age must be a number"),
              "a key nobody defined": ({"pool": "yes"}, "no custom field 'pool'"),
              "a required value removed": ({}, "Gate Code is required")}
    for case, (changed, reason) in forged.items():
        new = {**good, **changed} if changed else {k: v for k, v in good.items() if k != "gate_code"}
        result = _push(server, "ann", "leads", lead, custom=(good, new))
        assert result["status"] == "rejected" and reason in result["reason"], case
    assert server_rows(server.engine, "leads")[lead]["custom"] == good  # nothing forged was stored


def test_a_value_stored_before_the_office_changed_the_field_is_kept(server, fields):
    """A retired choice or a deactivated field's value stays while the rep
    changes other fields; a new value must fit today's definitions."""
    lead = fields.leads["ann"][0]
    before = {"siding_type": "Cedar", "roof_age": 3, "gate_code": "9"}
    assert _push(server, "ann", "leads", lead, custom=({}, before))["status"] == "applied"
    custom_fields.change_field(server.engine, "siding_type", choices=["Vinyl", "Fiber cement"])
    custom_fields.change_field(server.engine, "roof_age", active=False)

    kept = {**before, "gate_code": "10"}
    assert _push(server, "ann", "leads", lead, custom=(before, kept))["status"] == "applied"
    result = _push(server, "ann", "leads", lead, custom=(kept, {**kept, "roof_age": 4}))
    assert result["status"] == "rejected" and "Roof Age is no longer in use" in result["reason"]
    result = _push(server, "ann", "leads", lead, custom=(kept, {**kept, "siding_type": "Brick"}))
    assert "must be one of: Vinyl, Fiber cement" in result["reason"]


def test_only_a_user_with_the_permission_defines_fields_and_a_key_is_fixed(server, fields):
    row = uuid.uuid4()
    new = {"key": (None, "pool"), "label": (None, "Pool"), "kind": (None, "yes-no")}
    for username in ("ann", "maria"):
        result = _push(server, username, "custom_fields", row, op="insert", **new)
        assert result["status"] == "rejected" and "edit custom fields needs a permission" in result["reason"]
    assert _push(server, "ada", "custom_fields", row, op="insert", **new)["status"] == "applied"
    result = _push(server, "ada", "custom_fields", row, key=("pool", "swimming_pool"))
    assert result["status"] == "rejected" and "fixed once the row is made" in result["reason"]
    bad = _push(server, "ada", "custom_fields", uuid.uuid4(), op="insert", key=(None, "Bad Key!"),
                label=(None, "Bad"), kind=(None, "text"))
    assert bad["status"] == "rejected" and "A key is a lowercase word" in bad["reason"]


def test_the_admin_commands_check_what_they_are_given(server, company):
    with pytest.raises(admin.AdminError, match="A choice field needs its choices"):
        custom_fields.add_field(server.engine, "Siding Type", "choice")
    custom_fields.add_field(server.engine, "Siding Type", "choice", choices=["Cedar"])
    with pytest.raises(admin.AdminError, match="exists already"):
        custom_fields.add_field(server.engine, "Siding type", "text")
    with pytest.raises(admin.AdminError, match="No custom field 'nope'"):
        custom_fields.change_field(server.engine, "nope", active=False)
    listed = custom_fields.list_fields(server.engine)
    assert [(d.key, d.kind, d.choices, d.active) for d in listed] == [("siding_type", "choice", ("Cedar",), True)]


def test_an_import_takes_a_column_per_custom_field_by_label_or_key_and_names_each_bad_line(server, fields):
    source = io.StringIO("first_name,last_name,address,Siding Type,roof_age,GATE CODE\n"
                         "Jane,Doe,1 Main St,vinyl,12,#1\n"
                         "Raj,Patel,2 Main St,Brick,12,#2\n"
                         "Lu,Chen,3 Main St,Cedar,old,\n"
                         "Bo,Park,4 Main St,,,#4\n")
    report = admin_bulk.import_leads(server.engine, source, rep="ann")
    assert report.held_back and report.problems == [
        "line 3, siding_type: 'Brick': Siding Type is one of: Cedar, Vinyl.",
        "line 4, roof_age: 'old': Roof Age is a number, like 12 or 12.5.",
        "line 4, gate_code: Gate Code is required.",
    ]
    source.seek(0)
    report = admin_bulk.import_leads(server.engine, source, rep="ann", skip_bad=True)
    assert report.written == 2
    custom = {row["last_name"]: row["custom"] for row in server_rows(server.engine, "leads").values()}
    assert custom["Doe"] == {"siding_type": "Vinyl", "roof_age": 12, "gate_code": "#1"}
    assert custom["Park"] == {"gate_code": "#4"}


def test_an_import_names_the_custom_fields_it_knows_and_refuses_one_given_twice(server, fields):
    with pytest.raises(admin.AdminError, match="notes; and the custom fields gate_code, roof_age, siding_type[.]"):
        admin_bulk.import_leads(server.engine, io.StringIO("first_name,pool\nJane,yes\n"), rep="ann")
    with pytest.raises(admin.AdminError, match="given twice: Siding Type, siding_type"):
        admin_bulk.import_leads(server.engine, io.StringIO("first_name,Siding Type,siding_type\nJane,Cedar,Cedar\n"),
                           rep="ann")


def test_two_devices_filling_different_custom_fields_both_stand(server, fields):
    """Each custom field is its own value, as each column is: only the same
    field changed two ways is a conflict (the server's value kept, the other recorded)."""
    lead = fields.leads["ann"][0]
    assert _push(server, "ann", "leads", lead, custom=({}, {"siding_type": "Cedar"}))["status"] == "applied"
    offline = _push(server, "maria", "leads", lead, custom=({}, {"roof_age": 30}))  # made before she saw Ann's
    assert offline["status"] == "applied" and offline["conflicts"] == []
    assert server_rows(server.engine, "leads")[lead]["custom"] == {"siding_type": "Cedar", "roof_age": 30}

    both = _push(server, "maria", "leads", lead, custom=({"roof_age": 30}, {"roof_age": 30, "siding_type": "Vinyl"}))
    assert [c["field"] for c in both["conflicts"]] == ["custom"]
    assert server_rows(server.engine, "leads")[lead]["custom"] == {"siding_type": "Cedar", "roof_age": 30}
