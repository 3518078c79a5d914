"""Book an appointment for a lead, or move one to another time.

Date, time and length are typed as a rep says them ("fri", "2pm", "90");
the free times of the chosen day within work hours are listed below, and
↑↓ Enter picks one. Without a lead (booked from a free hour of My
Appointments) the first field finds one of the rep's leads as you type.
Enter or Ctrl+S saves through `store.booking`; a refusal ("It clashes with
2:00 PM Ann Leeuwen, 90 min.") is shown in the dialog and nothing typed is
lost. A time outside the rep's work hours is booked, with a warning. Dismisses
True once saved. Opened from a rep's calendar (`rep_id`), the leads offered
are that rep's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from rep_tui.clock import local_today, zone
from rep_tui.domain.booking import BOOKABLE_KINDS, DEFAULT_LENGTH, KIND_LABELS, length_of
from rep_tui.domain.dates import (
    format_day, format_length, format_time, parse_day, parse_length, parse_time, relative_day,
)
from rep_tui.domain.validation import Invalid
from rep_tui.ordered_keys import WaitsForData
from rep_tui.store_io import StoreFailed, in_store, or_refusal
from rep_tui.widgets.markup_text import in_markup
from rep_tui.widgets.validated_input import DAY_EXAMPLE, TIME_EXAMPLE, ValidatedInput

#: Leads offered while the rep types a name.
LEAD_HITS = 6
SAVING = "save the appointment"


def _lead_name(text: str) -> str:
    if not text.strip():
        raise Invalid("Type a customer's name, phone or PID and pick them with ↓ Enter.")
    return text.strip()


@dataclass(frozen=True)
class _Subject:
    """Who the booking is for and, when moving, the appointment as it is."""

    lead_id: uuid.UUID
    lead_line: str
    appointment_id: uuid.UUID | None = None
    starts_at: datetime | None = None
    length: timedelta = DEFAULT_LENGTH
    kind: str = "new"


LENGTH_EXAMPLE = "e.g. 90, 2h or 1:30"


class BookDialog(WaitsForData, ModalScreen[bool]):
    """`BookDialog(lead_id)` books; `BookDialog(appointment_id=...)` moves;
    `BookDialog(day=..., at=...)` asks for the lead first."""

    CSS_PATH = "../styles/book_dialog.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "dismiss(False)", "Cancel"),
    ]

    @dataclass
    class LeadsFound(Message):
        query: str
        hits: list[tuple[uuid.UUID, str]]

    @dataclass
    class SlotsFound(Message):
        day: date
        length: timedelta
        slots: list[datetime]

    @dataclass
    class Saved(Message):
        summary: str
        #: A warning, not a refusal: the time is outside the rep's work hours.
        outside: str | None = None

    def __init__(self, lead_id: uuid.UUID | None = None, *, appointment_id: uuid.UUID | None = None,
                 day: date | None = None, at: time | None = None, intro: str = "",
                 rep_id: uuid.UUID | None = None) -> None:
        super().__init__()
        self.rep_id = rep_id
        self.lead_id = lead_id
        self.appointment_id = appointment_id
        self.first_day = day
        self.first_time = at
        self.intro = intro
        self.subject: _Subject | None = None

    @property
    def moving(self) -> bool:
        return self.appointment_id is not None

    def compose(self) -> ComposeResult:
        today = local_today(self.app.tz)
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Move appointment" if self.moving else "Book appointment"
            yield Static(self.intro, id="intro")
            yield Static("", id="who")
            yield ValidatedInput("Customer", _lead_name, id="customer", placeholder="e.g. a name, a phone or a PID")
            yield OptionList(id="leads")
            yield ValidatedInput("Date", lambda text: parse_day(text, today), id="day", placeholder=DAY_EXAMPLE)
            yield ValidatedInput("Time", parse_time, id="time", placeholder=TIME_EXAMPLE)
            yield ValidatedInput("Length", parse_length, id="length", placeholder=LENGTH_EXAMPLE,
                                 value=format_length(DEFAULT_LENGTH))
            with Horizontal(id="kind-row"):
                yield Label("Type", classes="field-label")
                yield Select(((label, kind) for kind, label in BOOKABLE_KINDS), value="new", allow_blank=False,
                             compact=True, id="kind")
            yield Static("", id="slots-title")
            yield OptionList(id="slots")
            yield Static("", id="form-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#intro").display = bool(self.intro)
        self.query_one("#leads").display = False
        self.query_one("#kind-row").display = not self.moving
        self.query_one("#customer").display = self.lead_id is None and not self.moving
        day = self.first_day or local_today(self.app.tz)
        self._set("day", str(max(day, local_today(self.app.tz))))
        if self.first_time is not None:
            self._set("time", self.first_time.strftime("%-I:%M %p"))
        if self.lead_id is None and not self.moving:
            self._say("Type the customer's name, then ↓ and Enter to pick them.")
            self.query_one("#customer", ValidatedInput).focus()
            self._show_slots_of_typed_day()
            self.data_shown.set()
        else:
            self.query_one("#dialog").loading = True
            self._load()

    def _set(self, name: str, value: str) -> None:
        field = self.query_one(f"#{name}", ValidatedInput)
        with field.input.prevent(Input.Changed):
            field.value = value

    # --- who --------------------------------------------------------------------

    def _load(self) -> None:
        in_store(self, "read who to book", self._read_subject, self._loaded, group="book-load")

    def _read_subject(self, session) -> _Subject | None:
        from rep_tui.store.models import Appointment, Lead

        appointment = session.get(Appointment, self.appointment_id) if self.moving else None
        lead = session.get(Lead, appointment.lead_id if appointment else self.lead_id)
        if lead is None or lead.deleted:
            return None
        line = " · ".join(p for p in (lead.name, lead.city, lead.product_interest) if p)
        if appointment is None:
            return _Subject(lead.id, line)
        return _Subject(lead.id, line, appointment.id, appointment.starts_at,
                        length_of(appointment.starts_at, appointment.ends_at), appointment.kind)

    def _loaded(self, subject: _Subject | None) -> None:
        """Show who is booked; keys typed while they were read act on the form now."""
        self.query_one("#dialog").loading = False
        self.data_shown.set()
        if subject is None:
            self._say("That lead or appointment is not on this device any more. Esc closes.", error=True)
            return
        self._choose(subject)

    def _choose(self, subject: _Subject) -> None:
        self.subject = subject
        tz = self.app.tz
        who = f"[b]{in_markup(subject.lead_line)}[/b]"
        if subject.starts_at is not None:
            start = subject.starts_at
            who += (f"\nNow: {format_day(start.astimezone(zone(tz)).date())} {format_time(start, tz)},"
                    f" {format_length(subject.length)} · {KIND_LABELS.get(subject.kind, subject.kind)}")
            if self.first_day is None:
                self._set("day", str(max(start.astimezone(zone(tz)).date(), local_today(tz))))
            self._set("time", format_time(start, tz))
            self._set("length", format_length(subject.length))
        self.query_one("#who", Static).update(who)
        self.query_one("#customer").display = False
        self.query_one("#leads").display = False
        self._say("Enter saves · ↑↓ move through the fields and free times · Esc cancels")
        self._show_slots_of_typed_day()
        self.query_one("#day", ValidatedInput).focus()

    @on(ValidatedInput.Changed, "#customer")
    def _find_leads(self, event: ValidatedInput.Changed) -> None:
        if event.error is None:
            self._search(event.value.strip())

    def _search(self, query: str) -> None:
        user = self.app.user
        owner = self.rep_id or (user.id if user.role == "rep" else None)
        in_store(self, "find the customer", lambda session: _leads_to_book(session, query, owner),
                 lambda found: self.post_message(self.LeadsFound(query, found)), group="book-leads")

    @on(LeadsFound)
    def _show_leads(self, event: LeadsFound) -> None:
        if event.query != self.query_one("#customer", ValidatedInput).value.strip() or self.subject is not None:
            return
        leads = self.query_one("#leads", OptionList)
        leads.clear_options()
        leads.add_options(Option(in_markup(line), id=str(lead_id)) for lead_id, line in event.hits)
        leads.display = bool(event.hits)
        if not event.hits:
            self._say("No lead of yours matches that.", error=True)
        else:
            self._say("↓ and Enter pick the customer.")

    @on(OptionList.OptionSelected, "#leads")
    def _lead_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.lead_id = uuid.UUID(event.option.id)
        self.query_one("#dialog").loading = True
        self._load()

    def on_key(self, event) -> None:
        """↓/↑ in a box move to the next/previous field (from the customer box, to the leads found)."""
        if event.key not in ("down", "up") or not isinstance(self.focused, Input):
            return
        event.stop()
        leads = self.query_one("#leads", OptionList)
        if event.key == "up":
            self.focus_previous()
        elif self.focused is self.query_one("#customer", ValidatedInput).input and leads.display:
            leads.focus()
            leads.highlighted = 0
        elif self.focused is self.query_one("#length", ValidatedInput).input:
            self.query_one("#slots").focus()  # past Type, whose ↓ opens its choices
        else:
            self.focus_next()

    # --- free times ---------------------------------------------------------------

    @on(ValidatedInput.Changed, "#day, #length")
    def _show_slots_of_typed_day(self) -> None:
        day_field = self.query_one("#day", ValidatedInput)
        length_field = self.query_one("#length", ValidatedInput)
        title = self.query_one("#slots-title", Static)
        if not (day_field.validate() and length_field.validate()):
            title.update("Free times show for a date and length typed right.")
            self.query_one("#slots", OptionList).clear_options()
            return
        day = day_field.cleaned()
        title.update(f"Free on [b]{format_day(day)}[/b], {relative_day(day, local_today(self.app.tz))}"
                     f" (↑↓ Enter picks):")
        self._find_slots(day, length_field.cleaned())

    def _find_slots(self, day: date, length: timedelta) -> None:
        from rep_tui.store.booking import free_slots_on
        from rep_tui.store.work_hours import hours_on

        app = self.app

        def find(session) -> list:
            rep_id = self._rep_of(session)
            hours = hours_on(session, rep_id, day, app.settings.work_hours) or (0, 0)
            return free_slots_on(session, rep_id, day, app.tz, hours, length, ignore=self.appointment_id)

        in_store(self, "find free times", find, lambda slots: self.post_message(self.SlotsFound(day, length, slots)),
                 group="book-slots")

    def _rep_of(self, session) -> uuid.UUID:
        """Whose calendar the booking goes on: the appointment's or the lead's rep,
        else the calendar's, else one's own."""
        from rep_tui.store.models import Appointment, Lead

        owner = None
        if self.subject is not None:
            owner = (session.get(Appointment, self.subject.appointment_id).rep_id if self.moving
                     else session.get(Lead, self.subject.lead_id).rep_id)
        return owner or self.rep_id or self.app.user.id

    @on(SlotsFound)
    def _show_slots(self, event: SlotsFound) -> None:
        tz = self.app.tz
        slots = self.query_one("#slots", OptionList)
        slots.clear_options()
        if not event.slots:
            slots.add_option(Option("No free time that day within work hours (a time typed is booked all the same).",
                                    disabled=True))
            return
        slots.add_options(
            Option(f"{format_time(start, tz)} – {format_time(start + event.length, tz)}",
                   id=start.astimezone(zone(tz)).strftime("%H:%M"))
            for start in event.slots
        )
        slots.highlighted = 0

    @on(OptionList.OptionSelected, "#slots")
    def _slot_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        picked = datetime.strptime(event.option.id, "%H:%M").time()
        self._set("time", picked.strftime("%-I:%M %p"))
        self.query_one("#time", ValidatedInput).validate()
        self.query_one("#time", ValidatedInput).focus()
        self._say(f"Enter {'moves it to' if self.moving else 'books'} {picked.strftime('%-I:%M %p')}.")

    # --- saving ---------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input is self.query_one("#customer", ValidatedInput).input:
            leads = self.query_one("#leads", OptionList)
            if leads.display and leads.option_count:
                leads.highlighted = 0
                leads.action_select()
            return
        self.action_save()

    def action_save(self) -> None:
        if self.subject is None:
            self._say("Pick the customer first: type a name, then ↓ and Enter.", error=True)
            return
        fields = [self.query_one(f"#{name}", ValidatedInput) for name in ("day", "time", "length")]
        refused = [field for field in fields if not field.validate()]
        if refused:
            self._say("Nothing was saved: fix the fields marked in red.", error=True)
            refused[0].focus()
            return
        day, at, length = (field.cleaned() for field in fields)
        start = datetime.combine(day, at, tzinfo=zone(self.app.tz))
        kind = self.query_one("#kind", Select).value
        self._say("Saving…")
        self._save(start, length, kind)

    def _save(self, start: datetime, length: timedelta, kind: str) -> None:
        from rep_tui.domain.work_hours import outside_warning
        from rep_tui.store import booking
        from rep_tui.store.models import User
        from rep_tui.store.work_hours import hours_on

        app, subject = self.app, self.subject

        def save(session) -> tuple[tuple[int, int] | None, str]:
            """The rep's work hours that day and whose calendar it went on."""
            if self.moving:
                made = booking.move(session, app.actor, subject.appointment_id, start, length, app.tz)
            else:
                made = booking.book(session, app.actor, subject.lead_id, start, length, kind, app.tz)
            hours = hours_on(session, made.rep_id, start.date(), app.settings.work_hours)
            rep = session.get(User, made.rep_id) if made.rep_id != app.user.id else None
            return hours, "your" if rep is None else f"{rep.full_name}'s"

        def saved(outcome: tuple | booking.BookingRefused) -> None:
            if isinstance(outcome, booking.BookingRefused):
                self._refused(str(outcome))
                return
            hours, whose = outcome
            when = f"{format_day(start.date())} {format_time(start, app.tz)}, {format_length(length)}"
            name = subject.lead_line.split(" · ")[0]
            self.post_message(self.Saved(f"{'Moved' if self.moving else 'Booked'} {name}: {when}",
                                         outside_warning(start, length, hours, whose)))

        in_store(self, SAVING, or_refusal(save, booking.BookingRefused), saved, group="book-save")

    def on_store_failed(self, message: StoreFailed) -> None:
        """The store could not take it: the app says why; the dialog keeps every value typed."""
        if message.what == SAVING:
            self._say("Not saved: the store could not take it (see the message).", error=True)

    def _refused(self, reason: str) -> None:
        self._say(f"Not saved: {in_markup(reason)}", error=True)  # a clash names the other customer
        self.query_one("#time", ValidatedInput).focus()

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        if event.outside:
            self.app.notify(f"{event.summary}. {event.outside}.", title="Saved — outside work hours",
                            severity="warning")
        else:
            self.app.notify(event.summary, title="Saved")
        self.dismiss(True)

    def _say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_class(error, "-error")


# --- the actions screens bind (Customer Information, My Appointments, Self Gen) ---


@dataclass(frozen=True)
class _Open:
    """An appointment a rep may move or cancel, in words."""

    appointment_id: uuid.UUID
    customer: str
    when: str
    resulted: str | None  # the result's label when it already has one


def _find_open(screen, lead_id: uuid.UUID | None, appointment_id: uuid.UUID | None, then) -> None:
    """Read (in a thread) the appointment to act on: the given one, else the
    lead's open one; `then(found)` runs on the UI thread with an `_Open` or None."""
    tz = screen.app.tz

    def look(session) -> _Open | None:
        from rep_tui.store.booking import appointment_to_move
        from rep_tui.store.models import Appointment, Lead, ResultCode
        from sqlalchemy import select

        appointment = (session.get(Appointment, appointment_id) if appointment_id
                       else appointment_to_move(session, lead_id))
        if appointment is None or appointment.deleted:
            return None
        lead = session.get(Lead, appointment.lead_id)
        start = appointment.starts_at
        label = appointment.result_code and (session.scalar(
            select(ResultCode.label).where(ResultCode.code == appointment.result_code)) or appointment.result_code)
        return _Open(appointment.id, lead.name, f"{format_day(start.astimezone(zone(tz)).date())} at "
                                                f"{format_time(start, tz)}", label)

    in_store(screen, "find the open appointment", look, then, group="booking-lookup", opens=True)


def _usable(screen, found: _Open | None, doing: str) -> bool:
    if found is None:
        screen.notify(f"No open appointment to {doing} here: b books one.", severity="warning")
        return False
    if found.resulted:
        screen.notify(f"{found.customer}'s appointment of {found.when} is already resulted {found.resulted}.",
                      severity="warning")
        return False
    return True


def book_appointment(screen, lead_id: uuid.UUID | None, done, **where) -> None:
    """Open the Book dialog (for `lead_id`, or asking for the lead, of `rep_id` if given); `done()` after a booking."""
    screen.app.push_screen(BookDialog(lead_id, **where), lambda saved: saved and done())


def move_appointment(screen, done, *, lead_id: uuid.UUID | None = None,
                     appointment_id: uuid.UUID | None = None) -> None:
    """Move the given appointment (or the lead's open one) in the Book dialog; `done()` after."""

    def found(it: _Open | None) -> None:
        if _usable(screen, it, "move"):
            screen.app.push_screen(BookDialog(appointment_id=it.appointment_id), lambda saved: saved and done())

    _find_open(screen, lead_id, appointment_id, found)


def cancel_appointment(screen, done, *, lead_id: uuid.UUID | None = None,
                       appointment_id: uuid.UUID | None = None) -> None:
    """Ask, then cancel the given appointment (or the lead's open one); `done()` after."""
    from rep_tui.screens.confirm import ConfirmScreen

    app = screen.app

    def cancelled(it: _Open) -> None:
        app.notify(f"Cancelled {it.customer}, {it.when}.", title="Saved")
        done()

    def answered(it: _Open, yes: bool) -> None:
        """A refusal (`BookingRefused`) reaches the rep as "Could not cancel the appointment: why"."""
        from rep_tui.store.booking import cancel

        if yes:
            in_store(screen, "cancel the appointment", lambda session: cancel(session, app.actor, it.appointment_id),
                     lambda _none: cancelled(it), exclusive=False)

    def found(it: _Open | None) -> None:
        if _usable(screen, it, "cancel"):
            question = (f"Cancel {it.customer}'s appointment on {it.when}?\n"
                        "It stays on the lead as Cancel and counts in no stats.")
            app.push_screen(ConfirmScreen(question), lambda yes: answered(it, yes))

    _find_open(screen, lead_id, appointment_id, found)


def _leads_to_book(session, query: str, owner: uuid.UUID | None) -> list[tuple[uuid.UUID, str]]:
    """The leads matching `query` one may book: a rep their own, a manager their team's (or one rep's)."""
    from sqlalchemy import select

    from rep_tui.store.models import Lead
    from rep_tui.store.search import search

    hits = search(session, query, limit=LEAD_HITS * 5)
    if owner is not None:
        own = set(session.scalars(select(Lead.id).where(Lead.id.in_([h.lead_id for h in hits]), Lead.rep_id == owner)))
        hits = [hit for hit in hits if hit.lead_id in own]
    return [(hit.lead_id, " · ".join(p for p in (hit.name, hit.city or hit.address, hit.phone) if p))
            for hit in hits[:LEAD_HITS]]
