"""PEP 562 lazy exports: a package names what it offers without importing
it, so `import rep_tui.server` or `rep_tui.sync` costs nothing at start-up."""

from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_exports(exports: dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that imports `name` from `exports[name]` on first use."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            return getattr(importlib.import_module(exports[name]), name)
        raise AttributeError(name)

    return __getattr__
