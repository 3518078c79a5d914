"""Keys typed in a burst land where the rep meant them, in order.

Why this exists: Textual's App forwards each key to the widget focused *at the
moment the app reads the key*, by posting it to that widget's own queue; the
widget handles it later, and a key it does not use bubbles up to its parents,
the screen and finally the app's bindings. So in a burst (a fast typist, a
paste without bracketed paste, tmux or SSH batching keys) every key is read
before the first is handled: the keys after a Tab are queued to the old field
before the Tab moves focus ("Leeuwen6305550199" in Last name), and the keys
after `e` reach the old screen before Edit Customer has opened.

The fix is one rule, applied to every key and paste: the next one is handed
to Textual only when the previous one has been handled all the way up (the
widget it went to, each parent, the screen, the app) and the app has settled
(a screen it opened is mounted, and a focus it moved has landed, and a store
read it started to open a dialog has opened it: `keys_wait_for`). A key that
arrives while nothing is pending is delivered at once, exactly as Textual
would, so single key presses cost nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.widgets import Input, TextArea
from textual.worker import Worker

#: Rounds of "let every widget empty its queue" before a key counts as handled (a timer may keep one busy).
MAX_SETTLE_ROUNDS = 8
#: The longest keys wait for a screen's data (a load that failed must not swallow the keys for good).
DATA_WAIT_LIMIT = 5.0
#: How often a wait re-checks that the widget it waits on is still running (a removed widget never answers).
POLL_SECONDS = 0.1


async def _until(event: asyncio.Event, *pumps: MessagePump, limit: float | None = None) -> None:
    """Wait for `event`, but not for a widget that has stopped (it never answers),
    nor longer than `limit` seconds when one is given."""
    waited = 0.0
    while not event.is_set() and any(pump.is_running or not pump._closed for pump in pumps):
        if limit is not None and waited >= limit:
            return
        try:
            await asyncio.wait_for(event.wait(), POLL_SECONDS)
        except TimeoutError:
            waited += POLL_SECONDS


async def drained(*pumps: MessagePump) -> None:
    """Return once each of `pumps` has processed every message queued to it before now."""
    waiting: set[MessagePump] = set()
    all_done = asyncio.Event()

    def done(pump: MessagePump) -> None:
        waiting.discard(pump)
        if not waiting:
            all_done.set()

    for pump in pumps:
        waiting.add(pump)
        if not pump.call_later(done, pump):
            waiting.discard(pump)
    if waiting:
        await _until(all_done, *pumps)


async def refreshed(screen: MessagePump) -> None:
    """Return once `screen` has refreshed (its `call_after_refresh` callbacks have run)."""
    done = asyncio.Event()
    if screen.call_after_refresh(done.set):
        await _until(done, screen)


class WaitsForData:
    """For a screen or dialog whose keys act on data it loads after opening (a
    lead's file, an appointment): keys typed before it calls `data_shown.set()`
    are held for it, so `Enter e` opens the lead and then its Edit Customer."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.data_shown = asyncio.Event()


async def data_shown(screen: MessagePump) -> None:
    """Return once `screen` has composed, mounted and shows its data (see `WaitsForData`)."""
    await _until(screen._mounted_event, screen)
    shown = getattr(screen, "data_shown", None)
    if isinstance(shown, asyncio.Event):
        await _until(shown, screen, limit=DATA_WAIT_LIMIT)


class OrderedKeys(App):
    """An App that delivers keys and pastes one at a time (see the module doc)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held_input: deque[events.Key | events.Paste] = deque()
        self._delivering_input = False
        self._following: asyncio.Task | None = None
        self._opening: set[Worker] = set()

    def keys_wait_for(self, worker: Worker) -> None:
        """Keys typed after the one that started `worker` wait until it has
        finished: it reads what a dialog needs, then opens the dialog the keys
        are meant for (the job statuses, then Job Status)."""
        self._opening.add(worker)

    async def _opened(self) -> None:
        """Wait for the work of `keys_wait_for`; not for good (a stuck read must not swallow the keys)."""
        while self._opening:
            worker = self._opening.pop()
            with contextlib.suppress(Exception):  # a failed read is told to the rep by its own message
                await asyncio.wait_for(asyncio.shield(worker.wait()), DATA_WAIT_LIMIT)

    @property
    def keys_pending(self) -> bool:
        """True while a key or paste is held or still being handled (tests wait on it)."""
        return self._delivering_input

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self._held_input.append(event)
            if not self._delivering_input:
                self._delivering_input = True
                if self._screen_ready():
                    await self._deliver_held()
                else:  # a screen opened by other means (start-up, a worker) is still opening
                    self._following = asyncio.create_task(self._follow(), name="deliver keys in order")
            return
        await super().on_event(event)

    async def _deliver_held(self) -> None:
        """Hand held keys to Textual (in the app's own message loop, as Textual
        does) until one needs following: then follow it in the background."""
        while self._held_input:
            event = self._held_input.popleft()
            typed_into_text = self._types_into_focused_text(event)
            await super().on_event(event)
            if not typed_into_text:
                self._following = asyncio.create_task(self._follow(), name="deliver keys in order")
                return
        self._delivering_input = False

    def _screen_ready(self) -> bool:
        """Whether the screen on top is mounted and shows its data (see `WaitsForData`)."""
        screen = self.screen
        shown = getattr(screen, "data_shown", None)
        return screen.is_mounted and (not isinstance(shown, asyncio.Event) or shown.is_set())

    def _types_into_focused_text(self, event: events.Key | events.Paste) -> bool:
        """True for text typed into a focused text box: the box inserts it and
        nothing else moves, so the next key may follow at once (it queues behind
        this one in the same box). Saves following every letter of a burst."""
        if not isinstance(self.focused, (Input, TextArea)):
            return False
        if isinstance(event, events.Paste):
            return True
        return event.is_printable and not any(
            binding.priority for _, bindings in self.screen._binding_chain
            for binding in bindings.key_to_bindings.get(event.key, ()))

    async def _follow(self) -> None:
        try:
            await self._settle()
        except Exception as error:  # never leave keys stuck behind a failure
            self.log.error("key delivery:", error)
        finally:
            if not (self._held_input and self.call_later(self._deliver_held)):
                self._delivering_input = False

    async def _settle(self) -> None:
        """Wait until the key has been handled all the way up, with whatever it
        set off: no widget of the screen on top has messages waiting (the key
        bubbles from the focused widget to its parents, a binding posts a
        message, a handler moves focus), the screen is mounted and shows its
        data, a dialog it set off a read for is open, callbacks waiting for its
        next refresh have run, and the app's own queue (where `widget.focus()`
        lands) is through."""
        for _ in range(MAX_SETTLE_ROUNDS):
            if self._opening:
                await self._opened()
            screen = self.screen
            await data_shown(screen)
            busy = [widget for widget in screen.walk_children(with_self=True) if not widget._message_queue.empty()]
            if busy:
                await drained(*busy)
                continue
            if screen._callbacks:  # `call_after_refresh` work, e.g. focusing a field just shown
                await refreshed(screen)
            await drained(self)
            if self.screen is screen and all(
                    widget._message_queue.empty() for widget in screen.walk_children(with_self=True)):
                return
