"""The app shell, by keys only: 1–6 and F1–F6, `/`, `?`, Ctrl+P to screens,
leads and actions, the theme toggle and who is signed in."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Footer, Input
from textual.widgets._footer import FooterKey

from rep_pilot import anyio_backend, palette_answered, settle, wait_until  # noqa: F401  (anyio_backend is a fixture)
from rep_tui.app import RepApp
from rep_tui.clock import utcnow
from rep_tui.dialogs.result import ResultDialog
from rep_tui.screens.appointments import AppointmentsScreen
from rep_tui.screens.bebacks import BeBacksScreen
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.dashboard import DashboardScreen
from rep_tui.screens.help import HelpScreen
from rep_tui.screens.search import SearchScreen
from rep_tui.screens.selfgen import SelfGenScreen
from rep_tui.screens.stats import StatsScreen
from rep_tui.store import queries

pytestmark = pytest.mark.anyio
SCREENS = (DashboardScreen, SearchScreen, BeBacksScreen, AppointmentsScreen, SelfGenScreen, StatsScreen)


async def test_digits_open_each_main_screen(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for number, screen in enumerate(SCREENS, start=1):
            await pilot.press("f1")  # from the dashboard, where no text input has focus
            await settle(pilot)
            await pilot.press(str(number))
            await settle(pilot)
            assert isinstance(app.screen, screen), f"key {number}"


async def test_function_keys_open_each_main_screen_even_from_a_text_input(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for number, screen in reversed(list(enumerate(SCREENS, start=1))):
            await pilot.press("f2")
            await settle(pilot)
            assert isinstance(app.focused, Input)  # Search's box
            await pilot.press(f"f{number}")
            await settle(pilot)
            assert isinstance(app.screen, screen), f"F{number}"


async def test_slash_jumps_to_search_and_digits_then_type(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen) and isinstance(app.focused, Input)
        await pilot.press("4")
        assert isinstance(app.screen, SearchScreen) and app.focused.value == "4"


async def test_question_mark_lists_the_keys_of_the_screen(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = {tuple(str(cell) for cell in table.get_row_at(i))
                for table in app.screen.query(DataTable) for i in range(table.row_count)}
        for expected in [("r", "Result"), ("⏎", "Open lead"), ("t", "Today"), ("←, [", "Prev day"),
                         ("⇧→, }", "Next week"), ("1, f1", "Dashboard"), ("?", "Help"),
                         ("^p", "Open the command palette"), ("^t", "Dark / light theme")]:
            assert expected in rows
        await pilot.press("escape")
        assert isinstance(app.screen, AppointmentsScreen)


def footer_text(screen) -> str:
    """The footer as shown, key by key; fails when a key is cut by the edge or hidden under Ctrl+P."""
    footer = screen.query_one(Footer)
    keys = sorted(footer.query(FooterKey), key=lambda key: key.region.x)
    palette = footer.query_one(".-command-palette")
    for key in keys:
        shown = str(key.render()).strip()
        assert key.region.width == key.outer_size.width > 0, f"{shown!r} is not shown whole"
        assert key.region.right <= footer.region.right, f"{shown!r} runs off the edge"
        assert key is palette or key.region.right <= palette.region.x, f"{shown!r} is under the palette key"
    return "  ".join(str(key.render()).strip() for key in keys)


async def footer_showing(pilot, *items: str) -> str:
    """The footer once it shows `items` (it is composed again after a refresh
    when the focused widget's keys change, e.g. a table that has just loaded
    takes focus, which a busy machine can delay); fails if it never does."""
    await wait_until(pilot, lambda: all(item in footer_text(pilot.app.screen) for item in items),
                     f"the footer to show {items}")
    return footer_text(pilot.app.screen)


FOOTERS_AT_80 = {  # key pressed: what the footer must show
    "f1": ["⏎ Open lead", "r Result", "? Help", "f1–f6 Screens", "^p palette"],
    "f2": ["^f Filters", "f1–f6 Screens", "^p palette"],  # the box has focus: ? types
    "f3": ["⏎ Open lead", "f Set follow-up", "x Clear date", "? Help", "^p palette"],
    "f4": ["←→ Prev/next day", "⏎ Open lead", "r Result", "b Book", "w Week", "? Help", "^p palette"],
    "f5": ["^s Save", "^n New lead", "^l My leads", "f1–f6 Screens", "^p palette"],
    "f6": ["⏎ Details", "dwmy Period", "c Custom", "pn Prev/next", "? Help", "^p palette"],
}


@pytest.mark.parametrize("key", FOOTERS_AT_80)
async def test_footer_at_80_columns_shows_the_screen_keys_and_help_whole(store, key):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await settle(pilot)
        shown = await footer_showing(pilot, *FOOTERS_AT_80[key])
        for item in FOOTERS_AT_80[key]:
            assert item in shown


async def open_first_be_back(pilot, store) -> None:
    """Customer Information of the rep's first be-back lead."""
    await settle(pilot)
    with store.session() as session:
        lead = queries.be_backs(session, pilot.app.user.id)[0].lead
    pilot.app.open_lead(lead.id)
    await settle(pilot)


async def test_footer_on_customer_information_keeps_its_own_keys_first(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_be_back(pilot, store)
        shown = await footer_showing(pilot, "b Book")
        assert shown.startswith("esc Back  e Edit  r Result  f Follow-up  b Book") and "? Help" in shown
        await pilot.press("g")  # Engagements: the tab's own keys come first and push the rest out
        await settle(pilot)
        shown = await footer_showing(pilot, "⏎ Edit")
        assert shown.startswith("⏎ Edit  esc Back  a/+ Add  x Delete") and "? Help" in shown
        await pilot.press("question_mark")  # what the footer left out is in Help, with its full name
        await settle(pilot)
        rows = {tuple(str(cell) for cell in table.get_row_at(i))
                for table in app.screen.query(DataTable) for i in range(table.row_count)}
        assert {("u", "Upload Files"), ("t", "Attach file"), ("j", "Job tab"), ("6, f6", "My Stats")} <= rows


async def test_footer_at_120_columns_shows_every_key_of_the_screen(store):
    app = RepApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        assert await footer_showing(pilot, "⏎ Open lead") == (
            "←→ Prev/next day  ⏎ Open lead  r Result  b Book  w Week  t Today  m Move  x Cancel  ? Help  "
            "f1–f6 Screens  ^p palette")


async def palette_pick(pilot, text: str) -> None:
    """Open the command palette, type, wait for hits, take the first."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*text)
    await palette_answered(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_palette_finds_a_lead_by_name_and_opens_it(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with store.session() as session:
            lead = queries.be_backs(session, app.user.id)[0].lead
        await palette_pick(pilot, f"{lead.first_name} {lead.last_name}")
        assert isinstance(app.screen, CustomerScreen) and app.screen.lead_id == lead.id
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_palette_opens_a_screen_toggles_the_theme_and_results(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await palette_pick(pilot, "Open Be Backs")
        assert isinstance(app.screen, BeBacksScreen)
        await palette_pick(pilot, "Toggle dark")
        assert app.theme == "textual-light"
        with store.session() as session:
            first_missing = queries.missing_results(session, app.user.id, utcnow())[0]
        await palette_pick(pilot, f"Result {first_missing.lead.name}")
        assert isinstance(app.screen, ResultDialog)
        assert app.screen.appointment_id == first_missing.appointment.id


async def test_ctrl_t_toggles_the_theme_and_back(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"


async def test_header_says_who_is_signed_in(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = app.screen.query_one("HeaderTitle")
        assert "Dana Reyes" in str(header.render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_help_on_the_dashboard(snap_compare, store, size):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)


async def test_palette_adds_a_comment_on_the_open_lead(store):
    from rep_tui.screens.comment_dialog import AddCommentScreen

    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_be_back(pilot, store)
        await palette_pick(pilot, "Add comment")
        assert isinstance(app.screen, AddCommentScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen) and app.screen.active_tab == "comments"
