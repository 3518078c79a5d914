"""One lead's whole file for the Customer Information screen, and the writes
a rep makes from it: edit the customer, add a comment, upload a file,
keep contacts and engagements.

Reads return detached rows in plain dataclasses, so a screen can show them
after the session is gone. Writes go through `writes` (history + outbox in
one transaction) and take values the form checks (`domain.forms`) cleaned.
"""

from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from rep_tui.blobs import BlobStore, FileChunks, TooLarge
from rep_tui.clock import utcnow
from rep_tui.domain.custom_fields import merged
from rep_tui.domain.fields import used, with_derived
from rep_tui.domain.forms import COMMENT
from rep_tui.domain.validation import Invalid
from rep_tui.store import reminders, writes
from rep_tui.store.queries import custom_definitions
from rep_tui.store.job_users import OnJob, on_job
from rep_tui.store.models import (
    Attachment, ChangeRecord, Comment, Commission, Contact, Engagement, InvoiceItem, Job, Lead, Note, Payment, User,
)


# --- reading ---------------------------------------------------------------


@dataclass(frozen=True)
class JobFile:
    job: Job
    payments: list[Payment]
    commissions: list[Commission]
    items: list[InvoiceItem] = field(default_factory=list)
    #: The users on the job with their shares, the rep first (`store.job_users.on_job`).
    users: list[OnJob] = field(default_factory=list)

    def commission_of(self, user_id: uuid.UUID) -> int | None:
        """A user's commission on this job (None: they have no commission row)."""
        return next((c.amount_cents for c in self.commissions if c.rep_id == user_id), None)

    @property
    def items_total(self) -> int:
        return sum(i.amount_cents for i in self.items)

    @property
    def commission_total(self) -> int:
        return sum(c.amount_cents for c in self.commissions)

    @property
    def commission_paid(self) -> int:
        return sum(c.paid_cents for c in self.commissions)

    @property
    def paid_total(self) -> int:
        return sum(p.amount_cents for p in self.payments)

    @property
    def balance_due(self) -> int | None:
        """What the customer still owes on this job, from its live payments (so it follows a new one at once)."""
        from rep_tui.domain.money import balance_due

        return balance_due(self.job.contract_cents, (p.amount_cents for p in self.payments))


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
    def receivable(self) -> int:
        """A/R: what the customer owes across all their jobs."""
        return sum(j.balance_due or 0 for j in self.jobs)

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
    items = _live(session, InvoiceItem, InvoiceItem.job_id.in_(job_ids), order=(InvoiceItem.sku,))
    engagements = _live(session, Engagement, Engagement.lead_id == lead_id, order=(Engagement.occurred_at.desc(),))
    attachments = _live(session, Attachment, Attachment.lead_id == lead_id, order=(Attachment.created_at.desc(),))
    user_ids = {e.contacted_by_id for e in engagements} | {e.follow_up_assignee_id for e in engagements}
    user_ids |= {a.uploaded_by for a in attachments}
    user_ids.discard(None)
    users = session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids))) if user_ids else []
    return LeadFile(
        lead=lead,
        jobs=[
            JobFile(j, [p for p in payments if p.job_id == j.id], [c for c in commissions if c.job_id == j.id],
                    [i for i in items if i.job_id == j.id], on_job(session, j.id))
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


def user_names(session: Session) -> dict[str, str]:
    """Every user's name by their id as the change history writes it (who a lead went to)."""
    return {str(uid): name for uid, name in session.execute(select(User.id, User.full_name))}


def row_history(session: Session, table_name: str, row_id: uuid.UUID) -> list[ChangeRecord]:
    """The changes of one row (an engagement's "view changes"), newest first."""
    stmt = (select(ChangeRecord).where(ChangeRecord.table_name == table_name, ChangeRecord.row_id == row_id)
            .order_by(*NEWEST_FIRST))
    return list(session.scalars(stmt))


def rep_names(session: Session) -> list[tuple[str, uuid.UUID]]:
    """Active users to pick for "contacted by" and "follow-up assignee"."""
    stmt = select(User.full_name, User.id).where(User.active.is_(True), User.deleted.is_(False))
    return [(name, uid) for name, uid in session.execute(stmt.order_by(User.full_name))]


# --- writes -----------------------------------------------------------------


def save_customer_edit(
    session: Session, actor: writes.Actor, lead_id: uuid.UUID, job_id: uuid.UUID | None, clean: dict[str, Any]
) -> None:
    """Apply a checked Edit Customer form: lead fields, the job's result and
    sale (a new job when the lead has none and a sale field is filled; a
    sold job's commission rows follow its amount), and the comment if one was written."""
    lead = session.get(Lead, lead_id)
    changes = with_derived("leads", {name: clean[name] for name in used("leads", "edited")})
    if clean["email"] != lead.email:
        changes["invalid_email"] = False
    custom = merged(custom_definitions(session), lead.custom or {}, clean.get("custom", {}))
    if custom != (lead.custom or {}):
        changes["custom"] = custom
    writes.update(session, actor, lead, **changes)
    job_changes = {name: clean[name] for name in used("jobs", "edited")}
    job = session.get(Job, job_id) if job_id else None
    if job is not None:
        changed = writes.update(session, actor, job, **job_changes)
        if "contract_cents" in changed and job.sold_on is not None:
            from rep_tui.store.money import settle_commission

            settle_commission(session, actor, job, lead.rep_id)  # the commission follows a sold job's new amount
    elif any(v is not None for v in job_changes.values()):
        writes.insert(session, actor, Job(lead_id=lead_id, **job_changes))
    if clean[COMMENT]:
        add_comment(session, actor, lead_id, clean[COMMENT])


def add_job(session: Session, actor: writes.Actor, lead_id: uuid.UUID, clean: dict[str, Any]) -> Job:
    """A further job on the lead from checked New Job values; its Job ID
    comes from the server on first sync (no two devices can make the same)."""
    return writes.insert(session, actor, Job(lead_id=lead_id, **clean))


def add_note(session: Session, actor: writes.Actor, lead_id: uuid.UUID, job_id: uuid.UUID | None, body: str) -> Note:
    """An office note on the lead, or on one of its jobs (`job_id`); the server
    takes it only from a user allowed to write notes."""
    text = (body or "").strip()
    if not text:
        raise Invalid("Write the note first; an empty note is not added.")
    note = Note(lead_id=lead_id, job_id=job_id, author_name=actor.user_name, body=text, created_at=utcnow())
    return writes.insert(session, actor, note)


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


def save_row(session: Session, actor: writes.Actor, model, lead_id: uuid.UUID, row_id: uuid.UUID | None,
             clean: dict[str, Any]):
    """Add a contact or engagement of the lead (row_id None) or change one, from checked values.
    An engagement's follow-up becomes its assignee's reminder."""
    if row_id is None:
        row = writes.insert(session, actor, model(lead_id=lead_id, **clean))
    else:
        row = session.get(model, row_id)
        writes.update(session, actor, row, **clean)
    if model is Engagement:
        reminders.follow_engagement(session, actor, row)
    return row


def delete_row(session: Session, actor: writes.Actor, model, row_id: uuid.UUID) -> None:
    """Soft-delete a contact or engagement (a tombstone sync ships)."""
    row = session.get(model, row_id)
    if row is not None:
        writes.delete(session, actor, row)
        if model is Engagement:
            reminders.follow_engagement(session, actor, row)


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
