"""The table tabs of Customer Information: documents, related leads,
contacts, engagements and the change history. Each row's key is the id of
the row it shows, so the screen can act on the highlighted one."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from rep_tui.domain.validation import format_phone
from rep_tui.store.leads import LeadFile, human_size
from rep_tui.store.models import Attachment, ChangeRecord
from rep_tui.store.queries import RelatedLead
from rep_tui.widgets.when import local_stamp, us_date


class RowTable(DataTable):
    """A row-cursor table that refills itself and keeps the cursor on the same row."""

    COLUMNS: tuple[str, ...] = ()
    BINDINGS = [Binding("enter", "select_cursor", "Open")]

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.add_columns(*self.COLUMNS)

    def fill(self, rows: list[tuple[str, tuple]]) -> None:
        """Replace the rows: (key, cells) pairs."""
        current = self.current_key()
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current))

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


class DocumentTable(RowTable):
    COLUMNS = ("Filename", "Description", "Size", "Date")

    def show(self, attachments: list[Attachment], tz: str) -> None:
        self.fill([
            (str(a.id), (a.filename, a.description, human_size(a.size), local_stamp(a.created_at, tz)))
            for a in attachments
        ])


def _lead_phone(lead) -> str:
    e164 = lead.home_phone_e164 or lead.cell_phone_e164 or lead.work_phone_e164
    return format_phone(e164) if e164 else (lead.home_phone or lead.cell_phone or lead.work_phone or "")


class RelatedTable(RowTable):
    COLUMNS = ("Name", "Address", "City", "Phone", "PID", "Matched on")

    def show(self, related: list[RelatedLead]) -> None:
        self.fill([
            (str(r.lead.id), (r.lead.name, r.lead.address or "", r.lead.city or "", _lead_phone(r.lead),
                              str(r.lead.pid or ""), ", ".join(r.reasons)))
            for r in related
        ])


class ContactTable(RowTable):
    BINDINGS = [Binding("enter", "select_cursor", "Edit")]
    COLUMNS = ("Name", "Phone", "Position", "Own %", "Type", "Info")

    def show(self, lead_file: LeadFile) -> None:
        self.fill([
            (str(c.id), (c.name, c.phone or "", c.position or "",
                         f"{c.ownership_pct.normalize():f}" if c.ownership_pct is not None else "", c.contact_type or "",
                         c.info or ""))
            for c in lead_file.contacts
        ])


def _duration(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"{minutes}m"


class EngagementTable(RowTable):
    """Completed engagements are greyed out."""

    BINDINGS = [Binding("enter", "select_cursor", "Edit")]
    COLUMNS = ("Date", "Subject", "Contact", "Dur.", "By", "Type", "Follow-up", "Done")

    def show(self, lead_file: LeadFile, tz: str) -> None:
        rows = []
        for e in lead_file.engagements:
            follow = ""
            if e.follow_up:
                follow = " ".join(x for x in ("⚑", lead_file.user_name(e.follow_up_assignee_id),
                                              us_date(e.follow_up_on)) if x)
            cells = (local_stamp(e.occurred_at, tz), e.subject, lead_file.contact_name(e.contact_id),
                     _duration(e.duration_minutes), lead_file.user_name(e.contacted_by_id), e.contact_type.title(),
                     follow, "✓" if e.completed else "")
            style = "dim" if e.completed else ""
            rows.append((str(e.id), tuple(Text(str(c), style=style) for c in cells)))
        self.fill(rows)


TABLE_LABELS = {"leads": "Customer", "jobs": "Job", "comments": "Comment", "attachments": "File",
                "contacts": "Contact", "engagements": "Engagement", "payments": "Payment", "notes": "Note"}


FIELD_LABELS = {
    "home_phone": "Home Phone", "cell_phone": "Cell Phone", "work_phone": "Work Phone",
    "home_phone_e164": "Home Phone (E.164)", "cell_phone_e164": "Cell Phone (E.164)",
    "work_phone_e164": "Work Phone (E.164)", "email": "Email", "alt_email": "Email 2", "invalid_email": "Invalid Email",
    "address": "Address", "zip": "Zip Code", "city": "City", "state": "State", "county": "County",
    "result_code": "Result", "product": "Product", "total_units": "Total Units", "sold_units": "Sold Units",
    "contract_cents": "Sale (cents)", "follow_up_on": "Follow-up Date", "completed": "Completed",
}


class ChangeTable(RowTable):
    """Who changed which field and when; values that lost a sync conflict are marked."""

    BINDINGS = [Binding("enter", "select_cursor", "", show=False)]
    COLUMNS = ("When", "Who", "What", "Field", "Old", "New")

    def show(self, changes: list[ChangeRecord], tz: str) -> None:
        rows = []
        for c in changes:
            what = TABLE_LABELS.get(c.table_name, c.table_name)
            field = "(created)" if c.field == "*" and c.new_value == "created" else \
                "(deleted)" if c.field == "*" else FIELD_LABELS.get(c.field, c.field)
            if c.kind == "conflict":
                field += " ⚠ conflict"
            old, new = ("", "") if c.field == "*" else (c.old_value or "", c.new_value or "")
            rows.append((str(c.id), (local_stamp(c.at, tz), c.user_name or "", what, field, old, new)))
        self.fill(rows)
