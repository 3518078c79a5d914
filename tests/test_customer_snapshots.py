"""Snapshots of Customer Information on the fixed demo company: the header,
every tab, a picture's full view and the Edit Customer, Upload, Add Comment and Map dialogs, at
80×24 and 120×40, and the Job tab in the light theme; leads from
`customer_leads`."""

from __future__ import annotations

import uuid

import pytest
from customer_leads import files_lead, sale_lead
from rep_pilot import settle, wait_until

from rep_tui.app import RepApp
from rep_tui.widgets.row_table import RowTable

# name: (lead, keys pressed once the lead is shown)
CASES = {
    "job": ("sale", ()),
    "notes": ("sale", ("n",)),
    "comments": ("sale", ("c",)),
    "documents": ("files", ("d",)),
    "pictures": ("files", ("p",)),
    "picture_view": ("files", ("p", "right", "enter")),
    "related": ("sale", ("l",)),
    "contacts": ("files", ("o",)),
    "engagements": ("sale", ("g",)),
    # an edit first, so History shows a change made here (at the fixed clock)
    "history": ("sale", ("e", "end", *["backspace"] * 40, *"(312) 555-0177", "ctrl+s", "h")),
    "edit_customer": ("sale", ("e",)),
    "upload": ("sale", ("u",)),
    "add_comment": ("sale", ("c", "a")),
}


LEADS = {"sale": sale_lead, "files": files_lead}


def showing(lead_id: uuid.UUID, keys: tuple[str, ...], theme: str | None = None):
    """A `run_before` that opens the lead, presses the keys and waits until all is drawn."""

    async def run_before(pilot) -> None:
        app = pilot.app
        if theme:
            app.theme = theme
        app.open_lead(lead_id)
        await pilot.pause()
        await app.workers.wait_for_complete()
        for key in keys:  # each key once the last one's screen (a dialog's load, its focus) has settled
            await pilot.press(key)
            await settle(pilot)
        app.clear_notifications()  # a toast lives 5 s: on a busy machine it may be gone before the picture
        for field in app.screen.query("Input, TextArea"):
            field.cursor_blink = False  # a blinking cursor would make the picture depend on timing
        await settle(pilot)  # a loaded table takes focus, then the footer shows its keys
        await wait_until(pilot, lambda: all(table.columns and table.row_count == len(table.rows_shown)
                                            for table in app.screen.query(RowTable)
                                            if table.rows_shown and table.region.width),
                         "every table in view to be drawn with its rows (a table first laid out narrow redraws)")

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("case", list(CASES))
def test_customer_information(snap_compare, store, case, size):
    lead, keys = CASES[case]
    with store.session() as session:
        lead_id = LEADS[lead](session)
    assert snap_compare(RepApp(store), terminal_size=size, run_before=showing(lead_id, keys))


def test_customer_information_light(snap_compare, store):
    with store.session() as session:
        lead_id = sale_lead(session)
    assert snap_compare(RepApp(store), terminal_size=(80, 24), run_before=showing(lead_id, (), "textual-light"))


def test_map_link_over_ssh(snap_compare, store, monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    with store.session() as session:
        lead_id = sale_lead(session)
    assert snap_compare(RepApp(store), terminal_size=(80, 24), run_before=showing(lead_id, ("m",)))


def _with_custom_fields(store, lead_id: uuid.UUID) -> None:
    """The office's fields on the device, three of them filled on the lead (one deactivated: hidden)."""
    from rep_tui.store.models import CustomField, Lead

    with store.session() as session:
        session.add_all([
            CustomField(key="siding_type", label="Siding Type", kind="choice", choices=["Cedar", "Vinyl"],
                        sort_order=10),
            CustomField(key="year_built", label="Year Built", kind="number", sort_order=20),
            CustomField(key="hoa", label="HOA", kind="yes-no", sort_order=30),
            CustomField(key="gate_code", label="Gate Code", kind="text", required=True, sort_order=40),
            CustomField(key="old_roof", label="Old Roof", kind="text", active=False, sort_order=50),
        ])
        session.get(Lead, lead_id).custom = {"siding_type": "Vinyl", "year_built": 1962, "hoa": True,
                                             "old_roof": "tar"}


#: Tabs from the first field of Edit Customer to its first custom field (past contact, place and sale).
TO_CUSTOM_FIELDS = ("tab",) * 16


@pytest.mark.parametrize("keys", [(), ("e", *TO_CUSTOM_FIELDS)], ids=["header", "edit_customer"])
def test_customer_information_with_custom_fields(snap_compare, store, keys):
    with store.session() as session:
        lead_id = sale_lead(session)
    _with_custom_fields(store, lead_id)
    assert snap_compare(RepApp(store), terminal_size=(80, 24), run_before=showing(lead_id, keys))


def test_job_tab_payments_for_a_user_who_takes_them(snap_compare, store):
    """The Job tab's payments in view (tab from the tab's panel focuses them), with the keys a user with the permission has."""
    from rep_tui.domain.permissions import Permission, granted

    with store.session() as session:
        lead_id = sale_lead(session)
    app = RepApp(store)
    app.permissions = granted("rep") | {Permission.EDIT_PAYMENTS}
    assert snap_compare(app, terminal_size=(80, 24), run_before=showing(lead_id, ("j", "tab")))
