"""The office's writes of many rows at once, from the server's box: a CSV
import of leads (tens of thousands of lines) and reassigning all of a rep's
leads. Both go through the push path in one transaction
(`push.office_transaction`), in bulk where it can: every line is checked
with the app's own rules and named by its number when bad, and devices get
the rows, their history and who lost them exactly as from one-by-one changes."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, func, select

from rep_tui.domain.custom_fields import Definition
from rep_tui.domain.duplicates import contact_keys
from rep_tui.domain.fields import specs, used, with_derived
from rep_tui.domain.rules import check_text
from rep_tui.domain.validation import Invalid
from rep_tui.server.admin import ADMIN, BATCH, AdminError, Change, Progress, _apply, _insert, _user, _write
from rep_tui.store.models import Appointment, CustomField, Lead, User
from rep_tui.store.selfgen import FORM_FIELDS, SelfGenForm, problems


# --- importing leads ------------------------------------------------------------------


#: The CSV columns an import understands (a header row names them, in any order): the lead's columns whose specs say so.
LEAD_COLUMNS = tuple(used("leads", "imported"))
EXTRA_COLUMNS = ("rep", "notes")


@dataclass
class ImportReport:
    lines: int = 0
    bad_lines: int = 0
    written: int = 0
    problems: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    skipped_duplicates: int = 0
    pids: list[int] = field(default_factory=list)
    held_back: bool = False  # bad lines, and not told to skip them: nothing written

    def as_json(self) -> dict[str, Any]:
        return {"lines": self.lines, "written": self.written, "bad_lines": self.bad_lines,
                "held_back": self.held_back, "problems": self.problems, "duplicates": self.duplicates,
                "skipped_duplicates": self.skipped_duplicates, "pids": self.pids}

    def text(self) -> str:
        out = [*self.problems, *self.duplicates]
        if self.held_back:
            out.append(f"Nothing written: {self.bad_lines} bad line(s) of {self.lines}. Fix them, or use "
                       f"--skip-bad to write the {self.lines - self.bad_lines} good one(s).")
            return "\n".join(out)
        span = f" (PIDs {self.pids[0]}–{self.pids[-1]})" if self.pids else ""
        skipped = f", {self.skipped_duplicates} skipped" if self.skipped_duplicates else ""
        out.append(f"{self.written} lead(s) written{span} of {self.lines} line(s); {self.bad_lines} bad line(s) "
                   f"left out; {len(self.duplicates)} possible duplicate(s){skipped}.")
        return "\n".join(out)


def _clean(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _custom_columns(conn: Connection) -> dict[str, Definition]:
    """The office's active custom fields by the CSV column that may name them:
    their label or their key (a lead column of the same name wins)."""
    rows = conn.execute(select(CustomField.__table__).where(CustomField.deleted.is_(False),
                                                            CustomField.active.is_(True))).mappings()
    found: dict[str, Definition] = {}
    for definition in map(Definition.of, rows):
        for name in (_clean(definition.label), definition.key):
            if name not in LEAD_COLUMNS + EXTRA_COLUMNS:
                found.setdefault(name, definition)
    return found


def _header(names: list[str], custom: dict[str, Definition]) -> list[str]:
    cleaned = [_clean(n) for n in names]
    unknown = [raw for raw, name in zip(names, cleaned) if name not in LEAD_COLUMNS + EXTRA_COLUMNS
               and name not in custom]
    if unknown:
        fields = f"; and the custom fields {', '.join(sorted(custom))}" if custom else ""
        raise AdminError(f"line 1: unknown column(s) {', '.join(map(repr, unknown))}; a lead import knows "
                         f"{', '.join(LEAD_COLUMNS + EXTRA_COLUMNS)}{fields}.")
    fields = [custom[n].key if n in custom else n for n in cleaned]  # a custom field's label and key are one field
    twice = sorted({raw for raw, name in zip(names, fields) if fields.count(name) > 1})
    if twice:
        raise AdminError(f"line 1: column(s) given twice: {', '.join(twice)}.")
    return cleaned


class _LineChecker:
    """Turns one CSV line into a lead's column values with the app's own
    checks (those of a self-gen lead), and says what is wrong, by column."""

    def __init__(self, conn: Connection, custom: dict[str, Definition]) -> None:
        self._conn = conn
        self._reps: dict[str, uuid.UUID | str] = {}
        #: The file's custom field columns, by column.
        self._custom = custom

    def rep(self, username: str) -> uuid.UUID:
        """The id of an active user, or Invalid saying why not."""
        if not username:
            raise Invalid("no rep: fill the rep column, or give --rep USERNAME")
        if username not in self._reps:
            row = self._conn.execute(select(User.id, User.active).where(
                User.username == username, User.deleted.is_(False))).first()
            if row is None:
                self._reps[username] = f"no user named {username!r}"
            else:
                self._reps[username] = row.id if row.active else f"{username} is disabled"
        found = self._reps[username]
        if isinstance(found, str):
            raise Invalid(found)
        return found

    def _value(self, name: str, value: str) -> dict[str, Any]:
        limit = getattr(Lead.__table__.c[name].type, "length", None)
        if limit and len(value) > limit:
            raise Invalid(f"at most {limit} characters")
        return with_derived("leads", {name: specs("leads")[name].check(value)})

    def check(self, cells: dict[str, str], rep: str) -> tuple[dict[str, Any], dict[str, str]]:
        """(lead column values, {column: problem})."""
        found = problems(SelfGenForm(**{k: v for k, v in cells.items() if k in FORM_FIELDS and k != "notes"}))
        found.update(_control_characters(cells))
        values: dict[str, Any] = {}
        for name in LEAD_COLUMNS:
            value = cells.get(name, "").strip()
            if value and name not in found:
                try:
                    values.update(self._value(name, value))
                except Invalid as exc:
                    found[name] = str(exc)
        try:
            values["rep_id"] = self.rep(cells.get("rep", "").strip() or rep)
        except Invalid as exc:
            found["rep"] = str(exc)
        values["custom"] = {}
        for column, definition in self._custom.items():
            try:
                value = definition.spec.check(cells.get(column, ""))
            except Invalid as exc:
                found.setdefault(column, str(exc))
                continue
            if value is not None:
                values["custom"][definition.key] = value
        return values, found


def _control_characters(cells: dict[str, str]) -> dict[str, str]:
    """{column: problem} for the cells holding a control character (ESC, NUL,
    …), which the server refuses too; notes may hold newlines and tabs."""
    found = {}
    for column, value in cells.items():
        try:
            check_text(value.strip(), max_length=None, long=column == "notes")
        except Invalid as exc:
            found[column] = str(exc)
    return found


def _read_lines(source: TextIO, custom: dict[str, Definition]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header's column names and (line number, cells) per non-empty line."""
    reader = csv.reader(source)
    try:
        header = _header(next(reader), custom)
        return header, [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    except StopIteration:
        raise AdminError("The file is empty: its first line names the columns.") from None
    except UnicodeDecodeError as exc:
        raise AdminError(f"The file is not UTF-8 text (byte {exc.start + 1}): save it as \"CSV UTF-8\".") from None
    except csv.Error as exc:
        raise AdminError(f"Not a readable CSV file: {exc}") from None


def _problem(line: int, cells: dict[str, str], column: str, message: str) -> str:
    value = cells.get(column, "").strip()
    return f"line {line}, {column}: " + (f"{value!r}: " if value else "") + message


PHONE_COLUMNS = (Lead.home_phone_e164, Lead.cell_phone_e164, Lead.work_phone_e164)
EMAIL_COLUMNS = (Lead.email, Lead.alt_email)
CHUNK = 500


def _existing(conn: Connection, keys: set[str]) -> dict[str, str]:
    """Which of these phone/email keys live leads already have, each with the
    first such lead (in a few queries for a whole file, not one per line)."""
    found: dict[str, str] = {}
    for kind, columns, fold in (("phone", PHONE_COLUMNS, lambda c: c), ("email", EMAIL_COLUMNS, func.lower)):
        wanted = sorted(k.split(" ", 1)[1] for k in keys if k.startswith(kind + " "))
        for start in range(0, len(wanted), CHUNK):
            for column in columns:
                rows = conn.execute(select(fold(column), Lead.pid, Lead.first_name, Lead.last_name).where(
                    fold(column).in_(wanted[start:start + CHUNK]), Lead.deleted.is_(False)).order_by(Lead.pid))
                for value, pid, first, last in rows:
                    found.setdefault(f"{kind} {value}", f"PID {pid} {f'{first} {last}'.strip()} ({kind})")
    return found


#: Lines checked and then written at a time (at most two changes each: the
#: lead, its note), so the push's own checks find each value in the
#: validators' cache the line check just filled (`validation.RECENT`).
LINES_PER_BATCH = BATCH // 2


class _HeldBack(Exception):
    """Bad lines, and not told to skip them: what was written is rolled back."""


def _checked_lines(checker: _LineChecker, header: list[str], lines: list[tuple[int, list[str]]], rep: str,
                   report: ImportReport) -> list[tuple[int, dict[str, str], dict[str, Any]]]:
    """The good lines as (number, cells, lead values); the bad ones' problems go in the report."""
    good = []
    for number, row in lines:
        if len(row) > len(header):
            report.problems.append(f"line {number}: {len(row)} cells, but the header names {len(header)}")
            report.bad_lines += 1
            continue
        cells = dict(zip(header, row))
        values, found = checker.check(cells, rep)
        if found:
            report.problems += [_problem(number, cells, column, message) for column, message in found.items()]
            report.bad_lines += 1
        else:
            good.append((number, cells, values))
    return good


def _lead_changes(conn: Connection, good: list[tuple[int, dict[str, str], dict[str, Any]]], seen: dict[str, int],
                  report: ImportReport, skip_duplicates: bool) -> list[Change]:
    """A lead (and its note) per good line; one sharing a phone or email with
    an earlier line (`seen`, filled here) or a lead in the database is
    reported, and with `skip_duplicates` left out."""
    existing = _existing(conn, {key for _n, _c, values in good for key in contact_keys(values)})
    changes = []
    for number, cells, values in good:
        keys = contact_keys(values)
        earlier = next((f"line {seen[k]} ({k.split()[0]})" for k in keys if k in seen), None) \
            or next((existing[k] for k in keys if k in existing), None)
        for key in keys:
            seen.setdefault(key, number)
        if earlier:
            report.duplicates.append(f"line {number}: may be a duplicate of {earlier}"
                                     + (" — skipped" if skip_duplicates else ""))
            if skip_duplicates:
                report.skipped_duplicates += 1
                continue
        lead = _insert("leads", values, label=f"line {number}")
        changes.append(lead)
        if cells.get("notes", "").strip():
            changes.append(_insert("notes", {"lead_id": lead.row_id, "author_name": "Import",
                                             "body": cells["notes"].strip()}, label=f"line {number}, notes"))
    return changes


def import_leads(engine: Engine, source: TextIO, *, rep: str | None = None, skip_bad: bool = False,
                 skip_duplicates: bool = False, progress: Progress | None = None) -> ImportReport:
    """Check every line of a CSV of leads and write them all (or, with
    `skip_bad`, the good ones) owned by `rep` or the line's rep column, in
    one transaction: nothing is written while a line is bad and `skip_bad`
    is not given. Each problem names its line and column; leads sharing a
    phone or email with an earlier one (in the database or the file) are
    reported, and with `skip_duplicates` left out. A column may name a
    custom field (by its label or key): its cells are checked with the
    field's rule, as Edit Customer checks them. `progress` is told (lines
    done, lines in all) after each batch."""
    from rep_tui.server import push

    with engine.connect() as conn:
        custom = _custom_columns(conn)
    header, lines = _read_lines(source, custom)

    def attempt() -> tuple[ImportReport, list[uuid.UUID]]:
        report, lead_ids, seen = ImportReport(lines=len(lines)), [], {}
        with push.office_transaction(engine, ADMIN, f"admin-{uuid.uuid4().hex}") as state:
            checker = _LineChecker(state.conn, {name: custom[name] for name in header if name in custom})
            if "rep" not in header:
                if not rep:
                    raise AdminError("Whose leads are these? Give --rep USERNAME, or a rep column.")
                try:
                    checker.rep(rep)
                except Invalid as exc:
                    raise AdminError(f"--rep: {exc}.") from None
            for start in range(0, len(lines), LINES_PER_BATCH):
                good = _checked_lines(checker, header, lines[start:start + LINES_PER_BATCH], rep or "", report)
                changes = _lead_changes(state.conn, good, seen, report, skip_duplicates)
                if skip_bad or not report.bad_lines:  # else only checking on, to report every bad line
                    _write(state, changes)
                    lead_ids += [c.row_id for c in changes if c.table == "leads"]
                if progress:
                    progress(min(start + LINES_PER_BATCH, len(lines)), len(lines))
            if report.bad_lines and not skip_bad:
                report.held_back = True
                raise _HeldBack(report)
        return report, lead_ids

    try:
        report, lead_ids = push.retried(attempt)
    except _HeldBack as held:
        return held.args[0]
    report.written = len(lead_ids)
    with engine.connect() as conn:
        for start in range(0, len(lead_ids), CHUNK):
            report.pids += conn.execute(select(Lead.pid).where(Lead.id.in_(lead_ids[start:start + CHUNK]))).scalars()
    report.pids.sort()
    return report


# --- reassigning leads --------------------------------------------------------------------


def assign(engine: Engine, to: str, *, pid: int | None = None, from_user: str | None = None,
           progress: Progress | None = None) -> int:
    """Give one lead (by PID) or all of a rep's leads to another rep; their
    open appointments go along. Returns the number of leads moved."""
    if (pid is None) == (from_user is None):
        raise AdminError("Say which leads: --lead PID, or --from USERNAME for all of a rep's leads.")
    with engine.connect() as conn:
        target = _user(conn, to)
        if not target.active:
            raise AdminError(f"{to} is disabled: leads can only go to an active user.")
        live = Lead.deleted.is_(False)
        if pid is not None:
            leads = conn.execute(select(Lead.id, Lead.rep_id).where(Lead.pid == pid, live)).all()
            if not leads:
                raise AdminError(f"No lead with PID {pid}.")
        else:
            leads = conn.execute(select(Lead.id, Lead.rep_id).where(Lead.rep_id == _user(conn, from_user).id, live)
                                 .order_by(Lead.pid)).all()
        moving = [(lead_id, rep_id) for lead_id, rep_id in leads if rep_id != target.id]
        appointments = conn.execute(select(Appointment.id, Appointment.rep_id).where(
            Appointment.lead_id.in_([lead_id for lead_id, _ in moving]), Appointment.result_code.is_(None),
            Appointment.deleted.is_(False), Appointment.rep_id.is_not(None),
            Appointment.rep_id != target.id)).all() if moving else []
    changes = [Change("leads", lead_id, "update", {"rep_id": (rep_id, target.id)}) for lead_id, rep_id in moving]
    changes += [Change("appointments", a_id, "update", {"rep_id": (rep_id, target.id)})
                for a_id, rep_id in appointments]
    _apply(engine, changes, progress)
    return len(moving)
