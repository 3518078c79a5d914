"""The table tabs of Customer Information: documents, pictures, related
leads, contacts, engagements and the change history; and the Job tab's payments.

Each is a `RowTable` (widgets/row_table.py): columns fitted to the width
(names, addresses, file names grow on a wide terminal; longer text ends in
"…"), and the less needed columns (`wide_only`) only on a wide terminal, so
nothing scrolls sideways at 80 columns. Each row's key is the id of the row it shows, so
the screen can act on the highlighted one."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable

from rep_tui.domain.labels import derived_fields, field_label, table_label, value_text
from rep_tui.domain.money import running_balances
from rep_tui.domain.validation import format_money, format_phone, normalize_phone
from rep_tui.store.leads import JobFile, LeadFile, human_size
from rep_tui.store.models import Attachment, ChangeRecord, Engagement
from rep_tui.store.queries import RelatedLead
from rep_tui.widgets.row_table import Column, RowTable, TableRow, Toned
from rep_tui.widgets.when import local_stamp, us_date

STAMP = 19  # "11/24/2026 10:00 AM"


class RecordTable(RowTable):
    """Rows of one lead's records. Enter reaches the screen as
    `DataTable.RowSelected`: the screen knows what a row opens.

    With no rows the table hides and its tab's `.tab-empty` line says so
    (`EMPTY`), rather than showing bare column titles."""

    COLUMNS: tuple[Column, ...] = ()
    EMPTY = "Nothing here yet."
    BINDINGS = [Binding("enter", "select_cursor", "Open")]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(self.COLUMNS, id=id, classes=classes)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Keep RowTable from taking Enter as "open this row's lead"; the event still bubbles."""
        event.prevent_default()

    def fill(self, rows: list[tuple[str, tuple]]) -> None:
        """Replace the rows: (key, cells) pairs."""
        self.show([TableRow(key, None, cells) for key, cells in rows])
        self.display = bool(rows)
        if self.parent is not None:
            for note in self.parent.query_children(".tab-empty"):
                note.display = not rows

    def current_key(self) -> str | None:
        return self.current.key if self.current else None


class DocumentTable(RecordTable):
    EMPTY = "No documents for this lead yet: u uploads one."
    COLUMNS = (Column("Filename", 20, grow=1), Column("Description", 28, grow=2), Column("Size", 9, wide_only=True),
               Column("Date", STAMP))

    def show_documents(self, attachments: list[Attachment], tz: str) -> None:
        self.fill([
            (str(a.id), (a.filename, a.description, human_size(a.size), local_stamp(a.created_at, tz)))
            for a in attachments
        ])


def lead_phone(lead) -> str:
    e164 = lead.home_phone_e164 or lead.cell_phone_e164 or lead.work_phone_e164
    return format_phone(e164) if e164 else (lead.home_phone or lead.cell_phone or lead.work_phone or "")


class RelatedTable(RecordTable):
    EMPTY = "No related leads: no other lead shares this name, address or a phone."
    COLUMNS = (Column("Name", 18, grow=1), Column("Address", 18, grow=1), Column("City", 14, wide_only=True),
               Column("Phone", 14), Column("PID", 6, wide_only=True), Column("Matched on", 18, grow=1))

    def show_related(self, related: list[RelatedLead]) -> None:
        self.fill([
            (str(r.lead.id), (r.lead.name, r.lead.address or "", r.lead.city or "", lead_phone(r.lead),
                              str(r.lead.pid or ""), ", ".join(r.reasons)))
            for r in related
        ])


def typed_phone(text: str | None) -> str:
    """A phone as (555) 123-4567 when it is one, else as typed."""
    e164 = normalize_phone(text) if text else None
    return format_phone(e164) if e164 else text or ""


class ContactTable(RecordTable):
    EMPTY = "No contacts yet: a adds one."
    BINDINGS = [Binding("enter", "select_cursor", "Edit")]
    COLUMNS = (Column("Name", 18, grow=1), Column("Phone", 14), Column("Position", 12), Column("Own %", 5),
               Column("Type", 10), Column("Info", 24, wide_only=True, grow=1))

    def show_contacts(self, lead_file: LeadFile) -> None:
        self.fill([
            (str(c.id), (c.name, typed_phone(c.phone), c.position or "",
                         f"{c.ownership_pct.normalize():f}" if c.ownership_pct is not None else "",
                         c.contact_type or "", c.info or ""))
            for c in lead_file.contacts
        ])


def duration(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"{minutes}m"


def follow_up_text(engagement: Engagement, lead_file: LeadFile) -> str:
    if not engagement.follow_up:
        return ""
    return " ".join(x for x in (us_date(engagement.follow_up_on),
                                lead_file.user_name(engagement.follow_up_assignee_id)) if x) or "yes"


class EngagementTable(RecordTable):
    """Completed engagements are greyed out; Files counts the files attached to each;
    Contact is the customer when no contact of theirs is named.
    At 80 columns the screen shows the hidden columns of the highlighted one under the table."""

    EMPTY = "No engagements yet: a adds one."
    BINDINGS = [Binding("enter", "select_cursor", "Edit")]
    COLUMNS = (Column("Date", STAMP), Column("Subject", 17, grow=2), Column("Contact", 11, grow=1),
               Column("Dur.", 5, wide_only=True),
               Column("By", 12, wide_only=True), Column("Type", 6), Column("Follow-up", 21, wide_only=True),
               Column("Done", 4), Column("Files", 5))

    def show_engagements(self, lead_file: LeadFile, tz: str) -> None:
        rows = []
        for e in lead_file.engagements:
            files = len(lead_file.engagement_files(e.id))
            contact = lead_file.contact_name(e.contact_id) or lead_file.lead.name
            cells = (local_stamp(e.occurred_at, tz), e.subject, contact,
                     duration(e.duration_minutes), lead_file.user_name(e.contacted_by_id), e.contact_type.title(),
                     follow_up_text(e, lead_file), "✓" if e.completed else "", str(files) if files else "")
            rows.append((str(e.id), tuple(Toned(c, "muted") if e.completed else c for c in cells)))
        self.fill(rows)


class ChangeTable(RecordTable):
    """Who changed which field and when, from what to what, in a rep's words;
    values that lost a sync conflict are marked."""

    EMPTY = "No changes recorded for this lead yet."
    BINDINGS = [Binding("enter", "select_cursor", "", show=False)]
    # Old and New side by side even at 80 columns (a phone is 14); who made the change on a wide one
    COLUMNS = (Column("When", STAMP), Column("Who", 12, wide_only=True, grow=1), Column("What", 10, wide_only=True),
               Column("Field", 13, grow=1), Column("Old", 16, grow=2), Column("New", 16, grow=2))

    def show_changes(self, changes: list[ChangeRecord], tz: str, names: dict[str, str] | None = None) -> None:
        """`names`: users' names by id, so a reassignment reads "Dana Reyes → Wayne Wisniewski"."""
        names = names or {}

        def shown(field: str, value: str | None) -> str:
            return names.get(value or "") or value_text(field, value, tz)

        rows = []
        for c in changes:
            if c.field in derived_fields():
                continue
            field = "(created)" if c.field == "*" and c.new_value == "created" else \
                "(deleted)" if c.field == "*" else field_label(c.field)
            if c.kind == "conflict":
                field += " ⚠ conflict"
            old, new = ("", "") if c.field == "*" else (shown(c.field, c.old_value), shown(c.field, c.new_value))
            what = table_label(c.table_name)
            rows.append((str(c.id), (local_stamp(c.at, tz), c.user_name or "", what, field, old, new)))
        self.fill(rows)


class PaymentTable(RecordTable):
    """A job's payments by date with the balance left after each (the history
    of paid A/R). The Job tab's keys act on the highlighted one."""

    EMPTY = "No payments on this job yet."
    BINDINGS = [Binding("enter", "select_cursor", "", show=False)]
    COLUMNS = (Column("Date", 10), Column("Amount", 12), Column("Method", 11), Column("Balance", 12),
               Column("Note", 20, grow=1))

    def show_payments(self, job_file: JobFile) -> None:
        payments = job_file.payments
        balances = running_balances(job_file.job.contract_cents, (p.amount_cents for p in payments))
        self.fill([
            (str(p.id), (us_date(p.paid_on), format_money(p.amount_cents).rjust(11), p.method or "",
                         format_money(balance).rjust(11), p.note or ""))
            for p, balance in zip(payments, balances)
        ])


class InvoiceItemTable(RecordTable):
    """A job's invoice items: what was sold, at the price copied from the catalogue."""

    EMPTY = "No invoice items on this job yet."
    BINDINGS = [Binding("enter", "select_cursor", "", show=False)]
    COLUMNS = (Column("SKU", 12), Column("Item", 24, grow=1), Column("Qty", 5), Column("Amount", 12))

    def show_items(self, job_file: JobFile) -> None:
        self.fill([(str(i.id), (i.sku, i.name, str(i.quantity).rjust(4), format_money(i.amount_cents).rjust(11)))
                   for i in job_file.items])
