"""The Textual app: six modes (one per main screen), app-wide keys, the
command palette, and the signed-in user. Screens live in `screens/`."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive

from rep_tui.commands import AppointmentCommands, LeadCommands, ScreenCommands
from rep_tui.messages import OpenLead, ResultAppointment

if TYPE_CHECKING:
    from rep_tui.device_link import ServerOnDemand, SyncTarget
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
#: Seconds between the app opening and the sync (and a demo device's server) starting.
SYNC_START_DELAY = 1.0
#: F1–F6 take one item in the footer ("f1–f6 Screens"); `?` and Ctrl+P name each.
SCREEN_KEYS = Binding.Group("Screens")


class RepApp(App):
    """rep-tui: a sales rep's day, keyboard first, offline first."""

    TITLE = "rep-tui"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = App.COMMANDS | {ScreenCommands, LeadCommands, AppointmentCommands}
    MODES = {mode: _lazy(module, cls) for mode, _key, _title, module, cls in MAIN_SCREENS}
    DEFAULT_MODE = "dashboard"
    BINDINGS = [
        Binding("question_mark", "app.help", "Help", show=True, key_display="?"),
        *(Binding(key, f"app.switch_mode('{mode}')", title, show=False) for mode, key, title, *_ in MAIN_SCREENS),
        *(Binding(f"f{i}", f"app.switch_mode('{mode}')", title, group=SCREEN_KEYS)
          for i, (mode, _k, title, *_) in enumerate(MAIN_SCREENS, start=1)),
        Binding("slash", "app.search", "Search", show=False),
        Binding("ctrl+t", "app.toggle_theme", "Dark / light theme", show=False),
        Binding("f7", "app.sync_status", "Sync status", show=False),
    ]

    #: What the sync indicator shows: a `SyncStatus`, or None on a device not linked to a server.
    sync_status: reactive[Any] = reactive(None, init=False)

    @dataclass
    class SyncStatusChanged(Message):
        """The background sync has news (posted from its thread)."""

        status: Any

    class OutboxGrew(Message):
        """A local write queued changes to send (posted from the writing thread)."""

    def __init__(self, store: Store, *, user_id: uuid.UUID | None = None,
                 sync: SyncTarget | ServerOnDemand | None = None) -> None:
        super().__init__()
        self.sync_target = sync
        self._sync_client = None
        self._sync_loop = None
        self._sync_stopping = threading.Event()
        self._stop_watching_outbox = None
        from rep_tui.config import load_settings

        self.settings = load_settings()
        self.store = store
        from rep_tui.themes import readable_themes

        for theme in readable_themes():
            self.register_theme(theme)
        self.theme = self.settings.theme
        from rep_tui.store.models import User
        from rep_tui.store.queries import current_user, time_zone_of

        with store.session() as session:
            user = current_user(session) if user_id is None else session.get(User, user_id)
            self._time_zone = time_zone_of(session, user, self.settings.time_zone) if user else None
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
        """The zone of the rep's day: the device's setting, else their office's."""
        return self._time_zone

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

    async def action_search(self) -> None:
        """`/` from anywhere: the Search box itself, ready for a new query, even
        when a lead opened from Search is still on top of it."""
        from rep_tui.screens.search import SearchScreen

        await self.switch_mode("search")
        while not isinstance(self.screen, SearchScreen) and len(self.screen_stack) > 1:
            await self.pop_screen()
        if isinstance(self.screen, SearchScreen):
            self.screen.focus_query()

    def format_title(self, title: str, sub_title: str):
        """Textual dims the sub-title, too faint to read on the light theme."""
        from textual.content import Content

        if not sub_title:
            return Content(title)
        return Content.assemble(title, (f" — {sub_title}", "$text-muted"))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    # --- sync ---------------------------------------------------------------------

    def on_mount(self) -> None:
        """Every header says where changes go ("local only" without a server),
        and the sync starts in the background."""
        self.screen_change_signal.subscribe(self, self._attach_sync_indicator)
        self.call_after_refresh(self._attach_sync_indicator, self.screen)
        if self.sync_target is None:
            return
        from rep_tui.device_link import on_outbox_grow
        from rep_tui.sync.state import SyncStatus

        self.sync_status = SyncStatus("syncing")
        self._stop_watching_outbox = on_outbox_grow(self.store, lambda: self.post_message(self.OutboxGrew()))
        self._sync_in_background()

    def on_unmount(self) -> None:
        self._sync_stopping.set()
        if self._sync_loop is not None:
            self._sync_loop.stop()
        if self._stop_watching_outbox is not None:
            self._stop_watching_outbox()

    def _attach_sync_indicator(self, screen) -> None:
        """Put the indicator on the right of a screen's header, once per screen
        (screens compose their own Header; the app adds the sync state to it)."""
        from textual.widgets import Header

        from rep_tui.widgets.sync_indicator import SyncIndicator

        def attach(tries: int) -> None:
            headers = screen.query(Header)
            if not headers and tries and screen.is_attached:  # the screen may still be composing
                screen.call_after_refresh(attach, tries - 1)
            for header in headers:
                if not header.query(SyncIndicator):
                    header.add_class("-with-sync")
                    header.mount(SyncIndicator())

        screen.call_after_refresh(attach, 20)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync_in_background(self) -> None:
        """Sync soon, then every minute, on every local write and on "Sync now";
        retry with backoff while offline. Never touches widgets: it posts.
        It waits a moment first, so the first screen loads its data without
        the sync's imports (and a demo server's start) competing for the CPU."""
        if self._sync_stopping.wait(SYNC_START_DELAY):
            return
        from rep_tui.device_link import LinkError
        from rep_tui.sync.engine import SyncClient
        from rep_tui.sync.loop import SyncLoop
        from rep_tui.sync.state import SyncStatus

        try:
            target = self.sync_target.ready()  # a demo device's embedded server starts here
        except LinkError as exc:
            self.post_message(self.SyncStatusChanged(SyncStatus("error", last_error=str(exc))))
            return
        client = SyncClient(self.store, target.url, target.token, blobs_dir=target.blobs_dir)
        self._sync_client = client
        self._sync_loop = loop = SyncLoop(
            client, interval=target.interval, first_delay=target.first_delay, max_delay=target.max_delay,
            on_report=lambda _report: self.post_message(self.SyncStatusChanged(client.status)))
        try:
            if not self._sync_stopping.is_set():
                loop.run()
        finally:
            client.close()

    def on_rep_app_sync_status_changed(self, message: SyncStatusChanged) -> None:
        self.sync_status = message.status

    def on_rep_app_outbox_grew(self, _message: OutboxGrew) -> None:
        """Count the new change at once (a quick local query), then wake the sync."""
        if self._sync_client is not None:
            self.sync_status = self._sync_client.status
        if self._sync_loop is not None:
            self._sync_loop.nudge()

    def action_sync_now(self) -> None:
        if self._sync_loop is not None:
            self._sync_loop.nudge()
            self.notify("Syncing now.", timeout=2)
        else:
            self.notify("This device is not linked to a server: run `rep-tui login SERVER`.", severity="warning")

    def action_sync_status(self) -> None:
        from rep_tui.screens.sync_status import SyncStatusScreen

        if not isinstance(self.screen, SyncStatusScreen):
            self.push_screen(SyncStatusScreen())

    def extra_commands(self):
        """Sync commands for the palette (see `commands.ScreenCommands`)."""
        yield "Sync status", self.action_sync_status, "F7: changes waiting, conflicts, quarantine"
        yield "Sync now", self.action_sync_now, "send and fetch changes now"
