"""Data search on the demo company with a custom field the office defined:
a saved search (per customer, a custom field shown, filtered and sorted)
written as CSV, JSON, Avery 5160 labels (read back with pypdf), letters
(PDF and text, one per customer, placeholders filled) and an email list, all
equal to the rows the search shows; a bad filter value, an unknown
placeholder and a user without EXPORT are refused in words. The same search
from `rep-tui admin data-search` on a real server database (SQLite and
PostgreSQL). The screen by keys, and its snapshot at 80×24."""

from __future__ import annotations

import csv
import io
import json

import pypdf
import pytest
from sqlalchemy import select

from rep_tui.domain.custom_fields import Definition
from rep_tui.outputs import render
from rep_tui.outputs.pdf import LABEL, POSTCARD
from rep_tui.store import data_search as ds
from rep_tui.store import writes
from rep_tui.store.custom_fields import save_definition
from rep_tui.store.models import Lead, SavedSearch, User
from rep_pilot import anyio_backend, burst, palette_answered, settle, wait_until  # noqa: F401  (anyio_backend: a fixture)
from server_fixtures import backend, pg_cluster  # noqa: F401  (fixtures)

OLD_HOMES = ds.Query(("pid", "first_name", "last_name", "custom.home_built", "last_result"),
                     (ds.Filter("state", "=", "il"), ds.Filter("custom.home_built", "<", "1950")),
                     "customer", (("custom.home_built", False),))
LETTER = "Dear {first_name},\n\nYour home at {address} was built in {home_built}.\n{{PID {pid}}}\n"


def _user(store, username: str) -> User:
    with store.session() as s:
        return s.scalars(select(User).where(User.username == username)).one()


def _office(store) -> writes.Actor:
    """The admin, with the demo's "Home Built" values made a custom field."""
    admin = _user(store, "admin")
    actor = writes.Actor(admin.id, admin.full_name, "office")
    with store.session() as s:
        save_definition(s, actor, Definition("home_built", "Home Built", "number"))
    return actor


def _saved_and_run(store, actor):
    with store.session() as s:
        ds.save(s, actor, "Old homes in IL", OLD_HOMES)
    with store.session() as s:
        row = ds.find_saved(ds.saved(s, actor.user_id), "old homes in il")
        assert row is not None and s.scalars(select(SavedSearch)).one() is row
        return ds.run(s.connection(), ds.Query.from_json(row.query))


def test_a_saved_search_with_a_custom_field_as_csv_json_labels_letters_and_emails(store):
    actor = _office(store)
    result = _saved_and_run(store, actor)
    table = result.table()
    with store.session() as s:
        expected = [lead for lead in s.scalars(select(Lead).where(Lead.deleted.is_(False), Lead.state == "IL"))
                    if (lead.custom or {}).get("home_built", 9999) < 1950]
    assert 30 < len(table) == len(expected)  # more than one page of labels
    built = [int(row[3]) for row in table]
    assert built == sorted(built) and max(built) < 1950
    assert {row[0] for row in table} == {str(lead.pid) for lead in expected}

    data, said = render(result, "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["PID", "First Name", "Last Name", "Home Built", "Last Appointment Result"]
    assert rows[1:] == table and said == f"{len(table)} row(s)"

    data, _ = render(result, "json")
    assert json.loads(data) == [dict(zip(OLD_HOMES.fields, row)) for row in table]

    data, said = render(result, "labels")
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    assert len(pages) == -(-len(table) // 30) and said == f"{len(table)} label(s) on {len(pages)} page(s)"
    assert [float(v) for v in pages[0].mediabox[2:]] == [612.0, 792.0]  # US Letter, in points
    first = result.customers[0]
    text = "\n".join(page.extract_text() for page in pages)
    assert text.count("\n" + first["first_name"] + " " + first["last_name"] + "\n") + text.startswith(
        f"{first['first_name']} {first['last_name']}\n") >= 1
    assert f"{first['address']}\n{first['city']}, IL {first['zip']}" in text
    assert sum(text.count(f"{lead.first_name} {lead.last_name}") >= 1 for lead in expected) == len(expected)

    data, said = render(result, "postcards", "Hello {first_name}, is your {home_built} home ready for winter?")
    cards = pypdf.PdfReader(io.BytesIO(data)).pages
    assert len(cards) == -(-len(table) // 4) and said == f"{len(table)} postcard(s) on {len(cards)} page(s)"
    card = cards[0].extract_text()
    assert f"Hello {first['first_name']}, is your {first['custom.home_built']} home" in " ".join(card.split())
    assert f"{first['address']}\n{first['city']}, IL {first['zip']}" in card

    data, said = render(result, "letters-text", LETTER)
    letters = data.decode().split("\f\n")
    assert len(letters) == len(result.customers) == len(table) and said == f"{len(table)} letter(s)"
    assert letters[0] == (f"Dear {first['first_name']},\n\nYour home at {first['address']} was built in "
                          f"{first['custom.home_built']}.\n{{PID {first['pid']}}}\n")
    data, _ = render(result, "letters", LETTER)
    pdf_pages = pypdf.PdfReader(io.BytesIO(data)).pages
    assert len(pdf_pages) == len(table)
    assert f"Dear {first['first_name']}," in pdf_pages[0].extract_text()

    data, _ = render(result, "emails")
    emails = data.decode().splitlines()
    assert len(emails) == len(set(e.casefold() for e in emails))
    assert emails == [lead["email"] for lead in result.customers if lead["email"] and not lead["invalid_email"]]


def test_a_csv_cell_that_starts_like_a_formula_is_written_as_text(store):
    with store.session() as s:
        lead = s.scalars(select(Lead).where(Lead.deleted.is_(False), Lead.state == "IL")).first()
        lead.first_name, lead.last_name = "=HYPERLINK(\"http://x\")", "@SUM(A1)"
        pid = lead.pid
    with store.session() as s:
        result = ds.run(s.connection(), ds.Query(("pid", "first_name", "last_name"), (ds.Filter("pid", "=", str(pid)),)))
    assert result.table() == [[str(pid), "=HYPERLINK(\"http://x\")", "@SUM(A1)"]]
    rows = list(csv.reader(io.StringIO(render(result, "csv")[0].decode("utf-8-sig"))))
    assert rows[1] == [str(pid), "'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]


def test_labels_sit_on_the_avery_5160_grid():
    assert (LABEL.columns, LABEL.rows, LABEL.width, LABEL.height) == (3, 10, 2.625, 1.0)
    assert LABEL.origin(0) == (0.1875, 0.5)
    assert LABEL.origin(1) == (0.1875 + 2.625 + 0.125, 0.5)
    right, bottom = LABEL.origin(29)
    assert right + LABEL.width + LABEL.side == pytest.approx(8.5) and bottom + LABEL.height + LABEL.top == 11
    assert LABEL.origin(30) == LABEL.origin(0)
    assert [POSTCARD.origin(i) for i in range(5)] == [(0, 0), (4.25, 0), (0, 5.5), (4.25, 5.5), (0, 0)]


def test_bad_filters_and_placeholders_are_refused_in_words(store):
    actor = _office(store)
    with store.session() as s:
        conn = s.connection()
        for bad, said in [
            (ds.Filter("job.contract_cents", ">", "lots"), "Filter on Sale Amount: An amount in dollars"),
            (ds.Filter("custom.home_built", ">", "old"), "Filter on Home Built: Home Built is a number"),
            (ds.Filter("follow_up_on", "<", "someday"), "Filter on Follow-up Date: Not a date"),
            (ds.Filter("roof", "=", "x"), "There is no field “roof”"),
            (ds.Filter("pid", "~", "1"), "Filter on PID: “~” is not an operator"),
        ]:
            with pytest.raises(ds.DataSearchError, match=said):
                ds.run(conn, ds.Query(filters=(bad,), per="job"))
        with pytest.raises(ds.DataSearchError, match="Product: a job's field needs a search per job"):
            ds.run(conn, ds.Query(("pid", "job.product")))
        result = ds.run(conn, ds.Query(filters=(ds.Filter("state", "=", "IL"),)))
    with pytest.raises(ds.DataSearchError, match=r"placeholder \{frist_name\} is no field"):
        render(result, "letters", "Dear {frist_name},")
    with store.session() as s, pytest.raises(ds.DataSearchError, match="Filter on Sale Amount"):
        ds.save(s, actor, "Broken", ds.Query(filters=(ds.Filter("job.contract_cents", ">", "lots"),), per="job"))


def test_writing_a_file_needs_export_and_is_remembered_as_the_last_run(store, tmp_path):
    actor = _office(store)
    rep = _user(store, "demo")
    query = ds.Query(filters=(ds.Filter("state", "=", "IL"),))
    out = tmp_path / "il.csv"
    with store.session() as s, pytest.raises(ds.DataSearchError, match="needs the permission “Export data”"):
        ds.export(s, rep.id, query, "csv", str(out))
    assert not out.exists()
    with store.session() as s:
        said = ds.export(s, actor.user_id, query, "csv", str(out), name="IL")
    assert said.endswith(f"written to {out}") and out.read_bytes().startswith(b"\xef\xbb\xbfPID,")
    with store.session() as s:
        assert ds.last_run(s) == ds.LastRun(query, "IL", "csv", str(out))


def test_the_command_line_runs_a_users_saved_search_on_the_server_database(backend, tmp_path):  # noqa: F811
    import uuid

    from click.testing import CliRunner
    from sqlalchemy import update

    from rep_tui.cli import main
    from rep_tui.server.admin import open_server
    from rep_tui.server.seed import add_rows
    from server_fixtures import make_company

    engine = open_server(backend.url)
    company = make_company(engine, leads_per_rep=2)
    ann_leads = company.leads["ann"]
    with engine.begin() as conn:
        for n, lead in enumerate(ann_leads):
            conn.execute(update(Lead).where(Lead.id == lead).values(
                custom={"roof": "Metal" if n else "Shingle"}, address=f"{n + 1} Oak St", city="Elgin", state="IL",
                zip="60120", email=f"ann{n}@example.com"))
    query = ds.Query(("pid", "first_name", "custom.roof", "job.product"), (ds.Filter("custom.roof", "filled"),),
                     "job", (("custom.roof", True),))
    add_rows(engine, {
        "custom_fields": [{"id": uuid.uuid4(), "key": "roof", "label": "Roof", "kind": "choice",
                           "choices": ["Shingle", "Metal"]}],
        "saved_searches": [{"id": uuid.uuid4(), "user_id": company.users["ada"], "name": "Roofs",
                            "query": query.as_json()}]})
    engine.dispose()

    def admin(*args: str):
        return CliRunner().invoke(main, ["admin", "--db", backend.url, "data-search", *args], catch_exceptions=False)

    shown = admin("--saved", "roofs", "--user", "ada", "--format", "csv")
    assert shown.exit_code == 0, shown.output
    assert list(csv.reader(io.StringIO(shown.output))) == [
        ["PID", "First Name", "Roof", "Product"], ["1000", "ann0", "Shingle", "windows"],
        ["1001", "ann1", "Metal", "windows"]]
    labels = tmp_path / "labels.pdf"
    said = admin("--saved", "Roofs", "--user", "ada", "--format", "labels", "--out", str(labels), "--json")
    assert json.loads(said.output) == {"format": "labels", "path": str(labels), "written": "2 label(s) on 1 page(s)"}
    assert "ann0 Customer\n1 Oak St\nElgin, IL 60120" in pypdf.PdfReader(labels).pages[0].extract_text()
    emails = admin("--filter", "email filled", "--format", "emails")
    assert emails.output == "ann0@example.com\nann1@example.com\n"
    refused = admin("--filter", "custom.roof = Slate")
    assert refused.exit_code == 1 and "Filter on Roof: Roof is one of: Shingle, Metal." in refused.output
    template = tmp_path / "letter.txt"
    template.write_text("Hello {first_name}, about your {roof} roof and {gutters}.")
    refused = admin("--format", "letters-text", "--template", str(template))
    assert refused.exit_code == 1 and "placeholder {gutters} is no field" in refused.output
    refused = admin("--saved", "Roofs", "--user", "ann")
    assert refused.exit_code == 1 and "ann has no saved search 'Roofs' (saved: none yet)" in refused.output


# --- the screen -------------------------------------------------------------------


async def _open(pilot):
    from test_shell import palette_pick

    from rep_tui.screens.data_search import DataSearchScreen

    await settle(pilot)
    await palette_pick(pilot, "data search")
    assert isinstance(pilot.app.screen, DataSearchScreen)
    return pilot.app.screen


@pytest.mark.anyio
async def test_the_screen_by_keys_runs_saves_and_writes_what_its_table_shows(store, tmp_path):
    from rep_tui.app import RepApp

    actor = _office(store)
    out = tmp_path / "old-homes.csv"
    app = RepApp(store, user_id=actor.user_id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot)
        burst(pilot, "end", "ctrl+u", "PID, First Name, Last Name, Home Built, Last Appointment Result", "tab",
              "State = IL; Home Built < 1950", "tab", "Home Built", "ctrl+r")
        await settle(pilot)
        await wait_until(pilot, lambda: screen.result is not None, "the search to show its rows")
        with store.session() as s:
            expected = ds.run(s.connection(), OLD_HOMES).table()
        assert screen.shown_rows() == expected and len(expected) > 30
        assert f"{len(expected)} customer(s) found" in str(screen.query_one("#ds-status").render())

        burst(pilot, "shift+tab", "shift+tab", "shift+tab", "shift+tab", "Old homes in IL", "ctrl+s")
        await settle(pilot)
        with store.session() as s:
            row = s.scalars(select(SavedSearch)).one()
            assert (row.name, row.user_id) == ("Old homes in IL", actor.user_id)
            assert ds.run(s.connection(), ds.Query.from_json(row.query)).table() == expected
        burst(pilot, *["tab"] * 7, str(out), "ctrl+o")
        await settle(pilot)
        await wait_until(pilot, out.exists, "the CSV to be written")
        assert list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))[1:] == screen.shown_rows()
        assert "Written:" in str(screen.query_one("#ds-status").render())

        burst(pilot, "shift+tab", "ctrl+u", "ctrl+l")  # the fields emptied, then the last run brings them back
        await settle(pilot)
        assert screen.query_one("#ds-fields").value.startswith("PID, First Name")
        assert screen.shown_rows() == expected


@pytest.mark.anyio
async def test_a_user_without_export_has_no_data_search(store):
    from textual.command import CommandList

    from rep_tui.app import RepApp

    app = RepApp(store, user_id=_user(store, "demo").id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"data search")
        await palette_answered(pilot)
        hits = app.screen.query_one(CommandList)
        assert not any("Data search" in str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count))


def test_data_search_snapshot(snap_compare, store):
    from rep_tui.app import RepApp

    actor = _office(store)

    async def run_before(pilot) -> None:
        screen = await _open(pilot)
        await pilot.press("tab", *"State = IL; Home Built < 1950", "tab", *"Home Built", "ctrl+r")
        await settle(pilot)
        assert screen.result is not None

    assert snap_compare(RepApp(store, user_id=actor.user_id), terminal_size=(80, 24), run_before=run_before)
