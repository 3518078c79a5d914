"""Admin (F9, or "Admin" in the Ctrl+P palette): the company's users, teams
and groups, for a user whose group grants "Manage users, teams and groups".

Three tabs (u, t, g): a table each; `a` adds, Enter or `e` edits the row under
the cursor, `d` disables or enables a user, `p` sets their new password
(hashed here, sent by the next sync), `x` deletes the row (a user's
leads go to another user or to no one; a team's members are left with no
team; a group's fall back to their role's defaults). A group's form ticks
what its members may do. Nothing here lets the one making a change lock
themselves out (lose "Manage users") or leave the company with no active admin. Every change is a local write that syncs like any other, so
it works offline; the server refuses it from anyone without the permission,
and F7 then says why. A user added here signs in once a password is set
(`p`, or `rep-tui admin users password` on the server)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static, TabbedContent, TabPane

from rep_tui.domain.forms import FormErrors
from rep_tui.domain.permissions import Permission
from rep_tui.domain.safe_text import visible
from rep_tui.messages import reload_when_synced
from rep_tui.store.people import People
from rep_tui.store_io import in_store, or_refusal
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.markup_text import in_markup
from rep_tui.widgets.row_table import Column, RowTable, TableRow, Toned

#: The tables a sync may change under this screen.
SHOWN_TABLES = {"users", "teams", "user_groups", "offices"}
TABS = ("users", "teams", "groups")


class PeopleTable(RowTable):
    """A row per user, team or group; Enter edits it."""

    BINDINGS = [Binding("enter", "screen.edit", "Edit")]


@dataclass(frozen=True)
class Tab:
    """What a tab's table holds: its rows and, by row key, the row's full text for the line below."""

    rows: list[TableRow]
    details: dict[str, str]


def _grant_text(permissions: list[str]) -> str:
    known = {p.value: p.label for p in Permission}
    return ", ".join(known[name] for name in permissions if name in known) or "nothing beyond their leads"


def user_tab(people: People) -> Tab:
    rows, details = [], {}
    for line in people.users:
        user = line.user
        status = Toned("active", "success") if user.active else Toned("disabled", "muted")
        rows.append(TableRow(str(user.id), None, (user.full_name, user.username, user.role, line.team,
                                                  line.group or Toned("(role's)", "muted"), str(line.leads), status)))
        reach = " · ".join(part for part in (user.email, user.phone) if part) or "no email or phone"
        reset = f" · new password {line.password_reset}" if line.password_reset else ""
        details[str(user.id)] = f"{user.full_name} ({user.username}): {reach}{reset}"
    return Tab(rows, details)


def team_tab(people: People) -> Tab:
    rows, details = [], {}
    for line in people.teams:
        team = line.team
        rows.append(TableRow(str(team.id), None, (team.name, line.office, line.manager or Toned("(none)", "muted"),
                                                  str(line.members))))
        details[str(team.id)] = f"{team.name}: {line.members} member(s), manager {line.manager or 'none'}"
    return Tab(rows, details)


def group_tab(people: People) -> Tab:
    rows, details = [], {}
    for line in people.groups:
        group = line.group
        grant = _grant_text(group.permissions or [])
        rows.append(TableRow(str(group.id), None, (group.name, str(line.members), grant)))
        details[str(group.id)] = f"{group.name} may: {grant}"
    return Tab(rows, details)


class AdminScreen(Screen):
    TITLE = "Admin"
    CSS_PATH = "../styles/admin.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit", show=False),
        Binding("d", "toggle_active", "Disable/enable"),
        Binding("p", "password", "Password", tooltip="Set the user's new password"),
        Binding("x,delete", "delete", "Delete"),
        Binding("u", "tab('users')", "Users", show=False),
        Binding("t", "tab('teams')", "Teams", show=False),
        Binding("g", "tab('groups')", "Groups", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.people = People([], [], [], [])
        self.details: dict[str, dict[str, str]] = {tab: {} for tab in TABS}
        #: The row a form just saved: the cursor goes to it once the tables are read again.
        self.saved_key: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="admin-tabs"):
            with TabPane("Users (u)", id="users"):
                yield PeopleTable((Column("Name", 16, grow=2), Column("Username", 10), Column("Role", 7),
                                   Column("Team", 10, grow=1), Column("Group", 12, grow=1),
                                   Column("Leads", 5, wide_only=True), Column("Status", 8)), id="users-table")
            with TabPane("Teams (t)", id="teams"):
                yield PeopleTable((Column("Team", 20, grow=2), Column("Office", 14, grow=1),
                                   Column("Manager", 20, grow=1), Column("Members", 7)), id="teams-table")
            with TabPane("Groups (g)", id="groups"):
                yield PeopleTable((Column("Group", 16, grow=1), Column("Members", 7),
                                   Column("May", 46, grow=3)), id="groups-table")
        yield Static(id="admin-detail")
        yield RepFooter()

    def on_mount(self) -> None:
        self.query_one("#admin-tabs").loading = True
        reload_when_synced(self, SHOWN_TABLES, self.load)
        self.load()

    def on_unmount(self) -> None:
        self.app.rows_changed_signal.unsubscribe(self)

    def load(self) -> None:
        from rep_tui.store.people import read_people

        in_store(self, "read the users, teams and groups", read_people, self._show, group="admin-load")

    def _show(self, people: People) -> None:
        self.people = people
        self.query_one("#admin-tabs").loading = False
        for name, tab in (("users", user_tab(people)), ("teams", team_tab(people)), ("groups", group_tab(people))):
            self.details[name] = tab.details
            self.query_one(f"#{name}-table", PeopleTable).show(tab.rows)
        table = self.table
        keys = [row.key for row in table.rows_shown]
        if self.saved_key in keys:
            table.move_cursor(row=keys.index(self.saved_key), animate=False)
        self.saved_key = None
        table.focus()
        self._show_detail()

    @property
    def tab(self) -> str:
        return self.query_one("#admin-tabs", TabbedContent).active or "users"

    @property
    def table(self) -> PeopleTable:
        return self.query_one(f"#{self.tab}-table", PeopleTable)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("toggle_active", "password"):
            return self.tab == "users"
        return True

    def action_tab(self, name: str) -> None:
        self.query_one("#admin-tabs", TabbedContent).active = name

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.table.focus()
        self.refresh_bindings()
        self._show_detail()

    @on(PeopleTable.RowHighlighted)
    def _show_detail(self) -> None:
        row = self.table.current
        self.query_one("#admin-detail", Static).update(
            visible(self.details[self.tab].get(row.key, "")) if row else "Nothing here yet: a adds one.")

    def _form(self, row_key: str | None):
        """The form for the current tab: the row `row_key`'s, or a new one."""
        from rep_tui.screens.admin_dialogs import GroupDialog, TeamDialog, UserDialog

        people = self.people
        teams = [(line.team.name, line.team.id) for line in people.teams]
        groups = [(line.group.name, line.group.id) for line in people.groups]
        if self.tab == "users":
            user = next((line.user for line in people.users if str(line.user.id) == row_key), None)
            return UserDialog(user, teams, groups)
        if self.tab == "teams":
            team = next((line.team for line in people.teams if str(line.team.id) == row_key), None)
            managers = [(line.user.full_name, line.user.id) for line in people.users
                        if line.user.role in ("manager", "admin") and line.user.active]
            return TeamDialog(team, [(office.name, office.id) for office in people.offices], managers)
        group = next((line.group for line in people.groups if str(line.group.id) == row_key), None)
        return GroupDialog(group)

    def _open(self, row_key: str | None) -> None:
        if row_key is not None and self._admin_account_refused(row_key):
            return
        self.app.push_screen(self._form(row_key), self._saved)

    def _admin_account_refused(self, row_key: str) -> bool:
        """Only an admin changes an admin's account (the server refuses anyone
        else): say so here instead of letting the change be refused on sync."""
        if self.tab != "users" or self.app.user.role == "admin":
            return False
        if any(str(line.user.id) == row_key and line.user.role == "admin" for line in self.people.users):
            self.notify("Only an admin may change an admin's account.", severity="warning")
            return True
        return False

    def _saved(self, row_key: str | None) -> None:
        if row_key:
            self.saved_key = row_key
            self.app.refresh_permissions()
            self.load()

    def action_add(self) -> None:
        self._open(None)

    def action_edit(self) -> None:
        row = self.table.current
        if row is not None:
            self._open(row.key)

    def action_delete(self) -> None:
        row = self.table.current
        if row is None:
            return
        if self.tab == "users":
            self._delete_user(row.key)
        else:
            self._delete_team_or_group(row.key)

    def _delete_user(self, row_key: str) -> None:
        """Ask what becomes of the user's leads, then delete them."""
        from rep_tui.screens.admin_dialogs import DeleteUserDialog

        line = next((line for line in self.people.users if str(line.user.id) == row_key), None)
        if line is None:
            return
        if line.user.id == self.app.user.id:
            self.notify("You cannot delete yourself.", severity="warning")
            return
        if self._admin_account_refused(row_key):
            return
        others = [(other.user.full_name, other.user.id) for other in self.people.users
                  if other.user.active and other.user.id != line.user.id]
        self.app.push_screen(DeleteUserDialog(line.user, line.leads, others), self._saved)

    def _delete_team_or_group(self, row_key: str) -> None:
        """Ask, saying what becomes of the members, then delete the team or group."""
        from rep_tui.screens.confirm import ConfirmScreen
        from rep_tui.store import people

        row_id = uuid.UUID(row_key)
        if self.tab == "teams":
            line = next(line for line in self.people.teams if line.team.id == row_id)
            name, members, after = line.team.name, line.members, "will have no team"
            delete = people.delete_team
        else:
            group = next(line for line in self.people.groups if line.group.id == row_id)
            name, members, after = group.group.name, group.members, "fall back to their role's defaults"
            delete = people.delete_group
        question = f"Delete {name}? " + (f"Its {members} member(s) {after}." if members else "It has no members.")

        def answered(yes: bool | None) -> None:
            if yes:
                in_store(self, f"delete {name}", or_refusal(lambda session: delete(session, self.app.actor, row_id)),
                         self._changed, group="admin-save")

        self.app.push_screen(ConfirmScreen(in_markup(question), yes="Delete", no="Keep"), answered)

    def _changed(self, outcome: object) -> None:
        """After a delete or a toggle: say why it was refused, or show the tables again."""
        if isinstance(outcome, FormErrors):
            self.notify(" ".join(outcome.errors.values()), severity="warning", timeout=6)
            return
        self.app.refresh_permissions()
        self.load()

    def action_password(self) -> None:
        from rep_tui.screens.admin_dialogs import PasswordDialog

        row = self.table.current
        line = next((line for line in self.people.users if row and str(line.user.id) == row.key), None)
        if line is None or self._admin_account_refused(row.key):
            return

        def set_(row_key: str | None) -> None:
            if row_key:
                self.notify(f"{line.user.full_name}'s new password goes to the server with the next sync.",
                            timeout=5)
                self._saved(row_key)

        self.app.push_screen(PasswordDialog(line.user), set_)

    def action_toggle_active(self) -> None:
        row = self.table.current
        if self.tab != "users" or row is None or self._admin_account_refused(row.key):
            return
        from rep_tui.store.people import toggle_active

        in_store(self, "disable or enable the user",
                 or_refusal(lambda session: toggle_active(session, self.app.actor, row.key)), self._toggled,
                 group="admin-save")

    def _toggled(self, outcome: bool | FormErrors) -> None:
        if isinstance(outcome, FormErrors):
            self._changed(outcome)
            return
        self.notify("Enabled: they may sign in again." if outcome
                    else "Disabled: they cannot sign in once this syncs.", timeout=4)
        self.load()
