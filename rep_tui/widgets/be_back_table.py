"""Leads to go back to, as table rows: follow-up date (overdue in red),
customer, city, last result and the amount quoted. Enter opens the lead."""

from __future__ import annotations

from datetime import date
from typing import Mapping, Sequence

from rep_tui.domain.dates import format_day_from, local_day, relative_day
from rep_tui.domain.validation import format_money
from rep_tui.store.models import ResultCode
from rep_tui.store.queries import BeBack
from rep_tui.widgets.agenda_table import lead_phone
from rep_tui.widgets.row_table import Cell, Column, RowTable, TableRow, Toned


def date_cell(follow_up_on: date | None, today: date) -> Cell:
    """The follow-up date, marked ⚠ in red when overdue, amber when today."""
    if follow_up_on is None:
        return Toned("no date", "muted")
    shown = format_day_from(follow_up_on, today)
    if follow_up_on < today:
        return Toned(f"⚠ {shown}", "error")
    return Toned(shown, "warning") if follow_up_on == today else shown


class BeBackTable(RowTable):
    """Be-backs and follow-ups, soonest first as the query sorts them."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        columns = (
            Column("Follow-up", 12),
            Column("Due", 15, wide_only=True),
            Column("Customer", 18, grow=2),
            Column("City", 12, grow=1),
            Column("Phone", 14, wide_only=True),
            Column("Last result", 12),
            Column("Last appt", 10, wide_only=True),
            Column("Quoted", 9),
        )
        super().__init__(columns, id=id, classes=classes)

    def show_be_backs(self, items: Sequence[BeBack], today: date, tz: str,
                      codes: Mapping[str, ResultCode]) -> None:
        self.show([self._row(item, today, tz, codes) for item in items])

    @staticmethod
    def _row(item: BeBack, today: date, tz: str, codes: Mapping[str, ResultCode]) -> TableRow:
        lead = item.lead
        code = codes.get(item.last_result or "")
        cells = (
            date_cell(item.follow_up_on, today),
            relative_day(item.follow_up_on, today) if item.follow_up_on else "",
            lead.name,
            lead.city or "",
            lead_phone(lead),
            code.label if code else (item.last_result or ""),
            format_day_from(local_day(item.last_appointment, tz), today) if item.last_appointment else "",
            format_money(item.quoted_cents),
        )
        return TableRow(str(lead.id), lead.id, cells)
