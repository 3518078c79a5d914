"""A closed Customer Information is freed: nothing app-wide (a signal) keeps
it, its tables and their data alive, so memory and garbage collection do not
grow with every lead a rep opens."""

from __future__ import annotations

import gc
import weakref

import pytest
from rep_pilot import settle
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.store.models import Lead

pytestmark = pytest.mark.anyio


async def test_closed_customer_screens_are_freed(store):
    with store.session() as session:
        lead_ids = list(session.scalars(select(Lead.id).limit(3)))
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        closed = []
        for lead_id in lead_ids:
            app.open_lead(lead_id)
            await settle(pilot)
            await pilot.press("d")  # a table tab too: tables subscribe to the theme
            await settle(pilot)
            closed.append(weakref.ref(app.screen))
            await pilot.press("escape")
            await settle(pilot)
        gc.collect()
        # The last lead's loader (a finished worker, kept by the context of the
        # last call back to the UI thread) may outlive it until the next one
        # runs: what must not happen is closed screens piling up.
        assert [ref() for ref in closed[:-1]] == [None] * (len(closed) - 1)


async def test_start_up_heap_is_frozen_while_the_app_runs_and_released_after(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):  # a moment after start-up
            if gc.get_freeze_count():
                break
            await pilot.pause(0.05)
        assert gc.get_freeze_count() > 0, "the start-up heap was never frozen"
    assert gc.get_freeze_count() == 0
