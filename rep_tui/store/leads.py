"""One lead's whole file for the Customer Information screen, and the writes
a rep makes from it: edit the customer, add a comment, upload a file,
keep contacts and engagements.

Reads return detached rows in plain dataclasses, so a screen can show them
after the session is gone. Writes go through `writes` (history + outbox in
one transaction). Form checks raise `FormErrors` naming every bad field, so
a form can show each reason beside its field and save nothing.
"""

from __future__ import annotations

import mimetypes
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from rep_tui.blobs import BlobStore, FileChunks, TooLarge
from rep_tui.clock import local_today, utcnow, zone
from rep_tui.domain.dates import parse_day, parse_time
from rep_tui.domain.rules import CONTACT_TYPES
from rep_tui.domain.validation import (
    Invalid, check_email, check_phone, check_state, check_units, check_zip, normalize_phone, parse_money,
)
from rep_tui.store import writes
from rep_tui.store.models import (
    Attachment, ChangeRecord, Comment, Commission, Contact, Engagement, Job, Lead, Note, Payment, User,
)


class FormErrors(Exception):
    """Every field of a form that cannot be saved, with the reason for each."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# --- reading ---------------------------------------------------------------


@dataclass(frozen=True)
class JobFile:
    job: Job
    payments: list[Payment]
    commissions: list[Commission]

    @property
    def commission_total(self) -> int:
        return sum(c.amount_cents for c in self.commissions)

    @property
    def commission_paid(self) -> int:
        return sum(c.paid_cents for c in self.commissions)

    @property
    def paid_total(self) -> int:
        return sum(p.amount_cents for p in self.payments)


@dataclass(frozen=True)
class LeadFile:
    """A lead and everything that hangs off it, newest first where it matters."""

    lead: Lead
    jobs: list[JobFile]
    notes: list[Note]
    comments: list[Comment]
    attachments: list[Attachment]
    contacts: list[Contact]
    engagements: list[Engagement]
    user_names: dict[uuid.UUID, str] = field(default_factory=dict)

    @property
    def documents(self) -> list[Attachment]:
        return [a for a in self.attachments if a.kind != "picture"]

    @property
    def pictures(self) -> list[Attachment]:
        return [a for a in self.attachments if a.kind == "picture"]

    def engagement_files(self, engagement_id: uuid.UUID) -> list[Attachment]:
        """The files attached to one engagement of this lead."""
        return [a for a in self.attachments if a.engagement_id == engagement_id]

    def engagement_subject(self, engagement_id: uuid.UUID | None) -> str:
        return next((e.subject for e in self.engagements if e.id == engagement_id), "")

    @property
    def current_job(self) -> JobFile | None:
        """The latest job: the one a rep is working on now."""
        return self.jobs[-1] if self.jobs else None

    def contact_name(self, contact_id: uuid.UUID | None) -> str:
        return next((c.name for c in self.contacts if c.id == contact_id), "")

    def user_name(self, user_id: uuid.UUID | None) -> str:
        return self.user_names.get(user_id, "") if user_id else ""


def _live(session: Session, model, *conditions, order=()):
    return list(session.scalars(select(model).where(model.deleted.is_(False), *conditions).order_by(*order)))


def load_lead(session: Session, lead_id: uuid.UUID) -> LeadFile | None:
    lead = session.get(Lead, lead_id)
    if lead is None or lead.deleted:
        return None
    jobs = _live(session, Job, Job.lead_id == lead_id, order=(Job.appointment_at.asc().nulls_first(), Job.job_number))
    job_ids = [j.id for j in jobs]
    payments = _live(session, Payment, Payment.job_id.in_(job_ids), order=(Payment.paid_on,))
    commissions = _live(session, Commission, Commission.job_id.in_(job_ids))
    engagements = _live(session, Engagement, Engagement.lead_id == lead_id, order=(Engagement.occurred_at.desc(),))
    attachments = _live(session, Attachment, Attachment.lead_id == lead_id, order=(Attachment.created_at.desc(),))
    user_ids = {e.contacted_by_id for e in engagements} | {e.follow_up_assignee_id for e in engagements}
    user_ids |= {a.uploaded_by for a in attachments}
    user_ids.discard(None)
    users = session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids))) if user_ids else []
    return LeadFile(
        lead=lead,
        jobs=[
            JobFile(j, [p for p in payments if p.job_id == j.id], [c for c in commissions if c.job_id == j.id])
            for j in jobs
        ],
        notes=_live(session, Note, Note.lead_id == lead_id, order=(Note.created_at.desc(),)),
        comments=_live(session, Comment, Comment.lead_id == lead_id, order=(Comment.created_at.desc(),)),
        attachments=attachments,
        contacts=_live(session, Contact, Contact.lead_id == lead_id, order=(Contact.name,)),
        engagements=engagements,
        user_names={uid: name for uid, name in users},
    )


# Changes written in one transaction share a timestamp; SQLite's rowid keeps the order they were made in.
NEWEST_FIRST = (ChangeRecord.at.desc(), literal_column("change_history.rowid").desc())


def lead_history(session: Session, lead_id: uuid.UUID, limit: int = 500) -> list[ChangeRecord]:
    """Every recorded change to the lead and its rows, newest first."""
    stmt = (select(ChangeRecord).where(ChangeRecord.lead_id == lead_id)
            .order_by(*NEWEST_FIRST).limit(limit))
    return list(session.scalars(stmt))


def row_history(session: Session, table_name: str, row_id: uuid.UUID) -> list[ChangeRecord]:
    """The changes of one row (an engagement's "view changes"), newest first."""
    stmt = (select(ChangeRecord).where(ChangeRecord.table_name == table_name, ChangeRecord.row_id == row_id)
            .order_by(*NEWEST_FIRST))
    return list(session.scalars(stmt))


def rep_names(session: Session) -> list[tuple[str, uuid.UUID]]:
    """Active users to pick for "contacted by" and "follow-up assignee"."""
    stmt = select(User.full_name, User.id).where(User.active.is_(True), User.deleted.is_(False))
    return [(name, uid) for name, uid in session.execute(stmt.order_by(User.full_name))]


# --- form checks -------------------------------------------------------------


def _collect(values: dict[str, str], checks: dict[str, Callable[[str], Any]]) -> dict[str, Any]:
    """Run each field's check; raise FormErrors with every failure at once."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, check in checks.items():
        try:
            clean[name] = check(values.get(name, ""))
        except Invalid as exc:
            errors[name] = str(exc)
    if errors:
        raise FormErrors(errors)
    return clean


def _text(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _required(label: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value or not value.strip():
            raise Invalid(f"{label} is required.")
        return value.strip()

    return check


CUSTOMER_CHECKS: dict[str, Callable[[str], Any]] = {
    "home_phone": check_phone, "cell_phone": check_phone, "work_phone": check_phone,
    "email": check_email, "alt_email": check_email,
    "address": _text, "zip": check_zip, "city": _text, "state": check_state, "county": _text,
    "result_code": _text, "product": _text, "total_units": check_units, "sold_units": check_units,
    "sale": parse_money, "comment": _text,
}
LEAD_FIELDS = ("home_phone", "cell_phone", "work_phone", "email", "alt_email", "address", "zip", "city", "state",
               "county")


def check_customer_edit(values: dict[str, str]) -> dict[str, Any]:
    """The Edit Customer form's values, cleaned; FormErrors names each bad field."""
    clean = _collect(values, CUSTOMER_CHECKS)
    total, sold = clean["total_units"], clean["sold_units"]
    if total is not None and sold is not None and sold > total:
        raise FormErrors({"sold_units": f"Sold units ({sold}) cannot be more than total units ({total})."})
    return clean


def save_customer_edit(
    session: Session, actor: writes.Actor, lead_id: uuid.UUID, job_id: uuid.UUID | None, clean: dict[str, Any]
) -> None:
    """Apply a checked Edit Customer form: lead fields, the job's result and
    sale (a new job when the lead has none and a sale field is filled), and
    the comment if one was written."""
    lead = session.get(Lead, lead_id)
    changes = {name: clean[name] for name in LEAD_FIELDS}
    for kind in ("home", "cell", "work"):
        changes[f"{kind}_phone_e164"] = normalize_phone(clean[f"{kind}_phone"])
    if clean["email"] != lead.email:
        changes["invalid_email"] = False
    writes.update(session, actor, lead, **changes)
    job_changes = {
        "result_code": clean["result_code"], "product": clean["product"], "total_units": clean["total_units"],
        "sold_units": clean["sold_units"], "contract_cents": clean["sale"],
    }
    job = session.get(Job, job_id) if job_id else None
    if job is not None:
        writes.update(session, actor, job, **job_changes)
    elif any(v is not None for v in job_changes.values()):
        writes.insert(session, actor, Job(lead_id=lead_id, **job_changes))
    if clean["comment"]:
        add_comment(session, actor, lead_id, clean["comment"])


def set_follow_up(session: Session, actor: writes.Actor, lead_id: uuid.UUID, day: date | None) -> Lead:
    """The lead's next follow-up (be-back) date, or none (Be Backs' `f`/`x`, Customer Information's `f`)."""
    lead = session.get(Lead, lead_id)
    writes.update(session, actor, lead, follow_up_on=day)
    return lead


def add_comment(session: Session, actor: writes.Actor, lead_id: uuid.UUID, body: str) -> Comment:
    text = (body or "").strip()
    if not text:
        raise Invalid("Write a comment first; an empty comment is not added.")
    comment = Comment(lead_id=lead_id, author_id=actor.user_id, author_name=actor.user_name, body=text,
                      created_at=utcnow())
    writes.insert(session, actor, comment)
    return comment


def _percent(value: str) -> Decimal | None:
    if not value or not value.strip():
        return None
    try:
        pct = Decimal(value.strip().rstrip("%"))
    except InvalidOperation:
        raise Invalid("Ownership is a number from 0 to 100, like 50.") from None
    if not 0 <= pct <= 100:
        raise Invalid("Ownership must be between 0 and 100 %.")
    return pct.quantize(Decimal("0.01"))


CONTACT_CHECKS: dict[str, Callable[[str], Any]] = {
    "name": _required("Name"), "phone": check_phone, "position": _text, "ownership_pct": _percent,
    "contact_type": _text, "info": _text,
}


def check_contact(values: dict[str, str]) -> dict[str, Any]:
    """The contact form's values as Contact columns; FormErrors names each bad field."""
    return _collect(values, CONTACT_CHECKS)


def _optional_day(today: date) -> Callable[[str], date | None]:
    """A date field that may stay empty, read by the app's one date parser."""
    return lambda value: parse_day(value, today, allow_past=True) if value and value.strip() else None


def _optional_time(value: str) -> time | None:
    return parse_time(value) if value and value.strip() else None


_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m?)?\s*$", re.IGNORECASE)


def parse_duration(value: str) -> int | None:
    """Minutes from "90", "1h30", "1h 30m" or "1:30"."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if ":" in text:
        hours, _, minutes = text.partition(":")
        text = f"{hours}h{minutes}"
    match = _DURATION.match(text)
    if not match or not any(match.groups()):
        raise Invalid("A duration like 45, 1h30 or 1:30.")
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


def _one_of(label: str, choices: tuple[str, ...]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in choices:
            raise Invalid(f"{label} is required.")
        return value

    return check


def engagement_checks(today: date) -> dict[str, Callable[[str], Any]]:
    """The engagement form's field rules; dates as everywhere (\"tomorrow\", \"+2\", \"12/3\")."""
    day = _optional_day(today)
    return {
        "subject": _required("Subject"), "day": lambda v: day(_required("Date")(v)),
        "at_time": _optional_time, "duration": parse_duration, "contact_type": _one_of("Contact type", CONTACT_TYPES),
        "follow_up_on": day, "notes": _text,
    }


def check_engagement(values: dict[str, Any], tz_name: str) -> dict[str, Any]:
    """The engagement form's values as Engagement columns; FormErrors names each bad field.

    Text fields come as strings; contact_id, contacted_by_id and
    follow_up_assignee_id as ids or None; follow_up and completed as bools."""
    clean = _collect(values, engagement_checks(local_today(tz_name)))
    if values.get("follow_up") and clean["follow_up_on"] is None:
        raise FormErrors({"follow_up_on": "A follow-up needs a date."})
    moment = datetime.combine(clean["day"], clean["at_time"] or time(12, 0), tzinfo=zone(tz_name))
    return {
        "subject": clean["subject"], "occurred_at": moment, "duration_minutes": clean["duration"],
        "contact_type": clean["contact_type"], "follow_up_on": clean["follow_up_on"], "notes": clean["notes"],
        "contact_id": values.get("contact_id"), "contacted_by_id": values.get("contacted_by_id"),
        "follow_up": bool(values.get("follow_up")), "follow_up_assignee_id": values.get("follow_up_assignee_id"),
        "completed": bool(values.get("completed")),
    }


def save_row(session: Session, actor: writes.Actor, model, lead_id: uuid.UUID, row_id: uuid.UUID | None,
             clean: dict[str, Any]):
    """Add a contact or engagement of the lead (row_id None) or change one, from checked values."""
    if row_id is None:
        return writes.insert(session, actor, model(lead_id=lead_id, **clean))
    row = session.get(model, row_id)
    writes.update(session, actor, row, **clean)
    return row


def delete_row(session: Session, actor: writes.Actor, model, row_id: uuid.UUID) -> None:
    """Soft-delete a contact or engagement (a tombstone sync ships)."""
    row = session.get(model, row_id)
    if row is not None:
        writes.delete(session, actor, row)


# --- files -------------------------------------------------------------------


class UploadRefused(Exception):
    """A file that cannot be uploaded; the message says why."""


def file_kind(filename: str) -> tuple[str, str]:
    """("picture" or "document", mime type) from the file name."""
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return ("picture" if mime.startswith("image/") else "document"), mime


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def store_blob(blobs_dir: Path, source: Path, max_bytes: int) -> tuple[str, int]:
    """Copy a file into the blob store under its SHA-256; returns (sha, size).

    Streamed and renamed into place once whole (`rep_tui.blobs`), so a big
    file costs no memory and an upload killed halfway leaves nothing behind."""
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise UploadRefused(f"Cannot read {source}: {exc.strerror or exc}.") from None
    if not source.is_file():
        raise UploadRefused(f"{source} is not a file.")
    if size > max_bytes:
        raise UploadRefused(f"{source.name} is {human_size(size)}; the limit is {human_size(max_bytes)}.")
    try:
        stored = BlobStore(blobs_dir, max_bytes).write(FileChunks(source))
    except TooLarge:
        raise UploadRefused(f"{source.name} grew past the limit of {human_size(max_bytes)} while it was read.") from None
    except OSError as exc:
        raise UploadRefused(f"Cannot copy {source.name}: {exc.strerror or exc}.") from None
    return stored.sha, stored.size


def add_attachment(
    session: Session, actor: writes.Actor, lead_id: uuid.UUID, filename: str, description: str, sha256: str, size: int,
    engagement_id: uuid.UUID | None = None,
) -> Attachment:
    """A file of the lead, or of one of its engagements when `engagement_id` is given."""
    if not description or not description.strip():
        raise Invalid("A description is required to upload a file.")
    kind, mime = file_kind(filename)
    attachment = Attachment(
        lead_id=lead_id, kind=kind, filename=filename, description=description.strip(), sha256=sha256, size=size,
        mime=mime, uploaded_by=actor.user_id, created_at=utcnow(), engagement_id=engagement_id,
    )
    return writes.insert(session, actor, attachment)
