"""The Admin screen's forms: a user, a team, a group and what it grants.

Each saves itself (through `store.people`, in a worker) and closes only when
the store took the change; a refused field is marked with its reason and the
typed text stays. Esc asks before throwing typed text away."""

from __future__ import annotations

import uuid
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Checkbox, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from rep_tui.domain.fields import specs, used
from rep_tui.domain.forms import FormErrors
from rep_tui.domain.permissions import Permission
from rep_tui.domain.rules import ROLES
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store import people
from rep_tui.store.models import Team, User, UserGroup
from rep_tui.store_io import in_store, or_refusal
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.markup_text import in_markup

Choices = list[tuple[str, uuid.UUID]]


def _picker(name: str, options: list[tuple[str, Any]], value: Any, prompt: str) -> Select:
    """A Select of (label, value); labels are names, so markup is not read in them."""
    return Select([(in_markup(label), key) for label, key in options], id=name, prompt=prompt, compact=True,
                  value=Select.NULL if value is None else value)


class SavingDialog(FormDialog[str]):
    """A form whose Save writes the store: `save(session, values)` (returning
    the row) in a worker; dismisses with the row's id once written, or shows
    the fields the store refused."""

    what = "save"
    table = ""
    row: Any = None

    def typed_fields(self) -> ComposeResult:
        """The row's columns typed in this form, as their specs say (`domain.fields`)."""
        for name, spec in used(self.table, "edited").items():
            value = getattr(self.row, name) if self.row is not None else None
            yield FormField(spec.label, text_input(name, value, spec.placeholder), required=spec.required)

    def save(self, session, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def submit(self) -> None:
        values = self.values()
        in_store(self, self.what, or_refusal(lambda session: str(self.save(session, values).id)), self._saved,
                 group="admin-save")

    def _saved(self, outcome: FormErrors | str) -> None:
        if isinstance(outcome, FormErrors):
            self.show_errors(outcome.errors)
        else:
            self.dismiss(outcome)


class UserDialog(SavingDialog):
    """Add or edit a user: name, username, email, phone, role, team, group, and
    active (unticked: disabled). Only an admin is offered the admin role (the server says the same)."""

    table = "users"

    def __init__(self, user: User | None, teams: Choices, groups: Choices) -> None:
        super().__init__()
        self.row = user
        self.teams, self.groups = teams, groups
        self.dialog_title = f"Edit User — {user.full_name}" if user else "Add User"
        self.what = "save the user"

    def compose_body(self) -> ComposeResult:
        user = self.row
        yield from self.typed_fields()
        role = user.role if user else "rep"
        roles = [r for r in ROLES if r != "admin" or self.app.user.role == "admin" or role == "admin"]
        yield FormField(specs("users")["role"].label, _picker("role", [(r.title(), r) for r in roles], role, "Role"),
                        required=True)
        yield FormField("Team", _picker("team_id", self.teams, user.team_id if user else None, "(no team)"))
        yield FormField("Group", _picker("group_id", self.groups, user.group_id if user else None,
                                         "(no group: the role's defaults)"))
        yield FormField("Active", Checkbox("may sign in", user.active if user else True, id="active", compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#username").focus()

    def save(self, session, values: dict[str, Any]) -> Any:
        if values.get("role") is None:
            raise FormErrors({"role": "Role is required."})
        return people.save_user(session, self.app.actor, self.row.id if self.row else None, values)


class TeamDialog(SavingDialog):
    """Add or edit a team: name, office, manager."""

    table = "teams"

    def __init__(self, team: Team | None, offices: Choices, managers: Choices) -> None:
        super().__init__()
        self.row = team
        self.offices, self.managers = offices, managers
        self.dialog_title = f"Edit Team — {team.name}" if team else "Add Team"
        self.what = "save the team"

    def compose_body(self) -> ComposeResult:
        team = self.row
        yield from self.typed_fields()
        yield FormField("Office", _picker("office_id", self.offices, team.office_id if team else None, "(no office)"))
        yield FormField("Manager", _picker("manager_id", self.managers, team.manager_id if team else None,
                                           "(no manager)"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name").focus()

    def save(self, session, values: dict[str, Any]) -> Any:
        return people.save_team(session, self.app.actor, self.row.id if self.row else None, values)


class GroupDialog(SavingDialog):
    """Add or edit a group, and tick what its members may do (space ticks)."""

    table = "user_groups"
    DEFAULT_CSS = """
    GroupDialog #permissions { height: auto; max-height: 14; width: 1fr; }
    GroupDialog .field-title { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, group: UserGroup | None) -> None:
        super().__init__()
        self.row = group
        self.dialog_title = f"Edit Group — {group.name}" if group else "Add Group"
        self.what = "save the group"

    def compose_body(self) -> ComposeResult:
        granted = set(self.row.permissions or ()) if self.row else set()
        yield from self.typed_fields()
        yield Static("Its members may (space ticks or unticks):", classes="field-title")
        yield SelectionList[str](*(Selection(p.label, p.value, p.value in granted) for p in Permission),
                                 id="permissions", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name").focus()

    def values(self) -> dict[str, Any]:
        return {**super().values(), "permissions": self.query_one("#permissions", SelectionList).selected}

    def _form_state(self) -> tuple:
        return (*super()._form_state(), tuple(self.query_one("#permissions", SelectionList).selected))

    def save(self, session, values: dict[str, Any]) -> Any:
        return people.save_group(session, self.app.actor, self.row.id if self.row else None, values)


class PasswordDialog(SavingDialog):
    """Set a user's new password (typed twice, never shown): hashed on this
    device and sent to the server by the next sync."""

    submit_label = "Set"

    def __init__(self, user: User) -> None:
        super().__init__()
        self.row = user
        self.dialog_title = f"New Password — {user.full_name}"
        self.what = "set the password"

    def compose_body(self) -> ComposeResult:
        yield Static(f"{in_markup(self.row.full_name)} signs in with it once this device has synced; "
                     "their devices already signed in stay so.", classes="dialog-note")
        yield FormField("Password", text_input("password", password=True), required=True)
        yield FormField("Again", text_input("repeated", password=True), required=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#password").focus()

    def save(self, session, values: dict[str, Any]) -> Any:
        people.reset_password(session, self.row.id, values.get("password") or "", values.get("repeated") or "")
        return self.row


class DeleteUserDialog(SavingDialog):
    """Delete a user, saying what becomes of their leads: another user's, or no one's."""

    submit_label = "Delete"

    def __init__(self, user: User, leads: int, others: Choices) -> None:
        super().__init__()
        self.row = user
        self.leads, self.others = leads, others
        self.dialog_title = f"Delete User — {user.full_name}"
        self.what = "delete the user"

    def compose_body(self) -> ComposeResult:
        yield Static(f"{in_markup(self.row.full_name)} will no longer sign in. {self.leads} lead(s) on this "
                     "device are theirs: give them to someone, with their open appointments, or leave them "
                     "with no rep (only the office sees those).", classes="dialog-note")
        yield FormField("Leads go to", _picker("leads_to", self.others, None, "(no one: left unassigned)"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#leads_to").focus()

    def save(self, session, values: dict[str, Any]) -> Any:
        people.delete_user(session, self.app.actor, self.row.id, values.get("leads_to"))
        return self.row
