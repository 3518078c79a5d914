"""The customer list's filters (f on Customers): result, product, source,
rep, team, office, created and appointment dates, ZIP, city, the lead's
fields picked from a list (`CHOICE_FIELDS`) and every active custom field. Ctrl+S applies them; a date or a custom value
that is not one says why under its field and nothing is applied.

`describe` says the filters in one line, for above the list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Select

from rep_tui.domain.custom_fields import YES_NO
from rep_tui.domain.dates import format_day
from rep_tui.domain.rules import check_day
from rep_tui.domain.validation import Invalid
from rep_tui.screens.form_dialog import FormDialog
from rep_tui.store.customer_list import CHOICE_FIELDS, CustomerFilters, FilterChoices
from rep_tui.widgets.form_field import FormField, text_input
from rep_tui.widgets.markup_text import in_markup

#: The filters typed as dates, with their labels.
DATES = {"created_from": "Created from", "created_until": "Created to",
         "appointment_from": "Appointment from", "appointment_until": "Appointment to"}
CUSTOM = "custom-"  # the id of a custom field's control is this and its key
PICKED = "pick-"  # the id of a `CHOICE_FIELDS` control is this and its column


def _picker(name: str, options: list[tuple[str, Any]], value: Any) -> Select:
    return Select([(in_markup(label), key) for label, key in options], id=name, prompt="any", compact=True,
                  value=Select.NULL if value is None else value)


def _options(choices: FilterChoices) -> dict[str, tuple[str, list[tuple[str, Any]]]]:
    """{filter: (label, [(shown, value)])} of the filters picked from a list."""
    return {
        "result": ("Last result", choices.results),
        "product": ("Product", [(p, p) for p in choices.products]),
        "source": ("Source", [(s, s) for s in choices.sources]),
        "rep_id": ("Rep", choices.reps),
        "team_id": ("Team", choices.teams),
        "office_id": ("Office", choices.offices),
    }


def describe(filters: CustomerFilters, choices: FilterChoices) -> str:
    """The filters in one line ("Last result Sold · City Naperville"), "" when there are none."""
    parts = []
    for name, (label, options) in _options(choices).items():
        value = getattr(filters, name)
        if value is not None:
            parts.append(f"{label} {dict((v, k) for k, v in options).get(value, value)}")
    picked = dict(filters.picked)
    for name, spec in CHOICE_FIELDS.items():
        if name in picked:
            parts.append(f"{spec.label} {spec.choice_label(picked[name])}")
    for name, label in DATES.items():
        day: date | None = getattr(filters, name)
        if day is not None:
            parts.append(f"{label} {format_day(day)} {day.year}")
    if filters.zip:
        parts.append(f"ZIP {filters.zip}*")
    if filters.city:
        parts.append(f"City {filters.city}")
    labels = {d.key: d for d in choices.custom}
    for key, value in filters.custom:
        definition = labels.get(key)
        parts.append(f"{definition.label} {definition.shown(value)}" if definition else f"{key} {value}")
    return " · ".join(parts)


class CustomerFiltersDialog(FormDialog[CustomerFilters]):
    """Pick the filters; dismisses with them (Esc: with None, the list stays as it was)."""

    dialog_title = "Filter customers"
    submit_label = "Apply"

    def __init__(self, filters: CustomerFilters, choices: FilterChoices) -> None:
        super().__init__()
        self.filters = filters
        self.choices = choices

    def compose_body(self) -> ComposeResult:
        f = self.filters
        for name, (label, options) in _options(self.choices).items():
            yield FormField(label, _picker(name, options, getattr(f, name)))
        picked = dict(f.picked)
        for name, spec in CHOICE_FIELDS.items():
            yield FormField(spec.label, _picker(PICKED + name, [(label, value) for value, label in spec.choices],
                                                picked.get(name)))
        for name, label in DATES.items():
            day = getattr(f, name)
            yield FormField(label, text_input(name, day.isoformat() if day else None, "e.g. 11/1, 2026-11-01"))
        yield FormField("ZIP starts with", text_input("zip", f.zip, "e.g. 606"))
        yield FormField("City", text_input("city", f.city, "e.g. Naperville"))
        values = dict(f.custom)
        for definition in self.choices.custom:
            name, value = CUSTOM + definition.key, values.get(definition.key)
            if definition.kind == "choice":
                yield FormField(definition.label, _picker(name, [(c, c) for c in definition.choices], value))
            elif definition.kind == "yes-no":
                yield FormField(definition.label, _picker(name, [(label, key == "yes") for key, label in YES_NO],
                                                          value))
            else:
                yield FormField(definition.label, text_input(name, definition.typed(value),
                                                             "any part of it" if definition.kind == "text" else ""))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#result").focus()

    def submit(self) -> None:
        values, errors, custom = self.values(), {}, []
        chosen: dict[str, Any] = {name: values[name] for name in _options(self.choices)}
        for name, label in DATES.items():
            try:
                chosen[name] = check_day(values[name] or "")
            except Invalid as exc:
                errors[name] = f"{label}: {exc}"
        for definition in self.choices.custom:
            typed = values[CUSTOM + definition.key]
            if definition.kind in ("choice", "yes-no"):
                value = typed
            else:
                try:
                    value = definition.spec.check(typed) if typed and typed.strip() else None
                except Invalid as exc:
                    errors[CUSTOM + definition.key] = str(exc)
                    continue
            if value is not None:
                custom.append((definition.key, value))
        if errors:
            self.show_errors(errors)
            return
        zip_code, city = (values["zip"] or "").strip(), (values["city"] or "").strip()
        picked = tuple((name, values[PICKED + name]) for name in CHOICE_FIELDS if values[PICKED + name] is not None)
        self.dismiss(replace(CustomerFilters(), **chosen, zip=zip_code or None, city=city or None,
                             picked=picked, custom=tuple(custom)))

