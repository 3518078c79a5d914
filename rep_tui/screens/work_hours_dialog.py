"""Set a user's work hours, a line per weekday ("8-6", "9am-5pm", "off"):
the fields and their checks come from the `work_hours` columns' specs. A
local write that syncs like any edit; the server takes it from the user
themselves, or from whoever may edit the user's calendar (for a user they see).

    set_work_hours(screen, user_id, name, done)   # h on My Appointments
"""

from __future__ import annotations

import uuid
from typing import Callable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from rep_tui.domain.fields import used
from rep_tui.domain.forms import FormErrors, check_work_hours
from rep_tui.domain.work_hours import EXAMPLE, format_span
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store_io import in_store
from rep_tui.widgets.form_field import FormField, text_input


class WorkHoursDialog(FormDialog[dict]):
    """Dismisses with the checked week ({"mon": "8-18", "sun": None, ...}), or None."""

    DEFAULT_CSS = "WorkHoursDialog .hint { color: $text-muted; margin-bottom: 1; }"

    def __init__(self, name: str, week: dict[str, str | None]) -> None:
        super().__init__()
        self.week = week
        self.dialog_title = f"Work Hours · {name}"

    def compose_body(self) -> ComposeResult:
        yield Static(f"Each weekday's hours, {EXAMPLE}. Bookings outside them are warned about.", classes="hint")
        for day, spec in used("work_hours", "edited").items():
            yield FormField(spec.label, text_input(day, format_span(self.week[day]), spec.placeholder))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#mon").focus()

    def submit(self) -> None:
        try:
            clean = check_work_hours(self.values())
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(clean)


def set_work_hours(screen: Screen, user_id: uuid.UUID, name: str, done: Callable[[], object]) -> None:
    """Open the dialog on the user's week, write what is saved, then `done()`."""
    from rep_tui.store.work_hours import set_work_hours as write_week, week_of

    app, actor = screen.app, screen.app.actor
    whose = "Your" if user_id == app.user.id else f"{name}'s"

    def written(_row) -> None:
        app.notify(f"{whose} work hours are set: they sync to {'your' if whose == 'Your' else 'their'} devices.",
                   title="Saved")
        done()

    def saved(week: dict | None) -> None:
        if week:
            in_store(screen, "set the work hours", lambda session: write_week(session, actor, user_id, week),
                     written, exclusive=False)

    in_store(screen, "read the work hours", lambda session: week_of(session, user_id, app.settings.work_hours),
             lambda week: app.push_screen(WorkHoursDialog(name, week), saved), group="work-hours-read", opens=True)
