"""Related leads and duplicate checks on a hand-made database: each lead
says why it is related (first name, last name, address, phone)."""

from __future__ import annotations

import uuid

import pytest

from rep_tui.domain.validation import normalize_phone
from rep_tui.store import writes
from rep_tui.store.db import Store
from rep_tui.store.models import Lead
from rep_tui.store.queries import find_duplicates, related_leads

ACTOR = writes.Actor(None, "test", "test-device")


@pytest.fixture
def household(tmp_path):
    """Maria O'Brien and the leads around her; returns the store and {key: lead id}."""
    store = Store(tmp_path / "related.sqlite3")
    people = {
        "maria": dict(first_name="Maria", last_name="O'Brien", address="12 Oak St", zip="60540",
                      home_phone="(630) 555-0101", cell_phone="630-555-0102", email="maria@example.com"),
        "husband": dict(first_name="Sean", last_name="O'Brien", address="12 Oak St", zip="60540",
                        cell_phone="630.555.0101"),  # same house, same home line typed differently
        "cousin": dict(first_name="Kate", last_name="o'brien", address="77 Elm St", zip="60505"),
        "namesake": dict(first_name="maria", last_name="Lopez", address="5 Pine Ct"),
        "tenant": dict(first_name="Lee", last_name="Park", address="12 OAK ST ", zip="60540"),
        "old_number": dict(first_name="Al", last_name="Stone", work_phone="+1 630 555 0102"),
        "stranger": dict(first_name="Bob", last_name="Stone", address="1 Main St", home_phone="312-555-0199",
                         alt_email="MARIA@example.com"),
        "gone": dict(first_name="Maria", last_name="O'Brien", address="12 Oak St", deleted=True),
    }
    ids = {}
    with store.session() as s:
        for key, person in people.items():
            phones = {f"{k}_e164": normalize_phone(v) for k, v in person.items() if k.endswith("_phone")}
            ids[key] = writes.insert(s, ACTOR, Lead(**person, **phones)).id
    yield store, ids
    store.close()


def test_related_leads_say_which_fields_matched_strongest_first(household):
    store, ids = household
    with store.session() as s:
        related = [(r.lead.id, r.reasons) for r in related_leads(s, ids["maria"])]
    assert related == [
        (ids["husband"], ("last name", "address", "phone")),
        (ids["old_number"], ("phone",)),
        (ids["tenant"], ("address",)),
        (ids["cousin"], ("last name",)),
        (ids["namesake"], ("first name",)),
    ]  # not the stranger, not the deleted copy, not Maria herself


def test_related_of_a_lead_without_phone_or_address(household):
    store, ids = household
    with store.session() as s:
        related = {r.lead.id: r.reasons for r in related_leads(s, ids["old_number"])}
    assert related == {ids["maria"]: ("phone",), ids["stranger"]: ("last name",)}


def test_related_of_an_unknown_lead_is_empty(household):
    store, _ = household
    with store.session() as s:
        assert related_leads(s, uuid.uuid4()) == []


def test_duplicates_by_phone_in_any_format(household):
    store, ids = household
    with store.session() as s:
        found = find_duplicates(s, phones={normalize_phone("630 555 0101")})
    assert {(d.lead.id, d.matched) for d in found} == {(ids["maria"], "phone"), (ids["husband"], "phone")}


def test_duplicates_by_email_ignore_case_and_check_alt_email(household):
    store, ids = household
    with store.session() as s:
        found = find_duplicates(s, email="Maria@Example.com")
    assert {(d.lead.id, d.matched) for d in found} == {(ids["maria"], "email"), (ids["stranger"], "email")}


def test_duplicates_by_address_with_and_without_zip(household):
    store, ids = household
    with store.session() as s:
        same_zip = find_duplicates(s, address=" 12 oak st", zip_code="60540")
        other_zip = find_duplicates(s, address="12 Oak St", zip_code="60505")
        any_zip = find_duplicates(s, address="12 Oak St")
    household_ids = {ids["maria"], ids["husband"], ids["tenant"]}  # the tenant typed "12 OAK ST "
    assert {d.lead.id for d in same_zip} == household_ids
    assert other_zip == []
    assert {d.lead.id for d in any_zip} == household_ids
    assert {d.matched for d in any_zip} == {"address"}


def test_a_duplicate_found_twice_is_listed_once_by_its_first_reason(household):
    store, ids = household
    with store.session() as s:
        found = find_duplicates(s, phones={"+16305550102"}, email="maria@example.com", address="12 Oak St",
                                exclude=ids["husband"])
    assert [(d.lead.id, d.matched) for d in found if d.lead.id == ids["maria"]] == [(ids["maria"], "phone")]
    assert ids["husband"] not in {d.lead.id for d in found}
    assert {d.lead.id for d in found} == {ids["maria"], ids["old_number"], ids["stranger"], ids["tenant"]}


def test_nothing_given_finds_nothing(household):
    store, _ = household
    with store.session() as s:
        assert find_duplicates(s) == []
        assert find_duplicates(s, address="   ") == []
