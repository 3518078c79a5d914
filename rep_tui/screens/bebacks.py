"""Be Backs: leads to go back to (resulted Be Back, or with a follow-up date),
soonest follow-up first, overdue in red, with the last result and the amount
quoted. `f` sets the next follow-up date, `x` clears it, Enter opens the lead."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date


from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header

from rep_tui.messages import reload_when_synced
from rep_tui.store.models import ResultCode
from rep_tui.store.queries import BeBack
from rep_tui.widgets.be_back_table import BeBackTable
from rep_tui.widgets.footer import RepFooter
from rep_tui.store_io import in_store
from rep_tui.widgets.loading import loaded
from rep_tui.widgets.row_table import TableSection


@dataclass(frozen=True)
class BeBackList:
    today: date
    codes: dict[str, ResultCode]
    items: list[BeBack]


class BeBacksScreen(Screen):
    TITLE = "Be Backs"
    CSS_PATH = "../styles/bebacks.tcss"
    BINDINGS = [
        Binding("f", "set_follow_up", "Set follow-up"),
        Binding("x", "clear_follow_up", "Clear date"),
        Binding("delete", "clear_follow_up", "Clear date", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[uuid.UUID, BeBack] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield TableSection("", BeBackTable(id="be-backs"), "No be-backs and no follow-ups: nobody to go back to.",
                           fit_rows=False, id="be-backs-section")
        yield RepFooter()

    def on_mount(self) -> None:
        self.query_one("#be-backs-section").loading = True
        reload_when_synced(self, {"leads", "jobs", "appointments"}, self._load)

    def on_screen_resume(self) -> None:
        self._load()

    def _load(self) -> None:
        from rep_tui.clock import local_today
        from rep_tui.store import queries

        app = self.app

        def read(session) -> BeBackList:
            return BeBackList(
                today=local_today(app.tz),
                codes={c.code: c for c in queries.result_codes(session)},
                items=queries.be_backs(session, app.user.id),
            )

        in_store(self, "read the be-backs", read, self._show, group="be-backs")

    def _show(self, data: BeBackList) -> None:
        self.items = {item.lead.id: item for item in data.items}
        table = self.query_one("#be-backs", BeBackTable)
        table.show_be_backs(data.items, data.today, self.app.tz, data.codes)
        overdue = sum(1 for item in data.items if item.overdue(data.today))
        due_today = sum(1 for item in data.items if item.follow_up_on == data.today)
        undated = sum(1 for item in data.items if item.follow_up_on is None)
        parts = [f"{len(data.items)} to go back to"]
        if overdue:
            parts.append(f"[b $text-error]{overdue} overdue[/]")
        if due_today:
            parts.append(f"[b $text-warning]{due_today} due today[/]")
        if undated:
            parts.append(f"{undated} without a date")
        section = self.query_one("#be-backs-section", TableSection)
        section.show(" · ".join(parts))
        loaded(section)
        if data.items:
            table.focus()

    def _current(self) -> BeBack | None:
        row = self.query_one("#be-backs", BeBackTable).current
        return self.items.get(row.lead_id) if row else None

    def action_set_follow_up(self) -> None:
        from rep_tui.dialogs.follow_up import FollowUpDialog

        item = self._current()
        if item is None:
            return

        def chosen(day: date | None) -> None:
            if day is not None:
                self._write_follow_up(item.lead.id, day)

        self.app.push_screen(FollowUpDialog(item.lead.name, item.follow_up_on), chosen)

    def action_clear_follow_up(self) -> None:
        item = self._current()
        if item is not None and item.follow_up_on is not None:
            self._write_follow_up(item.lead.id, None)

    def _write_follow_up(self, lead_id: uuid.UUID, day: date | None) -> None:
        from rep_tui.domain.dates import format_day
        from rep_tui.store.leads import set_follow_up

        actor = self.app.actor

        def written(name: str) -> None:
            self.app.notify(f"{name}: follow up {format_day(day)}" if day else f"{name}: follow-up date cleared")
            self._load()

        in_store(self, "set the follow-up date", lambda session: set_follow_up(session, actor, lead_id, day).name,
                 written, group="be-backs-write", exclusive=False)
