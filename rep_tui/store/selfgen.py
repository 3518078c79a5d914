"""Capturing a lead the rep found themselves, with no network: checking the
form, finding leads it may duplicate, and saving it in one transaction.

The lead is saved with source "self-gen", owned by the rep, with phones as
typed plus their E.164 form; its PID stays empty until the first sync.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy.orm import Session

from rep_tui.domain.fields import used, with_derived
from rep_tui.domain.validation import Invalid, check_email, normalize_phone
from rep_tui.store import writes
from rep_tui.store.models import Comment, Lead
from rep_tui.store.queries import Duplicate, find_duplicates

PRODUCTS = ("Windows", "Siding", "Roofing", "Bath", "Doors")
PHONE_FIELDS = ("home_phone", "cell_phone", "work_phone")
NAME_NEEDED = "A first or last name is needed."
CONTACT_NEEDED = "Give at least one phone or an address."

#: Each field captured at the door, with its own check (its column's spec); the rules across fields are in `problems`.
FIELD_CHECKS = {name: spec.check for name, spec in used("leads", "door").items()}


@dataclass(frozen=True)
class SelfGenForm:
    """What the rep typed, as typed."""

    first_name: str = ""
    last_name: str = ""
    home_phone: str = ""
    cell_phone: str = ""
    work_phone: str = ""
    email: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    product_interest: str | None = None
    notes: str = ""

    def phones_e164(self) -> set[str]:
        """The valid phones of the form in E.164 (invalid or empty ones left out)."""
        found = (normalize_phone(getattr(self, name)) for name in PHONE_FIELDS)
        return {p for p in found if p}


class FormInvalid(Invalid):
    """The form cannot be saved; `problems` maps each field to its message."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def problems(form: SelfGenForm) -> dict[str, str]:
    """Every reason the form cannot be saved, by field name (empty = fine)."""
    found: dict[str, str] = {}
    for name, check in FIELD_CHECKS.items():
        try:
            check(getattr(form, name))
        except Invalid as exc:
            found[name] = str(exc)
    if not (form.first_name.strip() or form.last_name.strip()):
        found["first_name"] = NAME_NEEDED
    if not any(getattr(form, name).strip() for name in PHONE_FIELDS) and not form.address.strip():
        found.setdefault("home_phone", CONTACT_NEEDED)
    return found


def possible_duplicates(session: Session, form: SelfGenForm) -> list[Duplicate]:
    """Leads that already have one of the form's phones, its email or its address."""
    try:
        email = check_email(form.email)
    except Invalid:
        email = None
    zip_code = form.zip.strip() if form.zip.strip() and "zip" not in problems(form) else None
    return find_duplicates(
        session, phones=form.phones_e164(), email=email, address=form.address.strip() or None, zip_code=zip_code,
    )


def create_self_gen_lead(session: Session, actor: writes.Actor, form: SelfGenForm) -> Lead:
    """Save the lead (and its notes as a Comment) in the caller's transaction.

    Raises `FormInvalid` (nothing written) when the form has problems."""
    found = problems(form)
    if found:
        raise FormInvalid(found)
    captured = {name: check(getattr(form, name)) for name, check in FIELD_CHECKS.items()}
    lead = Lead(
        **with_derived("leads", captured),
        source="self-gen",
        product_interest=form.product_interest or None,
        rep_id=actor.user_id,
        pid=None,
    )
    writes.insert(session, actor, lead)
    if form.notes.strip():
        writes.insert(
            session, actor,
            Comment(lead_id=lead.id, author_id=actor.user_id, author_name=actor.user_name,
                    body=form.notes.strip()),
        )
    return lead


FORM_FIELDS = tuple(f.name for f in fields(SelfGenForm))
