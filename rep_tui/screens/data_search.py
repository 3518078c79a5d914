"""Data search: the office types the fields to show, the filters and the
sort (by the fields' labels: "State = IL; Home Built < 1950"), runs it
(Ctrl+R, in a worker), reads the rows, saves the search by name (Ctrl+S) or
opens a saved one (the Saved list), and writes the rows to a file as CSV,
JSON, mailing labels, postcards, letters or an email list (Ctrl+O). Ctrl+L brings back
the last search written out on this device, with its output and file.

For users whose permissions include EXPORT (the palette offers it only to
them; `data_search.export` checks again). Everything is read and written
through `store_io.in_store`; the search itself is `store.data_search`."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from rep_tui.domain.safe_text import visible
from rep_tui.store import data_search as ds
from rep_tui.store_io import in_store
from rep_tui.widgets.footer import RepFooter

#: Outputs offered, in the order the list shows them (`outputs.FORMATS` describes them).
OUTPUTS = (("CSV", "csv"), ("JSON", "json"), ("Mailing labels (PDF)", "labels"), ("Postcards (PDF)", "postcards"),
           ("Letters (PDF)", "letters"), ("Letters (text)", "letters-text"), ("Email list", "emails"),
           ("Text table", "table"))


def _refused(work):
    """`work` for `in_store` that returns a search's refusal as its words (a thing to show, not a fault)."""
    def attempt(session) -> Any:
        try:
            return work(session)
        except ds.DataSearchError as refused:
            session.rollback()
            return str(refused)

    return attempt


class DataSearchScreen(Screen):
    TITLE = "Data Search"
    CSS_PATH = "../styles/data_search.tcss"
    BINDINGS = [
        Binding("escape", "app.back", "Back"),
        Binding("ctrl+r", "run", "Run"),
        Binding("ctrl+s", "save", "Save search"),
        Binding("ctrl+o", "write", "Write file"),
        Binding("ctrl+l", "last_run", "Last run"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, ds.SearchField] = {}
        self.result: ds.Result | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="ds-line"):
            yield Label("Saved ", classes="ds-label")
            yield Select([], prompt="(none)", id="ds-saved", compact=True)
            yield Label(" Name ", classes="ds-short")
            yield Input(placeholder="to save as", id="ds-name", compact=True)
            yield Select([(label, value) for value, label in ds.PER], value="customer", allow_blank=False,
                         id="ds-per", compact=True)
        for name, hint in (("fields", "PID, First Name, Last Name, City"),
                           ("filters", "State = IL; Home Built < 1950; Email is filled in"),
                           ("sort", "-Home Built, Last Name  (- sorts down)")):
            with Horizontal(classes="ds-line"):
                yield Label(name.title(), classes="ds-label")
                yield Input(placeholder=f"e.g. {hint}", id=f"ds-{name}", compact=True)
        yield Static("Ctrl+R runs the search.", id="ds-status")
        yield DataTable(id="ds-table", zebra_stripes=True, cursor_type="row")
        with Horizontal(classes="ds-line"):
            yield Label("Output", classes="ds-label")
            yield Select(OUTPUTS, value="csv", allow_blank=False, id="ds-output", compact=True)
            yield Label(" File ", classes="ds-short")
            yield Input(placeholder="~/mailing.csv", id="ds-path", compact=True)
        with Horizontal(classes="ds-line"):
            yield Label("Letter", classes="ds-label")
            yield Input(placeholder="template file for letters, e.g. ~/letter.txt ({first_name}, {address}…)",
                        id="ds-template", compact=True)
        yield RepFooter()

    def on_mount(self) -> None:
        self.query_one("#ds-fields", Input).focus()
        self._load_saved()

    def _load_saved(self, chosen: str | None = None) -> None:
        user_id = self.app.user.id

        def read(session) -> tuple[dict, list[str]]:
            return ds.catalog(session.connection()), [row.name for row in ds.saved(session, user_id)]

        def show(found: tuple[dict, list[str]]) -> None:
            self.fields, names = found
            shown = self.query_one("#ds-fields", Input)
            if not shown.value:  # a new search: the default fields, by their labels
                shown.value = ds.describe(ds.Query(), self.fields)[0]
            if self.result is None:
                self._say(f"Ctrl+R runs the search. Fields: {ds.field_names(self.fields)}.")
            saved = self.query_one("#ds-saved", Select)
            with self.prevent(Select.Changed):
                saved.set_options([(visible(name), name) for name in names])
                if chosen in names:
                    saved.value = chosen

        in_store(self, "list the saved searches", read, show, group="ds-saved")

    # --- the search ------------------------------------------------------------

    def query_typed(self) -> ds.Query:
        """The search as typed (refused in words when a filter cannot be read)."""
        def text(name: str) -> str:
            return self.query_one(f"#ds-{name}", Input).value

        fields = tuple(part.strip() for part in text("fields").split(",") if part.strip())
        return ds.Query(fields or ds.DEFAULT_FIELDS, ds.parse_filters(text("filters")),
                        str(self.query_one("#ds-per", Select).value), ds.parse_sort(text("sort")))

    def _typed_or_say(self) -> ds.Query | None:
        try:
            return self.query_typed()
        except ds.DataSearchError as refused:
            self._say(str(refused), error=True)
            return None

    def _say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#ds-status", Static)
        status.update(visible(text))
        status.set_class(error, "-error")

    def action_run(self) -> None:
        query = self._typed_or_say()
        if query is None:
            return
        self._say("Searching…")
        in_store(self, "run the data search", _refused(lambda session: ds.run(session.connection(), query)),
                 self._show, group="ds-run")

    def _show(self, result: ds.Result | str) -> None:
        if isinstance(result, str):
            self._say(result, error=True)
            return
        self.result = result
        self.fields = result.catalog
        table = self.query_one("#ds-table", DataTable)
        table.clear(columns=True)
        table.add_columns(*(column.label for column in result.columns))
        table.add_rows([[visible(cell) for cell in row] for row in result.table()])
        per = "job(s)" if result.query.per == "job" else "customer(s)"
        self._say(f"{len(result.records)} {per} found. Ctrl+S saves the search, Ctrl+O writes them to the file.")

    def shown_rows(self) -> list[list[str]]:
        """The table's rows as shown (what the outputs write)."""
        table = self.query_one("#ds-table", DataTable)
        return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]

    def _fill(self, query: ds.Query) -> None:
        fields, filters, sort = ds.describe(query, self.fields)
        for name, value in (("fields", fields), ("filters", filters), ("sort", sort)):
            self.query_one(f"#ds-{name}", Input).value = value
        self.query_one("#ds-per", Select).value = query.per

    # --- saved searches ------------------------------------------------------------

    def action_save(self) -> None:
        name = self.query_one("#ds-name", Input).value.strip()
        query = self._typed_or_say()
        if query is None:
            return
        actor = self.app.actor

        def save(session) -> str:
            ds.save(session, actor, name, query)
            return name

        def saved(answer: str) -> None:
            if answer != name:
                self._say(answer, error=True)
                return
            self._say(f"Saved “{name}”.")
            self._load_saved(chosen=name)

        in_store(self, "save the data search", _refused(save), saved, group="ds-save")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "ds-saved" or event.value is Select.NULL:
            return
        name, user_id = str(event.value), self.app.user.id

        def read(session) -> ds.Query | None:
            row = ds.find_saved(ds.saved(session, user_id), name)
            return None if row is None else ds.Query.from_json(row.query)

        def opened(query: ds.Query | None) -> None:
            if query is None:
                return
            self.query_one("#ds-name", Input).value = name
            self._fill(query)
            self.action_run()

        in_store(self, "open the saved search", _refused(read), opened, group="ds-open")

    # --- outputs ------------------------------------------------------------------

    def action_write(self) -> None:
        query = self._typed_or_say()
        if query is None:
            return
        output = str(self.query_one("#ds-output", Select).value)
        path = self.query_one("#ds-path", Input).value
        template_path = self.query_one("#ds-template", Input).value.strip()
        name = self.query_one("#ds-name", Input).value.strip() or None
        user_id = self.app.user.id

        def write(session) -> str:
            from pathlib import Path

            from rep_tui.outputs import NEEDS_TEMPLATE

            template = None
            if output in NEEDS_TEMPLATE and not template_path:
                raise ds.DataSearchError("Letters need a template: give its file under Letter.")
            if template_path and output in NEEDS_TEMPLATE | {"postcards"}:
                try:
                    template = Path(template_path).expanduser().read_text(encoding="utf-8")
                except OSError as exc:
                    raise ds.DataSearchError(f"Could not read the template {template_path}: "
                                             f"{exc.strerror or exc}.") from None
            return "Written: " + ds.export(session, user_id, query, output, path, template=template, name=name)

        def written(answer: str) -> None:
            self._say(answer, error=not answer.startswith("Written: "))

        self._say("Writing…")
        in_store(self, "write the search to a file", _refused(write), written, group="ds-write")

    def action_last_run(self) -> None:
        def opened(last: ds.LastRun | str | None) -> None:
            if not isinstance(last, ds.LastRun):
                self._say(last or "Nothing was written out on this device yet.", error=bool(last))
                return
            self._fill(last.query)
            self.query_one("#ds-name", Input).value = last.name or ""
            self.query_one("#ds-output", Select).value = last.output or "csv"
            self.query_one("#ds-path", Input).value = last.path or ""
            self.action_run()

        in_store(self, "open the last data search", _refused(ds.last_run), opened, group="ds-open")
