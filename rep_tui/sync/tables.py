"""Which synced table hangs off what, and who may write it.

Shared by the server (scoping, push rules) and the client (applying pulls,
quarantine), so the two halves cannot disagree about a table's role."""

from __future__ import annotations

from rep_tui.domain.permissions import Permission
from rep_tui.store.models import SYNCED_TABLES, Base

#: Readable by everyone; written by admins, or by whoever has the table's `WRITE_PERMISSION`.
REFERENCE_TABLES = frozenset({"regions", "offices", "teams", "users", "user_groups", "result_codes", "custom_fields",
                              "catalogue_items", "vendor_contact_types", "vendors", "checklist_items",
                              "job_statuses"})
#: Tables an office function changes: the permission a write needs (whatever the role).
WRITE_PERMISSION: dict[str, Permission] = {
    "users": Permission.MANAGE_USERS, "teams": Permission.MANAGE_USERS, "user_groups": Permission.MANAGE_USERS,
    "result_codes": Permission.EDIT_RESULT_CODES, "targets": Permission.SET_TARGETS,
    "custom_fields": Permission.EDIT_CUSTOM_FIELDS, "payments": Permission.EDIT_PAYMENTS,
    "catalogue_items": Permission.EDIT_CATALOGUE, "job_users": Permission.EDIT_JOB_USERS,
    "vendor_contact_types": Permission.EDIT_VENDORS, "vendors": Permission.EDIT_VENDORS,
    "notes": Permission.WRITE_NOTES, "job_statuses": Permission.EDIT_RESULT_CODES,
}
#: Tables a user is not sent at all unless their permissions include seeing them.
READ_PERMISSION: dict[str, Permission] = {"payments": Permission.SEE_PAYMENTS}
#: Columns fixed once a row exists: {table: columns} (a custom field's values hang on its key and kind,
#: a job's status on its code).
FIXED_COLUMNS = {"custom_fields": frozenset({"key", "kind"}), "work_hours": frozenset({"user_id"}),
                 "job_statuses": frozenset({"code"}), "saved_searches": frozenset({"user_id"})}
#: Rows reached through their `lead_id` (reminders also through their assignee: `server.scoping`).
LEAD_CHILDREN = frozenset({"jobs", "appointments", "notes", "comments", "attachments", "contacts", "engagements",
                           "reminders"})
#: Rows reached through their `job_id` (and the job's lead).
JOB_CHILDREN = frozenset({"payments", "commissions", "invoice_items", "job_users", "job_checklist"})
#: Rows about one user, not a lead: {table: the column naming the user}; seen
#: by the user and by whoever sees the user's leads.
REP_ROWS = {"targets": "rep_id", "work_hours": "user_id"}
#: Rows a user owns alone: {table: the column naming the owner}; seen and
#: changed by the owner (and admins) only, never moved to another owner.
OWN_ROWS = {"saved_searches": "user_id"}
#: A user's calendar: {table: the column naming whose it is}. Someone else's is
#: changed only with EDIT_OTHERS_CALENDAR, for a user one sees (`server.scoping.calendar_refusal`).
CALENDARS = {"appointments": "rep_id", "work_hours": "user_id"}
#: Office data a rep (and a manager) may read but not change, unless a
#: permission says so (`WRITE_PERMISSION`) or it is the commission row a
#: rep's sale makes (`server.push.check_commission`).
OFFICE_TABLES = frozenset({"notes", "payments", "commissions"})
#: Append-only for everyone but admins.
APPEND_ONLY = frozenset({"comments"})
#: Human numbers the server hands out on first sight: {table: column}.
SERVER_NUMBERS = {"leads": "pid", "jobs": "job_number"}
#: Columns the server computes from other rows, whatever a device sends: {table: columns}
#: (a job's balance due is its sale less the payments the server holds).
SERVER_DERIVED = {"jobs": frozenset({"balance_cents"})}
#: Synced tables, parents before children (the order rows are created in).
ORDERED = [t.name for t in Base.metadata.sorted_tables if t.name in SYNCED_TABLES]


def lead_tree_tables() -> list[str]:
    """The tables removed with a lead, children first."""
    return [name for name in reversed(ORDERED) if name in LEAD_CHILDREN | JOB_CHILDREN] + ["leads"]
