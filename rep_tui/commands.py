"""Command palette providers (Ctrl+P): every main screen, any lead, app actions."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from rep_tui.domain.safe_text import visible
from rep_tui.widgets.markup_text import in_markup


class ListedCommands(Provider):
    """A provider with a short list of (name, callback, help) commands, matched by name."""

    def _commands(self):
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(Content(visible(name)), callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:  # names hold data: highlighted as text, not read as markup
                yield Hit(score, matcher.highlight(in_markup(name)), callback, help=help_text)


class ScreenCommands(ListedCommands):
    """Open a main screen, toggle the theme, show help, and the actions of the screen underneath."""

    def _commands(self):
        from rep_tui.app import MAIN_SCREENS

        app = self.app
        for mode, key, title, *_ in MAIN_SCREENS:
            yield f"Open {title}", partial(app.action_show_screen, mode), f"key {key}"
        if app.user.watches_team:
            yield "Open Team: each rep's numbers, leaderboard", app.action_team, "key 7 or F8"
        yield "Toggle dark / light theme", app.action_toggle_theme, "Ctrl+T"
        yield "Help: keys of this screen", app.action_help, "?"
        for name, action, help_text in getattr(app, "extra_commands", lambda: [])():
            yield name, action, help_text
        yield from getattr(self.screen, "palette_commands", lambda: [])()


class AppointmentCommands(ListedCommands):
    """Result an appointment: any past one still missing its result, and today's."""

    def _commands(self):
        from rep_tui.clock import local_today, utcnow
        from rep_tui.domain.dates import format_day, format_time, local_day
        from rep_tui.messages import ResultAppointment
        from rep_tui.store import queries

        app = self.app
        with app.store.session() as session:
            rows = queries.missing_results(session, app.user.id, utcnow())
            rows += queries.appointments_on(session, app.user.id, local_today(app.tz), app.tz)
        seen = set()
        for row in rows:
            appointment = row.appointment
            if appointment.id in seen or appointment.result_code is not None:
                continue
            seen.add(appointment.id)
            start = appointment.starts_at
            when = f"{format_day(local_day(start, app.tz))} {format_time(start, app.tz)}"
            yield (f"Result {row.lead.name} — {when}", partial(app.post_message, ResultAppointment(appointment.id)),
                   "open the Result dialog (r on Dashboard and My Appointments)")


class LeadCommands(Provider):
    """Find a lead by name, phone, address, PID or Job ID and open it."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        from rep_tui.store.search import search

        app = self.app
        with app.store.session() as session:
            hits = search(session, query, limit=8)
        for hit in hits:
            label = f"{hit.name} — {hit.city or hit.address}"
            if hit.pid:
                label += f" · PID {hit.pid}"
            yield Hit(1.0, Content(visible(label)), partial(app.open_lead, hit.lead_id),
                      help=f"open lead (matched {hit.matched})")
