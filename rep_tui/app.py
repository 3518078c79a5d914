"""The Textual app: six modes (one per main screen), app-wide keys, the
command palette, and the signed-in user. Screens live in `screens/`."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from rep_tui.commands import AppointmentCommands, LeadCommands, ScreenCommands
from rep_tui.messages import OpenLead, ResultAppointment

if TYPE_CHECKING:
    from rep_tui.store.db import Store
    from rep_tui.store.writes import Actor


def _lazy(module: str, name: str):
    """A mode factory that imports its screen module on first use."""

    def make():
        import importlib

        return getattr(importlib.import_module(f"rep_tui.screens.{module}"), name)()

    return make


MAIN_SCREENS = (
    # (mode, key, title, module, class)
    ("dashboard", "1", "Dashboard", "dashboard", "DashboardScreen"),
    ("search", "2", "Search", "search", "SearchScreen"),
    ("bebacks", "3", "Be Backs", "bebacks", "BeBacksScreen"),
    ("appointments", "4", "Appointments", "appointments", "AppointmentsScreen"),
    ("selfgen", "5", "Self Gen", "selfgen", "SelfGenScreen"),
    ("stats", "6", "My Stats", "stats", "StatsScreen"),
)


class RepApp(App):
    """rep-tui: a sales rep's day, keyboard first, offline first."""

    TITLE = "rep-tui"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = App.COMMANDS | {ScreenCommands, LeadCommands, AppointmentCommands}
    MODES = {mode: _lazy(module, cls) for mode, _key, _title, module, cls in MAIN_SCREENS}
    DEFAULT_MODE = "dashboard"
    BINDINGS = [
        *(Binding(key, f"app.switch_mode('{mode}')", title, show=False) for mode, key, title, *_ in MAIN_SCREENS),
        *(Binding(f"f{i}", f"app.switch_mode('{mode}')", title, show=True)
          for i, (mode, _k, title, *_) in enumerate(MAIN_SCREENS, start=1)),
        Binding("slash", "app.switch_mode('search')", "Search", show=False),
        Binding("question_mark", "app.help", "Help", show=True, key_display="?"),
        Binding("ctrl+t", "app.toggle_theme", "Dark / light theme", show=False),
    ]

    def __init__(self, store: Store, *, user_id: uuid.UUID | None = None) -> None:
        super().__init__()
        from rep_tui.config import load_settings

        self.settings = load_settings()
        self.store = store
        self.theme = self.settings.theme
        from rep_tui.store.models import User
        from rep_tui.store.queries import current_user

        with store.session() as session:
            user = current_user(session) if user_id is None else session.get(User, user_id)
        if user is None:
            raise SystemExit("No user is signed in on this device: run `rep-tui demo` or `rep-tui login SERVER`.")
        self.user = user
        self.sub_title = f"{user.full_name} · {user.role}"

    @property
    def actor(self) -> Actor:
        from rep_tui.store.queries import get_setting
        from rep_tui.store.writes import Actor

        with self.store.session() as session:
            device = get_setting(session, "device_id") or "local"
        return Actor(self.user.id, self.user.full_name, device)

    @property
    def tz(self) -> str:
        return self.settings.time_zone

    def open_lead(self, lead_id: uuid.UUID) -> None:
        """Show a lead's Customer Information on top of the current screen."""
        from rep_tui.screens.customer import CustomerScreen

        self.push_screen(CustomerScreen(lead_id))

    def on_open_lead(self, message: OpenLead) -> None:
        self.open_lead(message.lead_id)

    def on_result_appointment(self, message: ResultAppointment) -> None:
        from rep_tui.dialogs.result import ResultDialog

        self.push_screen(ResultDialog(message.appointment_id))

    def action_help(self) -> None:
        from rep_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
