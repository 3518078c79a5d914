"""Command palette providers (Ctrl+P): every main screen, any lead, app actions.

The providers that read the store (a lead by name, appointments to result)
read it in a thread through `store_io.in_store` and await the answer, so a
slow query never holds a key press."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.worker import WorkerCancelled

from rep_tui.domain.permissions import Permission
from rep_tui.domain.safe_text import visible
from rep_tui.store_io import in_store
from rep_tui.widgets.markup_text import in_markup

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")
Command = tuple[str, Callable[[], Any], str]  # name, what it does, help


async def _read(provider: Provider, what: str, read: Callable[[Session], T]) -> T | None:
    """`read` in a thread; None when it failed (the app says so) or the palette moved on."""
    try:
        return await in_store(provider.app, what, read, group=f"palette: {what}", exclusive=False).wait()
    except WorkerCancelled:
        return None


class ListedCommands(Provider):
    """A provider with a short list of (name, callback, help) commands, matched by name."""

    async def _commands(self) -> list[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, callback, help_text in await self._commands():
            yield DiscoveryHit(Content(visible(name)), callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in await self._commands():
            score = matcher.match(name)
            if score > 0:  # names hold data: highlighted as text, not read as markup
                yield Hit(score, matcher.highlight(in_markup(name)), callback, help=help_text)


class ScreenCommands(ListedCommands):
    """Open a main screen, toggle the theme, show help, and the actions of the screen underneath."""

    async def _commands(self) -> list[Command]:
        from rep_tui.app import MAIN_SCREENS

        app = self.app
        commands = [(f"Open {title}", partial(app.action_show_screen, mode), f"key {key}")
                    for mode, key, title, *_ in MAIN_SCREENS]
        if app.user.watches_team:
            commands.append(("Open Team: each rep's numbers, leaderboard", app.action_team, "key 7 or F8"))
            commands.append(("Reports: sales, closing ratio, volume by rep, team, office, product, source",
                             app.action_reports, "r on Team (F8)"))
        if app.may(Permission.MANAGE_USERS):
            commands.append(("Open Admin: users, teams, groups and permissions", app.action_admin, "F9"))
        commands += [("Toggle dark / light theme", app.action_toggle_theme, "Ctrl+T"),
                     ("Help: keys of this screen", app.action_help, "?")]
        commands += _money_commands(app)
        commands += getattr(app, "extra_commands", lambda: [])()
        commands += getattr(self.screen, "palette_commands", lambda: [])()
        return commands


def _money_commands(app) -> list[Command]:
    """The office's money and data screens, for the users whose permissions allow them."""
    from rep_tui.domain.permissions import Permission

    def push(module: str, name: str) -> Callable[[], Any]:
        def open_screen() -> None:
            import importlib

            app.push_screen(getattr(importlib.import_module(module), name)())

        return open_screen

    commands = []
    if app.may(Permission.EDIT_CATALOGUE):
        commands.append(("Invoice item catalogue: add, edit, take out of sale",
                         push("rep_tui.screens.catalogue", "CatalogueScreen"), "SKU, name, price"))
    if app.may(Permission.SEE_COMMISSIONS):
        commands.append(("Commission report: sale, commission and what the customer paid, per job",
                         push("rep_tui.screens.commissions", "CommissionsScreen"), "also $ on My Stats"))
    if app.may(Permission.EXPORT):
        commands.append(("Data search: find customers or jobs; CSV, labels, letters, emails",
                         push("rep_tui.screens.data_search", "DataSearchScreen"), "saved searches, Ctrl+L last run"))
    return commands


class AppointmentCommands(ListedCommands):
    """Result an appointment: any past one still missing its result, and today's."""

    async def _commands(self) -> list[Command]:
        from rep_tui.clock import local_today, utcnow
        from rep_tui.domain.dates import format_day, format_time, local_day
        from rep_tui.messages import ResultAppointment
        from rep_tui.store import queries

        app = self.app

        def to_result(session: Session) -> list[tuple[Any, str]]:
            rows = queries.missing_results(session, app.user.id, utcnow())
            rows += queries.appointments_on(session, app.user.id, local_today(app.tz), app.tz)
            return [(row.appointment, row.lead.name) for row in rows]

        commands, seen = [], set()
        for appointment, name in await _read(self, "list appointments to result", to_result) or []:
            if appointment.id in seen or appointment.result_code is not None:
                continue
            seen.add(appointment.id)
            start = appointment.starts_at
            when = f"{format_day(local_day(start, app.tz))} {format_time(start, app.tz)}"
            commands.append((f"Result {name} — {when}", partial(app.post_message, ResultAppointment(appointment.id)),
                             "open the Result dialog (r on Dashboard and My Appointments)"))
        return commands


class ReminderCommands(ListedCommands):
    """The signed-in user's reminders due today or overdue: open the lead, or cross one off."""

    async def _commands(self) -> list[Command]:
        from rep_tui.clock import local_today
        from rep_tui.domain.dates import format_day
        from rep_tui.store import queries, reminders

        app = self.app
        today = local_today(app.tz)

        def due(session: Session) -> list[reminders.Due]:
            return reminders.due_for(session, app.user.id, today, queries.day_bounds(today, app.tz)[0])

        commands = []
        for item in await _read(self, "list reminders due", due) or []:
            reminder = item.reminder
            if reminder.done_at is not None:
                continue
            label = f"{reminder.body} — {item.customer} ({format_day(reminder.due_on)})"
            if item.lead is not None:
                commands.append((f"Reminder: {label}", partial(app.open_lead, item.lead.id),
                                 "open the lead (Dashboard: Space marks it done)"))
            commands.append((f"Done: {label}", partial(self._done, reminder.id), "mark the reminder done"))
        return commands

    def _done(self, reminder_id: Any) -> None:
        from rep_tui.messages import RowsChanged
        from rep_tui.store.reminders import set_done

        app = self.app
        actor = app.actor
        def done(_reminder: object) -> None:
            app.notify("Reminder done.")
            app.post_message(RowsChanged(frozenset({"reminders"})))  # the Dashboard shows it crossed off

        in_store(app, "mark the reminder done", lambda session: set_done(session, actor, reminder_id, True), done,
                 exclusive=False)


class LeadCommands(Provider):
    """Find a lead by name, phone, address, PID or Job ID and open it."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        from rep_tui.store.search import search

        app = self.app
        for hit in await _read(self, "search leads", lambda session: search(session, query, limit=8)) or []:
            label = f"{hit.name} — {hit.city or hit.address}"
            if hit.pid:
                label += f" · PID {hit.pid}"
            yield Hit(1.0, Content(visible(label)), partial(app.open_lead, hit.lead_id),
                      help=f"open lead (matched {hit.matched})")
