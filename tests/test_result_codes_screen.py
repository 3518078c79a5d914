"""The Result Codes screen, by keys only, on the demo company: the admin finds
it in Ctrl+P, makes One Leg count as a demo, adds a code, stops offering one;
refused input is marked and nothing is written; a rep has no such entry.
My Stats follows the flags at once."""

from __future__ import annotations

import pytest
from rep_pilot import anyio_backend, settle, wait_until  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import select
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable
from test_shell import palette_pick

from rep_tui.app import RepApp
from rep_tui.screens.result_codes import ResultCodeDialog, ResultCodesScreen
from rep_tui.store import queries
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import ResultCode, User
from rep_tui.store.result_codes import all_codes

pytestmark = pytest.mark.anyio


def _user(store, username: str) -> User:
    with store.session() as s:
        return s.scalars(select(User).where(User.username == username)).one()


def _codes(store) -> dict[str, ResultCode]:
    with store.session() as s:
        return {c.code: c for c in all_codes(s)}


async def _open(pilot) -> ResultCodesScreen:
    await palette_pick(pilot, "result codes")
    screen = pilot.app.screen
    assert isinstance(screen, ResultCodesScreen)
    await wait_until(pilot, lambda: screen.query_one(DataTable).row_count > 0, "the codes to show")
    return screen


async def _to_row(pilot, screen: ResultCodesScreen, code: str) -> None:
    table = screen.query_one(DataTable)
    table.move_cursor(row=[c.code for c in screen.rows].index(code))
    await settle(pilot)


async def test_an_admin_makes_one_leg_count_as_a_demo_and_my_stats_follow(store):
    admin = _user(store, "admin")
    app = RepApp(store, user_id=admin.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await _open(pilot)
        assert [c.code for c in screen.rows] == [c.code for c in _codes(store).values()]
        await _to_row(pilot, screen, "1L")
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ResultCodeDialog)
        dialog.query_one("#counts_as_demo").focus()
        # a burst: tick "counts as demo", save, before anything settles
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
    one_leg = _codes(store)["1L"]
    assert one_leg.counts_as_demo and one_leg.label == "One Leg" and one_leg.key == "o"
    with store.session() as s:
        sent = s.scalars(select(OutboxEntry).where(OutboxEntry.row_id == one_leg.id)).all()
    assert [e.fields for e in sent] == [{"counts_as_demo": [False, True]}]


async def test_refused_input_is_marked_and_nothing_is_written(store):
    app = RepApp(store, user_id=_user(store, "admin").id)
    before = _codes(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await _open(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"NEW", "tab", *"Newcomer", "tab", "s", "ctrl+s")  # s is Sold's key
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ResultCodeDialog)
        assert "taken by SOLD" in str(dialog.query_one("#field-key .field-error").render())
        assert _codes(store).keys() == before.keys()
        await pilot.press("backspace", "k", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen and "NEW" in [c.code for c in screen.rows]
    assert (_codes(store)["NEW"].label, _codes(store)["NEW"].key) == ("Newcomer", "k")


async def test_a_code_in_use_keeps_its_code_and_a_deactivated_one_leaves_the_result_dialog(store):
    app = RepApp(store, user_id=_user(store, "admin").id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await _open(pilot)
        await _to_row(pilot, screen, "NS")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#code").focus()
        await pilot.press("ctrl+a", *"NOSHOW", "ctrl+s")
        await settle(pilot)
        assert "on appointments already" in str(dialog.query_one("#field-code .field-error").render())
        await pilot.press("escape", "y")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("d")
        await settle(pilot)
    with store.session() as s:
        offered = [c.code for c in queries.result_codes(s)]
    assert "NS" in _codes(store) and not _codes(store)["NS"].active and "NS" not in offered


async def test_a_rep_has_no_result_codes_screen(store):
    app = RepApp(store, user_id=_user(store, "demo").id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"result codes")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        hits = palette.query_one(CommandList)
        assert not any("Result codes" == str(hits.get_option_at_index(i).prompt)
                       for i in range(hits.option_count))
        app.action_result_codes()
        await settle(pilot)
        assert not isinstance(app.screen, ResultCodesScreen)


async def test_i_on_an_appointment_leaves_it_out_of_every_figure_and_drill_down(store):
    from rep_tui.clock import local_today
    from rep_tui.domain.dates import local_day
    from rep_tui.domain.stats import FIGURE_KEYS
    from rep_tui.screens.appointments import AppointmentsScreen
    from rep_tui.screens.stats import StatsScreen
    from rep_tui.store.models import Appointment
    from rep_tui.widgets.agenda_table import AgendaTable

    rep = _user(store, "demo")
    app = RepApp(store, user_id=rep.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        today = local_today(app.tz)
        start, end, _ = queries.period_bounds("month", today, app.tz)
        with store.session() as s:
            rows = queries.stat_rows(s, [rep.id], start, end)
            sold = next(r.appointment for r in rows if r.outcome.sale and r.appointment.starts_at < end
                        and local_day(r.appointment.starts_at, app.tz) < today)
            before = queries.stats_for(s, [rep.id], start, end)
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AppointmentsScreen)
        back = (today - local_day(sold.starts_at, app.tz)).days
        await pilot.press(*["left_square_bracket"] * back)  # a burst of days back
        await settle(pilot)
        table = screen.query_one(AgendaTable)
        table.move_cursor(row=[r.key for r in table.rows_shown].index(str(sold.id)))
        await pilot.press("i")
        await settle(pilot)
        cell = next(r for r in table.rows_shown if r.key == str(sold.id)).cells[-1]
        assert cell.text.startswith("⊘")
        with store.session() as s:
            assert s.get(Appointment, sold.id).disregard_in_stats
        await pilot.press("6")
        await settle(pilot)
        stats = app.screen
        assert isinstance(stats, StatsScreen)
        view = stats._view
        assert sold.id not in {r.appointment.id for key in FIGURE_KEYS
                               for r in queries.rows_behind(view.rows, key)}
        assert view.figures["sales"].value == before["sales"].value - 1
        assert view.figures["issued"].value == before["issued"].value - 1
        await pilot.press("4")  # the same day, the cursor at the top
        await settle(pilot)
        table.move_cursor(row=[r.key for r in table.rows_shown].index(str(sold.id)))
        await pilot.press("i")  # counted again
        await settle(pilot)
    with store.session() as s:
        assert not s.get(Appointment, sold.id).disregard_in_stats
        assert queries.stats_for(s, [rep.id], start, end)["sales"].value == before["sales"].value


async def test_my_stats_shown_re_reads_when_a_sync_brings_new_flags(store):
    """What the sync does when an admin's new flags arrive: write the row, then say which tables changed."""
    from rep_tui.messages import RowsChanged
    from rep_tui.screens.stats import StatsScreen
    from rep_tui.store import writes

    app = RepApp(store, user_id=_user(store, "demo").id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        stats = app.screen
        assert isinstance(stats, StatsScreen)
        demos = stats._view.figures["demos"].value
        one_legs = sum(r.code.code == "1L" for r in stats._view.rows)
        assert one_legs, "the demo rep's month has One Leg results"
        with store.session() as s:
            one_leg = s.scalars(select(ResultCode).where(ResultCode.code == "1L")).one()
            writes.update(s, app.actor, one_leg, counts_as_demo=True)
        app.post_message(RowsChanged(frozenset({"result_codes"})))
        await settle(pilot)
        assert stats._view.figures["demos"].value == demos + one_legs


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_result_codes_snapshot(snap_compare, store, theme, size):
    """The list with One Leg no longer offered, and the edit dialog over it."""

    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await settle(pilot)
        screen = await _open(pilot)
        await _to_row(pilot, screen, "1L")
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(RepApp(store, user_id=_user(store, "admin").id), terminal_size=size, run_before=run_before)
