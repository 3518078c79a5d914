"""The office's clean-up utilities, on real SQLite and PostgreSQL servers
with a real device syncing over HTTP: each dry run writes nothing and shows
what the real run then does; the device gets the run's changes and, after
undo, the old values; undo is refused after a later edit; bad input is a
clear error."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from rep_tui.cli import main
from rep_tui.server import admin_cleanup
from rep_tui.server.admin import AdminError
from rep_tui.server.models import CleanupRun
from rep_tui.server.seed import add_rows
from rep_tui.store import writes
from rep_tui.store.models import ChangeRecord, Lead
from server_fixtures import give, make_company, server_rows

PHONES = ("home_phone", "home_phone_e164", "cell_phone", "cell_phone_e164", "work_phone", "work_phone_e164")
LONG_AGO = datetime(2025, 1, 1, tzinfo=timezone.utc)


def _leads(engine, company, *leads: dict) -> list[uuid.UUID]:
    """Ann's leads with these values (the rest empty), created long ago unless said."""
    blank = dict.fromkeys((*PHONES, "city", "zip"))
    rows = [{**blank, "id": uuid.uuid4(), "first_name": "Pat", "last_name": f"Lee{lead['pid']}", "created_at": LONG_AGO,
             "rep_id": company.users["ann"], "custom": {}, **lead} for lead in leads]
    add_rows(engine, {"leads": rows})
    return [row["id"] for row in rows]


def _state(engine) -> dict:
    """Everything a run could touch on the server: the synced rows, the versions, the history, the runs."""
    with engine.connect() as conn:
        counts = {model.__name__: conn.execute(select(func.count()).select_from(model)).scalar()
                  for model in (ChangeRecord, CleanupRun)}
        top = conn.execute(select(func.max(Lead.version))).scalar()
    return {"top": top, **counts, **{table: server_rows(engine, table) for table in ("leads", "notes", "comments")}}


def _previewed_then_run(engine, utility, *args, **options):
    """The dry run's report, having checked it wrote nothing and that the run did just what it showed."""
    before = _state(engine)
    preview = utility(engine, *args, dry_run=True, **options)
    assert _state(engine) == before
    done = utility(engine, *args, **options)
    assert done.run_id is not None
    assert {**preview.as_json(), "dry_run": False, "run_id": done.run_id} == done.as_json()
    return done


def _phones(device_or_rows, lead: uuid.UUID) -> dict:
    rows = device_or_rows if isinstance(device_or_rows, dict) else device_or_rows.rows("leads")
    return {name: rows[lead][name] for name in PHONES}


def test_duplicate_phones_keeps_the_first_and_undo_brings_back_the_rest(server, company, devices):
    twice, once = _leads(server.engine, company,
                         {"pid": 7101, "home_phone": "(630) 555-0101", "home_phone_e164": "+16305550101",
                          "cell_phone": "630.555.0101", "cell_phone_e164": "+16305550101",
                          "work_phone": "1 630 555 0101", "work_phone_e164": "+16305550101"},
                         {"pid": 7102, "home_phone": "(630) 555-0102", "home_phone_e164": "+16305550102",
                          "cell_phone": "(630) 555-0103", "cell_phone_e164": "+16305550103"})
    ann = devices("ann")
    ann.sync()
    old = _phones(ann, twice)

    done = _previewed_then_run(server.engine, admin_cleanup.duplicate_phones)
    assert [(row.pid, row.said) for row in done.rows] == [
        (7101, "Cell Phone 630.555.0101 cleared (kept in Home Phone); Work Phone 1 630 555 0101 cleared "
               "(kept in Home Phone)")]
    ann.sync()
    assert _phones(ann, twice) == {**old, **dict.fromkeys(PHONES[2:])}
    assert _phones(ann, once) == _phones(server_rows(server.engine, "leads"), once)

    admin_cleanup.undo(server.engine, done.run_id)
    ann.sync()
    assert _phones(ann, twice) == old
    with pytest.raises(AdminError, match="undone already"):
        admin_cleanup.undo(server.engine, done.run_id)


def test_area_code_changes_only_those_places_and_leaves_invalid_numbers_alone(server, company, devices):
    town, by_zip, elsewhere = _leads(
        server.engine, company,
        {"pid": 7201, "city": "Naperville", "home_phone": "(630) 555-0101", "home_phone_e164": "+16305550101",
         "cell_phone": "312-555-0101", "cell_phone_e164": "+13125550101"},
        {"pid": 7202, "zip": "60540-1234", "work_phone": "1-630-555-0199 x12", "work_phone_e164": "+16305550199"},
        {"pid": 7203, "city": "Chicago", "home_phone": "(630) 555-0104", "home_phone_e164": "+16305550104"})
    ann = devices("ann")
    ann.sync()
    old = {lead: _phones(ann, lead) for lead in (town, by_zip, elsewhere)}

    nowhere = admin_cleanup.change_area_code(server.engine, "630", "211", cities=["naperville"], dry_run=True)
    assert nowhere.rows == [] and nowhere.left_alone == [
        "PID 7201 Pat Lee7201: Home Phone (630) 555-0101 -> (211) 555-0101: "
        "Not a valid phone number (check the area code and length)."]

    done = _previewed_then_run(server.engine, admin_cleanup.change_area_code, "630", "331",
                               cities=[" NAPERVILLE "], zips=["60540"])
    assert [(row.pid, row.said) for row in done.rows] == [
        (7201, "Home Phone (630) 555-0101 -> (331) 555-0101"),
        (7202, "Work Phone 1-630-555-0199 x12 -> 1-331-555-0199 x12")]
    ann.sync()
    assert _phones(ann, town) == {**old[town], "home_phone": "(331) 555-0101", "home_phone_e164": "+13315550101"}
    assert _phones(ann, by_zip) == {**old[by_zip], "work_phone": "1-331-555-0199 x12",
                                    "work_phone_e164": "+13315550199"}
    assert _phones(ann, elsewhere) == old[elsewhere]
    with server.engine.connect() as conn:  # the customer's history says who changed what
        history = conn.execute(select(ChangeRecord.field, ChangeRecord.old_value, ChangeRecord.new_value,
                                      ChangeRecord.user_name).where(ChangeRecord.row_id == town)).all()
    assert ("home_phone", "(630) 555-0101", "(331) 555-0101", "rep-tui admin") in history

    admin_cleanup.undo(server.engine, done.run_id)
    ann.sync()
    assert {lead: _phones(ann, lead) for lead in old} == old


def test_stale_leads_go_with_what_hangs_off_them_and_come_back_on_undo(server, company, devices):
    stale, young = _leads(server.engine, company, {"pid": 7301},
                          {"pid": 7302, "created_at": datetime.now(timezone.utc) - timedelta(days=3)})
    note = uuid.uuid4()
    add_rows(server.engine, {"notes": [{"id": note, "lead_id": stale, "author_name": "Office", "body": "no answer"}]})
    worked = company.leads["ann"]  # old too, but each has a job
    ann = devices("ann")
    ann.sync()

    done = _previewed_then_run(server.engine, admin_cleanup.stale_leads, 30)
    assert [row.pid for row in done.rows] == [7301]
    ann.sync()
    leads = ann.rows("leads")
    assert stale not in leads and note not in ann.rows("notes")
    assert {young, *worked} <= set(leads)

    admin_cleanup.undo(server.engine, done.run_id)
    ann.sync()
    assert stale in ann.rows("leads") and ann.rows("notes")[note]["body"] == "no answer"
    assert ann.rows("leads")[stale] == {k: v for k, v in server_rows(server.engine, "leads")[stale].items()}


def test_undo_is_refused_naming_the_row_a_rep_changed_since(server, company, devices):
    (lead,) = _leads(server.engine, company,
                     {"pid": 7401, "home_phone": "(630) 555-0101", "home_phone_e164": "+16305550101",
                      "cell_phone": "(630) 555-0101", "cell_phone_e164": "+16305550101"})
    done = admin_cleanup.duplicate_phones(server.engine, pid=7401)
    ann = devices("ann")
    ann.sync()
    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, lead), cell_phone="(312) 555-0177", cell_phone_e164="+13125550177")
    assert ann.sync().rejected == []

    with pytest.raises(AdminError, match=r"run \d+ cannot be undone") as refused:
        admin_cleanup.undo(server.engine, done.run_id)
    assert "PID 7401 Cell Phone is now '(312) 555-0177', not None as the run left it" in str(refused.value)
    assert server_rows(server.engine, "leads")[lead]["cell_phone"] == "(312) 555-0177"
    assert admin_cleanup.list_runs(server.engine)[0].undone_at is None

    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, lead), city="Aurora")
    ann.sync()
    moved = admin_cleanup.change_area_code(server.engine, "630", "331", cities=["Aurora"])
    assert [row.pid for row in moved.rows] == [7401]
    give(server.engine, "ann", "delete_leads")
    with ann.store.session() as s:  # then Ann deletes the customer the run changed
        writes.delete(s, ann.actor, s.get(Lead, lead))
    assert ann.sync().rejected == []
    with pytest.raises(AdminError, match="PID 7401 was deleted since"):
        admin_cleanup.undo(server.engine, moved.run_id)


def test_the_office_cli_previews_runs_lists_undoes_and_says_what_is_wrong(backend):
    def admin(*args: str):
        return CliRunner().invoke(main, ["admin", "--db", backend.url, "cleanup", *args], catch_exceptions=False)

    from rep_tui.server.admin import open_server

    engine = open_server(backend.url)
    company = make_company(engine)
    lead, *_more = _leads(engine, company, *({"pid": 7400 + i, "city": "Naperville", "home_phone": f"(630) 555-{i:04}",
                                              "home_phone_e164": f"+1630555{i:04}"} for i in range(101, 113)))

    for args, said in [
        (("area-code", "--from", "630", "--to", "3x1", "--city", "Naperville"),
         "--to: '3x1' is not an area code: three digits, the first 2 to 9 (like 630)."),
        (("area-code", "--from", "630", "--to", "331"), "Say where: --city NAME or --zip ZIP"),
        (("area-code", "--from", "630", "--to", "331", "--zip", "6054"), "--zip: "),
        (("stale-leads", "--older-than", "0"), "--older-than: 0 is not a number of days (1 or more)."),
        (("duplicate-phones", "--lead", "99999"), "No customer 99999."),
        (("--undo", "99"), "No clean-up run 99"),
    ]:
        bad = admin(*args)
        assert bad.exit_code == 1 and said in bad.output, (args, bad.output)
    assert admin().exit_code == 2 and admin("--list", "stale-leads", "--older-than", "5").exit_code == 2
    assert server_rows(engine, "leads")[lead]["home_phone"] == "(630) 555-0101"
    assert admin("--list").output == "No clean-up runs yet.\n"

    preview = admin("area-code", "--from", "630", "--to", "331", "--city", "Naperville", "--dry-run").output
    assert preview.startswith("area-code: Would change 12 customer(s):\n"
                              "  PID 7501 Pat Lee7501: Home Phone (630) 555-0101 -> (331) 555-0101\n")
    assert preview.endswith("  PID 7510 Pat Lee7510: Home Phone (630) 555-0110 -> (331) 555-0110\n"
                            "  … and 2 more (--json lists them all).\n")
    done = json.loads(admin("area-code", "--from", "630", "--to", "331", "--city", "Naperville", "--json").output)
    assert (done["changed"], len(done["rows"]), done["rows"][0]["fields"]["home_phone"]) == (
        12, 12, {"before": "(630) 555-0101", "after": "(331) 555-0101"})
    assert server_rows(engine, "leads")[lead]["home_phone_e164"] == "+13315550101"
    listed = admin("--list").output
    assert f"{done['run_id']:>4}  " in listed and "area-code --from 630 --to 331 --city naperville: 12 row(s)" in listed

    assert admin("--undo", str(done["run_id"])).output == f"Clean-up run {done['run_id']} undone: 12 row(s) put " \
                                                          "back as they were.\n"
    assert server_rows(engine, "leads")[lead]["home_phone_e164"] == "+16305550101"
    assert "(undone " in admin("--list").output
    (run,) = json.loads(admin("--list", "--json").output)
    assert (run["run_id"], run["kind"], run["options"]["city"], run["rows"]) == (
        done["run_id"], "area-code", ["naperville"], 12) and run["undone_at"]
    engine.dispose()
