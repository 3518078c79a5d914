"""Every dialog that opens on a key takes the keys typed in the same burst as
that key (a fast typist, a paste, tmux or SSH batching keys): they wait until
the dialog is open and land in its first field, in order. Several dialogs
read the store before they open (the office's job statuses, the catalogue,
the user's week, the rep's targets): keys typed meanwhile must not go to the
screen below (see `rep_tui.ordered_keys`). The store answers slowly here,
as on a weak laptop's disk, so the reads take longer than the keys."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

import pytest
from customer_leads import sale_lead
from rep_pilot import burst, keys_delivered, settle
from sqlalchemy import event, select

from rep_tui.app import RepApp
from rep_tui.domain.permissions import Permission
from rep_tui.store import writes
from rep_tui.store.checklist import save_item
from rep_tui.store.models import User

pytestmark = pytest.mark.anyio
OFFICE = writes.Actor(None, "Office")


@pytest.fixture
def anyio_backend():
    return "asyncio"


@dataclass(frozen=True)
class Case:
    """Open `where`, then type `keys` in one burst (the opening key first); the
    dialog on top is a `dialog` and `landed(dialog)` holds."""

    where: str  # "job": a sale's Job tab; "calendar": My Appointments; "team": the Team view; "vendors": F12
    keys: tuple[str, ...]
    dialog: str
    landed: Callable


def value(dialog, field_id: str):
    return dialog.query_one(f"#{field_id}").value


CASES = {
    "new job (J)": Case("job", ("J", "Entry Door"), "NewJobScreen", lambda d: value(d, "product") == "Entry Door"),
    "job status (S)": Case("job", ("S", "enter", "Ready", "enter"), "JobStatusScreen",
                           lambda d: value(d, "status") == "RTO"),
    "job user (s)": Case("job", ("s", "enter", "Zed", "enter"), "JobUserScreen",
                         lambda d: value(d, "user_id") == str(dict(d.users)["Zed Quinn"])),
    "payment (a)": Case("job", ("a", "$12.50"), "PaymentScreen", lambda d: value(d, "amount_cents") == "$12.50"),
    "item (i)": Case("job", ("i", "enter", "Seamless", "enter"), "AddItemScreen",
                     lambda d: value(d, "item") not in (None, d.query_one("#item").BLANK)),
    "checklist (k)": Case("job", ("k", "space"), "ChecklistScreen",
                          lambda d: len(d.query_one("#checklist").selected) == 1),
    "work hours (h)": Case("calendar", ("h", "ctrl+u", "9-5"), "WorkHoursDialog", lambda d: value(d, "mon") == "9-5"),
    "target (s)": Case("team", ("s", "ctrl+u", "$40,000"), "TargetDialog",
                       lambda d: value(d, "sales_cents") == "$40,000"),
    "book (b)": Case("job", ("b", "ctrl+u", "12/9/2026"), "BookDialog", lambda d: value(d, "day") == "12/9/2026"),
    "vendor (a)": Case("vendors", ("a", "Acme Windows"), "VendorScreen",
                       lambda d: value(d, "company") == "Acme Windows"),
}


#: What each query costs a worker once the screen below is shown (a slow disk).
SLOW_QUERY_SECONDS = 0.3


def slow_disk(store) -> None:
    """From now on every query of a worker thread (the UI's reads and writes) waits first."""
    def wait(*_args) -> None:
        if threading.current_thread() is not threading.main_thread():
            time.sleep(SLOW_QUERY_SECONDS)

    event.listen(store.engine, "before_cursor_execute", wait)


def manager_id(store):
    with store.session() as session:
        return session.scalars(select(User.id).where(User.role == "manager", User.active.is_(True))).first()


async def opened_at(pilot, store, where: str) -> None:
    if where == "job":
        with store.session() as session:
            lead_id = sale_lead(session)
        pilot.app.open_lead(lead_id)
    else:
        await pilot.press({"calendar": "4", "team": "7", "vendors": "f12"}[where])
    await settle(pilot)


@pytest.mark.parametrize("name", CASES)
async def test_keys_typed_with_the_opening_key_land_in_the_dialog(store, name):
    from rep_tui.store.money import save_catalogue_item

    case = CASES[name]
    with store.session() as session:
        save_item(session, OFFICE, None, {"label": "Screens fitted"})
        save_catalogue_item(session, OFFICE, None, {"sku": "GUT-5", "name": "Seamless gutter, ft", "price_cents": 1_250})
        session.add(User(username="zed", full_name="Zed Quinn", role="rep", active=True,
                         team_id=session.scalars(select(User.team_id).where(User.role == "rep")).first()))
    app = RepApp(store, user_id=manager_id(store) if case.where == "team" else None)
    app.permissions = frozenset(Permission)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened_at(pilot, store, case.where)
        below = app.screen
        slow_disk(store)
        burst(pilot, *case.keys)
        await keys_delivered(pilot)
        dialog = app.screen
        assert type(dialog).__name__ == case.dialog, f"{case.keys[0]} opened {dialog!r} (keys went to {below!r})"
        assert case.landed(dialog), f"the keys after {case.keys[0]} did not land in {case.dialog}'s first field"
