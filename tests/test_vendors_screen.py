"""The vendor directory driven by keys (in bursts, as a fast typist sends
them): a user who may edit it adds a vendor through the form, finds vendors
by typed text and by contact type, and deletes one after a yes; a rep reads
it but gets no form. Snapshots at 80×24 and 120×40."""

from __future__ import annotations

import pytest
from rep_pilot import burst, settle, wait_until
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.domain.permissions import Permission, granted
from rep_tui.screens.vendors import VendorScreen, VendorsScreen, VendorTable
from rep_tui.store import writes
from rep_tui.store.models import Vendor
from rep_tui.store.vendors import save_contact_type, save_vendor

pytestmark = pytest.mark.anyio
OFFICE = writes.Actor(None, "Office")


@pytest.fixture
def anyio_backend():
    return "asyncio"


def a_directory(store) -> dict[str, object]:
    """Two types and three vendors, as the office would have them."""
    with store.session() as s:
        installer = save_contact_type(s, OFFICE, None, {"code": "installer", "label": "Installer"}).id
        supplier = save_contact_type(s, OFFICE, None, {"code": "supplier", "label": "Supplier"}).id
        for company, kind, contact, phone, email, note in (
            ("Lakeside Glass", supplier, "Dana Ortiz", "(312) 555-0142", "dana@lakeside.example", "Net 30"),
            ("Northside Install Crew", installer, "Bo Lind", "(773) 555-0190", None, "Saturdays too"),
            ("Prairie Gutters", installer, "Sam Reyes", "(630) 555-0117", "sam@prairie.example", None),
        ):
            save_vendor(s, OFFICE, None, {"company": company, "contact_type_id": kind, "contact_name": contact,
                                          "phone": phone, "alt_phone": None, "email": email, "address": None,
                                          "note": note})
    return {"installer": installer, "supplier": supplier}


def vendors_in(store) -> dict[str, tuple]:
    with store.session() as s:
        return {v.company: (v.contact_name, v.phone, v.deleted) for v in s.scalars(select(Vendor))}


def shown(app) -> list[str]:
    return [row.cells[0] for row in app.screen.query_one(VendorTable).rows_shown]


async def test_the_office_adds_finds_filters_and_deletes_vendors(store):
    a_directory(store)
    app = RepApp(store)
    app.permissions = granted("rep") | {Permission.EDIT_VENDORS}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(pilot, "f12", "a", "Acme Windows", "tab", "Lee Park", "tab", "tab", "(312) 555-01", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, VendorScreen)  # a bad phone: the form stays, nothing saved
        assert "Acme Windows" not in vendors_in(store)
        burst(pilot, "shift+tab", "shift+tab", "shift+tab", "tab", "tab", "tab", "end", "99", "ctrl+s")
        await wait_until(pilot, lambda: "Acme Windows" in vendors_in(store), "the vendor to be saved")
        assert vendors_in(store)["Acme Windows"] == ("Lee Park", "(312) 555-0199", False)
        await wait_until(pilot, lambda: "Acme Windows" in shown(app), "the new vendor to be listed")

        burst(pilot, "/", "gutter", "enter")
        await wait_until(pilot, lambda: shown(app) == ["Prairie Gutters"], "the typed filter to apply")
        burst(pilot, "/", "ctrl+u", "enter")
        await wait_until(pilot, lambda: len(shown(app)) == 4, "every vendor back")
        await pilot.press("f")
        await settle(pilot)
        burst(pilot, "down", "enter")  # from All types, one down: Installer
        await wait_until(pilot, lambda: shown(app) == ["Northside Install Crew", "Prairie Gutters"],
                         "only installers")
        burst(pilot, "tab", "enter")  # on to the find box, Enter: the table
        await settle(pilot)
        doomed = app.screen._highlighted().company
        burst(pilot, "d", "y")
        await wait_until(pilot, lambda: vendors_in(store)[doomed][2], "the vendor to be deleted")
        await wait_until(pilot, lambda: doomed not in shown(app) and len(shown(app)) == 1, "the deleted vendor gone")


async def test_a_rep_reads_the_directory_but_gets_no_form(store):
    a_directory(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(pilot, "f12", "a", "d", "enter")
        await settle(pilot)
        assert isinstance(app.screen, VendorsScreen) and len(shown(app)) == 3
        assert not any(deleted for _c, _p, deleted in vendors_in(store).values())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_vendors_snapshot(snap_compare, store, size):
    a_directory(store)

    async def run_before(pilot) -> None:
        pilot.app.permissions = granted("manager")
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)


async def test_contact_types_and_checklist_items_are_edited_on_their_lists(store):
    from rep_tui.screens.office_lists import CHECKLIST, OfficeListScreen
    from rep_tui.store.checklist import items
    from rep_tui.store.vendors import contact_types

    def kinds() -> dict[str, tuple]:
        with store.session() as s:
            return {t.code: (t.label, t.active) for t in contact_types(s, with_inactive=True)}

    a_directory(store)
    app = RepApp(store)
    app.permissions = granted("manager")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(pilot, "f12", "t", "a", "Lender", "tab", "Finance company", "ctrl+s")
        await wait_until(pilot, lambda: kinds().get("lender") == ("Finance company", True), "the type to be added")
        burst(pilot, "a", "installer", "tab", "Again", "ctrl+s")  # a code already there: refused, nothing changes
        await settle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, OfficeListScreen), "the form to close")
        assert kinds()["installer"] == ("Installer", True)
        burst(pilot, "escape", "f")
        await settle(pilot)
        chooser = app.screen.query_one("#vendor-type")
        assert "Finance company" in [str(prompt) for prompt, _value in chooser._options]
        await pilot.press("escape")

        app.push_screen(OfficeListScreen(CHECKLIST))
        await settle(pilot)
        burst(pilot, "a", "Screens fitted", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, OfficeListScreen) and len(app.screen.rows) == 1,
                         "the item to be listed")
        burst(pilot, "x")
        await settle(pilot)
        with store.session() as s:
            await wait_until(pilot, lambda: [(i.label, i.active) for i in items(s, with_inactive=True)]
                             == [("Screens fitted", False)], "the item to be retired")
