"""What each stored field is to a rep, carried by its column: its label, the
check a typed value goes through, its choices, and where it is used
(Edit Customer, Self Gen, the header, CSV import, search).

    roof_type: Mapped[str | None] = mapped_column(String(20), info=field(
        "Roof Type", choices=(("shingle", "Shingle"), ("metal", "Metal")), imported=True,
        edited=PLACE, header=Shown(line=1, order=3, tag="Roof")))

Forms, history labels, import columns, search keys and the server's value
checks all read these specs (`specs`), so adding a field is its column, a
migration and at most one display line, and a label cannot disagree with
itself. Pure Python: the models are read lazily, by table name."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from rep_tui.domain.validation import Invalid

if TYPE_CHECKING:
    from sqlalchemy import Column

Check = Callable[[str], Any]


def text(value: str | None) -> str | None:
    """A free text field: trimmed, and None when empty."""
    return value.strip() or None if value else None


def trimmed(value: str | None) -> str:
    """A text field that is never null (a name): trimmed, and "" when empty."""
    return (value or "").strip()


def required(label: str) -> Check:
    def check(value: str | None) -> str:
        if not value or not value.strip():
            raise Invalid(f"{label} is required.")
        return value.strip()

    return check


@dataclass(frozen=True)
class Shown:
    """Where a field sits in Customer Information's header: its line (who,
    where, how to reach them) and order on it, and the words before its
    value (`tag`, the label or a part of it; None: the value alone)."""

    line: int
    order: int
    tag: str | None = None


@dataclass(frozen=True)
class FieldSpec:
    """One column as a rep knows it (see the module's docstring)."""

    label: str
    #: Typed text → stored value, raising `Invalid` with a reason a rep can act on.
    check: Check = text
    #: (stored value, label) when the value is one of a list.
    choices: tuple[tuple[str, str], ...] = ()
    #: Checks a stored value (what the server applies to pushed values); by
    #: default: one of the choices, else the form check must accept it (text columns).
    rule: Callable[[Any], Any] | None = None
    #: A column of `rep-tui admin import` (by the column's own name).
    imported: bool = False
    #: The search index column holding it ("name", "address", "contact", "ids", "phones"), if any.
    searched: str | None = None
    #: Captured at the door (Self Gen).
    door: bool = False
    #: Edited in Edit Customer, in this section.
    edited: str | None = None
    header: Shown | None = None
    #: The example shown in an empty input ("e.g. IL").
    placeholder: str = ""
    #: Kept alongside another field (a phone's E.164 form): never shown or edited on its own.
    derived: bool = False
    #: A form cannot be saved without it (its label is marked).
    required: bool = False

    def choice_label(self, value: str | None) -> str | None:
        """The label of a stored choice ("do-not-contact" → "Do not contact"); other values as they are."""
        return dict(self.choices).get(value, value) if value is not None else None

    def stored_rule(self) -> Callable[[Any], Any] | None:
        if self.rule is not None:
            return self.rule
        if self.choices:
            return _choice_rule(self.label, self.choices)
        if self.check not in (text, trimmed):
            return _accepted_by(self.check)
        return None


def field(label: str, *, check: Check | None = None, choices: tuple[tuple[str, str], ...] = (), **uses: Any) -> dict:
    """The `info=` of a `mapped_column`: the column's spec. Without a check,
    a typed value is one of the choices (by stored value or label) when
    there are choices, else text, which a required field cannot leave empty."""
    if check is None:
        check = choice_check(label, choices) if choices else required(label) if uses.get("required") else text
    return {"spec": FieldSpec(label, check=check, choices=choices, **uses)}


def choice_check(label: str, choices: tuple[tuple[str, str], ...]) -> Check:
    """Typed text → a stored choice: its stored value or its label, in any case; empty → None."""
    known = {word.casefold(): value for value, name in choices for word in (value, name)}

    def check(typed: str | None) -> str | None:
        if typed is None or not typed.strip():
            return None
        try:
            return known[typed.strip().casefold()]
        except KeyError:
            raise Invalid(f"{label} is one of: {', '.join(name for _v, name in choices)}.") from None

    return check


def _choice_rule(label: str, choices: tuple[tuple[str, str], ...]) -> Callable[[Any], Any]:
    stored = [value for value, _name in choices]

    def rule(value: Any) -> Any:
        if value not in stored:
            raise Invalid(f"{label} must be one of {', '.join(stored)}.")
        return value

    return rule


def _accepted_by(check: Check) -> Callable[[Any], Any]:
    """A form check used on a stored value: it passes when the check accepts its text."""

    def rule(value: Any) -> Any:
        check(value if isinstance(value, str) else str(value))
        return value

    return rule


def spec_of(column: Column) -> FieldSpec | None:
    return column.info.get("spec")


@lru_cache(maxsize=None)
def specs(table: str) -> dict[str, FieldSpec]:
    """The specs of a synced table's columns, by column name, in the model's order."""
    from rep_tui.store.models import SYNCED_TABLES

    columns = SYNCED_TABLES[table].__table__.columns  # type: ignore[attr-defined]
    return {column.key: spec for column in columns if (spec := spec_of(column)) is not None}


def used(table: str, use: str) -> dict[str, FieldSpec]:
    """The specs of a table that declare a use (`imported`, `door`, `edited`, `header`, `searched`)."""
    return {name: spec for name, spec in specs(table).items() if getattr(spec, use)}


@lru_cache(maxsize=None)
def all_labels() -> dict[str, FieldSpec]:
    """Every column name with a spec, whatever its table (one label per name, tested)."""
    from rep_tui.store.models import SYNCED_TABLES

    found: dict[str, FieldSpec] = {}
    for table in SYNCED_TABLES:
        for name, spec in specs(table).items():
            found.setdefault(name, spec)
    return found


def with_derived(table: str, clean: dict[str, Any]) -> dict[str, Any]:
    """Checked values plus what is kept alongside them: each phone's E.164 form."""
    from rep_tui.domain.validation import normalize_phone

    kept = specs(table)
    return {**clean, **{f"{name}_e164": normalize_phone(value) for name, value in clean.items()
                        if f"{name}_e164" in kept and kept[f"{name}_e164"].derived}}
