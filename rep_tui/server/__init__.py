"""The central server (FastAPI). Names are imported lazily so that
`import rep_tui.server` costs nothing until one is used."""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "create_app": "rep_tui.server.app",
    "run": "rep_tui.server.embedded",
    "ServerThread": "rep_tui.server.embedded",
    "seed_from_store": "rep_tui.server.seed",
    "create_user": "rep_tui.server.seed",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)


__all__ = list(_EXPORTS)
