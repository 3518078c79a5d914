"""One field spec per column (domain/fields.py): every use a column declares
is derived from it — Edit Customer, Self Gen, the header, history labels,
CSV import columns, search keys and the server's value checks — so adding a
field is its column, a migration and at most one display line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rep_tui.domain import labels
from rep_tui.domain.fields import specs, used
from rep_tui.domain.forms import check_customer_edit
from rep_tui.domain.rules import check_value
from rep_tui.domain.validation import Invalid
from rep_tui.server import admin_bulk
from rep_tui.store import search, selfgen
from rep_tui.store.models import SYNCED_TABLES, Lead
from rep_tui.widgets import lead_header

PACKAGE = Path(__file__).resolve().parent.parent / "rep_tui"


def test_import_columns_search_keys_and_self_gen_fields_are_the_specs_uses():
    assert admin_bulk.LEAD_COLUMNS == tuple(used("leads", "imported"))
    assert "customer_status" in admin_bulk.LEAD_COLUMNS
    assert set(search._INDEXED) == set(used("leads", "searched"))
    assert {spec.searched for table in ("leads", "jobs") for spec in used(table, "searched").values()} \
        <= set(search.COLUMNS)
    assert set(selfgen.FIELD_CHECKS) == set(used("leads", "door"))
    assert set(used("leads", "door")) <= set(selfgen.FORM_FIELDS)


def test_edit_customer_checks_every_edited_field_and_nothing_else():
    blank = {name: "" for table in ("leads", "jobs") for name in used(table, "edited")}
    assert set(check_customer_edit(blank)) == set(blank) | {"comment", "custom"}
    assert {"customer_status", "alt_email", "home_phone", "contract_cents"} <= set(blank)


def test_one_label_per_column_name_and_history_uses_it():
    seen: dict[str, str] = {}
    for table in SYNCED_TABLES:
        for name, spec in specs(table).items():
            assert seen.setdefault(name, spec.label) == spec.label, (table, name)
            assert labels.field_label(name) == spec.label
    assert labels.field_label("alt_email") == "Alt Email"
    assert labels.field_label("customer_status") == "Customer Status"
    assert labels.value_text("customer_status", "do-not-contact", "America/Chicago") == "Do not contact"


def test_a_header_tag_is_the_label_or_words_of_it():
    placed = [spec for table in ("leads", "jobs") for spec in used(table, "header").values()]
    assert placed
    for spec in placed:
        if spec.header.tag:
            assert set(spec.header.tag.split()) <= set(spec.label.split()), spec
    assert [name for name, _spec in lead_header._placed()][:5] == [
        "pid", "first_name", "job_number", "follow_up_on", "customer_status"]


@pytest.mark.parametrize("table", sorted(SYNCED_TABLES))
def test_the_server_checks_each_column_with_its_specs_rule(table):
    """A value the form refuses is refused when pushed, with the form's reason."""
    columns = SYNCED_TABLES[table].__table__.columns
    for name, spec in specs(table).items():
        if spec.choices:
            with pytest.raises(Invalid, match="must be one of"):
                check_value(columns[name], "not-a-choice")
            check_value(columns[name], spec.choices[-1][0])


def test_the_server_refuses_what_lead_forms_refuse():
    columns = Lead.__table__.columns
    for name, bad in (("home_phone", "(555) 234-4567"), ("state", "TXX"), ("zip", "6061"), ("alt_email", "x@"),
                      ("customer_status", "Sold")):  # a status is stored by its value, not its label
        with pytest.raises(Invalid):
            check_value(columns[name], bad)
    check_value(columns["customer_status"], "sold")


def test_a_new_field_is_named_only_by_its_column_and_migrations():
    """customer_status was added through the spec: no form, list or label
    names it, and its migration is one file that devices and servers both run."""
    naming = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                    if re.search(r"\bcustomer_status\b", path.read_text()))
    assert naming == ["demo/company.py", "store/migrations/domain/0005_customer_status.py", "store/models.py"]
