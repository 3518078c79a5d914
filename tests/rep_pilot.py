"""Helpers for Pilot tests of the main screens: run them on asyncio, and wait
for workers (and the messages they post) instead of sleeping."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def settle(pilot) -> None:
    """Let queued messages run, then the workers they start, then their results,
    the footer catch up with the keys of what has focus, and animations (a
    scroll) finish."""
    from rep_tui.widgets.footer import RepFooter

    await keys_delivered(pilot)
    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await wait_until(pilot, lambda: all(footer.up_to_date for footer in pilot.app.screen.query(RepFooter)),
                     "the footer to show the keys of what has focus")
    await pilot.wait_for_scheduled_animations()  # a scroll to what took focus ends where it ends on a quiet machine


#: How long a test waits for something the app does by itself before it fails
#: (generous: a loaded machine is slow, not wrong; a condition that never comes fails loudly).
PATIENCE = 30.0


async def wait_until(pilot, condition, what: str, patience: float = PATIENCE) -> None:
    """Pause until `condition()` holds; fail saying `what` never happened."""
    import time

    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline or not pilot.app.is_running:
            raise AssertionError(f"waited {patience:.0f} s for {what}; it never happened")
        await pilot.pause(0.02)


async def palette_answered(pilot) -> None:
    """Wait until the command palette has searched for what was typed: its
    search worker is done and the list shows hits (or says there are none)."""
    from textual.command import CommandList, CommandPalette

    def answered() -> bool:
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette), f"the palette is not open ({palette!r} is)"
        searching = [w for w in pilot.app.workers if w.group == CommandPalette._GATHER_COMMANDS_GROUP
                     and w.is_running]
        return not searching and palette.query_one(CommandList).option_count > 0

    await keys_delivered(pilot)
    await wait_until(pilot, answered, "the palette to answer")


async def retype(pilot, text: str) -> None:
    """Replace what the focused input holds with `text`."""
    await pilot.press("end", "ctrl+u", *text)


#: Key names (not text) that bursts use, with the character a terminal sends for each.
KEY_CHARS = {"space": " ", "tab": "\t", "shift+tab": None, "enter": "\r", "escape": "\x1b",
             "backspace": "\x7f", "up": None, "down": None, "left": None, "right": None, "home": None, "end": None}


def burst(pilot, *keys: str) -> None:
    """Post keys to the app at once, as a fast typist, a paste or SSH batching
    delivers them: nothing waits for one key to be handled before the next
    arrives (unlike `pilot.press`). Each item is a key name ("tab", "ctrl+s",
    "f5") or text typed character by character ("Ann Lee")."""
    import re

    from textual import events
    from textual.keys import _character_to_key

    for item in keys:
        if item in KEY_CHARS or re.fullmatch(r"(ctrl|shift|alt)\+.+|f\d{1,2}", item):
            pilot.app.post_message(events.Key(item, KEY_CHARS.get(item)))
            continue
        for char in item:
            key = char if char.isalnum() else _character_to_key(char)
            pilot.app.post_message(events.Key(key, char))


async def keys_delivered(pilot) -> None:
    """Wait until every key posted so far has been handled (see `rep_tui.ordered_keys`)."""
    for _ in range(600):
        await pilot.pause()
        if not pilot.app.keys_pending or not pilot.app.is_running:  # a crashed app says why itself
            return
    raise AssertionError("keys were still being delivered after 600 pauses")
