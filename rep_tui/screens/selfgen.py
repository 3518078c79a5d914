"""Self Gen: capture a lead the rep found themselves, offline. The fields are
those the lead's columns capture at the door (`domain.fields`), checked as
typed; a lead that already has the phone, email or address is
pointed out (Ctrl+O opens it), Ctrl+S saves — asking "Open the existing lead
(o) / Save anyway (y)" while such a lead is pointed out — and the rep's
self-gen leads are listed below with where each one stands. Esc goes back to
the Dashboard, after "Discard changes?" when the form holds anything; F1–F6
keep the form as it is."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Select, Static

from rep_tui.domain.fields import used
from rep_tui.domain.safe_text import visible
from rep_tui.domain.validation import format_phone
from rep_tui.messages import reload_when_synced
from rep_tui.screens.form_dialog import KeepsTypedText
from rep_tui.store.queries import Duplicate
from rep_tui.store.selfgen import FIELD_CHECKS, PRODUCTS, SelfGenForm, problems
from rep_tui.store_io import after_typing, in_store
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.lead_table import LeadTable
from rep_tui.widgets.row_table import Column
from rep_tui.widgets.validated_input import ValidatedInput

DEBOUNCE_SECONDS = 0.15
NOT_SYNCED = "not synced"  # a lead gets its PID from the server on first sync
DUPLICATE_FIELDS = {"home_phone", "cell_phone", "work_phone", "email", "address", "zip"}
WIDE = {"address"}  # spans both columns of the form


class SelfGenScreen(KeepsTypedText, Screen):
    """A new-lead form and the rep's self-gen leads."""

    TITLE = "Self Gen"
    CSS_PATH = "../styles/selfgen.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+o", "open_duplicate", "Open duplicate"),
        Binding("ctrl+n", "new_lead", "New lead"),
        Binding("ctrl+l", "focus_list", "My leads"),
        Binding("escape", "back", "Back", show=False),
    ]

    class DuplicatesFound(Message):
        """The duplicate check for `form` finished (posted from a worker)."""

        def __init__(self, form: SelfGenForm, duplicates: list[Duplicate]) -> None:
            super().__init__()
            self.form = form
            self.duplicates = duplicates

    def __init__(self) -> None:
        super().__init__()
        self._duplicates: list[Duplicate] = []
        self._tried_save = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("New self-gen lead", classes="section-title")
        with Grid(id="form"):
            for name, spec in used("leads", "door").items():
                yield ValidatedInput(spec.label, FIELD_CHECKS[name], placeholder=spec.placeholder, id=name,
                                     classes="wide" if name in WIDE else None)
            with Horizontal(id="product-row"):
                yield Label("Product", classes="field-label")
                yield Select([(p, p) for p in PRODUCTS], prompt="interested in…", compact=True, id="product")
            yield ValidatedInput("Notes", placeholder="e.g. call after 5pm (saved as a comment)", id="notes", classes="wide",
                                 max_length=1000)
        yield Static("", id="duplicates")
        yield Static("Name, and a phone or an address, are needed. Ctrl+S saves.", id="form-status", classes="muted")
        yield Static("My self-gen leads", classes="section-title")
        yield LeadTable(
            Column("Name", 18, grow=1), Column("Phone", 14), Column("Added", 8), Column("PID", 10),
            Column("Where it stands", 18, grow=1), id="my-leads"
        )
        yield RepFooter()

    def on_mount(self) -> None:
        self.query_one("#duplicates").display = False
        self.query_one("#first_name", ValidatedInput).focus()
        self._load_leads()
        self.call_after_refresh(self.remember_form)  # the empty form: what "unchanged" means
        reload_when_synced(self, {"leads", "jobs", "appointments"}, lambda: self._load_leads(keep_cursor=True))

    def on_screen_resume(self) -> None:
        self._load_leads()

    # --- the form ------------------------------------------------------------

    def _fields(self) -> dict[str, ValidatedInput]:
        return {field.id: field for field in self.query(ValidatedInput) if field.id}

    def _form(self) -> SelfGenForm:
        product = self.query_one("#product", Select).value
        return SelfGenForm(
            **{name: field.value for name, field in self._fields().items()},
            product_interest=None if product is Select.NULL else product,
        )

    def _show_problems(self, found: dict[str, str]) -> None:
        for name, field in self._fields().items():
            field.set_error(found.get(name))

    @on(ValidatedInput.Changed)
    def _field_changed(self, event: ValidatedInput.Changed) -> None:
        if self._tried_save:  # after a refused save, the required-field rules update as the rep types
            self._show_problems(problems(self._form()))
        if event.field.id in DUPLICATE_FIELDS:
            self._check_duplicates(self._form())

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def _check_duplicates(self, form: SelfGenForm) -> None:
        from rep_tui.store.selfgen import possible_duplicates

        in_store(self, "look for duplicates", after_typing(DEBOUNCE_SECONDS, lambda s: possible_duplicates(s, form)),
                 lambda found: self.post_message(self.DuplicatesFound(form, found)), group="duplicates")

    @on(DuplicatesFound)
    def _show_duplicates(self, event: DuplicatesFound) -> None:
        if event.form != self._form():
            return
        self._duplicates = event.duplicates
        panel = self.query_one("#duplicates", Static)
        panel.display = bool(event.duplicates)
        panel.update(self._duplicate_text(event.duplicates))
        self.refresh_bindings()

    @staticmethod
    def _duplicate_text(duplicates: list[Duplicate]) -> Text:
        text = Text("⚠ Already on file — ", style="bold")
        for number, dup in enumerate(duplicates[:3]):
            lead = dup.lead
            where = ", ".join(p for p in (lead.address, lead.city) if p)
            pid = f" PID {lead.pid}" if lead.pid else ""
            text.append(visible(f"\n  {dup.matched} matches {lead.name}{pid}" + (f" · {where}" if where else ""),
                                lines=True))
            if number == 0:
                text.append("  (Ctrl+O opens it)", style="italic")
        if len(duplicates) > 3:
            text.append(f"\n  and {len(duplicates) - 3} more")
        return text

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "open_duplicate":
            return bool(self._duplicates)
        return True

    def action_open_duplicate(self) -> None:
        if self._duplicates:
            self.app.open_lead(self._duplicates[0].lead.id)

    # --- saving --------------------------------------------------------------

    def action_back(self) -> None:
        """Esc: back to the Dashboard; a form holding anything is cleared, once the rep says so."""

        def discard_and_go_back() -> None:
            self.action_new_lead()
            self.app.call_later(self.app.action_back)

        self.leave(discard_and_go_back)

    def action_save(self) -> None:
        form = self._form()
        found = problems(form)
        if found:
            self._tried_save = True
            self._show_problems(found)
            self.query_one("#form-status", Static).update(
                Text(f"Not saved: {len(found)} field{'s' if len(found) > 1 else ''} to fix (in red).", style="bold")
            )
            self._fields()[next(iter(found))].focus()
            return
        if self._duplicates:
            self._ask_about_duplicate(form)
            return
        self._save(form)

    def _ask_about_duplicate(self, form: SelfGenForm) -> None:
        """The warning shows: open the lead already on file (the form stays as
        it is for coming back), or save this one anyway; Esc does neither."""
        from rep_tui.screens.confirm import ChoiceScreen

        duplicate = self._duplicates[0]
        question = (f"{duplicate.matched.capitalize()} matches {duplicate.lead.name}, already on file. "
                    "Open that lead, or save this one anyway?")

        def answered(choice: str | None) -> None:
            if choice == "o":
                self.action_open_duplicate()
            elif choice == "y":
                self._save(form)

        self.app.push_screen(ChoiceScreen(question, (("o", "Open the existing lead"), ("y", "Save anyway"))),
                             answered)

    def _save(self, form: SelfGenForm) -> None:
        from rep_tui.store.selfgen import create_self_gen_lead

        actor = self.app.actor
        in_store(self, "save the new lead", lambda session: create_self_gen_lead(session, actor, form),
                 lambda lead: self._saved(lead.name, lead.id), group="save")

    def _saved(self, name: str, lead_id) -> None:
        self.action_new_lead()
        self.query_one("#form-status", Static).update(
            Text(f"Saved {name} — on this device, not synced yet.", style="bold")
        )
        self._load_leads()
        self._offer_booking(name, lead_id)

    def _offer_booking(self, name: str, lead_id) -> None:
        """Right after a new lead is saved, its first appointment (Esc skips)."""
        from rep_tui.dialogs.book import book_appointment

        book_appointment(self, lead_id, self._load_leads, intro=f"Saved {name}. Book the appointment now? Esc skips.")

    def action_new_lead(self) -> None:
        """Clear the form for the next lead."""
        for field in self._fields().values():
            field.clear()
        self.query_one("#product", Select).clear()
        self._tried_save = False
        self._duplicates = []
        self.query_one("#duplicates").display = False
        self.refresh_bindings()
        self.query_one("#first_name", ValidatedInput).focus()

    # --- the list --------------------------------------------------------------

    def _load_leads(self, keep_cursor: bool = False) -> None:
        in_store(self, "load your self-gen leads", self._my_leads,
                 lambda rows: self.query_one("#my-leads", LeadTable).show(rows, keep_cursor=keep_cursor),
                 group="selfgen-list")

    def _my_leads(self, session) -> list:
        """The rows of the leads this rep found (in the worker)."""
        from rep_tui.clock import local_today
        from rep_tui.store.queries import self_gen_leads
        from rep_tui.widgets.when import short_date

        today = local_today(self.app.tz)
        leads = self_gen_leads(session, self.app.user.id)
        return [
            (
                lead.id,
                (
                    lead.name,
                    format_phone(lead.cell_phone_e164 or lead.home_phone_e164 or lead.work_phone_e164),
                    short_date(lead.created_at, self.app.tz, today),
                    str(lead.pid) if lead.pid else Text(NOT_SYNCED, style="bold"),
                    stage.removesuffix(f" · {NOT_SYNCED}"),
                ),
            )
            for lead, stage in leads
        ]

    def action_focus_list(self) -> None:
        self.query_one("#my-leads", LeadTable).focus()

    @on(LeadTable.LeadChosen)
    def _open(self, event: LeadTable.LeadChosen) -> None:
        self.app.open_lead(event.lead_id)
