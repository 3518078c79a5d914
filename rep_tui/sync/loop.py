"""Syncing in the background: a loop the app runs in a worker thread. It
syncs every `interval` seconds or when nudged (after a local write), and on
a failure waits 1, 2, 4 … seconds (with jitter, at most `max_delay`) before
trying again, whether or not anything new was written."""

from __future__ import annotations

import random
import threading
from typing import Callable

from rep_tui.sync.engine import AuthRequired, SyncClient, SyncError, SyncReport


def backoff(failures: int, first: float = 1.0, max_delay: float = 300.0) -> float:
    """How long to wait after `failures` failures in a row: 1, 2, 4 … seconds
    (times `first`), at most `max_delay`, with jitter so devices spread out."""
    return min(max_delay, first * 2.0 ** failures) * random.uniform(0.5, 1.0)


class SyncLoop:
    def __init__(self, client: SyncClient, *, interval: float = 60.0, first_delay: float = 1.0,
                 max_delay: float = 300.0, on_report: Callable[[SyncReport | None], None] | None = None) -> None:
        self.client = client
        self.interval = interval
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.on_report = on_report or (lambda _report: None)
        self._wake = threading.Event()
        self._stopped = threading.Event()

    def nudge(self) -> None:
        """Sync soon (e.g. the rep just saved something)."""
        self._wake.set()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()

    def run(self) -> None:
        """Sync until `stop()`; call from a worker thread."""
        failures = 0
        while not self._stopped.is_set():
            self._wake.clear()
            report = None
            try:
                report = self.client.sync()
                failures, wait = 0, self.interval
            except AuthRequired:
                wait = self.max_delay  # nothing to gain by asking again until the rep signs in
            except SyncError:
                wait = backoff(failures, self.first_delay, self.max_delay)
                failures += 1
            self.on_report(report)
            self._wake.wait(wait)
