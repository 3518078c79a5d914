"""What a data search writes out (`store.data_search.Result`): a text table,
CSV, JSON, an email list, mailing labels and letters (`outputs.pdf`, which
alone imports fpdf2). Every output is rendered to bytes first, so a refusal
(an unknown placeholder) leaves no half-written file behind."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from rep_tui.domain.validation import Invalid, check_email
from rep_tui.store.data_search import DataSearchError, Result, SearchField, field_of

#: Output → how the office reads it.
FORMATS = {"table": "Table (text)", "csv": "CSV", "json": "JSON", "labels": "Mailing labels (PDF, Avery 5160)",
           "postcards": "Postcards (PDF, 4 per page)",
           "letters": "Letters (PDF)", "letters-text": "Letters (plain text)", "emails": "Email list"}
#: The outputs that need a letter template.
NEEDS_TEMPLATE = frozenset({"letters", "letters-text"})
#: The outputs that are PDFs (a file, never a terminal).
PDFS = frozenset({"labels", "postcards", "letters"})
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def render(result: Result, output: str, template: str | None = None) -> tuple[bytes, str]:
    """(the file's bytes, what it holds in words: "12 labels on 1 page")."""
    if output not in FORMATS:
        raise DataSearchError(f"There is no output “{output}”; outputs: {', '.join(FORMATS)}.")
    if output in NEEDS_TEMPLATE:
        if not (template or "").strip():
            raise DataSearchError("Letters need a template: the letter's text with placeholders like {first_name}.")
        letters = [fill(template, result, record) for record in result.customers]
        if output == "letters-text":
            return "\f\n".join(letters).encode(), f"{len(letters)} letter(s)"
        from rep_tui.outputs.pdf import letters_pdf

        return letters_pdf(letters), f"{len(letters)} letter(s), one page each"
    if output in ("labels", "postcards"):
        from rep_tui.outputs.pdf import LABEL, POSTCARD, labels_pdf

        sheet = LABEL if output == "labels" else POSTCARD
        labels = [mailing_label(record) for record in result.customers]
        messages = [fill(template, result, record) for record in result.customers] \
            if output == "postcards" and (template or "").strip() else None
        pages = max(1, -(-len(labels) // sheet.per_page))
        return labels_pdf(labels, sheet, messages), f"{len(labels)} {output[:-1]}(s) on {pages} page(s)"
    if output == "emails":
        found = emails(result)
        return "".join(f"{email}\n" for email in found).encode(), f"{len(found)} email address(es)"
    rows = result.table()
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([column.label for column in result.columns])
        writer.writerows([[spreadsheet_safe(cell) for cell in row] for row in rows])
        return buffer.getvalue().encode("utf-8-sig"), f"{len(rows)} row(s)"
    if output == "json":
        keys = [column.key for column in result.columns]
        return (json.dumps([dict(zip(keys, row)) for row in rows], ensure_ascii=False, indent=1) + "\n").encode(), \
            f"{len(rows)} row(s)"
    return text_table(result).encode(), f"{len(rows)} row(s)"


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs: one that starts like
    a formula ("=HYPERLINK(…)" typed into a web form) gets a leading apostrophe."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def text_table(result: Result) -> str:
    """The rows in aligned columns, under their labels."""
    rows = [[column.label for column in result.columns], *result.table()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(result.columns))]
    return "".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() + "\n" for row in rows)


def placeholders(template: str, result: Result) -> dict[str, SearchField]:
    """The fields a template names, by placeholder; an unknown one is refused by name."""
    found: dict[str, SearchField] = {}
    for match in _PLACEHOLDER.finditer(template):
        name = match.group(1)
        if name is None or name in found:
            continue
        key = name.strip()
        try:
            found[name] = field_of(result.catalog, key if key in result.catalog or f"custom.{key}" not in
                                   result.catalog else f"custom.{key}")
        except DataSearchError:
            raise DataSearchError(f"The letter's placeholder {{{name}}} is no field. Placeholders are field names "
                                  f"like {{first_name}}, {{address}} or a custom field's key.") from None
    return found


def fill(template: str, result: Result, record: dict[str, Any]) -> str:
    """The template with each placeholder replaced by the record's value ("{{" and "}}" are braces)."""
    fields = placeholders(template, result)

    def value(match: re.Match) -> str:
        if match.group(1) is None:
            return match.group(0)[0]
        search_field = fields[match.group(1)]
        return search_field.shown(record.get(search_field.key))

    return _PLACEHOLDER.sub(value, template)


def mailing_label(record: dict[str, Any]) -> list[str]:
    """A customer's label: name, street, city-state-zip."""
    place = " ".join(part for part in (", ".join(p for p in (record.get("city"), record.get("state")) if p),
                                       record.get("zip")) if part)
    name = " ".join(p for p in (record.get("first_name"), record.get("last_name")) if p)
    return [line for line in (name, record.get("address") or "", place) if line]


def emails(result: Result) -> list[str]:
    """The customers' valid email addresses, each once, in the result's order
    (one marked invalid, a bounce, is left out)."""
    found: dict[str, str] = {}
    for record in result.customers:
        if record.get("invalid_email"):
            continue
        try:
            email = check_email(record.get("email"))
        except Invalid:
            continue
        if email:
            found.setdefault(email.casefold(), email)
    return list(found.values())
