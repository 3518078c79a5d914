"""Booking, moving and cancelling appointments, and My Appointments' week,
driven by keys on the demo company (real SQLite, fixed clock: Tue Nov 24
2026, 10:00 in Chicago)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from rep_pilot import anyio_backend, retype, settle  # noqa: F401  (anyio_backend is a fixture)
from test_appointments import open_agenda
from rep_tui.app import RepApp
from rep_tui.clock import zone
from rep_tui.dialogs.book import BookDialog
from rep_tui.domain.booking import Taken, free_slots
from rep_tui.domain.dates import format_time, parse_length, parse_time
from rep_tui.domain.validation import Invalid
from rep_tui.screens.appointments import AppointmentsScreen
from rep_tui.screens.confirm import ConfirmScreen
from rep_tui.screens.customer import CustomerScreen
from rep_tui.store import queries
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Appointment, ChangeRecord, Lead
from rep_tui.widgets.agenda_table import AgendaTable
from rep_tui.widgets.validated_input import ValidatedInput
from rep_tui.widgets.week_view import DayColumn, WeekView

pytestmark = pytest.mark.anyio
TZ = "America/Chicago"
TODAY = date(2026, 11, 24)
THURSDAY = date(2026, 11, 26)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone(TZ))


def agenda(store, rep_id, day: date) -> list[queries.AgendaRow]:
    with store.session() as session:
        return queries.appointments_on(session, rep_id, day, TZ)


def message(pilot) -> str:
    return str(pilot.app.screen.query_one("#form-message").render())


def slot_labels(pilot) -> list[str]:
    slots = pilot.app.screen.query_one("#slots")
    return [str(slots.get_option_at_index(i).prompt) for i in range(slots.option_count)]


async def cursor_on(pilot, table: AgendaTable, key: str) -> None:
    """Move the cursor (by keys) to the row `key`."""
    steps = [row.key for row in table.rows_shown].index(key) - table.cursor_row
    await pilot.press(*["down" if steps > 0 else "up"] * abs(steps))
    assert table.current.key == key


async def open_lead_of_first_future_appointment(pilot, store):
    """My Appointments, cursor on today's next appointment, Enter: its Customer Information."""
    table = await open_agenda(pilot)
    upcoming = next(r for r in agenda(store, pilot.app.user.id, TODAY) if r.appointment.starts_at > at(TODAY, 10))
    await cursor_on(pilot, table, str(upcoming.appointment.id))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CustomerScreen)
    return upcoming


# --- pure rules ---------------------------------------------------------------


def test_lengths_are_typed_as_a_rep_says_them():
    assert [parse_length(t) for t in ("90", "90 min", "2", "2h", "1.5h", "1:30", "45")] == [
        timedelta(minutes=90), timedelta(minutes=90), timedelta(hours=2), timedelta(hours=2),
        timedelta(minutes=90), timedelta(minutes=90), timedelta(minutes=45)]
    for bad, says in (("abc", "Not a length"), ("0", "5 minutes to 12 hours"), ("13h", "12 hours")):
        with pytest.raises(Invalid, match=says):
            parse_length(bad)


def test_free_slots_skip_what_is_taken_what_is_past_and_what_runs_past_work_hours():
    taken = [Taken(at(THURSDAY, 12), at(THURSDAY, 14), "Ann Leeuwen")]
    now = at(THURSDAY, 9, 15)
    slots = free_slots(THURSDAY, TZ, (8, 17), timedelta(minutes=90), taken, now)
    assert [format_time(s, TZ) for s in slots] == [
        "9:30 AM", "10:00 AM", "10:30 AM", "2:00 PM", "2:30 PM", "3:00 PM", "3:30 PM"]
    assert taken[0].describe(TZ) == "12:00 PM Ann Leeuwen, 120 min"


# --- booking --------------------------------------------------------------------


async def test_book_from_customer_information_picks_a_free_slot_and_queues_the_change(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        upcoming = await open_lead_of_first_future_appointment(pilot, store)
        lead_id = upcoming.lead.id
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BookDialog)
        taken = [(r.appointment.starts_at, r.appointment.ends_at) for r in agenda(store, app.user.id, THURSDAY)]
        assert app.focused is app.screen.query_one("#day", ValidatedInput).input
        await retype(pilot, "thu")
        await pilot.press("tab", "tab")  # Time, then Length
        await retype(pilot, "90")
        await settle(pilot)
        assert "Free on Thu Nov 26, in 2 days" in str(app.screen.query_one("#slots-title").render())
        offered = slot_labels(pilot)
        assert offered[0] == "8:00 AM – 9:30 AM" and offered[-1].endswith(("PM", "AM"))
        for label in offered:  # nothing offered overlaps what the rep already has on Thursday
            start = datetime.combine(THURSDAY, parse_time(label.split(" – ")[0]), tzinfo=zone(TZ))
            assert not any(start < end and begin < start + timedelta(minutes=90) for begin, end in taken)
        assert 0 < len(offered) < 22  # 8:00 … 6:30 is 22 starts on a free day; Thursday has appointments
        await pilot.press("down", "down", "enter")  # to the free times, the second one, pick it
        await settle(pilot)
        picked = offered[1].split(" – ")[0]
        assert app.screen.query_one("#time", ValidatedInput).value == picked
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)

        with store.session() as session:
            booked = session.scalars(select(Appointment).where(
                Appointment.lead_id == lead_id, Appointment.starts_at >= at(THURSDAY, 0),
                Appointment.starts_at < at(THURSDAY + timedelta(1), 0))).one()
            assert format_time(booked.starts_at, TZ) == picked
            assert (booked.ends_at - booked.starts_at, booked.kind, booked.rep_id, booked.time_zone) == (
                timedelta(minutes=90), "new", app.user.id, TZ)
            outbox = session.scalars(select(OutboxEntry).where(OutboxEntry.row_id == booked.id)).one()
            assert outbox.op == "insert"
            history = session.scalars(select(ChangeRecord).where(ChangeRecord.row_id == booked.id)).one()
            assert (history.field, history.user_id) == ("*", app.user.id)


async def test_a_clash_is_refused_naming_the_appointment_and_keeps_what_was_typed(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        upcoming = await open_lead_of_first_future_appointment(pilot, store)
        other = upcoming.appointment
        await pilot.press("b")
        await settle(pilot)
        await retype(pilot, "today")
        await pilot.press("tab")
        clash_at = other.starts_at + timedelta(minutes=30)
        await retype(pilot, format_time(clash_at, TZ).replace(" ", "").lower())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookDialog), "a clash must not close the dialog"
        minutes = int((other.ends_at - other.starts_at).total_seconds() // 60)
        assert (f"Not saved: It clashes with {format_time(other.starts_at, TZ)} {upcoming.lead.name}, {minutes} min."
                in message(pilot))
        assert app.screen.query_one("#day", ValidatedInput).value == "today"
        with store.session() as session:
            assert session.scalars(select(Appointment).where(Appointment.lead_id == upcoming.lead.id,
                                                             Appointment.starts_at == clash_at)).first() is None

        await retype(pilot, "8pm")  # after work hours is allowed when typed
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)


async def test_a_time_gone_by_and_a_bad_length_are_refused_in_words(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lead_of_first_future_appointment(pilot, store)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("tab")
        await retype(pilot, "8am")
        await pilot.press("tab")
        await retype(pilot, "forever")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Not a length" in app.screen.query_one("#length", ValidatedInput).error
        assert "Nothing was saved" in message(pilot)
        await retype(pilot, "1h")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "That time has already passed." in message(pilot)
        assert isinstance(app.screen, BookDialog)


async def test_book_on_a_free_hour_of_my_appointments_finds_the_lead_as_typed(store):
    app = RepApp(store)
    with store.session() as session:
        lead = session.scalars(select(Lead).where(Lead.rep_id == app.user.id, Lead.last_name != "")
                               .order_by(Lead.pid)).first()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_agenda(pilot)
        await pilot.press("right", "right")  # Thursday
        await settle(pilot)
        keys = [row.key for row in table.rows_shown]
        hour = next(h for h in range(8, 18) if f"free-{h}" in keys and f"free-{h + 1}" in keys)  # 2 free hours
        await cursor_on(pilot, table, f"free-{hour}")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BookDialog)
        assert app.screen.query_one("#time", ValidatedInput).value == time(hour).strftime("%-I:%M %p")
        assert app.focused is app.screen.query_one("#customer", ValidatedInput).input
        await pilot.press(*lead.last_name[:5])
        await settle(pilot)
        leads = app.screen.query_one("#leads")
        assert leads.display and leads.option_count >= 1
        position = next(i for i in range(leads.option_count) if leads.get_option_at_index(i).id == str(lead.id))
        await pilot.press("down", *["down"] * position, "enter")
        await settle(pilot)
        assert lead.name in str(app.screen.query_one("#who").render())
        assert not app.screen.query_one("#customer").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AppointmentsScreen)
        booked = next(r for r in agenda(store, app.user.id, THURSDAY) if r.lead.id == lead.id)
        assert booked.appointment.starts_at == at(THURSDAY, hour)
        assert str(booked.appointment.id) in table.appointment_ids


async def test_self_gen_offers_to_book_the_lead_just_saved(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press(*"Nora", "tab", *"Quill", "tab", "tab", *"6305550199", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookDialog)
        assert "Saved Nora Quill. Book the appointment now?" in str(app.screen.query_one("#intro").render())
        await retype(pilot, "fri")
        await pilot.press("tab")
        await retype(pilot, "2pm")
        await pilot.press("tab", "tab", "down")  # Type: its choices open
        await settle(pilot)
        await pilot.press("down", "enter")  # the second, Follow-up
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        with store.session() as session:
            lead = session.scalars(select(Lead).where(Lead.first_name == "Nora", Lead.last_name == "Quill")).one()
            booked = session.scalars(select(Appointment).where(Appointment.lead_id == lead.id)).one()
        assert (booked.starts_at, booked.kind) == (at(date(2026, 11, 27), 14), "follow-up")


# --- moving and cancelling --------------------------------------------------------


async def test_move_from_my_appointments_keeps_the_length_and_refuses_a_clash(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_agenda(pilot)
        rows = [r for r in agenda(store, app.user.id, TODAY) if r.appointment.starts_at > at(TODAY, 10)]
        moving, other = rows[0].appointment, rows[1]
        await cursor_on(pilot, table, str(moving.id))
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, BookDialog) and app.screen.moving
        assert app.screen.query_one("#time", ValidatedInput).value == format_time(moving.starts_at, TZ)
        assert f"Now: Tue Nov 24 {format_time(moving.starts_at, TZ)}" in str(app.screen.query_one("#who").render())
        await pilot.press("tab")
        await retype(pilot, format_time(other.appointment.starts_at, TZ))
        await pilot.press("enter")
        await settle(pilot)
        assert f"clashes with {format_time(other.appointment.starts_at, TZ)} {other.lead.name}" in message(pilot)

        await pilot.press("shift+tab")
        await retype(pilot, "thu")
        await pilot.press("tab")
        await retype(pilot, "7:15am")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AppointmentsScreen)
        with store.session() as session:
            moved = session.get(Appointment, moving.id)
            assert moved.starts_at == at(THURSDAY, 7, 15)
            assert moved.ends_at - moved.starts_at == moving.ends_at - moving.starts_at
            fields = {e.op: e.fields for e in session.scalars(select(OutboxEntry)
                                                              .where(OutboxEntry.row_id == moving.id))}
            assert set(fields["update"]) == {"starts_at", "ends_at"}
        assert str(moving.id) not in table.appointment_ids


async def test_cancel_asks_first_then_records_a_cancel_that_stats_leave_out(store):
    app = RepApp(store)
    start, end, _ = queries.period_bounds("week", TODAY, TZ)
    with store.session() as session:
        before = {k: f.value for k, f in queries.stats_for(session, [app.user.id], start, end).items()}
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_agenda(pilot)
        target = next(r for r in agenda(store, app.user.id, TODAY) if r.appointment.starts_at > at(TODAY, 10))
        await cursor_on(pilot, table, str(target.appointment.id))
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Cancel {target.lead.name}'s appointment on Tue Nov 24" in str(
            app.screen.query_one("Static").render())
        await pilot.press("n")
        await settle(pilot)
        with store.session() as session:
            assert session.get(Appointment, target.appointment.id).result_code is None

        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, AppointmentsScreen)
        with store.session() as session:
            cancelled = session.get(Appointment, target.appointment.id)
            assert (cancelled.result_code, cancelled.disregard_in_stats) == ("CXL", True)
            after = {k: f.value for k, f in queries.stats_for(session, [app.user.id], start, end).items()}
        assert after == before
        assert table.current.cells[-1].text == "Cancel"

        await pilot.press("x")  # a cancelled appointment cannot be cancelled again
        await settle(pilot)
        assert isinstance(app.screen, AppointmentsScreen)
        await pilot.press("b")  # its time is free again
        await settle(pilot)
        await pilot.press("tab")
        await retype(pilot, format_time(target.appointment.starts_at, TZ))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AppointmentsScreen)


async def test_move_and_cancel_from_customer_information_act_on_the_open_appointment(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        upcoming = await open_lead_of_first_future_appointment(pilot, store)
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, BookDialog) and app.screen.appointment_id == upcoming.appointment.id
        await pilot.press("tab")
        await retype(pilot, "8pm")
        await pilot.press("tab")
        await retype(pilot, "1h")  # 8 to 9 PM: after work hours, after the last appointment of the day
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen), str(app.screen.query_one("#form-message").render())
        with store.session() as session:
            assert session.get(Appointment, upcoming.appointment.id).starts_at == at(TODAY, 20)

        await pilot.press("X")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        with store.session() as session:
            assert session.get(Appointment, upcoming.appointment.id).result_code == "CXL"
        await pilot.press("X")  # nothing open any more
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)


# --- the week -----------------------------------------------------------------------


async def test_week_view_columns_at_120_move_by_day_and_week_and_open_and_result(store):
    app = RepApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_agenda(pilot)
        await pilot.press("w")
        await settle(pilot)
        week = app.screen.query_one(WeekView)
        assert week.display and not app.screen.query_one("#agenda").display
        assert "Week of Mon Nov 23 – Sun Nov 29, 2026 · this week" in str(app.screen.query_one("#day-bar").render())
        assert isinstance(app.focused, DayColumn) and app.focused.day == TODAY
        assert [c.day for c in week.columns] == [date(2026, 11, 23) + timedelta(n) for n in range(7)]
        todays = agenda(store, app.user.id, TODAY)
        assert list(app.focused.appointment_ids.values()) == [r.appointment.id for r in todays]

        await pilot.press("right", "right")
        assert app.focused.day == THURSDAY
        await pilot.press("right", "right", "right", "right")  # past Sunday: the next week
        await settle(pilot)
        assert app.focused.day == date(2026, 11, 30)
        assert "Week of Mon Nov 30" in str(app.screen.query_one("#day-bar").render())
        await pilot.press("t")
        await settle(pilot)
        assert app.focused.day == TODAY

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen) and app.screen.lead_id == todays[0].lead.id
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        from rep_tui.dialogs.result import ResultDialog

        assert isinstance(app.screen, ResultDialog) and app.screen.appointment_id == todays[0].appointment.id
        await pilot.press("d", "enter")  # Demo No Sale: a result the week shows as a plain word
        await settle(pilot)
        assert app.is_running and app.screen.query_one(WeekView).display
        assert todays[0].appointment.id in app.focused.appointment_ids.values()


async def test_week_view_at_80_is_a_list_grouped_by_day(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_agenda(pilot)
        await pilot.press("w")
        await settle(pilot)
        week_list = app.screen.query_one("#week-list", AgendaTable)
        assert app.focused is week_list and not app.screen.query_one("#week-grid").display
        headers = [row.cells[1].text for row in week_list.rows_shown if row.key.startswith("day-")]
        assert headers[0] == "Nov 23 · 1 day ago" and headers[1] == "Nov 24 · today" and len(headers) == 7
        with store.session() as session:
            week_rows = queries.appointments_on(session, app.user.id, date(2026, 11, 23), TZ, days=7)
        assert list(week_list.appointment_ids.values()) == [r.appointment.id for r in week_rows]
        assert week_list.current.key == f"day-{TODAY}"
        await pilot.press("right")  # the next day's group
        assert week_list.current.key == f"day-{TODAY + timedelta(1)}"
        await pilot.press("}")  # a week on
        await settle(pilot)
        assert "Week of Mon Nov 30" in str(app.screen.query_one("#day-bar").render())
        await pilot.press("w")  # back to the day the cursor was on
        await settle(pilot)
        assert app.screen.shown_day == date(2026, 11, 30) + timedelta(days=2)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_week_view(snap_compare, store, size):
    async def run_before(pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_book_dialog_with_free_times(snap_compare, store, size):
    async def run_before(pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await retype(pilot, "thu")
        await settle(pilot)
        for box in pilot.app.screen.query("Input"):
            box.cursor_blink = False

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)
