"""Set a rep's targets for a month (net sales $, units sold, issued): the
fields and their checks come from the `targets` columns' specs. A local write
that syncs like any edit; the server takes it only from a user who may set
targets, for a rep they see.

    set_target(screen, rep, month, done)   # s on the Team view
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from textual.app import ComposeResult
from textual.screen import Screen

from rep_tui.domain.dates import format_month
from rep_tui.domain.fields import used
from rep_tui.domain.forms import FormErrors, check_target
from rep_tui.domain.validation import format_money
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store.models import Target, User
from rep_tui.store_io import in_store
from rep_tui.widgets.form_field import FormField, text_input


def _shown(name: str, value: Any) -> str:
    """A stored value as the form shows it: the month as 2026-12, dollars without cents, 0 as empty."""
    if name == "month":
        return f"{value:%Y-%m}"
    if not value:
        return ""
    return format_money(value).removeprefix("$") if name == "sales_cents" else str(value)


class TargetDialog(FormDialog[dict]):
    """Dismisses with the checked values (`forms.check_target`), or None."""

    def __init__(self, rep_name: str, month: date, target: Target | None) -> None:
        super().__init__()
        self.month = month
        self.target = target
        self.dialog_title = f"Set Targets · {rep_name}"

    def compose_body(self) -> ComposeResult:
        for name, spec in used("targets", "edited").items():
            value = getattr(self.target, name) if self.target is not None else (self.month if name == "month" else 0)
            yield FormField(spec.label, text_input(name, _shown(name, value), spec.placeholder), required=spec.required)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#sales_cents").focus()

    def submit(self) -> None:
        try:
            clean = check_target(self.values())
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(clean)


def set_target(screen: Screen, rep: User, month: date, done: Callable[[], object]) -> None:
    """Open the dialog on the rep's target for `month` (if set), write what is saved, then `done()`."""
    from rep_tui.store.targets import set_target as write_target, targets_of

    app, actor = screen.app, screen.app.actor

    def written(target: Target) -> None:
        app.notify(f"Targets of {rep.full_name} for {format_month(target.month)} set: they sync to the rep's My Stats.")
        done()

    def saved(clean: dict | None) -> None:
        if clean:
            in_store(screen, "set the targets", lambda session: write_target(session, actor, rep.id, **clean),
                     written, exclusive=False)

    in_store(screen, "read the rep's targets", lambda session: targets_of(session, [rep.id], month).get(rep.id),
             lambda target: app.push_screen(TargetDialog(rep.full_name, month, target), saved),
             group="target-read", opens=True)
