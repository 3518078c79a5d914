"""Read queries shared by screens and the CLI: the signed-in user, the agenda,
follow-ups, be-backs, self-gen leads, related leads, duplicates and stats.

Times: appointments are stored in UTC; "today" and day boundaries are taken
in the company's time zone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from rep_tui.clock import utcnow, zone
from rep_tui.domain import stats as stats_rules
from rep_tui.domain.custom_fields import Definition, ordered
from rep_tui.domain.permissions import Permission, granted
from rep_tui.store.client_models import LocalSetting
from rep_tui.store.models import (
    Appointment, Commission, CustomField, Job, JobStatus, Lead, Office, ResultCode, Team, User, UserGroup,
)

# --- who -------------------------------------------------------------------


def get_setting(session: Session, key: str) -> str | None:
    row = session.get(LocalSetting, key)
    return row.value if row else None


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(LocalSetting, key)
    if row is None:
        session.add(LocalSetting(key=key, value=value))
    else:
        row.value = value


def current_user(session: Session) -> User | None:
    """The user signed in on this device."""
    value = get_setting(session, "current_user")
    return session.get(User, uuid.UUID(value)) if value else None


def permissions_of(session: Session, user: User) -> frozenset[Permission]:
    """What `user` may do beyond seeing their leads: their group's grant, as
    synced to this device, else their role's defaults (the server decides the same way)."""
    group = session.get(UserGroup, user.group_id) if user.group_id else None
    return granted(user.role, None if group is None or group.deleted else group.permissions)


def time_zone_of(session: Session, user: User, configured: str | None = None) -> str:
    """The zone "today" and work hours are read in: the device's own setting
    when it has one, else the user's office's (a Denver rep's day is Denver's)."""
    from rep_tui.config import DEFAULT_TIME_ZONE

    if configured:
        return configured
    office_zone = session.scalar(select(Office.time_zone).join(Team, Team.office_id == Office.id)
                                 .where(Team.id == user.team_id))
    return office_zone or DEFAULT_TIME_ZONE


def team_members(session: Session, manager: User) -> list[User]:
    """The reps a manager sees: their teams' members; an admin sees all reps."""
    stmt = select(User).where(User.active.is_(True), User.deleted.is_(False), User.role == "rep")
    if manager.role != "admin":
        teams = select(Team.id).where(Team.manager_id == manager.id)
        stmt = stmt.where(or_(User.team_id.in_(teams), User.team_id == manager.team_id))
    return list(session.scalars(stmt.order_by(User.full_name)))


def custom_definitions(session: Session) -> list[Definition]:
    """The office's custom fields as this device last synced them (deactivated ones too), in the office's order."""
    return ordered(Definition.of(row) for row in session.scalars(select(CustomField).where(CustomField.deleted.is_(False))))


def result_codes(session: Session) -> list[ResultCode]:
    return list(
        session.scalars(
            select(ResultCode).where(ResultCode.active.is_(True), ResultCode.deleted.is_(False))
            .order_by(ResultCode.sort_order, ResultCode.code)
        )
    )


def lead_sources(session: Session) -> list[str]:
    """Every lead source in use (self-gen, call-center, web, ...), for filters."""
    return list(session.scalars(
        select(Lead.source).where(Lead.deleted.is_(False)).distinct().order_by(Lead.source)
    ))


# --- time ------------------------------------------------------------------


def day_bounds(day: date, tz_name: str, days: int = 1) -> tuple[datetime, datetime]:
    """UTC start and end of `days` local days starting at `day`."""
    tz = zone(tz_name)
    start = datetime.combine(day, time.min, tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=days), time.min, tzinfo=tz).astimezone(timezone.utc)
    return start, end


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- agenda ----------------------------------------------------------------


@dataclass(frozen=True)
class AgendaRow:
    appointment: Appointment
    lead: Lead
    job: Job | None

    @property
    def product(self) -> str:
        return (self.job.product if self.job else None) or self.lead.product_interest or ""


def _agenda(session: Session, *conditions) -> list[AgendaRow]:
    stmt = (
        select(Appointment, Lead, Job)
        .join(Lead, Lead.id == Appointment.lead_id)
        .outerjoin(Job, Job.id == Appointment.job_id)
        .where(Appointment.deleted.is_(False), Lead.deleted.is_(False), *conditions)
        .order_by(Appointment.starts_at)
    )
    return [AgendaRow(a, lead, job) for a, lead, job in session.execute(stmt)]


def appointments_between(session: Session, rep_id: uuid.UUID, start: datetime, end: datetime) -> list[AgendaRow]:
    return _agenda(session, Appointment.rep_id == rep_id, Appointment.starts_at >= start, Appointment.starts_at < end)


def appointments_on(session: Session, rep_id: uuid.UUID, day: date, tz_name: str, days: int = 1) -> list[AgendaRow]:
    """A rep's appointments over `days` local days from `day` (1 = a day, 7 = a week)."""
    return appointments_between(session, rep_id, *day_bounds(day, tz_name, days))


def missing_results(session: Session, rep_id: uuid.UUID, now: datetime, days_back: int = 30) -> list[AgendaRow]:
    """Past appointments that still have no result: the dashboard nags about these."""
    return _agenda(
        session,
        Appointment.rep_id == rep_id,
        Appointment.result_code.is_(None),
        Appointment.starts_at < now,
        Appointment.starts_at >= now - timedelta(days=days_back),
    )


def lead_appointments(session: Session, lead_id: uuid.UUID) -> list[AgendaRow]:
    return _agenda(session, Appointment.lead_id == lead_id)


def appointment_to_result(session: Session, lead_id: uuid.UUID) -> Appointment | None:
    """The appointment `r` on Customer Information results: the latest one
    already started without a result, else the next one ahead. (Move and
    cancel act on `booking.appointment_to_move`: the next one ahead first.)"""
    open_ones = list(session.scalars(
        select(Appointment).where(Appointment.lead_id == lead_id, Appointment.deleted.is_(False),
                                  Appointment.result_code.is_(None)).order_by(Appointment.starts_at)))
    now = utcnow()
    started = [a for a in open_ones if a.starts_at <= now]
    return started[-1] if started else (open_ones[0] if open_ones else None)


# --- follow-ups and be-backs -------------------------------------------------


@dataclass(frozen=True)
class BeBack:
    lead: Lead
    follow_up_on: date | None
    last_result: str | None
    last_appointment: datetime | None
    quoted_cents: int | None

    def overdue(self, today: date) -> bool:
        return self.follow_up_on is not None and self.follow_up_on < today


def be_backs(session: Session, rep_id: uuid.UUID) -> list[BeBack]:
    """Leads to go back to: resulted Be Back last, or with a follow-up date;
    by follow-up date, undated last."""
    last_appt = (
        select(Appointment.lead_id, func.max(Appointment.starts_at).label("last_at"))
        .where(Appointment.deleted.is_(False), Appointment.result_code.is_not(None))
        .group_by(Appointment.lead_id)
        .subquery()
    )
    stmt = (
        select(Lead, Appointment)
        .join(last_appt, last_appt.c.lead_id == Lead.id, isouter=True)
        .join(
            Appointment,
            and_(Appointment.lead_id == Lead.id, Appointment.starts_at == last_appt.c.last_at,
                 Appointment.deleted.is_(False)),
            isouter=True,
        )
        .where(Lead.rep_id == rep_id, Lead.deleted.is_(False))
        .where(or_(Lead.follow_up_on.is_not(None), Appointment.result_code == "BB"))
    )
    rows: dict[uuid.UUID, BeBack] = {}
    for lead, appt in session.execute(stmt):
        quoted = session.scalar(
            select(Job.contract_cents).where(Job.lead_id == lead.id, Job.deleted.is_(False))
            .order_by(Job.appointment_at.desc()).limit(1)
        )
        rows[lead.id] = BeBack(
            lead=lead,
            follow_up_on=lead.follow_up_on,  # the date to act on: resulting sets it, the rep may clear it
            last_result=appt.result_code if appt else None,
            last_appointment=appt.starts_at if appt else None,
            quoted_cents=quoted,
        )
    return sorted(rows.values(), key=lambda b: (b.follow_up_on is None, b.follow_up_on or date.max, b.lead.last_name))


def follow_ups_due(session: Session, rep_id: uuid.UUID, today: date) -> list[BeBack]:
    """Follow-ups due today or overdue."""
    return [b for b in be_backs(session, rep_id) if b.follow_up_on is not None and b.follow_up_on <= today]


def self_gen_leads(session: Session, rep_id: uuid.UUID) -> list[tuple[Lead, str]]:
    """The rep's self-generated leads, newest first, each with where it stands."""
    leads = list(
        session.scalars(
            select(Lead).where(Lead.rep_id == rep_id, Lead.source == "self-gen", Lead.deleted.is_(False))
            .order_by(Lead.created_at.desc())
        )
    )
    labels = {c.code: c.label for c in session.scalars(select(ResultCode))}
    out = []
    for lead in leads:
        appt = session.scalars(
            select(Appointment).where(Appointment.lead_id == lead.id, Appointment.deleted.is_(False))
            .order_by(Appointment.starts_at.desc()).limit(1)
        ).first()
        if appt is None:
            stage = "New — no appointment yet"
        elif appt.result_code:
            stage = labels.get(appt.result_code, appt.result_code)
        else:
            stage = "Appointment set"
        if lead.pid is None:
            stage += " · not synced"
        out.append((lead, stage))
    return out


# --- related and duplicates --------------------------------------------------


@dataclass(frozen=True)
class RelatedLead:
    lead: Lead
    reasons: tuple[str, ...]  # "first name", "last name", "address", "phone"


def _phones(lead: Lead) -> set[str]:
    return {p for p in (lead.home_phone_e164, lead.cell_phone_e164, lead.work_phone_e164) if p}


def related_leads(session: Session, lead_id: uuid.UUID, limit: int = 200) -> list[RelatedLead]:
    """Leads sharing a first name, last name, address or any phone; each says which matched.

    Strongest first: a shared phone or address means the same household, a
    shared last name a relative, a shared first name only a hint."""
    lead = session.get(Lead, lead_id)
    if lead is None:
        return []
    phones = _phones(lead)
    address = (lead.address or "").strip().lower()
    conditions = []
    if lead.first_name:
        conditions.append(func.lower(Lead.first_name) == lead.first_name.lower())
    if lead.last_name:
        conditions.append(func.lower(Lead.last_name) == lead.last_name.lower())
    if address:
        conditions.append(func.lower(func.trim(Lead.address)) == address)
    if phones:
        conditions += [col.in_(phones) for col in (Lead.home_phone_e164, Lead.cell_phone_e164, Lead.work_phone_e164)]
    if not conditions:
        return []
    candidates = session.scalars(
        select(Lead).where(Lead.id != lead.id, Lead.deleted.is_(False), or_(*conditions)).limit(limit * 5)
    )
    weight = {"phone": 8, "address": 4, "last name": 2, "first name": 1}
    out = []
    for other in candidates:
        reasons = []
        if lead.first_name and other.first_name.lower() == lead.first_name.lower():
            reasons.append("first name")
        if lead.last_name and other.last_name.lower() == lead.last_name.lower():
            reasons.append("last name")
        if address and (other.address or "").strip().lower() == address:
            reasons.append("address")
        if phones & _phones(other):
            reasons.append("phone")
        if reasons:
            out.append(RelatedLead(other, tuple(reasons)))
    out.sort(key=lambda r: (-sum(weight[x] for x in r.reasons), r.lead.last_name, r.lead.first_name))
    return out[:limit]


@dataclass(frozen=True)
class Duplicate:
    lead: Lead
    matched: str  # "phone", "email" or "address"


def find_duplicates(
    session: Session, *, phones: set[str] = frozenset(), email: str | None = None,
    address: str | None = None, zip_code: str | None = None, exclude: uuid.UUID | None = None,
) -> list[Duplicate]:
    """Existing leads with the same phone (E.164), email or address (+zip when given)."""
    found: dict[uuid.UUID, Duplicate] = {}

    def add(stmt, matched: str) -> None:
        stmt = stmt.where(Lead.deleted.is_(False))
        if exclude is not None:
            stmt = stmt.where(Lead.id != exclude)
        for lead in session.scalars(stmt.limit(20)):
            found.setdefault(lead.id, Duplicate(lead, matched))

    if phones:
        add(select(Lead).where(or_(Lead.home_phone_e164.in_(phones), Lead.cell_phone_e164.in_(phones),
                                   Lead.work_phone_e164.in_(phones))), "phone")
    if email:
        add(select(Lead).where(or_(func.lower(Lead.email) == email.lower(),
                                   func.lower(Lead.alt_email) == email.lower())), "email")
    if address and address.strip():
        stmt = select(Lead).where(func.lower(func.trim(Lead.address)) == address.strip().lower())
        if zip_code:
            stmt = stmt.where(Lead.zip == zip_code)
        add(stmt, "address")
    return list(found.values())


# --- stats -----------------------------------------------------------------


@dataclass(frozen=True)
class StatRow:
    """One resulted appointment with what stats need of it."""

    appointment: Appointment
    lead: Lead
    job: Job | None
    code: ResultCode
    outcome: stats_rules.Outcome


def stat_rows(session: Session, rep_ids: list[uuid.UUID] | None, start: datetime, end: datetime) -> list[StatRow]:
    """Resulted appointments of these reps (None: of everyone in this database) in [start, end)
    that count in stats (`stats.outcome_of`). A sale counts as cancelled when its job has a cancel
    date or is in a job status the office flags "counts as cancelled"."""
    codes = {c.code: c for c in session.scalars(select(ResultCode))}
    cancel_statuses = set(session.scalars(select(JobStatus.code).where(JobStatus.counts_as_cancelled.is_(True))))
    commissions: dict[tuple, tuple[int, int]] = {}
    rows = session.execute(
        select(Appointment, Lead, Job)
        .join(Lead, Lead.id == Appointment.lead_id)
        .outerjoin(Job, Job.id == Appointment.job_id)
        .where(
            Appointment.rep_id.in_(rep_ids) if rep_ids is not None else true(),
            Appointment.starts_at >= start, Appointment.starts_at < end,
            Appointment.result_code.is_not(None), Appointment.deleted.is_(False),
        )
        .order_by(Appointment.starts_at)
    ).all()
    job_ids = [job.id for _, _, job in rows if job is not None]
    if job_ids:
        for job_id, rep_id, amount, paid in session.execute(
            select(Commission.job_id, Commission.rep_id, func.sum(Commission.amount_cents), func.sum(Commission.paid_cents))
            .where(Commission.job_id.in_(job_ids), Commission.deleted.is_(False))
            .group_by(Commission.job_id, Commission.rep_id)
        ):
            commissions[(job_id, rep_id)] = (int(amount or 0), int(paid or 0))
    out = []
    for appt, lead, job in rows:
        code = codes.get(appt.result_code)
        earned, paid = commissions.get((job.id, appt.rep_id), (0, 0)) if job else (0, 0)
        outcome = stats_rules.outcome_of(
            code, disregarded=appt.disregard_in_stats, contract_cents=job.contract_cents if job else None,
            cancelled=bool(job and (job.cancelled_on or job.status in cancel_statuses)), commission_cents=earned, commission_paid_cents=paid)
        if outcome is not None:
            out.append(StatRow(appt, lead, job, code, outcome))
    return out


def stats_for(session: Session, rep_ids: list[uuid.UUID], start: datetime, end: datetime) -> dict[str, stats_rules.Figure]:
    return stats_rules.compute(r.outcome for r in stat_rows(session, rep_ids, start, end))


BEHIND = {
    "issued": lambda o: o.issued,
    "demos": lambda o: o.demo,
    "demo_rate": lambda o: o.issued,
    "close_rate": lambda o: o.demo,
    "close_rate_issued": lambda o: o.issued,
    "cancels": lambda o: o.sale and o.cancelled,
    "cancel_rate": lambda o: o.sale,
}


def rows_behind(rows: list[StatRow], figure_key: str) -> list[StatRow]:
    """The appointments a figure was computed from (its drill-down)."""
    keep = BEHIND.get(figure_key, lambda o: o.sale)
    return [r for r in rows if keep(r.outcome)]


def period_days(period: str, today: date) -> tuple[date, int, str]:
    """The first day, the number of days and a label of the day | week | month | year holding `today`
    (a week starts on Monday)."""
    if period == "day":
        return today, 1, today.strftime("%a %b %-d, %Y")
    if period == "week":
        first = week_start(today)
        return first, 7, f"Week of {first.strftime('%b %-d, %Y')}"
    if period == "month":
        first = today.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return first, (nxt - first).days, first.strftime("%B %Y")
    if period == "year":
        first = today.replace(month=1, day=1)
        return first, (first.replace(year=first.year + 1) - first).days, str(first.year)
    raise ValueError(f"unknown period {period!r}: use day, week, month or year")


def period_bounds(period: str, today: date, tz_name: str) -> tuple[datetime, datetime, str]:
    """UTC bounds and a label for day | week | month | year containing `today`."""
    first, days, label = period_days(period, today)
    start, end = day_bounds(first, tz_name, days)
    return start, end, label


#: How a period is written on a command line, by kind (`Period.parse`).
PERIOD_FORMATS = {"day": "YYYY-MM-DD", "week": "YYYY-MM-DD (any day of it) or YYYY-Www",
                  "month": "YYYY-MM", "year": "YYYY"}


@dataclass(frozen=True)
class Period:
    """What the rep is looking at: a kind and a day inside it (or a custom range)."""

    kind: str  # day | week | month | year | custom
    anchor: date
    until: date | None = None  # last day, custom ranges only

    def shifted(self, step: int) -> Period:
        """The previous (-1) or next (+1) period of the same kind."""
        if self.kind == "day":
            return Period("day", self.anchor + timedelta(days=step))
        if self.kind == "week":
            return Period("week", self.anchor + timedelta(days=7 * step))
        if self.kind == "month":
            first = self.anchor.replace(day=1)
            moved = first - timedelta(days=1) if step < 0 else first + timedelta(days=32)
            return Period("month", moved.replace(day=1))
        if self.kind == "year":
            return Period("year", self.anchor.replace(year=self.anchor.year + step, month=1, day=1))
        length = timedelta(days=((self.until or self.anchor) - self.anchor).days + 1)
        return Period("custom", self.anchor + step * length, (self.until or self.anchor) + step * length)

    @classmethod
    def parse(cls, kind: str, text: str) -> Period:
        """The period of `kind` written as in `PERIOD_FORMATS` ("2026-11" for a month); ValueError says how to write it."""
        if kind not in PERIOD_FORMATS:
            raise ValueError(f"unknown period {kind!r}: use {', '.join(PERIOD_FORMATS)}")
        text = text.strip()
        try:
            if kind == "year":
                return cls(kind, date(int(text), 1, 1))
            if kind == "month":
                return cls(kind, datetime.strptime(text, "%Y-%m").date())
            if kind == "week" and "-W" in text.upper():
                return cls(kind, datetime.strptime(text.upper() + "-1", "%G-W%V-%u").date())
            return cls(kind, date.fromisoformat(text))
        except ValueError:
            raise ValueError(f"{text!r} is not a {kind}: write it as {PERIOD_FORMATS[kind]}") from None

    def days(self) -> tuple[date, date]:
        """The first and the last day of the period."""
        if self.kind == "custom":
            return self.anchor, self.until or self.anchor
        first, count, _label = period_days(self.kind, self.anchor)
        return first, first + timedelta(days=count - 1)

    def bounds(self, tz_name: str) -> tuple[datetime, datetime, str]:
        """UTC start and end, and a label for the screen."""
        if self.kind != "custom":
            return period_bounds(self.kind, self.anchor, tz_name)
        until = self.until or self.anchor
        start, end = day_bounds(self.anchor, tz_name, (until - self.anchor).days + 1)
        return start, end, f"{self.anchor:%b %-d, %Y} – {until:%b %-d, %Y}"
