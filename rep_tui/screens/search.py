"""Search: one input, results as you type over name, phone in any format,
address, city, zip, PID, Job ID and email; each row names the field that
matched and highlights the matched text. Filters (Ctrl+F) narrow by result
code, source and appointment dates.

A manager (anyone who may reassign leads) marks results with Space and
gives them to another rep with R (the lead under the cursor when none is
marked); the count marked shows above the results.

Esc goes back to the Dashboard, like on every main screen; the query and its
results stay, and 2, F2 or `/` bring them back with the text selected, so
typing starts a new search and Down goes on through the results."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Select, Static

from rep_tui.domain.permissions import Permission
from rep_tui.domain.text import digits, strip_accents, words
from rep_tui.domain.validation import format_phone, normalize_phone
from rep_tui.messages import reload_when_synced
from rep_tui.store.search import SearchFilters, SearchHit
from rep_tui.store_io import after_typing, in_store
from rep_tui.widgets.date_range import DateRange
from rep_tui.widgets.footer import RepFooter
from rep_tui.widgets.lead_table import LeadTable
from rep_tui.widgets.row_table import Column

DEBOUNCE_SECONDS = 0.15
RESULT_LIMIT = 100
EMPTY_HELP = (
    "[b]Type anything you remember about the customer:[/b]\n"
    "  a name — O'Brien, obrien, Jose, Nguyen\n"
    "  a phone in any format — (555) 123-4567, 555.123.4567, or just the last 4\n"
    "  an address, city or ZIP — 12 Oak, Naperville, 60540\n"
    "  a PID, a Job ID or an email\n"
    "Enter opens the top result · Down moves into the results · Ctrl+F filters"
)


def highlight(cell: str, query: str) -> Text:
    """The cell with every query word (or the query's digits) highlighted where
    a word of the cell starts with it, ignoring case, accents and punctuation
    inside words ("obrien" lights up "O'Brien")."""
    text = Text(cell)
    folded, origin = [], []  # letters and digits of the cell, folded, with their index in `cell`
    for index, char in enumerate(cell):
        for piece in strip_accents(char).lower():
            if piece.isalnum():
                folded.append(piece)
                origin.append(index)
    haystack = "".join(folded)
    number = digits(query)
    if number and not any(ch.isalpha() for ch in query):
        needles = [number[1:] if len(number) == 11 and number.startswith("1") else number]
    else:
        needles = [w for w in words(query) if w]
    for needle in needles:
        start = haystack.find(needle)
        while start != -1:
            first = origin[start]
            word_start = first == 0 or not cell[first - 1].isalnum() or needle.isdigit()
            if word_start:
                text.stylize("bold reverse", first, origin[start + len(needle) - 1] + 1)
            start = haystack.find(needle, start + 1)
    return text


@dataclass(frozen=True)
class _Query:
    text: str
    filters: SearchFilters


class SearchScreen(Screen):
    """Find any lead and open it."""

    TITLE = "Search"
    CSS_PATH = "../styles/search.tcss"
    BINDINGS = [
        Binding("ctrl+f", "toggle_filters", "Filters"),
        Binding("down", "focus_results", "Results"),
        Binding("R", "reassign", "Reassign", tooltip="Give the marked leads (Space marks) to another rep"),
    ]

    class ResultsReady(Message):
        """A search finished (posted from the worker thread)."""

        def __init__(self, query: _Query, hits: list[SearchHit]) -> None:
            super().__init__()
            self.query = query
            self.hits = hits

    def __init__(self) -> None:
        super().__init__()
        self._shown: _Query | None = None
        self._open_top_when_ready = False
        self._back_to_results = False
        self._dates: tuple = (None, None)
        self._said = ""  # the status line's count of matches (the count marked follows it)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="e.g. O'Brien, (555) 123-4567, 12 Oak, Naperville, 60540, a PID or an email", id="query")
        with Horizontal(id="filters"):
            yield Label("Result", classes="filter-label")
            yield Select([], prompt="any", compact=True, id="result-filter")
            yield Label("Source", classes="filter-label")
            yield Select([], prompt="any", compact=True, id="source-filter")
            yield DateRange(id="date-filter")
        yield Static("", id="search-status", classes="muted")
        if self.shows_rep:  # a manager's leads are their reps': whose is it? (Matched makes room below 110 columns)
            columns = (Column("Name", 17, grow=1), Column("Rep", 16, grow=1), Column("Matched", 12, wide_only=True),
                       Column("Phone", 14), Column("Address", 12, grow=2), Column("PID", 7))
        else:
            columns = (Column("Name", 18, grow=1), Column("Matched", 12), Column("Phone", 14),
                       Column("Address", 17, grow=2), Column("PID", 7))
        yield LeadTable(*columns, id="results", markable=self.app.may(Permission.REASSIGN_LEADS))
        yield Static(EMPTY_HELP, id="empty-help")
        yield RepFooter()

    @property
    def shows_rep(self) -> bool:
        return self.app.user.watches_team

    def on_mount(self) -> None:
        self.query_one("#results", LeadTable).display = False
        self._load_filter_choices()
        reload_when_synced(self, {"leads", "jobs", "contacts"}, self._search_again)

    def _search_again(self) -> None:
        """The results shown, read again (a sync changed leads); not while the
        rep's own newer search is on its way (it reads the new rows anyway)."""
        if self._shown is not None and self._shown == self._current_query() and self._idle():
            self._search(debounce=False)

    def on_screen_resume(self) -> None:
        """Back from a lead opened here: stay on the results, so 1-6 switch
        screens and Up/Down pick the next lead; otherwise type a new search."""
        table = self.query_one("#results", LeadTable)
        if self._back_to_results and table.row_count:
            table.focus()
        else:
            self.query_one("#query", Input).focus()
        self._back_to_results = False

    def _open(self, lead_id) -> None:
        self._back_to_results = True
        self.app.open_lead(lead_id)

    # --- filters -----------------------------------------------------------

    def _load_filter_choices(self) -> None:
        from rep_tui.store.queries import lead_sources, result_codes

        def read(session) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
            return [(c.label, c.code) for c in result_codes(session)], [(s, s) for s in lead_sources(session)]

        in_store(self, "read the search filters", read, self._set_filter_choices, group="search-choices")

    def _set_filter_choices(self, choices: tuple[list[tuple[str, str]], list[tuple[str, str]]]) -> None:
        codes, sources = choices
        self.query_one("#result-filter", Select).set_options(codes)
        self.query_one("#source-filter", Select).set_options(sources)

    def _filters(self) -> SearchFilters:
        if not self.query_one("#filters").display:
            return SearchFilters()
        code = self.query_one("#result-filter", Select).value
        source = self.query_one("#source-filter", Select).value
        since, until = self._dates
        return SearchFilters(
            result_code=None if code is Select.NULL else code,
            source=None if source is Select.NULL else source,
            since=since,
            until=until,
        )

    def action_toggle_filters(self) -> None:
        filters = self.query_one("#filters")
        filters.display = not filters.display
        if filters.display:
            self.query_one("#result-filter", Select).focus()
        else:
            self.query_one("#query", Input).focus()
        self._search()

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self._search()

    @on(DateRange.Changed)
    def _dates_changed(self, event: DateRange.Changed) -> None:
        self._dates = (event.since, event.until)
        self._search()

    # --- searching -----------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self) -> None:
        self._search()

    @on(Input.Submitted, "#query")
    def _open_top(self) -> None:
        wanted = self._current_query()
        table = self.query_one("#results", LeadTable)
        if self._shown == wanted and self._idle():
            if table.row_count:
                self._open(table.lead_ids[0])
            return
        self._open_top_when_ready = True
        self._search(debounce=False)

    def _idle(self) -> bool:
        return not any(w.group == "search" and w.is_running for w in self.workers)

    def _current_query(self) -> _Query:
        return _Query(self.query_one("#query", Input).value.strip(), self._filters())

    def _search(self, debounce: bool = True) -> None:
        """Wait out fast typing, then search; a newer keystroke cancels this one."""
        query, delay = self._current_query(), DEBOUNCE_SECONDS if debounce else 0.0

        def find(session) -> list[SearchHit]:
            from rep_tui.store.search import search

            return search(session, query.text, limit=RESULT_LIMIT, filters=query.filters)

        in_store(self, "search", after_typing(delay, find),
                 lambda hits: self.post_message(self.ResultsReady(query, hits)), group="search")

    @on(ResultsReady)
    def _show_results(self, event: ResultsReady) -> None:
        if event.query != self._current_query():
            return  # typed on since; a newer search is on its way
        same_query, self._shown = event.query == self._shown, event.query
        table = self.query_one("#results", LeadTable)
        nothing_asked = not event.query.text and not event.query.filters.any()
        table.display = not nothing_asked
        self.query_one("#empty-help").display = nothing_asked
        table.show(
            ((hit.lead_id, self._cells(hit, event.query.text)) for hit in event.hits), keep_cursor=same_query
        )
        self._said = self._status(event)
        self._show_status()
        if self._open_top_when_ready:
            self._open_top_when_ready = False
            if event.hits:
                self._open(event.hits[0].lead_id)

    def _cells(self, hit: SearchHit, query: str) -> tuple:
        return (
            highlight(hit.name, query),
            *((hit.rep,) if self.shows_rep else ()),
            Text(hit.matched, style="italic"),
            highlight(format_phone(normalize_phone(hit.phone)) or hit.phone, query),
            highlight(", ".join(part for part in (hit.address, hit.city) if part), query),
            highlight(str(hit.pid or "—"), query),
        )

    @staticmethod
    def _status(event: ResultsReady) -> str:
        if not event.query.text and not event.query.filters.any():
            return ""
        count = len(event.hits)
        shown = f"{count}+" if count >= RESULT_LIMIT else str(count)
        what = f"“{event.query.text}”" if event.query.text else "the filters"
        if count == 0:
            return f"No lead matches {what}: try fewer letters or the last 4 digits of a phone."
        return f"{shown} lead{'s' if count != 1 else ''} match {what}"

    @on(LeadTable.MarksChanged)
    def _show_status(self) -> None:
        """How many leads match, and how many of them are marked."""
        marked = len(self.query_one("#results", LeadTable).marked)
        told = f" · {marked} marked: R reassigns them" if marked and self._said else ""
        self.query_one("#search-status", Static).update(self._said + told)

    # --- reassigning -----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reassign":
            return self.app.may(Permission.REASSIGN_LEADS)
        return True

    def action_reassign(self) -> None:
        """R: the marked leads (or the one under the cursor) go to a rep the manager picks."""
        from rep_tui.dialogs.reassign import reassign

        table = self.query_one("#results", LeadTable)
        leads = table.marked or ([table.current_lead_id] if table.display and table.current_lead_id else [])
        if not leads:
            self.notify("Mark the leads to reassign first: Down to the results, Space on each.", severity="warning")
            return

        def done(count: int) -> None:
            if count:
                table.clear_marks()
                self._search(debounce=False)
            self._back_to_results = True  # the dialog closing may resume this screen after this
            table.focus()

        reassign(self, leads, done)

    def palette_commands(self):
        """Search's own actions, for the command palette."""
        if not self.app.may(Permission.REASSIGN_LEADS):
            return []
        return [("Reassign the marked leads to another rep", self.action_reassign, "R (Space marks a result)")]

    # --- focus ---------------------------------------------------------------

    def focus_query(self) -> None:
        """The box, its text selected so typing starts a new search."""
        self._back_to_results = False
        query = self.query_one("#query", Input)
        query.focus()
        query.select_all()

    focus_top = focus_query  # 2, F2 and `/` (app.show_top)

    def action_focus_results(self) -> None:
        table = self.query_one("#results", LeadTable)
        if table.display and table.row_count:
            table.focus()

    @on(LeadTable.LeadChosen)
    def _lead_chosen(self, event: LeadTable.LeadChosen) -> None:
        self._open(event.lead_id)
