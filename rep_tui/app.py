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
from textual.signal import Signal

from rep_tui.commands import AppointmentCommands, LeadCommands, ReminderCommands, ScreenCommands
from rep_tui.domain.permissions import Permission
from rep_tui.domain.safe_text import visible
from rep_tui.messages import OpenLead, ResultAppointment, RowsChanged
from rep_tui.ordered_keys import OrderedKeys
from rep_tui.store_io import StoreFailed

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from rep_tui.device_link import ServerOnDemand, SyncTarget
    from rep_tui.store.db import Store


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
#: Managers' (and admins') Team view: 7 or F8 (F7 is Sync status); a footer item when there is room.
TEAM_KEYS = Binding.Group("Team")
#: The Admin screen (users, teams, groups): F9, for whoever may manage users; a footer item when there is room.
ADMIN_KEYS = Binding.Group("Admin")


def show_top(screen: Screen) -> None:
    """A main screen from its top: its main widget focused (`focus_top()`,
    else the first that can take focus), tables on their first row, scrolled home."""
    from textual.containers import ScrollableContainer
    from textual.widgets import DataTable

    for table in screen.query(DataTable):
        if table.row_count:
            table.move_cursor(row=0, scroll=False)
        table.scroll_home(animate=False)
    for scroll in screen.query(ScrollableContainer):
        scroll.scroll_home(animate=False)
    screen.scroll_home(animate=False)
    focus_top = getattr(screen, "focus_top", None)
    if focus_top is not None:
        focus_top()
    else:
        screen.set_focus(None)
        screen.focus_next()


class RepApp(OrderedKeys):
    """rep-tui: a sales rep's day, keyboard first, offline first."""

    TITLE = "rep-tui"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = App.COMMANDS | {ScreenCommands, LeadCommands, AppointmentCommands, ReminderCommands}
    MODES = {mode: _lazy(module, cls) for mode, _key, _title, module, cls in MAIN_SCREENS} | {
        "team": _lazy("team", "TeamScreen")}
    DEFAULT_MODE = "dashboard"
    BINDINGS = [
        Binding("question_mark", "app.help", "Help", show=True, key_display="?"),
        *(Binding(key, f"app.show_screen('{mode}')", title, show=False) for mode, key, title, *_ in MAIN_SCREENS),
        # Priority: F1–F6 work everywhere, in dialogs and text fields too (a TextArea's own F6/F7 give way).
        *(Binding(f"f{i}", f"app.show_screen('{mode}')", title, group=SCREEN_KEYS, priority=True)
          for i, (mode, _k, title, *_) in enumerate(MAIN_SCREENS, start=1)),
        Binding("slash", "app.show_screen('search')", "Search", show=False),
        Binding("escape", "app.back", "Back", show=False),
        Binding("ctrl+t", "app.toggle_theme", "Dark / light theme", show=False),
        Binding("f7", "app.sync_status", "Sync status", show=False),
        Binding("7", "app.team", "Team", show=False),
        Binding("f8", "app.team", "Team", group=TEAM_KEYS),
        Binding("f9", "app.admin", "Admin", group=ADMIN_KEYS),
        Binding("f10", "app.custom_fields", "Custom fields", show=False),
        Binding("f11", "app.unassigned", "Unassigned leads", show=False),
        Binding("f12", "app.vendors", "Vendors", show=False),
        Binding("8", "app.customers", "Customers", show=False),
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
        #: Publishes the set of tables a sync changed; screens hear it through `messages.reload_when_synced`.
        self.rows_changed_signal: Signal[frozenset[str]] = Signal(self, "rows-changed")
        from rep_tui.config import load_settings

        self.settings = load_settings()
        self.store = store
        store.on_failure = self._store_failed
        self._last_store_failure: BaseException | None = None
        from rep_tui.themes import readable_themes

        for theme in readable_themes():
            self.register_theme(theme)
        self.theme = self.settings.theme
        from rep_tui.store.models import User
        from rep_tui.store.queries import current_user, get_setting, permissions_of, time_zone_of
        from rep_tui.store.writes import Actor

        with store.session() as session:  # before the app runs: nothing to freeze yet
            user = current_user(session) if user_id is None else session.get(User, user_id)
            self._time_zone = time_zone_of(session, user, self.settings.time_zone) if user else None
            device = get_setting(session, "device_id") or "local"
            self.permissions = permissions_of(session, user) if user else frozenset()
        if user is None:
            raise SystemExit("No user is signed in on this device: run `rep-tui demo` or `rep-tui login SERVER`.")
        self.user = user
        #: Who every write of this app is recorded as: the user on this device (set at sign-in, before the app).
        self.actor: Actor = Actor(user.id, user.full_name, device)
        self.sub_title = f"{user.full_name} · {user.role}"

    def may(self, permission: Permission) -> bool:
        """Whether the signed-in user may use an office function: what the app
        hides when not (the server refuses it anyway)."""
        return permission in self.permissions

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

    def _store_failed(self, error: BaseException) -> None:
        """From any thread, any screen's session: a damaged store, a full disk,
        a read-only file… is told in its sentence (the screen that was saving
        stays open with what was typed; the transaction rolled back)."""
        from rep_tui.store.health import diagnose

        if diagnose(error, self.store.path) is not None:
            self.post_message(StoreFailed("use the local store", error))

    def _handle_exception(self, error: Exception) -> None:
        """A store problem no screen caught: from a worker, it was told in a
        notification (`_store_failed`) and the app goes on, keeping what the
        rep typed; from anywhere else, the app closes with the sentence, not
        a traceback. Anything else is a bug: Textual shows its traceback."""
        from textual.worker import WorkerFailed

        from rep_tui.store.health import diagnose

        in_worker = isinstance(error, WorkerFailed)
        problem = diagnose(error.error if in_worker else error, self.store.path)
        if problem is None:
            super()._handle_exception(error)
        elif not in_worker:
            self.exit(return_code=1, message=problem.sentence)

    def on_store_failed(self, message: StoreFailed) -> None:
        """A read or write of the local store failed: say what, in words; nothing was half-saved.
        One failure is told once, though both the store's hook and `in_store` report it."""
        from rep_tui.store.health import diagnose

        if message.error is self._last_store_failure:
            return
        self._last_store_failure = message.error
        problem = diagnose(message.error, self.store.path)
        if problem is not None:
            self.notify(problem.sentence, severity="error", timeout=20)
            return
        reason = str(message.error).splitlines()[0] if str(message.error) else type(message.error).__name__
        self.notify(f"Could not {message.what}: {reason}. Nothing was changed.", severity="error", timeout=10)

    def on_result_appointment(self, message: ResultAppointment) -> None:
        from rep_tui.dialogs.result import ResultDialog

        self.push_screen(ResultDialog(message.appointment_id))

    def action_help(self) -> None:
        from rep_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_show_screen(self, mode: str) -> None:
        """1–6, F1–F6, `/` and the palette: that main screen's top, from
        anywhere — what was opened on top of it (a lead, a dialog) is closed,
        after "Discard changes?" when a form there holds typed text, and the
        screen shows its main widget at the top (Search: the box, its text
        selected). The key of the screen you are on does the same."""
        from rep_tui.screens.confirm import DISCARD_QUESTION, ConfirmScreen
        from rep_tui.screens.form_dialog import KeepsTypedText

        await self.switch_mode(mode)
        if isinstance(self.screen, ConfirmScreen) and self.screen.question == DISCARD_QUESTION:
            return  # already asking: answer first
        if any(isinstance(screen, KeepsTypedText) and screen.has_changes for screen in self.screen_stack[1:]):
            from rep_tui.screens.confirm import ask_to_discard

            ask_to_discard(self, lambda: self.call_later(self._show_top))
            return
        await self._show_top()

    async def _show_top(self) -> None:
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        show_top(self.screen)

    async def action_back(self) -> None:
        """Esc where the screen has no back of its own: a main screen goes back
        to the Dashboard (what it holds is kept for when it is shown again)."""
        if len(self.screen_stack) > 1:
            await self.pop_screen()
        elif self.current_mode != self.DEFAULT_MODE:
            await self.action_show_screen(self.DEFAULT_MODE)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Back needs something behind; the Team view's keys are a manager's (a
        rep neither sees nor uses them, and they are left out of the Team
        view's own footer); Admin needs the permission."""
        if action == "back":  # nothing behind the Dashboard
            return len(self.screen_stack) > 1 or self.current_mode != self.DEFAULT_MODE
        if action == "team":
            return self.user.watches_team and not (self.current_mode == "team" and len(self.screen_stack) == 1)
        if action == "admin":
            from rep_tui.screens.admin import AdminScreen

            return self.may(Permission.MANAGE_USERS) and not any(
                isinstance(screen, AdminScreen) for screen in self.screen_stack)
        if action == "custom_fields":
            return self.may(Permission.EDIT_CUSTOM_FIELDS)
        if action == "unassigned":
            return self.sees_unassigned
        return True

    async def action_team(self) -> None:
        """7, F8, `t` on My Stats: each rep's numbers and the leaderboard, even
        from a rep or a lead opened from it."""
        from rep_tui.screens.team import TeamScreen

        if not self.user.watches_team:
            return
        await self.switch_mode("team")
        while not isinstance(self.screen, TeamScreen) and len(self.screen_stack) > 1:
            await self.pop_screen()

    def action_reports(self) -> None:
        """The palette and `r` on Team: reports by period, for whoever watches a team."""
        from rep_tui.screens.reports import ReportsScreen

        if self.user.watches_team:
            self.push_screen(ReportsScreen())

    def action_admin(self) -> None:
        """F9 and the palette: users, teams and groups, for whoever may manage them."""
        from rep_tui.screens.admin import AdminScreen

        if self.check_action("admin", ()):
            self.push_screen(AdminScreen())

    def refresh_permissions(self) -> None:
        """Read the user's permissions again (their group or its grant changed, here or by a sync)."""
        from rep_tui.store.models import User
        from rep_tui.store.queries import permissions_of
        from rep_tui.store_io import in_store

        def read(session) -> frozenset[Permission]:
            user = session.get(User, self.user.id)
            return permissions_of(session, user) if user is not None else frozenset()

        def use(permissions: frozenset[Permission]) -> None:
            self.permissions = permissions
            self.refresh_bindings()

        in_store(self, "read your permissions", read, use, group="permissions")

    def format_title(self, title: str, sub_title: str):
        """Textual dims the sub-title, too faint to read on the light theme.
        Titles hold names (a lead's, a rep's): control characters shown as symbols."""
        from textual.content import Content

        if not sub_title:
            return Content(visible(title))
        return Content.assemble(visible(title), (f" — {visible(sub_title)}", "$text-muted"))

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification, the app's own and a widget's: they hold names,
        file names and reasons, so they are never read as markup (a name like
        "[@click=app.quit]" stays text; no notification of ours uses markup)
        and their control characters are shown as symbols."""
        super().notify(visible(message, lines=True), title=visible(title), severity=severity, timeout=timeout,
                       markup=False)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    # --- sync ---------------------------------------------------------------------

    def on_mount(self) -> None:
        """Every header says where changes go ("local only" without a server),
        and the sync starts in the background."""
        self.screen_change_signal.subscribe(self, self._attach_sync_indicator)
        self.call_after_refresh(self._attach_sync_indicator, self.screen)
        self._freeze_start_up_heap()
        if self.sync_target is None:
            return
        from rep_tui.device_link import on_outbox_grow
        from rep_tui.sync.state import SyncStatus

        self.sync_status = SyncStatus("syncing")
        self._stop_watching_outbox = on_outbox_grow(self.store, lambda: self.post_message(self.OutboxGrew()))
        self._sync_in_background()

    def _freeze_start_up_heap(self) -> None:
        """What the app holds once started (Textual, SQLAlchemy, the models, the
        main screen) lives as long as the app, yet every full garbage collection
        walks it again: a pause of a tenth of a second or more, several times a
        minute while a rep opens leads. Collect the start-up garbage, then move
        the rest out of the collector's sight (`gc.freeze`) until the app ends.
        Once, as the app mounts, before any key or call can open a lead or a
        dialog: anything frozen later (a lead just closed, or one being opened)
        would stay in memory for good."""
        import gc

        gc.collect()
        gc.freeze()

    def on_unmount(self) -> None:
        import gc

        gc.unfreeze()  # what the app held can be collected again (another app may run in this process: tests)
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
            on_report=lambda report: self._sync_reported(client, report))
        try:
            if not self._sync_stopping.is_set():
                loop.run()
        finally:
            client.close()

    def _sync_reported(self, client, report) -> None:
        """From the sync thread: the new status, and which tables changed, if any."""
        self.post_message(self.SyncStatusChanged(client.status))
        if report is not None and report.changed_tables:
            self.post_message(RowsChanged(frozenset(report.changed_tables)))

    def on_rows_changed(self, message: RowsChanged) -> None:
        if message.tables & {"users", "user_groups"}:
            self.refresh_permissions()
        self.rows_changed_signal.publish(message.tables)

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

    def action_custom_fields(self) -> None:
        """F10: the customer fields the office defines (for a user allowed to edit them)."""
        from rep_tui.screens.custom_fields import CustomFieldsScreen

        if self.may(Permission.EDIT_CUSTOM_FIELDS) and not isinstance(self.screen, CustomFieldsScreen):
            self.push_screen(CustomFieldsScreen())

    @property
    def sees_unassigned(self) -> bool:
        """Whether the server sends this user the leads no rep has (the Unassigned queue)."""
        from rep_tui.domain.permissions import sees_unassigned

        return sees_unassigned(self.user.role, self.permissions)

    def action_unassigned(self) -> None:
        """F11 and the palette: the web form's leads waiting for a rep, to give out."""
        from rep_tui.screens.unassigned import UnassignedScreen

        if self.sees_unassigned and not isinstance(self.screen, UnassignedScreen):
            self.push_screen(UnassignedScreen())

    def action_vendors(self) -> None:
        """F12: the vendor directory (everyone reads it; `EDIT_VENDORS` edits it)."""
        from rep_tui.screens.vendors import VendorsScreen

        if not isinstance(self.screen, VendorsScreen):
            self.push_screen(VendorsScreen())

    def action_customers(self) -> None:
        """8 and the palette: every customer on this device, sorted and filtered."""
        from rep_tui.screens.customer_list import CustomerListScreen

        if not isinstance(self.screen, CustomerListScreen):
            self.push_screen(CustomerListScreen())

    def extra_commands(self):
        """Sync commands, and the office screens this user may use, for the palette (see `commands.ScreenCommands`)."""
        yield "Sync status", self.action_sync_status, "F7: changes waiting, conflicts, quarantine"
        yield "Sync now", self.action_sync_now, "send and fetch changes now"
        yield "Customers: every customer, sorted and filtered", self.action_customers, "8"
        yield "Vendors: installers, suppliers and whom to call there", self.action_vendors, "F12; filter by type"
        if self.may(Permission.EDIT_CUSTOM_FIELDS):
            yield "Custom fields: define customer fields", self.action_custom_fields, "F10"
        if self.sees_unassigned:
            yield "Unassigned leads: give the web form's leads to reps", self.action_unassigned, "F11"
        if self.user.role == "admin":
            yield "Installer checklist items: what is ticked on each job", self.action_checklist_items, \
                "add, rename, retire"
        if self.may(Permission.EDIT_RESULT_CODES):
            yield "Result codes", self.action_result_codes, "add, edit, stop offering; flags that decide the stats"
            yield "Job statuses", self.action_job_statuses, "the list a job's status is set from (S on the Job tab)"

    def action_checklist_items(self) -> None:
        """The installer checklist's items (an admin's to define: the server checks too)."""
        from rep_tui.screens.office_lists import CHECKLIST, OfficeListScreen

        self.push_screen(OfficeListScreen(CHECKLIST))

    def action_result_codes(self) -> None:
        """The office's list of result codes, for a user allowed to edit them."""
        from rep_tui.screens.result_codes import ResultCodesScreen

        if self.may(Permission.EDIT_RESULT_CODES) and not isinstance(self.screen, ResultCodesScreen):
            self.push_screen(ResultCodesScreen())

    def action_job_statuses(self) -> None:
        """The office's list of job statuses, for a user allowed to edit it (as result codes)."""
        from rep_tui.screens.job_statuses import JobStatusesScreen

        if self.may(Permission.EDIT_RESULT_CODES) and not isinstance(self.screen, JobStatusesScreen):
            self.push_screen(JobStatusesScreen())
