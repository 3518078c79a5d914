"""An engagement's follow-up kept as its assignee's reminder, on the device
(the demo company): moved and re-worded with it, given to someone else as a
new row, removed with the follow-up, done when the engagement is completed."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from rep_tui.domain.validation import Invalid
from rep_tui.store import leads as lead_store
from rep_tui.store import reminders, writes
from rep_tui.store.models import Engagement, Lead, Reminder, User
from rep_tui.store.queries import current_user


def _follow_ups(session, engagement_id) -> list[tuple]:
    rows = session.scalars(select(Reminder).where(Reminder.engagement_id == engagement_id,
                                                  Reminder.deleted.is_(False)))
    return [(r.assignee_id, r.due_on, r.body, r.done_at is not None) for r in rows]


def test_an_engagement_follow_up_is_kept_as_its_assignees_reminder(store):
    with store.session() as session:
        me = current_user(session)
        actor = writes.Actor(me.id, me.full_name)
        other = session.scalars(select(User.id).where(User.id != me.id, User.active.is_(True))).first()
        lead_id = session.scalars(select(Lead.id).where(Lead.rep_id == me.id)).first()
        values = {"subject": "Bring samples", "occurred_at": datetime(2026, 11, 24, tzinfo=timezone.utc),
                  "contact_type": "visit", "follow_up": True, "follow_up_assignee_id": me.id,
                  "follow_up_on": date(2026, 11, 26)}
        engagement = lead_store.save_row(session, actor, Engagement, lead_id, None, values)
        assert _follow_ups(session, engagement.id) == [(me.id, date(2026, 11, 26), "Bring samples", False)]
        [mine] = session.scalars(select(Reminder).where(Reminder.engagement_id == engagement.id)).all()
        reminders.set_done(session, actor, mine.id, True)  # the assignee crossed it off: saving again keeps that
        lead_store.save_row(session, actor, Engagement, lead_id, engagement.id,
                            {"subject": "Bring door samples", "follow_up_on": date(2026, 11, 27)})
        assert _follow_ups(session, engagement.id) == [(me.id, date(2026, 11, 27), "Bring door samples", True)]
        lead_store.save_row(session, actor, Engagement, lead_id, engagement.id, {"follow_up_assignee_id": other})
        assert _follow_ups(session, engagement.id) == [(other, date(2026, 11, 27), "Bring door samples", False)]
        assert session.get(Reminder, mine.id).deleted  # a new row for the new assignee, a tombstone for the old
        lead_store.save_row(session, actor, Engagement, lead_id, engagement.id, {"completed": True})
        assert _follow_ups(session, engagement.id) == [(other, date(2026, 11, 27), "Bring door samples", True)]
        lead_store.save_row(session, actor, Engagement, lead_id, engagement.id, {"follow_up": False})
        assert _follow_ups(session, engagement.id) == []


def test_a_reminder_needs_a_date_a_text_and_someone(store):
    with store.session() as session:
        me = current_user(session)
        actor = writes.Actor(me.id, me.full_name)
        lead_id = session.scalars(select(Lead.id).where(Lead.rep_id == me.id)).first()
        for due, body, who, problem in ((None, "x", [me.id], "date"), (date(2026, 11, 25), "  ", [me.id], "what"),
                                        (date(2026, 11, 25), "x", [], "person")):
            with pytest.raises(Invalid, match=problem):
                reminders.add(session, actor, lead_id, due, body, who)
