"""Customer fields the office defines: each definition (a `custom_fields`
row) becomes a field spec (`spec_of`) like a column's, so Edit Customer, the
server's push check and the CSV import read one rule per field. Values live
in `leads.custom`, a JSON object keyed by the definition's key:

    text → "str"   number → 12 or 12.5   date → "2026-12-03"   choice → one of its choices   yes/no → true/false

`check_custom` is what the server applies to every pushed `leads.custom`:
only changed values are checked, each against the server's definitions, so
a value stored before the office changed a field (a retired choice, a
deactivated field) is kept as it is, while a new one must fit today's rules.
A device with an older list of definitions is thus told, per change, what the
server's definitions say (the mutation is refused with the reason, the rep
sees it, and the device gets the server's row back). Pure Python."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

from rep_tui.domain.fields import FieldSpec, choice_check
from rep_tui.domain.validation import Invalid

KINDS = (("text", "Text"), ("number", "Number"), ("date", "Date"), ("choice", "Choice"), ("yes-no", "Yes / No"))
#: Kinds whose values a rep searches by (their words go in the search index).
SEARCHED_KINDS = frozenset({"text", "choice"})
YES_NO = (("yes", "Yes"), ("no", "No"))
MAX_TEXT = 500
MAX_CHOICES = 50
MAX_CHOICE = 60
#: A number keeps at most this many digits, so its JSON form is exact.
MAX_DIGITS = 15
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TRUE, _FALSE = {"yes", "y", "true", "1", "x"}, {"no", "n", "false", "0"}


@dataclass(frozen=True)
class Definition:
    """One field the office defined (a `custom_fields` row, detached)."""

    key: str
    label: str
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = False
    sort_order: int = 0
    active: bool = True

    @classmethod
    def of(cls, row: Any) -> Definition:
        """From a `CustomField` row or a mapping of its columns."""
        get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
        return cls(get("key"), get("label"), get("kind"), tuple(get("choices") or ()), bool(get("required")),
                   get("sort_order") or 0, bool(get("active")))

    @property
    def spec(self) -> FieldSpec:
        return spec_of(self)

    def shown(self, value: Any) -> str:
        """A stored value as a rep reads it."""
        if self.kind == "yes-no":
            return "Yes" if value else "No"
        if self.kind == "date":
            from rep_tui.domain.dates import format_day

            try:
                return format_day(date.fromisoformat(value))
            except (TypeError, ValueError):
                return str(value)
        return str(value)

    def typed(self, value: Any) -> str:
        """A stored value as the form shows it for editing ("" when none)."""
        if value is None:
            return ""
        if self.kind == "yes-no":
            return "yes" if value else "no"
        return str(value)


def check_key(value: str) -> str:
    if not isinstance(value, str) or not _KEY.match(value):
        raise Invalid("A key is a lowercase word of letters, digits and _ (up to 40), starting with a letter, "
                      "like roof_age.")
    return value


def make_key(label: str) -> str:
    """A key from a label ("Roof Age (years)" → "roof_age_years")."""
    key = re.sub(r"[^a-z0-9]+", "_", label.strip().lower()).strip("_")[:40].strip("_")
    return check_key(key if key[:1].isalpha() else f"f_{key}"[:40].rstrip("_"))


def check_choices(value: Any) -> list[str]:
    """A choice field's choices: a list of distinct, non-empty short texts."""
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise Invalid("Choices are a list of texts.")
    if len(value) > MAX_CHOICES:
        raise Invalid(f"At most {MAX_CHOICES} choices.")
    if any(not c.strip() or c != c.strip() or len(c) > MAX_CHOICE for c in value):
        raise Invalid(f"Each choice is a text of 1 to {MAX_CHOICE} characters, without spaces around it.")
    if len({c.casefold() for c in value}) != len(value):
        raise Invalid("A choice is given twice.")
    return value


def parse_choices(typed: str) -> list[str]:
    """Choices as an admin types them: "Cedar, Vinyl, Brick" (a comma or a new line between)."""
    return check_choices([c.strip() for c in re.split(r"[,\n]", typed or "") if c.strip()])


def _text(label: str) -> Any:
    def check(typed: str | None) -> str | None:
        value = (typed or "").strip()
        if len(value) > MAX_TEXT:
            raise Invalid(f"{label}: at most {MAX_TEXT} characters.")
        return value or None

    return check


def _number(label: str) -> Any:
    def check(typed: str | None) -> int | float | None:
        value = (typed or "").strip().replace(",", "")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise Invalid(f"{label} is a number, like 12 or 12.5.") from None
        if not number.is_finite() or len(number.as_tuple().digits) > MAX_DIGITS:
            raise Invalid(f"{label} is a number of at most {MAX_DIGITS} digits.")
        return int(number) if number == number.to_integral_value() else float(number)

    return check


def _day(label: str) -> Any:
    def check(typed: str | None) -> str | None:
        from rep_tui.domain.rules import check_day

        try:
            day = check_day(typed or "")
        except Invalid as exc:
            raise Invalid(f"{label}: {exc}") from None
        return day.isoformat() if day else None

    return check


def _yes_no(label: str) -> Any:
    def check(typed: str | None) -> bool | None:
        value = (typed or "").strip().casefold()
        if not value:
            return None
        if value in _TRUE or value in _FALSE:
            return value in _TRUE
        raise Invalid(f"{label} is yes or no.")

    return check


def _stored_rule(definition: Definition) -> Any:
    """What a stored value of this field may be (the server's check of a pushed value)."""
    label, kind = definition.label, definition.kind

    def rule(value: Any) -> Any:
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise Invalid(f"{label} must be a number.")
            _number(label)(repr(value))
        elif kind == "yes-no":
            if not isinstance(value, bool):
                raise Invalid(f"{label} must be true or false.")
        elif not isinstance(value, str):
            raise Invalid(f"{label} must be text.")
        elif kind == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                raise Invalid(f"{label} must be a date, like 2026-12-03.") from None
        elif kind == "choice" and value not in definition.choices:
            raise Invalid(f"{label} must be one of: {', '.join(definition.choices) or '(no choices yet)'}.")
        elif _text(label)(value) != value:
            raise Invalid(f"{label}: at most {MAX_TEXT} characters, without spaces around it.")
        return value

    return rule


_CHECKS = {"text": _text, "number": _number, "date": _day, "yes-no": _yes_no}


def spec_of(definition: Definition) -> FieldSpec:
    """The definition as a field spec: its label, the check a typed value goes
    through (empty → None; a required field refuses empty), its choices and
    the rule for a stored value."""
    label = definition.label
    choices = tuple((c, c) for c in definition.choices) if definition.kind == "choice" else \
        YES_NO if definition.kind == "yes-no" else ()
    base = choice_check(label, choices) if definition.kind == "choice" else _CHECKS[definition.kind](label)

    def check(typed: str | None) -> Any:
        value = base(typed)
        if value is None and definition.required:
            raise Invalid(f"{label} is required.")
        return value

    return FieldSpec(label, check=check, choices=choices, rule=_stored_rule(definition), required=definition.required,
                     searched="custom" if definition.kind in SEARCHED_KINDS else None)


def form_check(definition: Definition, stored: Mapping[str, Any]) -> Any:
    """The check of a form's field: a value left as it was stored is kept as
    it is (a retired choice, as the server keeps it), else checked."""
    def check(typed: str | None) -> Any:
        if definition.key in stored and (typed or "") == definition.typed(stored[definition.key]):
            return stored[definition.key]
        return definition.spec.check(typed)

    return check


def ordered(definitions: Iterable[Definition]) -> list[Definition]:
    return sorted(definitions, key=lambda d: (d.sort_order, d.label.casefold(), d.key))


def check_custom(definitions: Mapping[str, Definition], base: Mapping[str, Any] | None,
                 new: Mapping[str, Any]) -> None:
    """Raise `Invalid` when `new` (a lead's custom values) may not replace
    `base` (None for a new lead): a changed value must be one of an active
    field and fit its rule; a required field's value cannot be removed."""
    base = base or {}
    for key, value in new.items():
        if key in base and base[key] == value:
            continue  # stored before: kept whatever the office changed since
        found = definitions.get(key)
        if found is None:
            raise Invalid(f"no custom field {key!r} (the office has not defined it)")
        if not found.active:
            raise Invalid(f"{found.label} is no longer in use (the office deactivated it)")
        if value is None:
            raise Invalid(f"{found.label}: leave an empty field out instead of null")
        found.spec.stored_rule()(value)
    for key, found in definitions.items():
        if found.active and found.required and base.get(key) is not None and key not in new:
            raise Invalid(f"{found.label} is required.")


def merge_values(base: Mapping[str, Any], new: Mapping[str, Any], now: Mapping[str, Any]) -> dict[str, Any] | None:
    """A lead's custom values when a device changed `base` into `new` while
    the server's became `now`: each field is its own value, so changes to
    different fields both stand. None when both changed the same field to
    different values (then the whole object is a conflict, as any field's)."""
    merged = dict(now)
    for key in base.keys() | new.keys():
        mine = new.get(key)
        if mine == base.get(key):
            continue  # not changed by the device
        if now.get(key) not in (base.get(key), mine):
            return None
        if mine is None:
            merged.pop(key, None)
        else:
            merged[key] = mine
    return merged


def filled(definitions: Iterable[Definition], values: Mapping[str, Any]) -> list[tuple[Definition, Any]]:
    """The active fields holding a value, in the office's order (what Customer Information shows)."""
    return [(d, values[d.key]) for d in ordered(definitions)
            if d.active and values.get(d.key) is not None and values.get(d.key) != ""]


def merged(definitions: Iterable[Definition], values: Mapping[str, Any], clean: Mapping[str, Any]) -> dict[str, Any]:
    """A lead's custom values after a form filled the fields it showed (`clean`
    by key): emptied ones leave, and values of fields the form did not show
    (deactivated, or unknown to this device) stay as they are."""
    out = dict(values)
    for d in definitions:
        if d.key in clean:
            if clean[d.key] is None:
                out.pop(d.key, None)
            else:
                out[d.key] = clean[d.key]
    return out


def definition_errors(definition: Definition) -> dict[str, str]:
    """{field: reason} for a definition the office cannot save (the app's form and the CLI ask this)."""
    def label() -> None:
        if not definition.label.strip() or len(definition.label) > 60:
            raise Invalid("A field needs a label of at most 60 characters.")

    def kind() -> None:
        if definition.kind not in dict(KINDS):
            raise Invalid(f"A kind is one of: {', '.join(k for k, _ in KINDS)}.")

    def choices() -> None:
        check_choices(list(definition.choices))
        if definition.kind == "choice" and not definition.choices:
            raise Invalid("A choice field needs its choices, like: Cedar, Vinyl, Brick.")
        if definition.kind != "choice" and definition.choices:
            raise Invalid("Only a choice field has choices.")

    errors = {}
    for name, check in (("key", lambda: check_key(definition.key)), ("label", label), ("kind", kind),
                        ("choices", choices)):
        try:
            check()
        except Invalid as exc:
            errors[name] = str(exc)
    return errors


def check_definition(definition: Definition) -> Definition:
    """The definition, or `Invalid` saying everything wrong with it."""
    errors = definition_errors(definition)
    if errors:
        raise Invalid(" ".join(errors.values()))
    return definition
