"""Work hours and a manager's view of a rep's calendar, by keys on the demo
company: the rep sets his hours (`h` on My Appointments) and his day is laid
over them; a manager opens a rep's calendar from Team (`a`), sees the rep's
day, and with the permission to edit another user's calendar moves and
cancels for the rep (a time outside the rep's hours is booked with a
warning); without it the calendar is read-only. Snapshots of the rep's
calendar opened by the manager and of the Work Hours dialog at 80×24."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from rep_pilot import anyio_backend, burst, settle, wait_until  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import select
from test_shell import footer_showing
from test_stats_screen import _manager

from rep_tui.app import RepApp
from rep_tui.clock import zone
from rep_tui.dialogs.book import BookDialog
from rep_tui.domain.permissions import Permission
from rep_tui.screens.appointments import AppointmentsScreen
from rep_tui.screens.help import key_rows
from rep_tui.screens.team import TeamScreen
from rep_tui.screens.work_hours_dialog import WorkHoursDialog
from rep_tui.store import queries
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Appointment, User, WorkHours
from rep_tui.widgets.agenda_table import AgendaTable

pytestmark = pytest.mark.anyio
TZ = "America/Chicago"
TODAY = date(2026, 11, 24)  # a Tuesday


def _free_hours(screen) -> list[str]:
    return [row.cells[0].text for row in screen.query_one(AgendaTable).rows_shown if row.lead_id is None]


def _summary(screen) -> str:
    return str(screen.query_one("#day-summary").render())


async def test_a_rep_sets_his_work_hours_and_his_day_follows(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        assert "work hours 8 AM–8 PM" in _summary(app.screen)
        assert ("h", "Set the work hours of each weekday") in key_rows(app.screen)["This screen"]  # in ?
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, WorkHoursDialog)
        burst(pilot, "tab", "ctrl+u", "9-5", "tab", "ctrl+u", "off", "tab", "ctrl+u", "8:30-5", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WorkHoursDialog)  # Thursday's half hour is refused: nothing saved
        assert app.screen.query_one("#field-thu").has_class("-invalid")
        burst(pilot, "ctrl+u", "10am-6pm", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AppointmentsScreen)
        with store.session() as session:
            row = session.get(WorkHours, WorkHours.id_for(app.user.id))
            assert (row.mon, row.tue, row.wed, row.thu, row.sun) == ("8-20", "9-17", None, "10-18", "8-20")
            assert session.scalars(select(OutboxEntry.op).where(OutboxEntry.table_name == "work_hours")).all() \
                == ["insert"]
        await wait_until(pilot, lambda: "work hours 9 AM–5 PM" in _summary(app.screen), "Tuesday's new hours")
        free = _free_hours(app.screen)
        assert free[0] != "8:00 AM" and "5:00 PM" not in free
        await pilot.press("right")  # Wednesday: a day off, no free hours laid out
        await settle(pilot)
        assert "a day off" in _summary(app.screen) and _free_hours(app.screen) == []


def _busy_rep(store) -> uuid.UUID:
    """The demo rep: the one with appointments today."""
    with store.session() as session:
        return session.scalars(select(User.id).where(User.username == "demo")).one()


async def _rep_calendar(pilot, rep_id: uuid.UUID) -> tuple[AppointmentsScreen, User]:
    """From the Team view, `a` on the rep's row."""
    await pilot.press("7")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TeamScreen)
    table = pilot.app.screen.query_one("#reps")
    table.move_cursor(row=table.get_row_index(str(rep_id)))
    await pilot.press("a")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AppointmentsScreen) and screen.rep.id == rep_id
    return screen, screen.rep


async def test_a_manager_opens_a_reps_calendar_from_team_and_moves_and_cancels_for_him(store):
    app = RepApp(store, user_id=_manager(store).id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, rep = await _rep_calendar(pilot, _busy_rep(store))
        assert rep.full_name in screen.title
        with store.session() as session:
            todays = queries.appointments_on(session, rep.id, TODAY, TZ)
        shown = [row.lead_id for row in screen.query_one(AgendaTable).rows_shown if row.lead_id is not None]
        assert todays and shown == [r.lead.id for r in todays]
        assert all(screen.check_action(action, ()) for action in AppointmentsScreen.EDITS)

        table = screen.query_one(AgendaTable)
        moved_id = table.appointment_ids[table.current.key]
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, BookDialog)
        burst(pilot, "ctrl+u", "tomorrow", "tab", "ctrl+u", "9pm", "enter")  # after 8 PM: outside work hours
        await settle(pilot)
        assert isinstance(app.screen, AppointmentsScreen), app.screen.query_one("#form-message").render()
        with store.session() as session:
            moved = session.get(Appointment, moved_id)
            assert (moved.starts_at, moved.rep_id) == (datetime(2026, 11, 25, 21, tzinfo=zone(TZ)), rep.id)
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert any(f"outside {rep.full_name}'s work hours (8 AM–8 PM)" in text for text in warnings), warnings

        keys = [row.key for row in table.rows_shown]
        cancelled_id = next(r.appointment.id for r in todays if r.appointment.id != moved_id
                            and r.appointment.result_code is None and str(r.appointment.id) in keys)
        table.move_cursor(row=keys.index(str(cancelled_id)))
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        with store.session() as session:
            cancelled = session.get(Appointment, cancelled_id)
            assert (cancelled.result_code, cancelled.disregard_in_stats, cancelled.rep_id) == ("CXL", True, rep.id)
            assert session.scalars(select(OutboxEntry.table_name).where(OutboxEntry.row_id == cancelled_id)).all() \
                == ["appointments"]


async def test_a_manager_without_the_permission_sees_a_reps_calendar_read_only(store):
    app = RepApp(store, user_id=_manager(store).id)
    async with app.run_test(size=(80, 24)) as pilot:
        app.permissions = app.permissions - {Permission.EDIT_OTHERS_CALENDAR}
        screen, rep = await _rep_calendar(pilot, _busy_rep(store))
        assert not any(screen.check_action(action, ()) for action in AppointmentsScreen.EDITS)
        footer = await footer_showing(pilot, "w Week")
        assert not {"b Book", "m Move", "x Cancel", "h Hours"} & set(footer.split("  ")), footer
        burst(pilot, "m", "x", "h", "b")
        await settle(pilot)
        assert app.screen is screen
        with store.session() as session:
            assert session.scalars(select(OutboxEntry)).first() is None


@pytest.mark.parametrize("case", ["rep calendar", "work hours dialog"])
def test_calendar_snapshots(snap_compare, store, case):
    async def run_before(pilot) -> None:
        await _rep_calendar(pilot, _busy_rep(store))
        if case == "work hours dialog":
            await pilot.press("h")
            await settle(pilot)

    assert snap_compare(RepApp(store, user_id=_manager(store).id), terminal_size=(80, 24), run_before=run_before)
