"""Reminders in the app (the demo company, a fixed clock): `w` on Customer
Information adds one for the writer and whoever else is ticked, keys typed
in one burst included; the lead's reminders are listed under its job and
Space crosses one off there too."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from rep_pilot import anyio_backend, burst, settle, wait_until  # noqa: F401  (anyio_backend is a fixture)
from rep_tui.app import RepApp
from rep_tui.dialogs.reminder import ReminderDialog
from rep_tui.screens.customer import CustomerScreen
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Lead, Reminder
from rep_tui.widgets.reminder_table import ReminderTable

pytestmark = pytest.mark.anyio
TODAY = date(2026, 11, 24)


def _a_lead_of(store, user_id) -> Lead:
    with store.session() as session:
        lead = session.scalars(select(Lead).where(Lead.rep_id == user_id, Lead.deleted.is_(False))
                               .order_by(Lead.pid).limit(1)).one()
        session.expunge(lead)
        return lead


def _reminders_of(store, lead_id) -> list[Reminder]:
    with store.session() as session:
        found = list(session.scalars(select(Reminder).where(Reminder.lead_id == lead_id)))
        session.expunge_all()
        return found


async def test_w_adds_a_reminder_for_the_writer_and_one_more_from_a_burst_of_keys(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lead = _a_lead_of(store, app.user.id)
        before = _reminders_of(store, lead.id)
        app.open_lead(lead.id)  # the keys come while the screen opens, and while the dialog opens
        burst(pilot, "w", "tomorrow", "tab", "Bring the samples", "tab", "down", "space", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        added = [r for r in _reminders_of(store, lead.id) if r.id not in {b.id for b in before}]
        assert len(added) == 2 and len({r.group_id for r in added}) == 1
        assert {(r.due_on, r.body, r.lead_name) for r in added} == {(TODAY + timedelta(days=1), "Bring the samples",
                                                                     lead.name)}
        assert app.user.id in {r.assignee_id for r in added}
        with store.session() as session:
            queued = session.scalars(select(OutboxEntry.row_id).where(OutboxEntry.table_name == "reminders")).all()
        assert {r.id for r in added} <= set(queued)
        table = app.screen.query_one("#lead-reminders", ReminderTable)
        await wait_until(pilot, lambda: {str(r.id) for r in added} <= {row.key for row in table.rows_shown},
                         "the new reminders to be listed under the job")


async def test_a_reminder_without_a_date_is_not_added_and_nothing_typed_is_lost(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lead = _a_lead_of(store, app.user.id)
        before = _reminders_of(store, lead.id)
        app.open_lead(lead.id)
        burst(pilot, "w", "tab", "Call back", "ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReminderDialog)
        assert dialog.query_one("#due").error and dialog.query_one("#body").value == "Call back"
        assert "Nothing was added" in str(dialog.query_one("#dialog-message").render())
        assert len(_reminders_of(store, lead.id)) == len(before)
        burst(pilot, "+2", "ctrl+s")  # the date field has the focus again
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert len(_reminders_of(store, lead.id)) == len(before) + 1


async def test_space_crosses_off_a_reminder_under_the_job(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with store.session() as session:
            reminder = session.scalars(select(Reminder).where(Reminder.assignee_id == app.user.id,
                                                              Reminder.due_on == TODAY)).first()
            session.expunge(reminder)
        app.open_lead(reminder.lead_id)
        await settle(pilot)
        table = app.screen.query_one("#lead-reminders", ReminderTable)
        table.focus()
        table.move_cursor(row=[row.key for row in table.rows_shown].index(str(reminder.id)))
        await pilot.press("space")
        await wait_until(pilot, lambda: any(row.key == str(reminder.id) and row.cells[1] == "✓"
                                            for row in table.rows_shown), "the reminder to show as done")
        with store.session() as session:
            assert session.get(Reminder, reminder.id).done_by_id == app.user.id


async def test_the_palette_lists_reminders_due_and_crosses_one_off(store):
    from rep_pilot import palette_answered
    from rep_tui.screens.dashboard import DashboardScreen

    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with store.session() as session:
            reminder = session.scalars(select(Reminder).where(Reminder.assignee_id == app.user.id,
                                                              Reminder.due_on == TODAY)).first()
            session.expunge(reminder)
        await pilot.press("ctrl+p")
        burst(pilot, f"Done: {reminder.body}")
        await palette_answered(pilot)
        await pilot.press("enter")
        await settle(pilot)
        with store.session() as session:
            assert session.get(Reminder, reminder.id).done_by_id == app.user.id
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one("#reminders", ReminderTable)
        await wait_until(pilot, lambda: any(row.key == str(reminder.id) and row.cells[1] == "✓"
                                            for row in table.rows_shown), "the Dashboard to show it done")
