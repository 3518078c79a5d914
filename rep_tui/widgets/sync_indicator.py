"""The sync state in a few words, on the right of the header: synced, N
changes waiting, offline, error, with the time of the last sync.

The app owns the state (`RepApp.sync_status`, a `SyncStatus` or None for a
device that is not linked to a server); each indicator watches it."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import Static

from rep_tui.clock import local_today
from rep_tui.domain.dates import format_day, format_time, local_day

LOCAL_ONLY = "local only"


def when(moment: datetime | None, tz: str) -> str:
    """9:42 AM today, else the day: Mon Nov 23."""
    if moment is None:
        return "never"
    if local_day(moment, tz) == local_today(tz):
        return format_time(moment, tz)
    return format_day(local_day(moment, tz))


def changes(count: int) -> str:
    return f"{count} change{'' if count == 1 else 's'}"


def describe(status, tz: str) -> tuple[str, str]:
    """(words, kind) for a status; kind is one of local, synced, waiting,
    syncing, offline, error (the indicator's CSS class)."""
    if status is None:
        return LOCAL_ONLY, "local"
    last = when(status.last_sync_at, tz)
    if status.state == "syncing":
        return "syncing…", "syncing"
    if status.state == "offline":
        waiting = f" · {changes(status.waiting)} waiting" if status.waiting else ""
        return f"offline{waiting} · last sync {last}", "offline"
    if status.state == "error":
        head = "sign in again" if "sign in again" in (status.last_error or "") else "sync error"
        return f"{head} · last sync {last}", "error"
    if status.waiting:
        return f"{changes(status.waiting)} waiting · synced {last}", "waiting"
    return f"synced {last}", "synced"


class SyncIndicator(Static):
    """Shows `app.sync_status`; mounted into a screen's Header by the app,
    also on a device with no server ("local only": changes stay here)."""

    DEFAULT_CSS = """
    SyncIndicator {
        dock: right;
        width: auto;
        padding: 0 1;
        color: $text-muted;
    }
    SyncIndicator.-synced { color: $text-success; }
    SyncIndicator.-waiting, SyncIndicator.-offline, SyncIndicator.-syncing { color: $text-warning; }
    SyncIndicator.-error { color: $text-error; text-style: bold; }
    Header.-with-sync HeaderClockSpace { display: none; }
    """
    KINDS = ("local", "synced", "waiting", "syncing", "offline", "error")

    def on_mount(self) -> None:
        self.watch(self.app, "sync_status", self.show_status, init=True)

    def show_status(self, status) -> None:
        words, kind = describe(status, self.app.tz)
        for known in self.KINDS:
            self.set_class(known == kind, f"-{known}")
        self.update(words)
