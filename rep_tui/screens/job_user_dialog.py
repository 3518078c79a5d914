"""Put a user on a job: who (from the company's active users), in which role,
with what share of its commission. The job's rep keeps what the others leave
(`store.job_users`), so the shares of the others may add up to 100 % at most:
a share that would go over is refused here, in the form, as the server refuses it."""

from __future__ import annotations

import uuid
from decimal import Decimal

from textual.app import ComposeResult
from textual.widgets import Select

from rep_tui.domain.fields import specs
from rep_tui.domain.forms import FormErrors, collect
from rep_tui.domain.money import ALL_SHARES, pct_text, shares_refusal
from rep_tui.domain.validation import Invalid
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.markup_text import in_markup


def _chosen(what: str):
    def check(value: str) -> str:
        if not value:
            raise Invalid(f"Choose a {what}.")
        return value

    return check


class JobUserScreen(FormDialog[tuple[uuid.UUID, str, Decimal]]):
    """Dismisses with (user id, role, share), or None. `taken`: what the
    users other than the job's rep hold already."""

    submit_label = "Add"

    def __init__(self, job_label: str, users: list[tuple[str, uuid.UUID]], taken: Decimal) -> None:
        super().__init__()
        self.users, self.taken = users, taken
        self.dialog_title = f"Add a User to {job_label} · {pct_text(ALL_SHARES - taken)} % left to share"

    def compose_body(self) -> ComposeResult:
        spec = specs("job_users")
        yield FormField(spec["user_id"].label, Select([(in_markup(name), str(uid)) for name, uid in self.users],
                                                      id="user_id", compact=True, prompt="(choose)",
                                                      type_to_search=True), required=True)
        yield FormField(spec["role"].label, Select([(label, value) for value, label in spec["role"].choices],
                                                   id="role", compact=True, prompt="(choose)",
                                                   value="co-rep"), required=True)
        yield FormField(spec["share_pct"].label, text_input("share_pct", None, spec["share_pct"].placeholder))

    def on_mount(self) -> None:
        self.query_one("#user_id").focus()

    def submit(self) -> None:
        share = specs("job_users")["share_pct"].check
        try:
            clean = collect(self.values(), {"user_id": _chosen("user"), "role": _chosen("role"), "share_pct": share})
            refusal = shares_refusal([self.taken, clean["share_pct"]])
            if refusal:
                raise FormErrors({"share_pct": f"Too much: {refusal}; {pct_text(ALL_SHARES - self.taken)} % is left."})
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss((uuid.UUID(clean["user_id"]), clean["role"], clean["share_pct"]))
