"""store.search on a real SQLite file: messy names, phones in any format,
PID, Job ID, email, city, ZIP and the filters."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from rep_tui.domain.validation import normalize_phone
from rep_tui.store import writes
from rep_tui.store.db import Store
from rep_tui.store.models import Appointment, Job, Lead
from rep_tui.store.search import SearchFilters, search

ACTOR = writes.Actor(None, "test", "test-device")


@pytest.fixture
def leads(tmp_path):
    """A handful of leads with hard names; returns the store and {last name: lead id}."""
    store = Store(tmp_path / "search.sqlite3")
    people = [
        dict(first_name="Maria", last_name="O'Brien", home_phone="(555) 234-4567", pid=100123,
             address="12 Oak St", city="Naperville", state="IL", zip="60540", source="call-center"),
        dict(first_name="José", last_name="García", cell_phone="630.555.0199", pid=100124,
             address="9 Elm Ave", city="Aurora", state="IL", zip="60505", email="sunny.days@example.com",
             source="web"),
        dict(first_name="Thi", last_name="Nguyễn", work_phone="+1 312 555 0147", pid=100125,
             address="4567 Lake Shore Dr", city="Chicago", state="IL", zip="60611", source="self-gen"),
        dict(first_name="Ann", last_name="Smith-Jones", home_phone="773-555-0101", pid=100126,
             address="3 Pine Ct", city="Joliet", state="IL", zip="60431", source="call-center"),
        dict(first_name="Brien", last_name="Walsh", home_phone="847-555-0102", pid=100127,
             address="8 Birch Rd", city="Evanston", state="IL", zip="60201", source="web"),
    ]
    ids = {}
    with store.session() as s:
        for person in people:
            phones = {f"{k}_e164": normalize_phone(v) for k, v in person.items() if k.endswith("_phone")}
            lead = writes.insert(s, ACTOR, Lead(**person, **phones))
            ids[person["last_name"]] = lead.id
        obrien = writes.insert(s, ACTOR, Job(lead_id=ids["O'Brien"], job_number=500777, product="Windows"))
        for last, code, day in (("O'Brien", "SOLD", 3), ("García", "BB", 10), ("Smith-Jones", "SOLD", 20)):
            writes.insert(s, ACTOR, Appointment(
                lead_id=ids[last], starts_at=datetime(2026, 11, day, 18, tzinfo=timezone.utc), result_code=code,
                job_id=obrien.id if last == "O'Brien" else None,
            ))
    yield store, ids
    store.close()


def _find(store, text, **filters):
    with store.session() as s:
        return search(s, text, filters=SearchFilters(**filters))


@pytest.mark.parametrize("typed, last_name", [
    ("obrien", "O'Brien"), ("o'brien", "O'Brien"), ("O Brien", "O'Brien"), ("O’Brien", "O'Brien"),
    ("jose", "García"), ("JOSÉ garcia", "García"), ("nguyen", "Nguyễn"), ("Nguyễn", "Nguyễn"),
    ("smithjones", "Smith-Jones"), ("jones", "Smith-Jones"), ("smith-jones", "Smith-Jones"),
    ("mar", "O'Brien"),
])
def test_messy_names_are_found(leads, typed, last_name):
    store, ids = leads
    hits = _find(store, typed)
    assert hits and hits[0].lead_id == ids[last_name]
    assert hits[0].matched == "name"


def test_a_first_name_is_not_confused_with_a_last_name(leads):
    store, ids = leads
    assert [h.lead_id for h in _find(store, "obrien")] == [ids["O'Brien"]]  # not Brien Walsh
    assert [h.lead_id for h in _find(store, "brien walsh")] == [ids["Walsh"]]


@pytest.mark.parametrize("typed", ["(555) 234-4567", "555.234.4567", "+1 555 234 4567", "5552344567",
                                   "1-555-234-4567", "234-4567"])
def test_phones_in_any_format(leads, typed):
    store, ids = leads
    hits = _find(store, typed)
    assert [h.lead_id for h in hits] == [ids["O'Brien"]]
    assert hits[0].matched == "phone"


def test_last_four_digits_find_the_phone_and_a_house_number(leads):
    store, ids = leads
    hits = {h.lead_id: h.matched for h in _find(store, "4567")}
    assert hits == {ids["O'Brien"]: "phone", ids["Nguyễn"]: "address"}  # 4567 Lake Shore Dr


def test_cell_and_work_phones_are_searched_too(leads):
    store, ids = leads
    assert [h.lead_id for h in _find(store, "(630) 555-0199")] == [ids["García"]]
    assert [h.lead_id for h in _find(store, "312-555-0147")] == [ids["Nguyễn"]]


def test_pid_and_job_id(leads):
    store, ids = leads
    by_pid = _find(store, "100125")
    assert [h.lead_id for h in by_pid] == [ids["Nguyễn"]]
    assert by_pid[0].matched == "PID / Job ID"
    assert by_pid[0].pid == 100125
    assert [h.lead_id for h in _find(store, "500777")] == [ids["O'Brien"]]


def test_email_whole_or_in_part(leads):
    store, ids = leads
    for typed in ("sunny.days@example.com", "sunny", "sunnydays"):
        hits = _find(store, typed)
        assert [h.lead_id for h in hits] == [ids["García"]], typed
        assert hits[0].matched == "email"
        assert hits[0].email == "sunny.days@example.com"


def test_city_street_and_zip(leads):
    store, ids = leads
    for typed, last in (("Naperville", "O'Brien"), ("evanst", "Walsh"), ("Lake Shore", "Nguyễn"),
                        ("60431", "Smith-Jones")):
        hits = _find(store, typed)
        assert [h.lead_id for h in hits] == [ids[last]], typed
        assert hits[0].matched == "address"


def test_nothing_typed_or_nonsense_finds_nothing(leads):
    store, _ = leads
    assert _find(store, "") == []
    assert _find(store, "   ") == []
    assert _find(store, "zzzz") == []
    assert _find(store, '"*(') == []  # FTS syntax typed by accident is not an error


def test_filters_by_source_result_code_and_dates(leads):
    store, ids = leads
    assert {h.lead_id for h in _find(store, "IL", source="web")} == {ids["García"], ids["Walsh"]}
    assert {h.lead_id for h in _find(store, "", result_code="SOLD")} == {ids["O'Brien"], ids["Smith-Jones"]}
    assert {h.lead_id for h in _find(store, "", result_code="SOLD", since=date(2026, 11, 10))} == {ids["Smith-Jones"]}
    assert {h.lead_id for h in _find(store, "", since=date(2026, 11, 1), until=date(2026, 11, 10))} == {
        ids["O'Brien"], ids["García"]}
    assert _find(store, "obrien", result_code="BB") == []


def test_a_deleted_lead_leaves_the_results(leads):
    store, ids = leads
    with store.session() as s:
        writes.delete(s, ACTOR, s.get(Lead, ids["O'Brien"]))
    assert _find(store, "obrien") == []
    assert _find(store, "555.234.4567") == []


def test_a_broad_query_lists_name_matches_first_then_the_rest(leads, monkeypatch):
    """Past BROAD_QUERY matches there is no ranking: leads matching by name
    come first, then the others (here by street), each saying which field."""
    from rep_tui.store import search as search_module

    store, ids = leads
    with store.session() as s:  # three more leads on a street that shares a word with a first name
        for number in (1, 2, 3):
            writes.insert(s, ACTOR, Lead(first_name="Kim", last_name=f"Lee{number}", address=f"{number} Ann Ave"))
    everyone = _find(store, "ann")
    assert [h.matched for h in everyone] == ["name", "address", "address", "address"]  # ranked: few matches
    monkeypatch.setattr(search_module, "BROAD_QUERY", 2)
    broad = _find(store, "ann")
    assert broad[0].lead_id == ids["Smith-Jones"] and broad[0].matched == "name"
    assert [h.matched for h in broad[1:]] == ["address"] * 3
    with store.session() as s:
        assert [h.lead_id for h in search(s, "ann", limit=2)] == [h.lead_id for h in broad[:2]]
        assert len(search(s, "ann", limit=1)) == 1



def test_text_and_choice_custom_values_are_found_until_their_field_is_deactivated(leads):
    from dataclasses import replace

    from rep_tui.domain.custom_fields import Definition
    from rep_tui.store.custom_fields import definition_rows, save_definition

    store, ids = leads
    with store.session() as s:
        save_definition(s, ACTOR, Definition("gate_code", "Gate Code", "text"))
        save_definition(s, ACTOR, Definition("siding", "Siding", "choice", ("Cedar", "Fiber cement")))
        save_definition(s, ACTOR, Definition("year_built", "Year Built", "number"))
        writes.update(s, ACTOR, s.get(Lead, ids["Walsh"]),
                      custom={"gate_code": "#8813", "siding": "Fiber cement", "year_built": 1962})
    with store.session() as s:
        assert [(h.lead_id, h.matched) for h in search(s, "8813")] == [(ids["Walsh"], "custom field")]
        assert [h.lead_id for h in search(s, "fiber cem")] == [ids["Walsh"]]
        assert search(s, "1962") == []  # a number is not text a rep searches by
        gate = next((row_id, d) for row_id, d in definition_rows(s) if d.key == "gate_code")
        save_definition(s, ACTOR, replace(gate[1], active=False), gate[0])
    with store.session() as s:
        assert search(s, "8813") == []  # kept on the lead, but neither shown nor searched
        assert [h.lead_id for h in search(s, "fiber")] == [ids["Walsh"]]
