"""Giving leads to another rep: who a user may give them to, and the write.

A reassignment is an ordinary local edit of `leads.rep_id` (history and
outbox in one transaction): it works offline and syncs like any edit. The
server checks it again (`server/push.py`: the permission, and that the new
rep is someone the user sees); on the next sync the leads leave the old rep's
device and arrive on the new rep's, with their open appointments."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.store import writes
from rep_tui.store.models import Appointment, Lead, User

#: Who holds a lead of no rep, in a question ("Reassign 3 leads from no one to…").
NO_ONE = "no one"


@dataclass(frozen=True)
class Handover:
    """What a reassignment of some leads would do, for the picker and the question."""

    #: (lead id, id and name of the rep holding it now) of each lead still on the device.
    leads: tuple[tuple[uuid.UUID, uuid.UUID | None, str], ...]
    #: (name, id) of the users the leads may go to.
    choices: tuple[tuple[str, uuid.UUID], ...]

    @property
    def lead_ids(self) -> tuple[uuid.UUID, ...]:
        return tuple(lead_id for lead_id, _holder, _name in self.leads)

    def holders(self, but: uuid.UUID | None = None) -> list[tuple[str, int]]:
        """(name, how many of the leads) of each rep holding them, most first; without `but`'s."""
        return Counter(name for _lead, holder, name in self.leads if holder != but).most_common()

    def name_of(self, user_id: uuid.UUID) -> str:
        return next(name for name, choice in self.choices if choice == user_id)

    def question(self, rep_id: uuid.UUID) -> str:
        """"Reassign 12 leads from Rita Rep to Sam Seller?" (the leads Sam holds already aside)."""
        holders = self.holders(but=rep_id)
        count = sum(n for _name, n in holders)
        leads = "1 lead" if count == 1 else f"{count} leads"
        if len(holders) == 1:
            question = f"Reassign {leads} from {holders[0][0]} to {self.name_of(rep_id)}?"
        else:
            parts = ", ".join(f"{n} from {name}" for name, n in holders)
            question = f"Reassign {leads} ({parts}) to {self.name_of(rep_id)}?"
        kept = len(self.leads) - count
        return question + (f" ({kept} of the marked {'is' if kept == 1 else 'are'} theirs already.)" if kept else "")


def assignable_users(session: Session, user: User) -> list[User]:
    """Who `user` may give leads to: an admin, every active user; a manager,
    the reps of their team (as the server's scoping sees them)."""
    from rep_tui.store.queries import team_members

    if user.role == "admin":
        stmt = select(User).where(User.active.is_(True), User.deleted.is_(False)).order_by(User.full_name)
        return list(session.scalars(stmt))
    return team_members(session, user)


def handover(session: Session, user: User, lead_ids: list[uuid.UUID]) -> Handover:
    """The leads (those still on the device), who holds them and who may take them."""
    rows = session.execute(
        select(Lead.id, Lead.rep_id, User.full_name).outerjoin(User, User.id == Lead.rep_id)
        .where(Lead.id.in_(lead_ids), Lead.deleted.is_(False))).all()
    held = {lead_id: (rep_id, name or NO_ONE) for lead_id, rep_id, name in rows}
    return Handover(tuple((lead_id, *held[lead_id]) for lead_id in lead_ids if lead_id in held),
                    tuple((u.full_name, u.id) for u in assignable_users(session, user)))


def reassign_leads(session: Session, actor: writes.Actor, lead_ids: list[uuid.UUID], rep_id: uuid.UUID) -> int:
    """Give the leads to `rep_id`, with their open appointments (as `rep-tui
    admin assign` does); returns how many changed hands (those already theirs did not)."""
    moved = [lead for lead in session.scalars(select(Lead).where(Lead.id.in_(lead_ids), Lead.deleted.is_(False)))
             if writes.update(session, actor, lead, rep_id=rep_id)]
    if moved:
        for appointment in session.scalars(select(Appointment).where(
                Appointment.lead_id.in_([lead.id for lead in moved]), Appointment.result_code.is_(None),
                Appointment.deleted.is_(False), Appointment.rep_id.is_not(None), Appointment.rep_id != rep_id)):
            writes.update(session, actor, appointment, rep_id=rep_id)
    return len(moved)


def unassigned_leads(session: Session) -> list[Lead]:
    """The leads on this device that no rep has (the web form's), newest first:
    the Unassigned queue (the server sends them only to those who may give them out)."""
    return list(session.scalars(select(Lead).where(Lead.rep_id.is_(None), Lead.deleted.is_(False))
                                .order_by(Lead.created_at.desc(), Lead.id)))
