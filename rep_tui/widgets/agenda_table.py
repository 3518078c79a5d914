"""Appointments as table rows: time, customer, city, product, result.

Used by the Dashboard (today, and past appointments still missing a result)
and My Appointments (a day laid over the rep's work hours, free hours shown).
`r` asks the app to result the appointment under the cursor; `i` leaves it
out of every stat (or counts it again), shown as "⊘" before its result.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Mapping, Sequence

from textual.binding import Binding

from rep_tui.clock import zone
from rep_tui.domain.dates import format_time, local_day
from rep_tui.domain.validation import call_phone as lead_phone
from rep_tui.messages import ResultAppointment, RowsChanged
from rep_tui.store.models import ResultCode
from rep_tui.store.queries import AgendaRow
from rep_tui.widgets.row_table import Cell, Column, RowTable, TableRow, Toned

FREE = "free-"  # key prefix of a free work hour
DISREGARDED = "⊘ "  # before the result of an appointment left out of stats


def result_cell(row: AgendaRow, codes: Mapping[str, ResultCode], now: datetime) -> Cell:
    """The result in words, toned: sold green, follow-ups amber, missing red;
    muted after "⊘" when the appointment is left out of stats it would count in
    (a rep's cancel is left out too, but counts in none: it stays "Cancel")."""
    cell = _result_in_words(row, codes, now)
    code = codes.get(row.appointment.result_code or "")
    if row.appointment.disregard_in_stats and (code is None or code.counts_as_issued):
        return Toned(DISREGARDED + (cell.text if isinstance(cell, Toned) else cell), "muted")
    return cell


def _result_in_words(row: AgendaRow, codes: Mapping[str, ResultCode], now: datetime) -> Cell:
    appt = row.appointment
    if appt.result_code is None:
        if appt.starts_at < now:
            return Toned("needs result", "error")
        return Toned(appt.kind if appt.kind != "new" else "—", "muted")
    code = codes.get(appt.result_code)
    if code is None:
        return appt.result_code
    if code.counts_as_sale:
        return Toned(code.label, "success")
    if code.needs_follow_up:
        return Toned(code.label, "warning")
    if not code.counts_as_issued:
        return Toned(code.label, "muted")
    return code.label


class AgendaTable(RowTable):
    """A rep's appointments; Enter opens the lead, `r` results the appointment."""

    BINDINGS = [Binding("r", "result", "Result"),
                Binding("i", "disregard", "Disregard in stats", show=False,
                        tooltip="Leave the appointment out of every stat, or count it again")]

    def __init__(self, *, dated: bool = False, id: str | None = None, classes: str | None = None) -> None:
        columns = (
            Column("When" if dated else "Time", 14 if dated else 8),
            Column("Customer", 18, grow=2),
            Column("Address", 18, wide_only=True, grow=2),
            Column("City", 12, grow=1),
            Column("Phone", 14, wide_only=True),
            Column("Product", 10),
            Column("Result", 12),
        )
        super().__init__(columns, id=id, classes=classes)
        self.dated = dated
        self.appointment_ids: dict[str, uuid.UUID] = {}

    def agenda_row(self, row: AgendaRow, tz: str, codes: Mapping[str, ResultCode], now: datetime) -> TableRow:
        appt, lead = row.appointment, row.lead
        when = format_time(appt.starts_at, tz)
        if self.dated:
            when = f"{local_day(appt.starts_at, tz):%-m/%-d} {when}"
        key = str(appt.id)
        self.appointment_ids[key] = appt.id
        cells = (when, lead.name, lead.address or "", lead.city or "", lead_phone(lead), row.product,
                 result_cell(row, codes, now))
        return TableRow(key, lead.id, cells)

    def show_agenda(self, rows: Sequence[AgendaRow], tz: str, codes: Mapping[str, ResultCode],
                    now: datetime) -> None:
        self.appointment_ids = {}
        self.show([self.agenda_row(row, tz, codes, now) for row in rows])

    def show_day(self, rows: Sequence[AgendaRow], tz: str, codes: Mapping[str, ResultCode],
                 now: datetime, work_hours: tuple[int, int]) -> None:
        """The day from work start to work end, hour by hour: appointments in
        their hour, free hours muted; appointments outside work hours still shown."""
        self.appointment_ids = {}
        booked: dict[int, list[TableRow]] = {}
        for row in rows:
            hour = row.appointment.starts_at.astimezone(zone(tz)).hour
            booked.setdefault(hour, []).append(self.agenda_row(row, tz, codes, now))
        self.show(_lay_out(booked, work_hours))

    def action_result(self) -> None:
        row = self.current
        if row is None or row.key not in self.appointment_ids:
            self.notify("Put the cursor on an appointment to result it.", severity="warning")
            return
        self.post_message(ResultAppointment(self.appointment_ids[row.key]))

    def action_disregard(self) -> None:
        """Toggle "disregard in stats" on the appointment under the cursor; the
        screens shown re-read (figures included) as after a sync."""
        from rep_tui.store.models import Appointment
        from rep_tui.store.resulting import set_disregarded
        from rep_tui.store_io import in_store

        row = self.current
        if row is None or row.key not in self.appointment_ids:
            self.notify("Put the cursor on an appointment to leave it out of stats.", severity="warning")
            return
        appointment_id, actor = self.appointment_ids[row.key], self.app.actor

        def toggle(session) -> bool:
            appointment = session.get(Appointment, appointment_id)
            return set_disregarded(session, actor, appointment_id, not appointment.disregard_in_stats) \
                .disregard_in_stats

        def done(disregarded: bool) -> None:
            self.app.notify("Left out of every stat (⊘); i counts it again." if disregarded
                            else "Counted in stats again.")
            self.app.post_message(RowsChanged(frozenset({"appointments"})))

        in_store(self, "change whether the appointment counts in stats", toggle, done)


def _lay_out(booked: dict[int, list[TableRow]], work_hours: tuple[int, int]) -> list[TableRow]:
    start, end = work_hours
    hours = sorted(set(booked) | set(range(start, end)))
    out: list[TableRow] = []
    for hour in hours:
        if hour in booked:
            out.extend(booked[hour])
        else:
            free = Toned(time(hour).strftime("%-I:%M %p"), "muted")
            out.append(TableRow(f"{FREE}{hour}", None, (free, Toned("free", "muted"), "", "", "", "", "")))
    return out
