"""The invoice item catalogue and a job's items, driven by keys: a user whose
permissions let them edit the catalogue adds and retires an item; anyone
with the job adds an item with a quantity (the price copied) and removes it,
and the job's items total follows."""

from __future__ import annotations

import pytest
from customer_leads import sale_lead
from rep_pilot import burst, retype, settle, wait_until
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.domain.permissions import Permission, granted
from rep_tui.screens.catalogue import CatalogueItemScreen, CatalogueScreen
from rep_tui.screens.item_dialog import AddItemScreen
from rep_tui.store.leads import load_lead
from rep_tui.store.models import CatalogueItem, InvoiceItem

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def catalogue_rows(store) -> dict[str, tuple]:
    with store.session() as session:
        return {i.sku: (i.name, i.price_cents, i.active) for i in session.scalars(select(CatalogueItem))}


async def test_the_office_adds_an_item_then_takes_it_out_of_sale(store):
    app = RepApp(store)
    app.permissions = granted("rep") | {Permission.EDIT_CATALOGUE}
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CatalogueScreen())
        await settle(pilot)
        burst(pilot, "a", "win-dh", "tab", "Double-hung window", "tab", "$649", "ctrl+s")
        await settle(pilot)
        await wait_until(pilot, lambda: "WIN-DH" in catalogue_rows(store), "the item to be saved")
        assert catalogue_rows(store)["WIN-DH"] == ("Double-hung window", 64_900, True)
        burst(pilot, "a", "WIN-DH", "tab", "Another", "tab", "1", "ctrl+s")
        await settle(pilot)
        await wait_until(pilot, lambda: not isinstance(app.screen, CatalogueItemScreen), "the form to close")
        assert len(catalogue_rows(store)) == 1  # a SKU already there is refused, the first item untouched
        await pilot.press("x")
        await settle(pilot)
        await wait_until(pilot, lambda: catalogue_rows(store)["WIN-DH"][2] is False, "the item to leave sale")


async def test_an_item_from_the_catalogue_goes_on_the_job_with_its_quantity(store):
    from rep_tui.store import writes
    from rep_tui.store.money import save_catalogue_item

    with store.session() as session:
        lead_id = sale_lead(session)
        save_catalogue_item(session, writes.Actor(None, "Office"), None,
                            {"sku": "GUT-5", "name": "Seamless gutter, ft", "price_cents": 1_250})
    app = RepApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_lead(lead_id)
        await settle(pilot)
        with store.session() as session:
            before = load_lead(session, lead_id).current_job.items_total
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, AddItemScreen)
        await pilot.press("enter", "down", "enter", "tab")
        await retype(pilot, "40")
        await pilot.press("ctrl+s")
        await settle(pilot)
        with store.session() as session:
            added = session.scalars(select(InvoiceItem).where(InvoiceItem.sku == "GUT-5")).one()
            assert (added.quantity, added.amount_cents, added.name) == (40, 50_000, "Seamless gutter, ft")
        skus = lambda: [str(c) for c in app.screen.query_one("#items-table").get_column_at(0)]  # noqa: E731
        await wait_until(pilot, lambda: "GUT-5" in skus(), "the item to show")
        title = str(app.screen.query_one("#job-items .section-title").render())
        from rep_tui.domain.validation import format_money

        assert format_money(before + 50_000) in title
        table = app.screen.query_one("#items-table")
        table.focus()
        table.move_cursor(row=skus().index("GUT-5"))
        await pilot.press("x", "y")
        await settle(pilot)
        with store.session() as session:
            assert session.scalars(select(InvoiceItem.deleted).where(InvoiceItem.sku == "GUT-5")).one() is True


def test_the_item_key_is_off_until_the_lead_is_read():
    """Keys are checked while the lead's file is still being read (the footer asks at once)."""
    import uuid

    from rep_tui.screens.customer import CustomerScreen

    assert CustomerScreen(uuid.uuid4()).check_action("add_item", ()) is False
