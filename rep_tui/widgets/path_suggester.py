"""Completes a typed file path the way a shell's Tab does (→ accepts)."""

from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester


class PathSuggester(Suggester):
    """Suggests the first directory entry that starts with what was typed;
    directories end with a slash so the next part can follow."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(os.path.expanduser(value))
        folder, prefix = (typed, "") if value.endswith(os.sep) else (typed.parent, typed.name)
        try:
            names = sorted(entry.name for entry in os.scandir(folder) if entry.name.startswith(prefix))
        except OSError:
            return None
        visible = [n for n in names if not n.startswith(".")] or names
        if not visible or visible[0] == prefix:
            return None
        name = visible[0]
        suffix = os.sep if (folder / name).is_dir() else ""
        return value + name[len(prefix):] + suffix
