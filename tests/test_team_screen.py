"""The Team view, by keys only, on the demo company with its manager signed in:
one key from any screen (7, or F8 even from a text box), named in `?`, the
footer and Ctrl+P ("team", "leaderboard"); a row per rep, Enter opens that
rep's figures (the same as My Stats would show them, drill-down included)
and appointments, Enter on one opens the lead. A rep has none of it.
Snapshots of the Team view and of one rep at 80×24 and 120×40."""

from __future__ import annotations

import pytest
from rep_pilot import anyio_backend, palette_answered, settle  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import select
from textual.widgets import DataTable
from test_shell import footer_showing, palette_pick
from test_stats_screen import CHICAGO, TODAY, _figures_shown, _manager

from rep_tui.app import RepApp
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.dashboard import DashboardScreen
from rep_tui.screens.help import HelpScreen
from rep_tui.screens.search import SearchScreen
from rep_tui.screens.stats import StatsScreen
from rep_tui.screens.stats_drilldown import StatsDrilldownScreen
from rep_tui.screens.team import RepStatsScreen, TeamScreen
from rep_tui.store import queries
from rep_tui.store.models import Lead
from rep_tui.widgets.lead_table import LeadTable
from rep_tui.widgets.row_table import RowTable

pytestmark = pytest.mark.anyio


def _displayed(figures) -> dict[str, str]:
    return {key: figure.display() for key, figure in figures.items()}


async def _press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def test_a_manager_gets_to_the_team_view_in_one_key_from_any_screen(store):
    app = RepApp(store, user_id=_manager(store).id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await _press(pilot, "7")
        assert isinstance(app.screen, TeamScreen)
        await _press(pilot, "2")  # Search, its box focused: 7 types there, F8 still goes
        assert isinstance(app.screen, SearchScreen)
        await _press(pilot, "f8")
        assert isinstance(app.screen, TeamScreen)
        await _press(pilot, "6", "t")  # My Stats: t
        assert isinstance(app.screen, TeamScreen)
        with store.session() as s:
            lead_id = s.scalars(select(Lead.id)).first()
        app.open_lead(lead_id)  # a lead opened from the Dashboard ...
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        await _press(pilot, "7")
        assert isinstance(app.screen, TeamScreen)
        await _press(pilot, "down", "enter", "enter")  # ... and one opened from the Team view
        assert isinstance(app.screen, CustomerScreen)
        await _press(pilot, "7")
        assert isinstance(app.screen, TeamScreen)


async def test_the_team_view_is_named_in_help_footer_and_palette_for_a_manager(store):
    app = RepApp(store, user_id=_manager(store).id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "f8 Team" in (await footer_showing(pilot, "f8 Team")).split("  ")
        await _press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {tuple(str(cell) for cell in table.get_row_at(i))
                for table in app.screen.query(DataTable) for i in range(table.row_count)}
        assert ("7, f8", "Team") in rows
        await _press(pilot, "escape", "6")
        assert "t Team" in (await footer_showing(pilot, "t Team")).split("  ")
        for words in ("team", "leaderboard"):
            await _press(pilot, "1")
            await palette_pick(pilot, words)
            assert isinstance(app.screen, TeamScreen), words


async def test_a_rep_has_no_team_view(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = await footer_showing(pilot, "f1–f6 Screens")
        assert "Team" not in footer
        await _press(pilot, "7")
        assert isinstance(app.screen, DashboardScreen)
        await _press(pilot, "f8")
        assert isinstance(app.screen, DashboardScreen)
        await _press(pilot, "6", "t")
        assert type(app.screen) is StatsScreen
        assert "Team" not in await footer_showing(pilot, "? Help")
        await _press(pilot, "question_mark")
        rows = {tuple(str(cell) for cell in table.get_row_at(i))
                for table in app.screen.query(DataTable) for i in range(table.row_count)}
        assert not [row for row in rows if "Team" in row[1]]
        await _press(pilot, "escape", "ctrl+p", *"leaderboard")
        await palette_answered(pilot)
        prompts = [str(option.prompt) for option in app.screen.query_one("CommandList")._options]
        assert not [prompt for prompt in prompts if "Team" in prompt]


async def test_enter_on_a_rep_shows_their_figures_and_appointments_and_enter_opens_a_lead(store):
    manager = _manager(store)
    with store.session() as s:
        members = queries.team_members(s, manager)
        start, end, _ = queries.period_bounds("month", TODAY, CHICAGO)
        team = queries.stats_for(s, [m.id for m in members], start, end)
        per_rep = {m.id: queries.stats_for(s, [m.id], start, end) for m in members}
        second = members[1]
        appointments = queries.appointments_between(s, second.id, start, end)
        sales = queries.rows_behind(queries.stat_rows(s, [second.id], start, end), "sales")
    ranked = sorted(members, key=lambda m: (-per_rep[m.id]["net"].value, m.full_name))
    assert appointments and sales
    app = RepApp(store, user_id=manager.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await _press(pilot, "7")
        screen = app.screen
        assert isinstance(screen, TeamScreen)
        assert f"Team ({len(members)} reps)" in str(screen.query_one("#period-bar").render())
        assert _figures_shown(screen) == _displayed(team)
        reps = screen.query_one("#reps")
        assert app.focused is reps
        assert [str(reps.get_row_at(row)[0]) for row in range(reps.row_count)] == [m.full_name[:11] for m in members]
        assert [reps.get_row_at(row)[3].plain for row in range(reps.row_count)] == [
            per_rep[m.id]["sales"].display() for m in members]
        board = str(screen.query_one("#leaderboard").render()).splitlines()
        assert [line.split(". ", 1)[1][:12].strip() for line in board] == [m.full_name[:12] for m in ranked]

        await _press(pilot, "down", "enter")
        rep_screen = app.screen
        assert isinstance(rep_screen, RepStatsScreen) and rep_screen.rep.id == second.id
        assert second.full_name in str(rep_screen.query_one("#period-bar").render())
        assert "November 2026" in str(rep_screen.query_one("#period-bar").render())
        assert _figures_shown(rep_screen) == _displayed(per_rep[second.id])
        table = rep_screen.query_one("#rep-appointments", RowTable)
        assert app.focused is table
        assert [row.lead_id for row in table.rows_shown] == [row.lead.id for row in appointments]

        await _press(pilot, "down", "enter")
        assert isinstance(app.screen, CustomerScreen) and app.screen.lead_id == appointments[1].lead.id
        await _press(pilot, "escape")
        assert app.screen is rep_screen

        await _press(pilot, "shift+tab", "down", "down", "enter")  # the figures: Sales, then what is behind it
        drill = app.screen
        assert isinstance(drill, StatsDrilldownScreen)
        assert drill.query_one(LeadTable).lead_ids == [row.lead.id for row in sales]
        await _press(pilot, "escape", "w")  # the week: the figures and the appointments follow
        with store.session() as s:
            week_start, week_end, _ = queries.period_bounds("week", TODAY, CHICAGO)
            week = queries.stats_for(s, [second.id], week_start, week_end)
            week_rows = queries.appointments_between(s, second.id, week_start, week_end)
        assert _figures_shown(rep_screen) == _displayed(week)
        assert [row.lead_id for row in table.rows_shown] == [row.lead.id for row in week_rows]
        await _press(pilot, "escape")
        assert app.screen is screen


SNAPSHOT_KEYS = {"team": ("7",), "rep": ("7", "enter")}


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("case", list(SNAPSHOT_KEYS))
def test_team_snapshot(snap_compare, store, case, size):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in SNAPSHOT_KEYS[case]:
            await _press(pilot, key)

    assert snap_compare(RepApp(store, user_id=_manager(store).id), terminal_size=size, run_before=run_before)
