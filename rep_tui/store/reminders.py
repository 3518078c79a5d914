"""Reminders on the device: adding one for several people, crossing one off,
an engagement's follow-up kept as its assignee's reminder, and what the
Dashboard and Customer Information list.

One reminder for several assignees is one row each, sharing `group_id`
(why: `models.Reminder`). A row whose lead is not on this device (an assignee
who does not see the lead) still shows the lead's summary the server sent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from rep_tui.clock import utcnow
from rep_tui.domain.validation import Invalid, call_phone
from rep_tui.ids import new_id
from rep_tui.store import writes
from rep_tui.store.models import Engagement, Lead, Reminder, User


@dataclass(frozen=True)
class Due:
    """One reminder row as a list shows it."""

    reminder: Reminder
    assignee: str
    #: The lead when it is on this device (the user sees it), else None: show the summary.
    lead: Lead | None
    done_by: str = ""

    @property
    def customer(self) -> str:
        return self.lead.name if self.lead is not None else (self.reminder.lead_name or "")

    @property
    def phone(self) -> str:
        return (call_phone(self.lead) if self.lead is not None else self.reminder.lead_phone) or ""

    @property
    def address(self) -> str:
        if self.lead is not None:
            return Reminder.summary(self.lead)["lead_address"] or ""
        return self.reminder.lead_address or ""


def add(session: Session, actor: writes.Actor, lead_id: uuid.UUID, due_on: date | None, body: str,
        assignee_ids: list[uuid.UUID], *, job_id: uuid.UUID | None = None,
        engagement_id: uuid.UUID | None = None) -> list[Reminder]:
    """One reminder on a lead for each of `assignee_ids` (rows sharing a group id)."""
    text = (body or "").strip()
    if due_on is None:
        raise Invalid("Give the reminder a date.")
    if not text:
        raise Invalid("Write what to do; an empty reminder is not added.")
    if not assignee_ids:
        raise Invalid("Choose at least one person to remind.")
    lead = session.get(Lead, lead_id)
    group = new_id()
    return [writes.insert(session, actor, Reminder(
        group_id=group, lead_id=lead_id, job_id=job_id, engagement_id=engagement_id, assignee_id=assignee,
        due_on=due_on, body=text, created_by_id=actor.user_id, **Reminder.summary(lead)))
        for assignee in dict.fromkeys(assignee_ids)]


def set_done(session: Session, actor: writes.Actor, reminder_id: uuid.UUID, done: bool) -> Reminder:
    """Cross a reminder off in the actor's name, or put it back."""
    reminder = session.get(Reminder, reminder_id)
    writes.update(session, actor, reminder, done_at=utcnow() if done else None,
                  done_by_id=actor.user_id if done else None)
    return reminder


def follow_engagement(session: Session, actor: writes.Actor, engagement: Engagement) -> None:
    """Keep an engagement's follow-up as a reminder for its assignee on its
    date: made, moved or re-worded with it, done when the engagement is
    completed, removed when there is no follow-up any more (or it goes to
    someone else: their reminder is a new row, see `models.Reminder`)."""
    rows = list(session.scalars(select(Reminder).where(Reminder.engagement_id == engagement.id,
                                                       Reminder.deleted.is_(False))))
    wanted = (not engagement.deleted and engagement.follow_up and engagement.follow_up_assignee_id is not None
              and engagement.follow_up_on is not None)
    for row in rows:
        if not wanted or row.assignee_id != engagement.follow_up_assignee_id:
            writes.delete(session, actor, row)
    kept = [row for row in rows if wanted and row.assignee_id == engagement.follow_up_assignee_id]
    if not wanted:
        return
    body = engagement.subject or "Follow up"
    if not kept:
        kept = add(session, actor, engagement.lead_id, engagement.follow_up_on, body,
                   [engagement.follow_up_assignee_id], engagement_id=engagement.id)
    for row in kept:
        writes.update(session, actor, row, due_on=engagement.follow_up_on, body=body)
        if engagement.completed and row.done_at is None:  # (one the assignee crossed off stays so)
            set_done(session, actor, row.id, True)


def _listed(session: Session, *conditions, order=()) -> list[Due]:
    assignee, done_by = aliased(User), aliased(User)
    stmt = (select(Reminder, assignee.full_name, Lead, done_by.full_name)
            .join(assignee, assignee.id == Reminder.assignee_id, isouter=True)
            .join(Lead, (Lead.id == Reminder.lead_id) & Lead.deleted.is_(False), isouter=True)
            .join(done_by, done_by.id == Reminder.done_by_id, isouter=True)
            .where(Reminder.deleted.is_(False), *conditions).order_by(*order))
    return [Due(r, name or "", lead, by or "") for r, name, lead, by in session.execute(stmt)]


def due_for(session: Session, user_id: uuid.UUID, today: date, since: datetime) -> list[Due]:
    """The user's reminders due by `today` and not done, oldest first, with
    those crossed off since `since` (the start of today: so a slip can be undone)."""
    return _listed(session, Reminder.assignee_id == user_id, Reminder.due_on <= today,
                   or_(Reminder.done_at.is_(None), Reminder.done_at >= since),
                   order=(Reminder.done_at.is_not(None), Reminder.due_on, Reminder.body))


def of_lead(session: Session, lead_id: uuid.UUID) -> list[Due]:
    """A lead's reminders, open first, by date."""
    return _listed(session, Reminder.lead_id == lead_id,
                   order=(Reminder.done_at.is_not(None), Reminder.due_on, Reminder.group_id, Reminder.body))


def listed(session: Session, user_id: uuid.UUID | None = None, due_by: date | None = None) -> list[Due]:
    """Reminders by date, for the office's list (`rep-tui admin reminders list`)."""
    conditions = [c for c in (Reminder.assignee_id == user_id if user_id else None,
                              Reminder.due_on <= due_by if due_by else None) if c is not None]
    return _listed(session, *conditions, order=(Reminder.due_on, Reminder.body))

