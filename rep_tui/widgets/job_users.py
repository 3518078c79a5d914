"""The Job tab's users on the job: who (rep, co-rep, installer, service
tech), their share of the commission and the commission it makes. Its own
section of the Job panel; the screen's `s` adds a user, `x` on the list
takes the highlighted one off (`store.job_users`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from rep_tui.domain.money import pct_text
from rep_tui.domain.validation import format_money
from rep_tui.store.leads import JobFile
from rep_tui.widgets.row_table import Column
from rep_tui.widgets.tabs.tables import RecordTable


class JobUserTable(RecordTable):
    EMPTY = "Nobody on this job yet."
    BINDINGS = [Binding("enter", "select_cursor", "", show=False)]
    COLUMNS = (Column("User", 22, grow=1), Column("Role", 13), Column("Share", 7), Column("Commission", 12))

    def show_users(self, job_file: JobFile) -> None:
        rows = []
        for user in job_file.users:
            commission = job_file.commission_of(user.user_id)
            rows.append((str(user.id or user.user_id), (
                user.name, user.role, f"{pct_text(user.share_pct)} %".rjust(6),
                (format_money(commission) if commission is not None else "—").rjust(11))))
        self.fill(rows)


class JobUsersSection(Vertical):
    """The title (saying the keys to those who may use them) and the list."""

    def compose(self) -> ComposeResult:
        yield Static("Users on the Job", classes="section-title")
        yield JobUserTable(id="job-users-table")
        yield Static(JobUserTable.EMPTY, classes="tab-empty")

    def show_users(self, job_file: JobFile, *, editable: bool) -> None:
        self.query_one(JobUserTable).show_users(job_file)
        self.query_one(".section-title", Static).update(
            "Users on the Job · s adds one, x takes the highlighted one off" if editable else "Users on the Job")
