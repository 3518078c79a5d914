"""What a user may do beyond seeing their leads: one permission per office
function, granted by the user's group (data an admin edits) or, for a user in
no group, by their role's defaults.

Roles still decide *which leads* a user sees (`server.scoping`); permissions
decide *which functions* they may use. The server enforces every permission
(`server.auth.require`); the app only hides what a user may not do."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Permission(StrEnum):
    """An office function a group may be allowed. The value is stored in data: never rename one."""

    SEE_PAYMENTS = "see_payments"
    EDIT_PAYMENTS = "edit_payments"
    DELETE_LEADS = "delete_leads"
    MERGE = "merge"
    EXPORT = "export"
    IMPORT = "import"
    EDIT_OTHERS_CALENDAR = "edit_others_calendar"
    REASSIGN_LEADS = "reassign_leads"
    MANAGE_USERS = "manage_users"
    EDIT_RESULT_CODES = "edit_result_codes"
    EDIT_CUSTOM_FIELDS = "edit_custom_fields"
    EDIT_CATALOGUE = "edit_catalogue"
    SET_TARGETS = "set_targets"
    SEE_COMMISSIONS = "see_commissions"
    EDIT_JOB_USERS = "edit_job_users"
    EDIT_VENDORS = "edit_vendors"
    WRITE_NOTES = "write_notes"

    @property
    def label(self) -> str:
        """What the function is, as an admin reads it in the group editor."""
        return _LABELS[self]


_LABELS: dict[Permission, str] = {
    Permission.SEE_PAYMENTS: "See payments",
    Permission.EDIT_PAYMENTS: "Add and delete payments",
    Permission.DELETE_LEADS: "Delete leads",
    Permission.MERGE: "Merge customers",
    Permission.EXPORT: "Export data",
    Permission.IMPORT: "Import data",
    Permission.EDIT_OTHERS_CALENDAR: "Edit another user's calendar",
    Permission.REASSIGN_LEADS: "Reassign leads",
    Permission.MANAGE_USERS: "Manage users, teams and groups",
    Permission.EDIT_RESULT_CODES: "Edit result codes and job statuses",
    Permission.EDIT_CUSTOM_FIELDS: "Edit custom fields",
    Permission.EDIT_CATALOGUE: "Edit the invoice item catalogue",
    Permission.SET_TARGETS: "Set reps' targets",
    Permission.SEE_COMMISSIONS: "See commission reports",
    Permission.EDIT_JOB_USERS: "Edit the users on a job and their commission shares",
    Permission.EDIT_VENDORS: "Edit the vendor directory",
    Permission.WRITE_NOTES: "Write office notes",
}

#: What a user in no group may do: the defaults the seeded groups start from.
ROLE_DEFAULTS: dict[str, frozenset[Permission]] = {
    "rep": frozenset({Permission.SEE_PAYMENTS}),
    "manager": frozenset({
        Permission.SEE_PAYMENTS, Permission.EDIT_OTHERS_CALENDAR, Permission.REASSIGN_LEADS,
        Permission.SET_TARGETS, Permission.SEE_COMMISSIONS, Permission.EXPORT, Permission.EDIT_VENDORS,
        Permission.WRITE_NOTES,
    }),
    "admin": frozenset(Permission),
}

#: The groups a company starts with, one per role: (name, what it is for).
#: Each grants its role's defaults, and the role's users are put in it.
DEFAULT_GROUPS: dict[str, tuple[str, str]] = {
    "rep": ("Reps", "Sales reps"),
    "manager": ("Managers", "Team managers"),
    "admin": ("Office admins", "The office: every function"),
}


def default_grant(role: str) -> list[str]:
    """The permissions a role's starting group grants, as stored (a JSON list of names)."""
    return sorted(p.value for p in ROLE_DEFAULTS[role])


def granted(role: str, group_permissions: Iterable[str] | None = None) -> frozenset[Permission]:
    """The permissions of a user with `role` in a group granting `group_permissions`
    (None: in no group). Unknown names (from a newer server) are ignored."""
    if group_permissions is None:
        return ROLE_DEFAULTS.get(role, frozenset())
    known = {p.value for p in Permission}
    return frozenset(Permission(name) for name in group_permissions if name in known)


def sees_unassigned(role: str, permissions: Iterable[Permission]) -> bool:
    """Whether a user sees the leads no rep has yet (the web form's): a manager
    or admin who may reassign leads, never a rep (the server's scoping and the
    app's Unassigned queue both ask this)."""
    return role != "rep" and Permission.REASSIGN_LEADS in frozenset(permissions)
