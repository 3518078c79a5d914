"""Clear to read: every screen and dialog of the app, rendered headless on
the demo company, in the dark and the light theme. Text meets WCAG AA
contrast (4.5:1), no input shows a placeholder that looks like a value, and
no screen shows an internal name (a column name, a unit of storage, an
exception class)."""

from __future__ import annotations

import re
from typing import AsyncIterator

import pytest
from customer_leads import files_lead, sale_lead
from readability import low_contrast, screen_text
from textual.geometry import Region
from textual.widgets import Input
from textual.widgets._toggle_button import ToggleButton

from rep_pilot import anyio_backend, retype, settle, wait_until  # noqa: F401  (anyio_backend is a fixture)
from rep_tui.app import RepApp

pytestmark = pytest.mark.anyio

TZ = "America/Chicago"
MAIN = {"1": "Dashboard", "2": "Search", "3": "Be Backs", "4": "My Appointments", "5": "Self Gen", "6": "My Stats"}
CUSTOMER_TABS = {"j": "Job", "n": "Notes", "c": "Comments", "d": "Docs", "p": "Pictures", "r": "Related",
                 "o": "Contacts", "g": "Engagements", "h": "History"}
DIALOG_BOXES = ".dialog-box, ResultDialog > #dialog, FollowUpDialog > #dialog, HelpScreen > #help"


def _off_switches(app) -> list[Region]:
    """The faint X of an unticked checkbox: faint is what says "off" (a
    strong X would read as ticked)."""
    return [Region(box.region.x, box.region.y, 3, 1) for box in app.screen.query(ToggleButton) if not box.value]


def _focus_area(app) -> Region:
    """The part of the screen a rep reads: a dialog's box, or the whole screen
    (what shows through around a dialog is dimmed on purpose)."""
    boxes = app.screen.query(DIALOG_BOXES)
    return boxes.first().region if boxes else app.screen.region


async def _show(pilot, *keys: str, expect: str) -> None:
    """Press the keys, wait, and check the screen now on top is `expect` (a class name)."""
    await pilot.press(*keys)
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == expect, f"{keys} showed {pilot.app.screen}, not {expect}"


async def tour(pilot, store) -> AsyncIterator[str]:
    """Open every main screen, Sync status, Help, every tab of Customer
    Information and the dialogs; yield a name for each while it is shown."""
    app = pilot.app
    await settle(pilot)
    for key, name in MAIN.items():
        await pilot.press(key)
        await settle(pilot)
        yield name
    await _show(pilot, "2", *"smith", "ctrl+f", expect="SearchScreen")
    yield "Search results and filters"
    await _show(pilot, "3", "f", expect="FollowUpDialog")
    yield "Follow-up dialog"
    await _show(pilot, "escape", "1", "r", expect="ResultDialog")  # on today's first appointment
    yield "Result dialog"
    await _show(pilot, "escape", "f7", expect="SyncStatusScreen")
    yield "Sync status"
    await _show(pilot, "escape", "question_mark", expect="HelpScreen")
    yield "Help"
    await pilot.press("escape")
    with store.session() as session:
        leads = {"sale": sale_lead(session), "files": files_lead(session)}
    app.open_lead(leads["sale"])
    await settle(pilot)
    for key, name in CUSTOMER_TABS.items():
        await _show(pilot, key, expect="CustomerScreen")
        yield f"Customer Information, {name} tab"
    for keys, name, dialog in ((("e",), "Edit Customer", "EditCustomerScreen"),
                               (("u",), "Upload Files", "UploadScreen"),
                               (("o", "a"), "Add contact", "ContactScreen"),
                               (("g", "a"), "Add engagement", "EngagementScreen")):
        await _show(pilot, *keys, expect=dialog)
        yield name
        await _show(pilot, "escape", expect="CustomerScreen")
    await pilot.press("escape")
    app.open_lead(leads["files"])
    await settle(pilot)
    for key, name in (("d", "Docs"), ("p", "Pictures"), ("o", "Contacts")):
        await _show(pilot, key, expect="CustomerScreen")
        yield f"Customer Information (files), {name} tab"


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_every_text_meets_wcag_aa_contrast(store, theme):
    app = RepApp(store)
    problems: dict[tuple[str, str], str] = {}  # (fg, bg): where it was seen first
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        async for view in tour(pilot, store):
            for low in low_contrast(app, _focus_area(app), exempt=_off_switches(app)):
                problems.setdefault((low.fg, low.bg), f"{view}: {low}")
    assert not problems, f"text below 4.5:1 in {theme}:\n" + "\n".join(problems.values())


# A placeholder that looks like a value makes a rep believe the field is filled.
async def test_no_placeholder_looks_like_a_value(store):
    app = RepApp(store)
    seen: dict[str, str] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        async for view in tour(pilot, store):
            for field in app.screen.query(Input):
                if field.placeholder:
                    seen[f"{view} #{field.id}"] = str(field.placeholder)
        await pilot.press("escape", "5")
        await settle(pilot)
    assert len(seen) >= 8, f"the tour should meet the app's inputs, met only {seen}"
    assert {where: text for where, text in seen.items() if not text.startswith("e.g. ")} == {}


INTERNAL = re.compile(r"E\.164|e164|\bcents?\b|\b\w+(Error|Exception)\b|\b[a-z]+_[a-z_]+\b|\(UTC\)")


async def _edit_phone_and_sale(pilot, store) -> None:
    """Change the sale lead's home phone and sale amount in Edit Customer:
    History and Sync status then have changes to show."""
    app = pilot.app
    with store.session() as session:
        app.open_lead(sale_lead(session))
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    await retype(pilot, "(312) 555-0177")
    app.screen.query_one("#contract_cents").focus()
    await retype(pilot, "13,999")
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press("escape", "1")
    await settle(pilot)


async def test_no_screen_shows_internal_names(store):
    """Storage names (`cell_phone_e164`, `contract_cents`, "(UTC)") and
    exception class names are for developers, not on a rep's screen; not
    even after an edit, in the History tab and Sync status."""
    app = RepApp(store)
    found = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await _edit_phone_and_sale(pilot, store)
        async for view in tour(pilot, store):
            words = {match.group(0) for match in INTERNAL.finditer(screen_text(app))}
            if words:
                found[view] = words
    assert found == {}


async def test_offline_says_why_in_words(store):
    """A server that cannot be reached (a real connection refused on
    127.0.0.1): the header and Sync status say so without an exception's name."""
    import socket

    from rep_tui.config import resolve_paths
    from rep_tui.device_link import SyncTarget

    with socket.socket() as closed:  # a port nobody listens on once this socket is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    target = SyncTarget(f"http://127.0.0.1:{port}", "token", resolve_paths().blobs_dir, interval=3600,
                        first_delay=0.01, max_delay=3600)
    app = RepApp(store, sync=target)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.sync_status is not None and app.sync_status.state == "offline",
                         "the sync to find the server offline")
        await pilot.press("f7")
        await wait_until(pilot, lambda: "cannot reach the server" in screen_text(app), "F7 to say why")
        text = screen_text(app)
        assert "Offline" in text and "cannot reach the server: no connection" in text
        assert not INTERNAL.search(text), INTERNAL.search(text)


LONG_FIRST, LONG_LAST = "Maximiliana-Josephine", "Vandersteenhoven-Oyelaran"
LONG_NAME = f"{LONG_FIRST} {LONG_LAST}"


def _give_a_long_name(store) -> str:
    """Rename the lead of the demo rep's first appointment today (on the
    Dashboard); its PID, to find it in Search."""
    from rep_tui.clock import local_today
    from rep_tui.store import queries

    with store.session() as session:
        user = queries.current_user(session)
        lead = queries.appointments_on(session, user.id, local_today(TZ), TZ)[0].lead
        lead.first_name, lead.last_name = LONG_FIRST, LONG_LAST
        return str(lead.pid)


def _cut_cell(table, column: str) -> tuple[str, int]:
    """The first row's text in `column`, and the column's width."""
    index = [str(c.label) for c in table.columns.values()].index(column)
    width = list(table.columns.values())[index].width
    return str(table.get_row_at(0)[index]), width


async def test_long_names_end_in_an_ellipsis_and_get_more_room_on_a_wide_terminal(store):
    """The Dashboard's agenda (a RowTable) and Search's results (a LeadTable)
    cut a long name with "…" where the rep can see it, and give it more room at 120 columns."""
    from rep_tui.screens.search import SearchScreen

    pid = _give_a_long_name(store)
    shown = {}
    for size in ((80, 24), (120, 40)):
        app = RepApp(store)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            shown["agenda", size] = _cut_cell(app.screen.query_one("#today"), "Customer")
            on_screen = screen_text(app)
            await pilot.press("2", *pid)
            await settle(pilot)
            assert isinstance(app.screen, SearchScreen)
            shown["search", size] = _cut_cell(app.screen.query_one("#results"), "Name")
            on_screen += screen_text(app)
        for table in ("agenda", "search"):
            text, width = shown[table, size]
            assert text.endswith("…") and len(text) == width and LONG_NAME.startswith(text[:-1]), (table, size)
            assert text in on_screen, f"{text!r} is not drawn on the {table} screen at {size}"
    for table in ("agenda", "search"):
        assert shown[table, (120, 40)][1] > shown[table, (80, 24)][1], f"the {table} name column did not grow"


async def test_history_shows_old_and_new_values_in_words_at_80_columns(store):
    """The History tab and the changes dialog: Old and New side by side at
    80 columns, labels a rep uses, no search copies of phones."""
    from sqlalchemy import select

    from rep_tui.screens.history import ChangesScreen
    from rep_tui.store.models import ChangeRecord, Lead

    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        with store.session() as session:
            lead_id = sale_lead(session)
            old_phone = session.get(Lead, lead_id).home_phone
        app.open_lead(lead_id)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await retype(pilot, "(312) 555-0177")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        with store.session() as session:
            changes = list(session.scalars(select(ChangeRecord).where(ChangeRecord.row_id == lead_id)))
        app.push_screen(ChangesScreen("Customer", changes, app.tz))
        await settle(pilot)
        for table in (app.screen_stack[-2].query_one("#history-table"), app.screen.query_one("#changes-table")):
            labels = [str(c.label) for c in table.columns.values()]
            assert labels[-2:] == ["Old", "New"] and "Field" in labels
            rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
            field = labels.index("Field")
            assert [row[field:] for row in rows if row[field] == "Home Phone"] == [
                ["Home Phone", old_phone, "(312) 555-0177"]]
            assert not any("E.164" in row[field] or "e164" in row[field] for row in rows)
