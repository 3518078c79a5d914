"""A closed Customer Information is freed: nothing app-wide (a signal) keeps
it, its tables and their data alive, so memory and garbage collection do not
grow with every lead a rep opens."""

from __future__ import annotations

import gc
import sys
import weakref

import pytest
from rep_pilot import settle, wait_until
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.store.models import Lead

pytestmark = pytest.mark.anyio


def _who_keeps(obj) -> list[str]:
    return sorted({type(ref).__name__ for ref in gc.get_referrers(obj)})


async def test_closed_customer_screens_are_freed(store, monkeypatch):
    # An exception that nobody can raise (one in a garbage-collector callback,
    # e.g. the SIGINT pytest-xdist's execnet sends a busy worker) would otherwise
    # be kept with its traceback, whose frames hold whatever screen was running:
    # record it in words only, and fail on it below unless it is that SIGINT.
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook",
                        lambda u: unraisable.append(f"{u.exc_type.__name__}: {u.exc_value} ({u.object!r})"))
    with store.session() as session:
        lead_ids = list(session.scalars(select(Lead.id).limit(5)))
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
        # The last lead's loader (a finished worker, kept by the context of the
        # last call back to the UI thread) may outlive it until the next one
        # runs, and on a loaded machine one more screen may still be held by a
        # message on its way (a Show event names its sender): what must not
        # happen is closed screens piling up, one more with every lead opened.
        def alive() -> list:
            gc.collect()
            return [screen for ref in closed[:-1] if (screen := ref()) is not None]

        try:
            await wait_until(pilot, lambda: len(alive()) <= 1, "the closed Customer Information screens to be freed",
                             patience=10)
        except AssertionError as error:
            raise AssertionError(f"{error}: {len(alive())} of {len(closed) - 1} kept, by "
                                 f"{[_who_keeps(screen) for screen in alive()]}") from None
    assert [u for u in unraisable if not u.startswith("KeyboardInterrupt")] == []


async def test_start_up_heap_is_frozen_while_the_app_runs_and_released_after(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):  # a moment after start-up
            if gc.get_freeze_count():
                break
            await pilot.pause(0.05)
        assert gc.get_freeze_count() > 0, "the start-up heap was never frozen"
    assert gc.get_freeze_count() == 0
