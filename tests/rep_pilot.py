"""Helpers for Pilot tests of the main screens: run them on asyncio, and wait
for workers (and the messages they post) instead of sleeping."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def settle(pilot) -> None:
    """Let queued messages run, then the workers they start, then their results,
    and the footer catch up with the keys of what has focus."""
    from rep_tui.widgets.footer import RepFooter

    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for _ in range(40):
        if all(footer.up_to_date for footer in pilot.app.screen.query(RepFooter)):
            break
        await pilot.pause(0.05)


async def retype(pilot, text: str) -> None:
    """Replace what the focused input holds with `text`."""
    await pilot.press("end", "ctrl+u", *text)
