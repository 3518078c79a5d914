"""Progress against monthly targets, beside the figures of My Stats, one
rep's stats and the Team view: a bar per goal ("Sales ██████░░ $42,000
of $60,000 · 70%"), or a line per rep on the Team view. Hidden
when no target was set for the month in view."""

from __future__ import annotations

import uuid

from rich.text import Text
from textual.widgets import Static

from rep_tui.domain.safe_text import visible
from rep_tui.domain.targets import Goal

BAR = 8
LABEL = 6
NAME = 11


def bar(share: float, width: int = BAR) -> str:
    filled = round(width * min(share, 1.0))
    return "█" * filled + "░" * (width - filled)


class TargetProgress(Static):
    DEFAULT_CSS = "TargetProgress { height: auto; margin-bottom: 1; display: none; }"

    def show(self, title: str, goals: dict[uuid.UUID, list[Goal]], names: dict[uuid.UUID, str] | None = None) -> None:
        """One rep's goals with bars; with `names`, a line per rep."""
        shown = {rep: found for rep, found in goals.items() if found}
        self.display = bool(shown)
        if not shown:
            return
        text = Text(title, style="bold")
        for rep, found in shown.items():
            text.append("\n")
            if names is None:
                text.append("\n".join(f"{goal.label:<{LABEL}} {bar(goal.share)} {goal.text()}" for goal in found))
            else:
                text.append(f"{visible(names.get(rep, '?'))[:NAME]:<{NAME}} ")
                text.append(" ".join(f"{goal.short} {goal.share:.0%}" for goal in found))
        self.update(text)
