"""A custom field end to end (SQLite and PostgreSQL servers): the office
defines it, a rep's device syncs it, the rep fills it in Edit Customer while
offline (the form refusing a bad value), the push is accepted, and the rep
finds the lead by its value in Search on the device."""

from __future__ import annotations

import pytest

from rep_pilot import anyio_backend, settle  # noqa: F401  (a fixture)
from rep_tui.app import RepApp
from rep_tui.domain.custom_fields import Definition
from rep_tui.domain.forms import FormErrors, check_customer_edit
from rep_tui.screens.edit_customer import EditCustomerScreen
from rep_tui.server import custom_fields
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.search import search
from server_fixtures import server_rows

pytestmark = pytest.mark.anyio


def header_fields(app) -> list[str]:
    return [field.plain for group in app.screen.query_one("#lead-details").groups for field in group]


async def test_defined_by_the_office_filled_offline_pushed_and_found_by_its_value(server, company, devices):
    custom_fields.add_field(server.engine, "Siding Type", "choice", choices=["Cedar", "Vinyl", "Fiber cement"])
    custom_fields.add_field(server.engine, "Roof Age", "number")
    ann = devices("ann")
    ann.sync()
    lead_id = company.leads["ann"][0]

    app = RepApp(ann.store, user_id=ann.user_id)  # no server: the rep is offline
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lead(lead_id)
        await settle(pilot)
        assert not any(f.startswith(("Siding Type", "Roof Age")) for f in header_fields(app))  # empty: hidden
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EditCustomerScreen)
        order = [widget.id for widget in dialog.focus_chain]
        assert order.index("contract_cents") < order.index("custom-siding_type") < order.index("custom-roof_age") \
            < order.index("comment")  # after the sale, before the comment, in the office's order
        dialog.query_one("#custom-roof_age").focus()
        await pilot.press(*"old")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Roof Age is a number" in str(dialog.query_one("#field-custom-roof_age .field-error").render())
        assert app.screen is dialog  # nothing saved
        await pilot.press(*["backspace"] * 3, *"12")
        await pilot.press("shift+tab", "enter", "down", "down", "down", "enter")  # (none), Cedar, Vinyl, Fiber cement
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not dialog
        assert {"Siding Type Fiber cement", "Roof Age 12"} <= set(header_fields(app))

    with ann.store.session() as session:
        assert [hit.lead_id for hit in search(session, "fiber")] == [lead_id]
        assert search(session, "fiber")[0].matched == "custom field"
        assert session.query(OutboxEntry).filter_by(row_id=lead_id, state="pending").count() == 1
    report = ann.sync()
    assert not report.rejected, report
    assert server_rows(server.engine, "leads")[lead_id]["custom"] == {"siding_type": "Fiber cement", "roof_age": 12}


def test_the_form_refuses_a_value_its_definition_does_not_allow():
    siding = Definition("siding_type", "Siding Type", "choice", ("Cedar", "Vinyl"))
    gate = Definition("gate_code", "Gate Code", "text", required=True)
    with pytest.raises(FormErrors) as refused:
        check_customer_edit({"custom-siding_type": "Brick", "custom-gate_code": ""}, [siding, gate])
    assert refused.value.errors == {"custom-siding_type": "Siding Type is one of: Cedar, Vinyl.",
                                    "custom-gate_code": "Gate Code is required."}
    kept = check_customer_edit({"custom-siding_type": "Shingle", "custom-gate_code": "9"}, [siding, gate],
                               {"siding_type": "Shingle"})  # a retired choice left as it was
    assert kept["custom"] == {"siding_type": "Shingle", "gate_code": "9"}
