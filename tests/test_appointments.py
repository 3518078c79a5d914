"""My Appointments and the Result dialog, driven by keys on the demo company:
moving by day and week, resulting Sold (a bad amount refused first), the
figures of My Stats and the Dashboard changing, and a reset."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from rep_pilot import anyio_backend, retype, settle  # noqa: F401  (anyio_backend is a fixture)
from rep_tui.app import RepApp
from rep_tui.clock import utcnow, zone
from rep_tui.dialogs.result import ResultDialog
from rep_tui.screens.appointments import AppointmentsScreen
from rep_tui.store import queries
from rep_tui.store.models import Appointment, ChangeRecord, Job
from rep_tui.widgets.agenda_table import AgendaTable
from rep_tui.widgets.validated_input import ValidatedInput

pytestmark = pytest.mark.anyio
TZ = "America/Chicago"
TODAY = date(2026, 11, 24)


def week_figures(store, rep_id):
    start, end, _ = queries.period_bounds("week", TODAY, TZ)
    with store.session() as session:
        return {k: f.value for k, f in queries.stats_for(session, [rep_id], start, end).items()}


async def open_agenda(pilot) -> AgendaTable:
    await pilot.press("4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AppointmentsScreen)
    return pilot.app.screen.query_one(AgendaTable)


def appointment_under_cursor(pilot) -> Appointment:
    table = pilot.app.screen.query_one(AgendaTable)
    appointment_id = table.appointment_ids[table.current.key]
    with pilot.app.store.session() as session:
        return session.get(Appointment, appointment_id)


def field(pilot, name: str) -> ValidatedInput:
    return pilot.app.screen.query_one(f"#{name}", ValidatedInput)


async def test_agenda_shows_today_within_work_hours_and_moves_by_day_and_week(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_agenda(pilot)
        with store.session() as session:
            todays = queries.appointments_on(session, app.user.id, TODAY, TZ)
        shown = [row for row in table.rows_shown if row.lead_id is not None]
        assert [row.lead_id for row in shown] == [r.lead.id for r in todays]
        free_hours = [row.cells[0].text for row in table.rows_shown if row.lead_id is None]
        assert free_hours[0] == "8:00 AM" and "7:00 PM" in free_hours  # work hours 8 to 20
        bar = str(app.screen.query_one("#day-bar").render())
        assert "Tuesday, November 24, 2026" in bar and "today" in bar

        for keys, expected in ((("right",), TODAY + timedelta(1)), (("]", "]"), TODAY + timedelta(3)),
                               (("shift+left",), TODAY - timedelta(4)), (("}",), TODAY + timedelta(3)),
                               (("left", "["), TODAY + timedelta(1)), (("t",), TODAY)):
            await pilot.press(*keys)
            await settle(pilot)
            assert app.screen.shown_day == expected
            assert expected.strftime("%A, %B %-d, %Y") in str(app.screen.query_one("#day-bar").render())


async def test_result_sold_refuses_a_bad_amount_then_saves_and_stats_change(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_agenda(pilot)
        appointment = appointment_under_cursor(pilot)
        assert appointment.result_code is None and appointment.starts_at < utcnow()  # the 9:00 still to result
        before = week_figures(store, app.user.id)

        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ResultDialog)
        await pilot.press("s")  # Sold
        await settle(pilot)
        assert [f.id for f in app.screen.query(ValidatedInput) if f.display] == ["product", "units", "sale"]
        await retype(pilot, "Windows")
        await pilot.press("tab", "7", "tab")
        await retype(pilot, "12,45o")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultDialog), "a bad amount must not close the dialog"
        assert "An amount in dollars" in field(pilot, "sale").error
        assert "Nothing was saved" in str(app.screen.query_one("#form-message").render())
        assert field(pilot, "units").value == "7" and field(pilot, "product").value == "Windows"
        with store.session() as session:
            assert session.get(Appointment, appointment.id).result_code is None

        await retype(pilot, "12,450")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AppointmentsScreen)

        with store.session() as session:
            saved = session.get(Appointment, appointment.id)
            job = session.get(Job, saved.job_id)
            assert saved.result_code == "SOLD" and saved.resulted_at is not None
            assert (job.result_code, job.product, job.sold_units, job.contract_cents, job.sold_on) == (
                "SOLD", "Windows", 7, 1_245_000, TODAY)
            assert session.scalars(select(ChangeRecord).where(ChangeRecord.row_id == saved.id,
                                                              ChangeRecord.field == "result_code")).one()
        after = week_figures(store, app.user.id)
        assert after["sales"] == before["sales"] + 1
        assert after["issued"] == before["issued"] + 1
        assert after["gross"] == before["gross"] + 1_245_000
        result_cell = app.screen.query_one(AgendaTable).current.cells[-1]
        assert result_cell.text == "Sold"

        await pilot.press("1")  # the dashboard reloads and shows the new week
        await settle(pilot)
        week = app.screen.query_one("#kpi-week").text()
        assert f"Sales {after['sales']}" in week and "$12,450" in week


async def test_reset_makes_a_new_appointment_and_refuses_a_time_gone_by(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_agenda(pilot)
        old = appointment_under_cursor(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("r")  # Reset
        await settle(pilot)
        assert [f.id for f in app.screen.query(ValidatedInput) if f.display] == ["new_day", "new_time"]
        await retype(pilot, "today")
        await pilot.press("tab")
        await retype(pilot, "8am")
        await pilot.press("enter")
        await settle(pilot)
        assert field(pilot, "new_time").error == "That time has already passed."

        await pilot.press("shift+tab")
        await retype(pilot, "thu")
        assert "Thu Nov 26, in 2 days" in str(app.screen.query_one("#preview").render())
        await pilot.press("tab")
        await retype(pilot, "2:30pm")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AppointmentsScreen)

        with store.session() as session:
            assert session.get(Appointment, old.id).result_code == "RS"
            new = session.scalars(select(Appointment).where(Appointment.lead_id == old.lead_id,
                                                            Appointment.kind == "reset")).one()
            assert new.starts_at == datetime(2026, 11, 26, 14, 30, tzinfo=zone(TZ))
            assert new.result_code is None and new.rep_id == old.rep_id and new.job_id == old.job_id

        await pilot.press("right", "right")
        await settle(pilot)
        table = app.screen.query_one(AgendaTable)
        assert str(new.id) in table.appointment_ids


async def test_escape_goes_back_to_the_codes_then_closes_without_saving(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_agenda(pilot)
        appointment = appointment_under_cursor(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")
        assert "Pick a result first" in str(app.screen.query_one("#form-message").render())
        await pilot.press("b")  # Be Back asks for a follow-up date
        await settle(pilot)
        assert app.focused is field(pilot, "follow_up").input
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#codes")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AppointmentsScreen)
        with store.session() as session:
            assert session.get(Appointment, appointment.id).result_code is None


async def test_be_back_sets_the_follow_up_on_appointment_and_lead(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_agenda(pilot)
        appointment = appointment_under_cursor(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await retype(pilot, "+3")
        await pilot.press("enter")
        await settle(pilot)
        with store.session() as session:
            saved = session.get(Appointment, appointment.id)
            due = TODAY + timedelta(days=3)
            assert (saved.result_code, saved.follow_up_on) == ("BB", due)
            assert any(b.lead.id == saved.lead_id and b.follow_up_on == due
                       for b in queries.be_backs(session, app.user.id))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_my_appointments(snap_compare, store, size):
    async def run_before(pilot) -> None:
        await pilot.press("4")
        await settle(pilot)

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_result_dialog_sold_with_a_refused_amount(snap_compare, store, size):
    async def run_before(pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("s", "tab", "4", "tab", *"abc", "enter")
        await settle(pilot)

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)
