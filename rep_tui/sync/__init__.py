"""The device's sync engine (no Textual here). Names are imported lazily so
the app's start-up does not pay for httpx and pydantic until it syncs."""

from __future__ import annotations

from rep_tui.lazy import lazy_exports

_EXPORTS = {
    "SyncClient": "rep_tui.sync.engine",
    "SyncReport": "rep_tui.sync.engine",
    "run_sync": "rep_tui.sync.engine",
    "SyncLoop": "rep_tui.sync.loop",
    "SyncStatus": "rep_tui.sync.state",
}


__getattr__ = lazy_exports(_EXPORTS)
__all__ = list(_EXPORTS)
