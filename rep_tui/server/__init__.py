"""The central server (FastAPI). Names are imported lazily so that
`import rep_tui.server` costs nothing until one is used."""

from __future__ import annotations

from rep_tui.lazy import lazy_exports

_EXPORTS = {
    "create_app": "rep_tui.server.app",
    "run": "rep_tui.server.embedded",
    "ServerThread": "rep_tui.server.embedded",
    "seed_from_store": "rep_tui.server.seed",
    "create_user": "rep_tui.server.seed",
}


__getattr__ = lazy_exports(_EXPORTS)
__all__ = list(_EXPORTS)
