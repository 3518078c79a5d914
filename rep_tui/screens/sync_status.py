"""Sync status (F7): where this device stands with the server; each change it
queued and what became of it (pending, sent, rejected with the reason, with
`d` to accept the refusal or `s` to send it again once fixed); the rep's
values that lost a conflict, with `a` to apply one again as a new edit; and
the quarantine of edits to leads that left the device. Reads the local
store only: nothing here waits on the network."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from rep_tui.domain.labels import value_text
from rep_tui.domain.safe_text import visible
from rep_tui.store.sync_review import (
    CannotReapply, LostValue, Quarantined, QueuedChange, dismiss, field_label, noun, reapply, send_again,
)
from rep_tui.widgets.footer import RepFooter
from rep_tui.store_io import in_store, or_refusal
from rep_tui.widgets.loading import loaded
from rep_tui.widgets.markup_text import in_markup
from rep_tui.widgets.row_table import Column, RowTable, TableRow, TableSection, Toned
from rep_tui.widgets.sync_indicator import describe, when

STATE_TONES = {"pending": "warning", "rejected": "error", "sent": "muted", "quarantined": "error",
               "dismissed": "muted", "sent again": "muted"}


@dataclass(frozen=True)
class SyncReview:
    changes: list[QueuedChange]
    conflicts: list[LostValue]
    quarantine: list[Quarantined]


def _title(name: str, *notes: str) -> str:
    return " · ".join([name, *(note for note in notes if note)])


def _value(field: str, text: str | None, tz: str) -> str:
    return "(empty)" if text is None else value_text(field, text, tz)


class SyncStatusScreen(Screen):
    TITLE = "Sync status"
    CSS_PATH = "../styles/sync_status.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n", "app.sync_now", "Sync now"),
        Binding("a", "apply_mine", "Apply mine again"),
        Binding("s", "send_again", "Send again"),
        Binding("d", "dismiss_refused", "Dismiss"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.review = SyncReview([], [], [])

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="sync-summary")
        with VerticalScroll(id="sync-body"):
            yield TableSection("Changes to send", RowTable((
                Column("#", 4), Column("When", 10), Column("Change", 24, grow=2), Column("Customer", 16, grow=1),
                Column("State", 14), Column("Why", 36, wide_only=True, grow=2),
            ), id="sync-changes"), "This device has queued no changes.", id="sync-changes-section")
            yield TableSection("Conflicts", RowTable((
                Column("When", 10), Column("Customer", 16, grow=1), Column("Field", 12), Column("Yours (lost)", 14, grow=1),
                Column("Kept", 12, grow=1), Column("Now", 6, wide_only=True),
            ), id="sync-conflicts"), "No conflicts: nothing you changed was changed by the office too.",
                id="sync-conflicts-section")
            yield TableSection("Quarantine", RowTable((
                Column("When", 10), Column("Customer", 16, grow=1), Column("Change", 20, grow=1),
                Column("Why", 20, grow=1),
            ), id="sync-quarantine"), "Nothing in quarantine.", id="sync-quarantine-section")
        yield Static(id="sync-detail")
        yield RepFooter()

    def on_mount(self) -> None:
        self.query_one("#sync-body").loading = True
        self.watch(self.app, "sync_status", self._status_changed, init=True)

    def on_screen_resume(self) -> None:
        self._load()

    def _status_changed(self, status) -> None:
        words, kind = describe(status, self.app.tz)
        summary = self.query_one("#sync-summary", Static)
        if status is None:
            summary.update("[b]Local only[/]: this device is not signed in to a server, so changes stay here. "
                           "Run [b]rep-tui login SERVER[/] to sync.")
        else:
            server = self.app.sync_target.url if self.app.sync_target else ""
            error = f" — {in_markup(status.last_error)}" if status.last_error else ""
            summary.update(f"[b]{words[:1].upper()}{words[1:]}[/]{error} · {server}")
        summary.set_class(kind in ("error", "offline"), "-trouble")
        if self.is_current:
            self._load()

    def _load(self) -> None:
        from rep_tui.store import sync_review

        def read(session) -> SyncReview:
            return SyncReview(sync_review.queued_changes(session), sync_review.lost_values(session),
                              sync_review.quarantined(session))

        in_store(self, "read what waits to sync", read, self._show, group="sync-review")

    def _show(self, review: SyncReview) -> None:
        self.review = review
        tz = self.app.tz
        pending = sum(c.state == "pending" for c in review.changes)
        rejected = sum(c.state == "rejected" for c in review.changes)
        sections = (
            ("#sync-changes", [self._change_row(c, tz) for c in review.changes],
             _title("Changes to send", f"{pending} pending" if pending else "", f"{rejected} rejected" if rejected
                    else "")),
            ("#sync-conflicts", [self._conflict_row(c, tz) for c in review.conflicts],
             _title("Conflicts", "the office's value was kept; a: apply yours again" if review.conflicts else "")),
            ("#sync-quarantine", [self._quarantine_row(q, tz) for q in review.quarantine],
             _title("Quarantine", "edits to leads no longer on this device, kept here" if review.quarantine
                    else "")),
        )
        for table_id, rows, title in sections:
            self.query_one(table_id, RowTable).show(rows)
            self.query_one(f"{table_id}-section", TableSection).show(title)
        loaded(self.query_one("#sync-body"))
        if not isinstance(self.focused, RowTable):
            for table_id, rows, _heading in sections:
                if rows:
                    self.query_one(table_id, RowTable).focus()
                    break
        self._show_detail()

    @staticmethod
    def _change_row(change: QueuedChange, tz: str) -> TableRow:
        return TableRow(f"c{change.seq}", change.lead_id, (
            str(change.seq), when(change.at, tz), change.what, change.customer,
            Toned(change.state, STATE_TONES.get(change.state, "muted")), change.reason or "",
        ))

    @staticmethod
    def _conflict_row(conflict: LostValue, tz: str) -> TableRow:
        return TableRow(str(conflict.id), conflict.lead_id, (
            when(conflict.at, tz), conflict.customer, field_label(conflict.field),
            Toned(_value(conflict.field, conflict.yours, tz), "strong"), _value(conflict.field, conflict.kept, tz),
            Toned("yours", "success") if conflict.yours_now else Toned("kept", "muted"),
        ))

    @staticmethod
    def _quarantine_row(item: Quarantined, tz: str) -> TableRow:
        return TableRow(str(item.id), None, (when(item.at, tz), item.customer, item.what, item.reason))

    # --- the highlighted row in full ---------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        self.query_one("#sync-detail", Static).update(Content(visible(self._detail())))
        self.refresh_bindings()  # s and d apply to a refused change only

    def _detail(self) -> str:
        table = self.focused if isinstance(self.focused, RowTable) else None
        row = table.current if table else None
        if row is None:
            return ""
        if table.id == "sync-changes":
            change = next(c for c in self.review.changes if f"c{c.seq}" == row.key)
            why = f": {change.reason}" if change.reason else ""
            keys = " — s: send it again once fixed, d: dismiss" if change.state == "rejected" else ""
            return f"#{change.seq} {change.what} — {change.customer or 'no customer'} — {change.state}{why}{keys}"
        if table.id == "sync-conflicts":
            c = next(c for c in self.review.conflicts if str(c.id) == row.key)
            now = "it is yours again" if c.yours_now else "a: make it yours again"
            yours, kept = _value(c.field, c.yours, self.app.tz), _value(c.field, c.kept, self.app.tz)
            return f"{noun(c.table)} {field_label(c.field)}: yours {yours!r}, the office kept {kept!r} — {now}"
        item = next(q for q in self.review.quarantine if str(q.id) == row.key)
        return f"{item.customer}: {item.what} ({item.details}) — {item.reason}"

    # --- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply_mine":
            return isinstance(self.focused, RowTable) and self.focused.id == "sync-conflicts"
        if action in ("send_again", "dismiss_refused"):
            return self._refused_change() is not None
        return True

    def _refused_change(self) -> QueuedChange | None:
        """The highlighted change, when the server refused it."""
        table = self.focused if isinstance(self.focused, RowTable) and self.focused.id == "sync-changes" else None
        row = table.current if table else None
        change = next((c for c in self.review.changes if row and f"c{c.seq}" == row.key), None)
        return change if change is not None and change.state == "rejected" else None

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()
        self._show_detail()

    def action_apply_mine(self) -> None:
        row = self.query_one("#sync-conflicts", RowTable).current
        if row is not None:
            self._apply_mine(uuid.UUID(row.key))

    def _apply_mine(self, conflict_id: uuid.UUID) -> None:
        def apply_again(session, actor) -> str:
            changed = reapply(session, actor, conflict_id)
            return "Your value is back; it syncs like any edit." if changed else "That field already holds your value."

        self._review_write(apply_again)

    def action_send_again(self) -> None:
        change = self._refused_change()
        if change is not None:
            self._review_write(lambda session, _actor: send_again(session, change.seq))

    def action_dismiss_refused(self) -> None:
        change = self._refused_change()
        if change is not None:
            self._review_write(lambda session, _actor: dismiss(session, change.seq))

    def _review_write(self, write) -> None:
        """One write from this screen; says what became of it and reloads."""
        actor = self.app.actor

        def done(outcome: str | CannotReapply) -> None:
            if isinstance(outcome, CannotReapply):
                self.app.notify(str(outcome), severity="error")
                return
            self.app.notify(outcome)
            self._load()

        in_store(self, "change what the sync does with it",
                 or_refusal(lambda session: write(session, actor), CannotReapply), done,
                 group="sync-review-write", exclusive=False)
