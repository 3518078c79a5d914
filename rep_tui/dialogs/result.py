"""The Result dialog: one key per result code, then only the fields that code
needs (product, units and sale $; a follow-up date; a new date and time).
Each refused value says why beside its field and nothing is lost; Enter saves
everything in one transaction (`store.resulting.record_result`). Esc goes
from a field back to the codes, then closes (asking first when a value was
changed)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from rep_tui.clock import local_today, utcnow, zone
from rep_tui.domain.dates import format_day, format_time, parse_day, parse_time, relative_day
from rep_tui.domain.validation import Invalid, check_units, format_money, parse_money
from rep_tui.ordered_keys import WaitsForData
from rep_tui.screens.form_dialog import KeepsTypedText
from rep_tui.store_io import StoreFailed, in_store, or_refusal
from rep_tui.store.models import Appointment, Job, Lead, ResultCode
from rep_tui.widgets.code_picker import CodePicker
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.markup_text import in_markup
from rep_tui.widgets.validated_input import DAY_EXAMPLE, TIME_EXAMPLE, ValidatedInput

SALE_FIELDS = ("product", "units", "sale")
FOLLOW_UP_FIELDS = ("follow_up",)
RESCHEDULE_FIELDS = ("new_day", "new_time")
SAVING = "save the result"


@dataclass(frozen=True)
class _Loaded:
    appointment: Appointment
    lead: Lead
    job: Job | None
    codes: list[ResultCode]
    products: list[str]


def _required(check, missing: str):
    """`check`, refusing an empty value with `missing`."""

    def checked(text: str):
        value = check(text)
        if value in (None, "", 0):
            raise Invalid(missing)
        return value

    return checked


class ResultDialog(WaitsForData, KeepsTypedText, ModalScreen[bool]):
    """Result one appointment; dismisses True when saved."""

    CSS_PATH = "../styles/result_dialog.tcss"
    BINDINGS = [
        Binding("enter", "save", "Save", show=False),
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "back", "Back / cancel"),
    ]

    class Saved(Message):
        """Posted from the worker once the result is in the database."""

        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    def __init__(self, appointment_id: uuid.UUID) -> None:
        super().__init__()
        self.appointment_id = appointment_id
        self.code: ResultCode | None = None
        self.loaded: _Loaded | None = None

    def compose(self) -> ComposeResult:
        today = local_today(self.app.tz)
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Result appointment"
            dialog.loading = True
            yield Static("", id="who")
            yield CodePicker(id="codes")
            yield ValidatedInput("Product", _required(str.strip, "Which product was sold?"), id="product")
            yield ValidatedInput("Units", _required(check_units, "How many units were sold?"), id="units")
            yield ValidatedInput("Sale $", _required(parse_money, "A sale needs its amount in dollars."),
                                 id="sale", placeholder="e.g. 12,450")
            yield ValidatedInput("Follow-up", lambda text: parse_day(text, today), id="follow_up",
                                 placeholder=DAY_EXAMPLE)
            yield ValidatedInput("New date", lambda text: parse_day(text, today), id="new_day",
                                 placeholder=DAY_EXAMPLE)
            yield ValidatedInput("Time", parse_time, id="new_time", placeholder=TIME_EXAMPLE)
            yield Static("", id="preview")
            yield Static("", id="form-message")
        yield RepFooter()

    def on_mount(self) -> None:
        for hidden in (*self.query(ValidatedInput), self.query_one("#preview"), self.query_one("#form-message")):
            hidden.display = False
        self._load()

    def _load(self) -> None:
        in_store(self, "read the appointment", self._read, self._show, group="result-dialog")

    def _read(self, session) -> _Loaded:
        from rep_tui.store.queries import result_codes
        from rep_tui.store.resulting import known_products

        appointment = session.get(Appointment, self.appointment_id)
        lead = session.get(Lead, appointment.lead_id)
        job = session.get(Job, appointment.job_id) if appointment.job_id else None
        return _Loaded(appointment, lead, job, result_codes(session), known_products(session))

    def _show(self, loaded: _Loaded) -> None:
        self.loaded = loaded
        appt, lead, job = loaded.appointment, loaded.lead, loaded.job
        tz = self.app.tz
        when = f"{format_day(appt.starts_at.astimezone(zone(tz)).date())} {format_time(appt.starts_at, tz)}"
        product = (job.product if job else None) or lead.product_interest or ""
        now = next((c.label for c in loaded.codes if c.code == appt.result_code), appt.result_code)
        self.query_one("#who", Static).update(
            f"[b]{in_markup(lead.name)}[/b] · {when} · {in_markup(lead.city or '')} · {in_markup(product)}\n"
            f"[$text-muted]Now: {in_markup(now) if now else 'not resulted'} — press a key to pick the result[/]"
        )
        self._prefill(loaded, product)
        picker = self.query_one(CodePicker)
        picker.set_codes(loaded.codes)
        self.query_one("#dialog").loading = False
        picker.focus()
        self.remember_form()
        self.data_shown.set()

    def _prefill(self, loaded: _Loaded, product: str) -> None:
        appt, lead, job = loaded.appointment, loaded.lead, loaded.job
        follow_up = appt.follow_up_on or lead.follow_up_on
        values = {
            "product": product,
            "units": str(job.sold_units) if job and job.sold_units else "",
            "sale": format_money(job.contract_cents).lstrip("$") if job and job.contract_cents else "",
            "follow_up": str(follow_up) if follow_up else "",
            "new_time": format_time(appt.starts_at, self.app.tz),
        }
        for name, value in values.items():
            field = self.query_one(f"#{name}", ValidatedInput)
            field.clear()
            with field.input.prevent(Input.Changed):
                field.value = value
        self.query_one("#product", ValidatedInput).input.suggester = SuggestFromList(loaded.products,
                                                                                     case_sensitive=False)

    # --- picking and moving ----------------------------------------------------

    def _fields_of(self, code: ResultCode) -> tuple[str, ...]:
        return ((SALE_FIELDS if code.needs_sale else ()) + (FOLLOW_UP_FIELDS if code.needs_follow_up else ())
                + (RESCHEDULE_FIELDS if code.reschedules else ()))

    @on(CodePicker.Picked)
    def _picked(self, event: CodePicker.Picked) -> None:
        self.code = event.code
        wanted = self._fields_of(event.code)
        for field in self.query(ValidatedInput):
            field.display = field.id in wanted
        self._say(f"Enter saves [b]{in_markup(event.code.label)}[/b] · Esc goes back to the codes", error=False)
        self._update_preview()
        if wanted:
            self.call_after_refresh(self.query_one(f"#{wanted[0]}", ValidatedInput).focus)

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one(CodePicker).focus()
        else:
            self.leave(lambda: self.dismiss(False))

    @on(ValidatedInput.Changed)
    def _field_changed(self) -> None:
        self._update_preview()

    def _update_preview(self) -> None:
        """Say in words which day a typed date means ("Fri Nov 27, in 3 days")."""
        today = local_today(self.app.tz)
        lines = []
        for name, label in (("follow_up", "Follow-up"), ("new_day", "New appointment")):
            field = self.query_one(f"#{name}", ValidatedInput)
            if field.display and field.value.strip() and field.error is None:
                day = field.cleaned()
                lines.append(f"{label}: {format_day(day)}, {relative_day(day, today)}")
        preview = self.query_one("#preview", Static)
        preview.update("\n".join(lines))
        preview.display = bool(lines)

    # --- saving ------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self.loaded is None:
            return
        if self.code is None:
            self._say("Pick a result first: press its key.", error=True)
            return
        entry = self._entry(self.code)
        if entry is not None:
            self._say("Saving…", error=False)
            self._save(entry)

    def _entry(self, code: ResultCode):
        """The entry to save, or None after marking every refused field."""
        from rep_tui.store.resulting import ResultEntry

        wanted = self._fields_of(code)
        fields = {name: self.query_one(f"#{name}", ValidatedInput) for name in wanted}
        refused = [name for name, field in fields.items() if not field.validate()]
        new_start = None
        if not refused and code.reschedules:
            new_start = datetime.combine(fields["new_day"].cleaned(), fields["new_time"].cleaned(),
                                         tzinfo=zone(self.app.tz))
            if new_start <= utcnow():
                fields["new_time"].set_error("That time has already passed.")
                refused.append("new_time")
        if refused:
            self._say("Nothing was saved: fix the fields marked in red.", error=True)
            fields[refused[0]].focus()
            return None
        value = {name: field.cleaned() for name, field in fields.items()}
        return ResultEntry(
            code=code.code, product=value.get("product"), units=value.get("units"), sale_cents=value.get("sale"),
            follow_up_on=value.get("follow_up"), new_start=new_start,
        )

    def _save(self, entry) -> None:
        from rep_tui.store.resulting import record_result

        app = self.app

        def saved(outcome) -> None:
            if isinstance(outcome, ValueError):
                self._say(f"Not saved: {in_markup(str(outcome))}.", True)
                return
            summary = f"{self.loaded.lead.name}: {self.code.label}"
            if entry.sale_cents:
                summary += f" {format_money(entry.sale_cents)}"
            if entry.follow_up_on:
                summary += f", follow up {format_day(entry.follow_up_on)}"
            if outcome.reset is not None:
                summary += f", reset to {format_day(entry.new_start.date())} {format_time(entry.new_start, app.tz)}"
            self.post_message(self.Saved(summary))

        in_store(self, SAVING, or_refusal(
            lambda session: record_result(session, app.actor, self.appointment_id, entry, app.tz), ValueError),
            saved, group="result-dialog-save")

    def on_store_failed(self, message: StoreFailed) -> None:
        """The store could not take it: the app says why; the dialog keeps what was chosen and typed."""
        if message.what == SAVING:
            self._say("Not saved: the store could not take it (see the message).", True)

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.app.notify(f"Resulted {event.summary}", title="Saved")
        self.dismiss(True)

    def _say(self, text: str, error: bool) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_class(error, "-error")
        message.display = bool(text)

