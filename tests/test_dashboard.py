"""The User Dashboard on the demo company: today's appointments, the
missing-result nag, reminders due, follow-ups due, KPIs; Enter opens a lead,
Space crosses a reminder off, Tab moves between sections."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select, update

from rep_pilot import anyio_backend, settle, wait_until  # noqa: F401  (anyio_backend is a fixture)
from rep_tui.app import RepApp
from rep_tui.clock import utcnow
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.dashboard import DashboardScreen
from rep_tui.store import queries
from rep_tui.widgets.agenda_table import AgendaTable
from rep_tui.widgets.be_back_table import BeBackTable
from rep_tui.widgets.row_table import TableSection

pytestmark = pytest.mark.anyio
TZ = "America/Chicago"
TODAY = date(2026, 11, 24)


async def test_dashboard_shows_today_nag_follow_ups_and_kpis(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        with store.session() as session:
            todays = queries.appointments_on(session, app.user.id, TODAY, TZ)
            missing = queries.missing_results(session, app.user.id, utcnow())
            due = queries.follow_ups_due(session, app.user.id, TODAY)
            start, end, _ = queries.period_bounds("month", TODAY, TZ)
            month = queries.stats_for(session, [app.user.id], start, end)
        assert todays and missing and due, "the demo rep has a full day"

        today_table = screen.query_one("#today", AgendaTable)
        assert [row.cells[1] for row in today_table.rows_shown] == [r.lead.name for r in todays]
        assert f"{len(todays)} appointments" in str(screen.query_one("#day-line").render())

        nag = screen.query_one("#missing-section", TableSection)
        assert nag.has_class("-nag")
        assert f"⚠ {len(missing)} past appointment" in str(nag.title_label.render())
        assert {row.cells[-1].text for row in screen.query_one("#missing", AgendaTable).rows_shown} == {
            "needs result"}

        follow_ups = screen.query_one("#follow-ups", BeBackTable)
        assert [row.lead_id for row in follow_ups.rows_shown] == [b.lead.id for b in due]
        overdue = [row.cells[0].text for row in follow_ups.rows_shown if row.cells[0].text.startswith("⚠")]
        assert len(overdue) == sum(b.overdue(TODAY) for b in due)

        month_line = screen.query_one("#kpi-month").text()
        assert month_line.startswith("This month")
        for key, label in (("issued", "Issued"), ("sales", "Sales"), ("close_rate", "Close"), ("gross", "Sold")):
            assert f"{label} {month[key].display()}" in month_line


async def test_tab_moves_between_sections_and_enter_opens_the_lead(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.focused.id == "today"
        await pilot.press("tab")
        assert app.focused.id == "missing"
        await pilot.press("tab")
        assert app.focused.id == "reminders"
        await pilot.press("tab")
        assert app.focused.id == "follow-ups"
        await pilot.press("down")
        wanted = app.focused.current.lead_id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen) and app.screen.lead_id == wanted
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.focused.id == "follow-ups"


async def test_reminders_due_are_the_users_own_and_space_crosses_one_off_and_back(store):
    from rep_tui.store.models import Reminder
    from rep_tui.widgets.reminder_table import ReminderTable

    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#reminders", ReminderTable)
        with store.session() as session:
            mine = session.scalars(select(Reminder).where(
                Reminder.assignee_id == app.user.id, Reminder.due_on <= TODAY, Reminder.done_at.is_(None),
                Reminder.deleted.is_(False))).all()
            assert mine and session.scalar(select(func.count()).select_from(Reminder).where(
                Reminder.assignee_id != app.user.id, Reminder.due_on <= TODAY)), "the demo has others' too"
        assert {row.key for row in table.rows_shown} == {str(r.id) for r in mine}
        title = str(app.screen.query_one("#reminders-section", TableSection).title_label.render())
        overdue = sum(r.due_on < TODAY for r in mine)
        assert title == f"Reminders due ({len(mine)}, {overdue} overdue)"
        table.focus()
        key = table.current.key
        await pilot.press("space")  # done: it stays, struck through, so a slip can be undone
        await wait_until(pilot, lambda: table.rows_shown and table.rows_shown[-1].key == key
                         and table.rows_shown[-1].cells[1] == "✓", "the reminder to show as done")
        with store.session() as session:
            done = session.get(Reminder, uuid.UUID(key))
            assert done.done_at is not None and done.done_by_id == app.user.id
        assert f"Reminders due ({len(mine) - 1}" in str(
            app.screen.query_one("#reminders-section", TableSection).title_label.render())
        table.move_cursor(row=len(table.rows_shown) - 1)
        await pilot.press("space")
        await wait_until(pilot, lambda: all(row.cells[1] == "" for row in table.rows_shown),
                         "the reminder to be open again")
        with store.session() as session:
            assert session.get(Reminder, uuid.UUID(key)).done_at is None


async def test_enter_on_a_reminder_opens_its_lead_or_says_it_is_not_yours(store):
    from rep_tui.store.models import Lead, Reminder
    from rep_tui.widgets.reminder_table import ReminderTable

    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#reminders", ReminderTable)
        elsewhere = next(item for item in table.items.values() if item.lead.rep_id != app.user.id)
        with store.session() as session:  # as on a synced device: the lead of another team is not there
            session.execute(update(Lead).where(Lead.id == elsewhere.reminder.lead_id).values(deleted=True))
            session.commit()
        app.screen._load()
        await settle(pilot)
        table.focus()
        table.move_cursor(row=[row.key for row in table.rows_shown].index(str(elsewhere.reminder.id)))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert any(elsewhere.reminder.lead_name in n.message and elsewhere.reminder.lead_phone in n.message
                   for n in app._notifications)
        table.move_cursor(row=0)
        wanted = table.current.lead_id
        assert wanted is not None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen) and app.screen.lead_id == wanted


async def test_r_on_the_nag_opens_the_result_dialog_for_that_appointment(store):
    from rep_tui.dialogs.result import ResultDialog

    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        table = app.focused
        wanted = table.appointment_ids[table.current.key]
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ResultDialog) and app.screen.appointment_id == wanted


async def test_theme_change_recolours_the_marked_cells(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#missing", AgendaTable)
        keys = [row.key for row in table.rows_shown]
        dark = table.get_row_at(0)[-1].style  # "needs result", in the theme's error colour
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.theme == "textual-light"
        assert [row.key for row in table.rows_shown] == keys and table.row_count == len(keys)
        light = table.get_row_at(0)[-1].style
        assert str(table.get_row_at(0)[-1]) == "needs result"
        assert light.color != dark.color


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_dashboard(snap_compare, store, size):
    assert snap_compare(RepApp(store), terminal_size=size, run_before=settle)


def test_snapshot_dashboard_light_theme(snap_compare, store):
    async def run_before(pilot) -> None:
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap_compare(RepApp(store), terminal_size=(80, 24), run_before=run_before)
