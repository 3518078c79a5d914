"""The device's sync engine (no Textual here). Names are imported lazily so
the app's start-up does not pay for httpx and pydantic until it syncs."""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "SyncClient": "rep_tui.sync.engine",
    "SyncReport": "rep_tui.sync.engine",
    "run_sync": "rep_tui.sync.engine",
    "SyncLoop": "rep_tui.sync.loop",
    "SyncStatus": "rep_tui.sync.state",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)


__all__ = list(_EXPORTS)
