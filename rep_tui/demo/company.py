"""The demo company: a realistic sales organisation written straight into the
client store, so the app has a full day to show the first time it opens.

The same seed and the same "now" (`rep_tui.clock.utcnow`) give the same rows
and the same ids, so tests and screenshots can rely on them. Rows go in with
SQLAlchemy Core executemany in one transaction, without outbox entries and at
`version=1`: they stand for data the server already has.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import uuid
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Sequence

from sqlalchemy import bindparam, delete, insert, update

from rep_tui.clock import utcnow, zone
from rep_tui.demo.names import (
    ACCOUNT_NOTES, ADMIN, APPOINTMENT_NOTES, BAD_EMAIL_DOMAINS, COMMENTS, COMMISSION_PCTS, COMMON_STREETS,
    COMPANY_DOMAIN, CONTACT_ROLES, DEMO_MANAGER, DEMO_REP, EARLIER_RESULTS, EMAIL_DOMAINS, ENGAGEMENT_SUBJECTS,
    FINAL_RESULTS, FIRST_NAMES, JOB_STEPS, LAST_NAMES, OFFICE_NOTES, OFFICE_STAFF, OFFICES, PAYMENT_METHODS,
    PHONE_FORMATS, PICTURE_CAPTIONS, PRODUCTS, REPS_PER_TEAM, SHOWCASE_NAMES, SOURCES, OfficeSpec, ProductSpec,
)
from rep_tui.demo.files import house_png, pdf
from rep_tui.domain.permissions import DEFAULT_GROUPS, default_grant
from rep_tui.domain.job_statuses import DEFAULT_JOB_STATUSES
from rep_tui.domain.results import DEFAULT_RESULT_CODES
from rep_tui.domain.text import fold
from rep_tui.domain.validation import format_money, normalize_phone
from rep_tui.store.client_models import LocalSetting
from rep_tui.store.db import Store
from rep_tui.store.models import (
    Appointment, Attachment, Comment, Commission, Contact, Engagement, InvoiceItem, Job, JobStatus, Lead, Note,
    Office, Payment, Region, Reminder, ResultCode, Team, User, UserGroup,
)
from rep_tui.store.search import rebuild_index

UTC = timezone.utc
DEVICE_ID = "demo-device"
#: How often the build says how far it got (in leads).
PROGRESS_EVERY = 500
SLOT_HOURS = (9, 12, 15, 18)
APPOINTMENT_LENGTH = timedelta(hours=2)
PAST_DAYS, FUTURE_DAYS = 90, 14
FIRST_PID, FIRST_JOB_NUMBER = 100001, 500001
RELATED_SHARE = 0.06  # leads made as a relative, spouse or phone-sharer of another
ATTACHMENT_LEADS = 10
DO_NOT_CONTACT_EVERY = 25  # of the leads nobody has visited, by PID: "take me off your list"
DEMO_RELATED = 12  # of the demo rep's leads nearest to today get a relative, spouse or phone-sharer
LOAD_CACHE_SIZE = -262144  # KiB: index pages of a 100k-lead load stay in memory
INSERT_ORDER = (Region, Office, Team, UserGroup, User, ResultCode, JobStatus, Lead, Job, Appointment, Payment,
                Commission, InvoiceItem, Note, Comment, Contact, Engagement, Attachment, Reminder)
NEXT_KIND = {"RS": "reset", "NS": "reset", "CXL": "reset", "BB": "follow-up", "1L": "follow-up", "DNS": "rehash"}
QUOTED = frozenset({"DNS", "BB", "1L"})  # results that leave a price on the job
DISREGARD_NOTE = "Entered twice by the call center — disregard in stats."


@dataclass(frozen=True)
class DemoSummary:
    counts: dict[str, int]  # rows written per table
    demo_rep: str  # username
    demo_manager: str
    admin: str


@dataclass(frozen=True)
class _Rep:
    id: uuid.UUID
    name: str
    office: OfficeSpec
    commission_pct: Decimal


def _weighted(pairs: Sequence[tuple[object, int]]) -> Callable[[random.Random], object]:
    """A picker for (value, weight) pairs; a bisect over cumulative weights,
    several times faster than `rng.choices` for one pick."""
    values = [v for v, _ in pairs]
    cumulative = list(itertools.accumulate(w for _, w in pairs))
    total = cumulative[-1]
    return lambda rng: values[bisect_right(cumulative, rng.random() * total)]


@lru_cache(maxsize=None)
def _plain(name: str) -> str:
    """A name as it can appear in an email address: "O'Brien" -> "obrien"."""
    return fold(name).replace(" ", "")


_final_result = _weighted(FINAL_RESULTS)
_earlier_result = _weighted(EARLIER_RESULTS)
_source = _weighted(SOURCES)
_payment_method = _weighted(PAYMENT_METHODS)
_email_domain = _weighted(EMAIL_DOMAINS)
_phone_format = _weighted(PHONE_FORMATS)
_chain_extra = _weighted(((0, 85), (1, 12), (2, 3)))
_PRODUCTS = {p.name: p for p in PRODUCTS}
_STREETS = {office.city: office.streets + COMMON_STREETS for office in OFFICES}  # the office's own city
_BLANK = {model: dict.fromkeys(model.__table__.columns.keys()) for model in INSERT_ORDER}


def _cents(dollars: Decimal | int) -> int:
    return int((Decimal(dollars) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _local(day: date, hour: int, tz_name: str) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone(tz_name)).astimezone(UTC)


class _Builder:
    """Holds the random stream and the rows made so far, table by table."""

    def __init__(self, seed: int, now: datetime, progress: Callable[[str], None] = lambda _message: None) -> None:
        self.progress = progress
        self.rng = random.Random(seed)
        self.now = now
        self.rows: dict[type, list[dict]] = defaultdict(list)
        self.reps: list[_Rep] = []
        self.rep_of: dict[uuid.UUID, _Rep] = {}
        self.team_managers: list[dict] = []
        self.visits: dict[uuid.UUID, list[dict]] = {}  # lead id -> its appointments, in order
        self.jobs: dict[uuid.UUID, dict] = {}  # lead id -> its job
        self.admin_id: uuid.UUID | None = None
        self.group_of: dict[str, uuid.UUID] = {}  # role -> the group its users start in

    # --- helpers ---------------------------------------------------------------

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, model: type, at: datetime | None = None, **values) -> dict:
        """A new row of `model`: every column present (executemany needs the same
        keys in each row), None where not given."""
        row = {**_BLANK[model], "id": self.uid(), "version": 1, "deleted": False, "updated_at": at or self.now,
               **values}
        self.rows[model].append(row)
        return row

    def between(self, start: datetime, end: datetime) -> datetime:
        return start + (end - start) * self.rng.random()

    def some(self, share: float, most: int) -> int:
        """How many of a thing a lead has: none for most, 1..most for `share` of them."""
        return self.rng.randint(1, most) if self.rng.random() < share else 0

    def today(self, office: OfficeSpec) -> date:
        return self.now.astimezone(zone(office.time_zone)).date()

    def phone(self, area: str, *, extension: bool = False) -> tuple[str, str | None]:
        """A phone number as a person would type it, and its E.164 form."""
        exchange = self.rng.randint(201, 989)
        if exchange % 100 == 11 or exchange == 555:  # N11 and 555 are not real exchanges
            exchange += 1
        typed = _phone_format(self.rng).format(a=area, e=exchange, n=f"{self.rng.randint(0, 9999):04d}")
        if extension:
            typed += f" x{self.rng.randint(10, 4999)}"
        return typed, normalize_phone(typed)

    def person_name(self) -> tuple[str, str]:
        first = self.rng.choice(FIRST_NAMES)
        last = self.rng.choice(LAST_NAMES)
        if self.rng.random() < 0.015:
            last = f"{last}-{self.rng.choice(LAST_NAMES)}"
        return first, last

    def email(self, first: str, last: str) -> tuple[str, bool]:
        """An address made from the name; a few are mistyped (and flagged invalid)."""
        f, l = _plain(first), _plain(last)
        local = self.rng.choice((f"{f}.{l}", f"{f[0]}{l}", f"{f}{l}{self.rng.randint(1, 99)}", f"{l}.{f[0]}"))
        if self.rng.random() < 0.04:
            return f"{local}@{self.rng.choice(BAD_EMAIL_DOMAINS)}", True
        return f"{local}@{_email_domain(self.rng)}", False

    # --- organisation ------------------------------------------------------------

    def groups(self) -> None:
        """The groups a company starts with. Their ids come from their roles, not
        the random stream, so every other row is what it was before groups existed."""
        for role, (name, description) in DEFAULT_GROUPS.items():
            group_id = uuid.uuid5(uuid.NAMESPACE_URL, f"rep-tui:demo-group:{role}")
            self.rows[UserGroup].append({**_BLANK[UserGroup], "id": group_id, "version": 1, "deleted": False,
                                         "updated_at": self.now, "name": name, "description": description,
                                         "permissions": default_grant(role)})
            self.group_of[role] = group_id

    def organisation(self) -> None:
        self.groups()
        self.admin_id = self.add(User, username=ADMIN[0], full_name=ADMIN[1], email=f"{ADMIN[0]}@{COMPANY_DOMAIN}",
                                 role="admin", group_id=self.group_of["admin"], active=True,
                                 commission_pct=Decimal("0.00"))["id"]
        usernames = {ADMIN[0]}
        for office in OFFICES:
            region = self.add(Region, name=office.region)
            office_row = self.add(Office, name=office.city, region_id=region["id"], city=office.city,
                                  state=office.state, time_zone=office.time_zone)
            for team_name in office.teams:
                team = self.add(Team, name=team_name, office_id=office_row["id"])
                first_team = not self.team_managers
                manager = self.user(office, team, "manager", DEMO_MANAGER if first_team else None, usernames)
                self.team_managers.append({"team": team["id"], "manager": manager["id"]})
                for i in range(REPS_PER_TEAM):
                    fixed = DEMO_REP if first_team and i == 0 else None
                    rep = self.user(office, team, "rep", fixed, usernames)
                    self.reps.append(_Rep(rep["id"], rep["full_name"], office, rep["commission_pct"]))
        self.rep_of = {r.id: r for r in self.reps}
        for order, spec in enumerate(DEFAULT_RESULT_CODES):
            self.add(ResultCode, code=spec.code, label=spec.label, key=spec.key, counts_as_issued=spec.issued,
                     counts_as_demo=spec.demo, counts_as_sale=spec.sale, needs_sale=spec.needs_sale,
                     needs_follow_up=spec.follow_up, reschedules=spec.reschedules, sort_order=order, active=True)

    def user(self, office: OfficeSpec, team: dict, role: str, fixed: tuple[str, str] | None, taken: set) -> dict:
        if fixed:
            username, full_name = fixed
        else:
            first, last = self.person_name()
            full_name = f"{first} {last}"
            base = _plain(first)[0] + _plain(last)
            username = next(f"{base}{n or ''}" for n in itertools.count() if f"{base}{n or ''}" not in taken)
        taken.add(username)
        pct = self.rng.choice(COMMISSION_PCTS) if role == "rep" else Decimal("2.00")
        phone = self.phone(self.rng.choice(office.cities[0].area_codes))[0]
        return self.add(User, username=username, full_name=full_name, email=f"{username}@{COMPANY_DOMAIN}",
                        phone=phone, role=role, team_id=team["id"], group_id=self.group_of[role], active=True,
                        commission_pct=pct)

    # --- leads -------------------------------------------------------------------

    def leads(self, count: int, *, showcase_rep: bool = False) -> None:
        related = round(count * RELATED_SHARE)
        base = count - related
        demo = self.reps[0]
        demo_count = min(base, max(base // len(self.reps), min(60, base // 10)))
        owners = [demo] * demo_count + [self.rng.choice(self.reps[1:]) for _ in range(base - demo_count)]
        self.rng.shuffle(owners)
        for done, rep in enumerate(owners, 1):
            self.lead(rep)
            if done % PROGRESS_EVERY == 0:
                self.progress(f"  leads: {done:,} of {count:,}")
        showcase = self.rng.sample(self.rows[Lead], min(base, len(SHOWCASE_NAMES)))
        for lead, (first, last) in zip(showcase, SHOWCASE_NAMES):
            self.rename(lead, first, last)
        if showcase_rep:  # a device signed in as the demo rep syncs only the demo rep's leads
            theirs = [lead for lead in self.rows[Lead] if lead["rep_id"] == demo.id and lead not in showcase]
            for lead, (first, last) in zip(theirs[::3], SHOWCASE_NAMES):
                self.rename(lead, first, last)
        self.appointments()
        self.related_leads(related)
        self.progress(f"  leads: {count:,} of {count:,}; appointments: {len(self.rows[Appointment]):,}, "
                      f"jobs: {len(self.rows[Job]):,}")
        self.dates_and_numbers()

    def lead(self, rep: _Rep) -> dict:
        rng, office = self.rng, rep.office
        city = rng.choice(office.cities)
        streets = _STREETS[office.city] if city is office.cities[0] else COMMON_STREETS
        first, last = self.person_name()
        phones = {"home": rng.random() < 0.85, "cell": rng.random() < 0.75, "work": rng.random() < 0.18}
        if not (phones["home"] or phones["cell"]):
            phones["cell"] = True
        values: dict = {}
        for kind, present in phones.items():
            typed = e164 = None
            if present:
                typed, e164 = self.phone(rng.choice(city.area_codes), extension=kind == "work" and rng.random() < 0.3)
            values[f"{kind}_phone"], values[f"{kind}_phone_e164"] = typed, e164
        email, invalid = self.email(first, last) if rng.random() < 0.8 else (None, False)
        alt_email = self.email(first, last)[0] if email and rng.random() < 0.1 else None
        custom = {"home_built": rng.randint(1922, 2016)} if rng.random() < 0.6 else {}
        if custom and rng.random() < 0.4:
            custom["stories"] = rng.choice((1, 1, 2, 2, 3))
        return self.add(
            Lead, first_name=first, last_name=last,
            address=f"{rng.randint(100, 9899)} {rng.choice(streets)}",
            city=city.name, state=office.state, zip=rng.choice(city.zips),
            county=city.county if rng.random() > 0.08 else None, region=office.region,
            email=email, alt_email=alt_email, invalid_email=invalid, source=_source(rng),
            product_interest=rng.choice(PRODUCTS).name if rng.random() < 0.95 else None,
            rep_id=rep.id, custom=custom, **values,
        )

    def demo_leads_near_now(self) -> list[dict]:
        """The demo rep's leads with appointments, nearest to now first: the ones a demo opens."""
        demo = self.reps[0].id
        return sorted((lead for lead in self.rows[Lead] if lead["rep_id"] == demo and lead["id"] in self.jobs),
                      key=lambda lead: abs(self.jobs[lead["id"]]["appointment_at"] - self.now))

    def related_leads(self, count: int) -> None:
        """Spouses at the same address, relatives, and people sharing a phone, so
        Related has something to show, also on the demo rep's leads of today.
        (Shared first names need no help: they are common anyway.)"""
        anchors = self.demo_leads_near_now()[: min(DEMO_RELATED, count // 3)]
        anchors += self.rng.sample(self.rows[Lead], count - len(anchors))
        for anchor in anchors:
            rep = self.rep_of[anchor["rep_id"]]
            if self.rng.random() > 0.7:
                rep = self.rng.choice([r for r in self.reps if r.office is rep.office])
            lead = self.lead(rep)
            kind = self.rng.random()
            if kind < 0.45:  # a spouse: same household, same home phone
                lead.update({k: anchor[k] for k in ("last_name", "address", "city", "zip", "county")})
                lead["first_name"] = self.rng.choice([f for f in FIRST_NAMES if f != anchor["first_name"]])
                self.share_phone(anchor, lead)
            elif kind < 0.7:  # a relative elsewhere in town
                lead.update({k: anchor[k] for k in ("last_name", "city", "zip", "county")})
            else:  # someone else giving the same number, typed another way
                self.share_phone(anchor, lead)
                continue
            self.rename(lead, lead["first_name"], lead["last_name"])

    def rename(self, lead: dict, first: str, last: str) -> None:
        """Give a lead another name, and email addresses that go with it."""
        lead["first_name"], lead["last_name"] = first, last
        if lead["email"]:
            lead["email"], lead["invalid_email"] = self.email(first, last)
        lead["alt_email"] = None

    def share_phone(self, anchor: dict, lead: dict) -> None:
        """The anchor's home (else cell) number, typed another way, as this lead's home phone."""
        e164 = anchor["home_phone_e164"] or anchor["cell_phone_e164"]
        lead["home_phone"] = _phone_format(self.rng).format(a=e164[2:5], e=e164[5:8], n=e164[8:])
        lead["home_phone_e164"] = normalize_phone(lead["home_phone"])

    # --- appointments and jobs ----------------------------------------------------

    def slots(self, rep: _Rep, lead_count: int) -> list[datetime]:
        """When this rep runs appointments: Monday to Saturday at the fixed start
        hours, about one per two of their leads, at most 2.5 a day. The demo rep
        always has three today, something every weekday ahead and a few
        appointments in the last two days still waiting for a result."""
        tz, today, demo = rep.office.time_zone, self.today(rep.office), rep is self.reps[0]
        days = [today + timedelta(days=d) for d in range(-PAST_DAYS, FUTURE_DAYS + 1)]
        days = [d for d in days if d.weekday() != 6]
        forced: set[tuple[date, int]] = set()
        share = 0.55
        if demo:
            share = 0.9
            forced |= {(today, 9), (today, 12), (today, self.rng.choice((15, 18)))}
            for day in days:
                recent = today - timedelta(days=3) < day < today
                if recent or (day > today and day.weekday() < 5):
                    forced |= {(day, h) for h in self.rng.sample(SLOT_HOURS, self.rng.randint(1, 2))}
        pool = [(d, h) for d in days for h in SLOT_HOURS if (d, h) not in forced and not (demo and d == today)]
        wanted = min(round(lead_count * share), int(len(days) * 2.5)) - len(forced)
        chosen = sorted(forced) + self.rng.sample(pool, max(0, wanted))
        return sorted(_local(d, h, tz) for d, h in chosen)

    def chains(self, slots: list[datetime]) -> list[list[datetime]]:
        """Group a rep's slots into visits of one lead: mostly one, sometimes a
        reset or a rehash a few days to weeks before the last visit. Only
        visits older than three days come before another, so every recent
        and future visit is the last of its lead."""
        pending, chains = list(slots), []
        cutoff = self.now - timedelta(days=3)
        while pending:
            chain = [pending.pop()]
            for _ in range(_chain_extra(self.rng)):
                hi = bisect_left(pending, min(chain[0] - timedelta(days=2), cutoff))
                lo = bisect_left(pending, chain[0] - timedelta(days=45))
                if lo >= hi:
                    break
                chain.insert(0, pending.pop(self.rng.randrange(lo, hi)))
            chains.append(chain)
        return chains

    def appointments(self) -> None:
        by_rep: dict[uuid.UUID, list[dict]] = defaultdict(list)
        for lead in self.rows[Lead]:
            by_rep[lead["rep_id"]].append(lead)
        visits = []
        for rep in self.reps:
            leads = by_rep[rep.id]
            chains = self.chains(self.slots(rep, len(leads)))[: len(leads)]
            visits += zip(self.rng.sample(leads, len(chains)), chains)
        visits.sort(key=lambda v: (v[1][0], v[0]["id"]))  # Job IDs follow the first visit
        for number, (lead, chain) in enumerate(visits, FIRST_JOB_NUMBER):
            self.visit(lead, chain, number)

    def visit(self, lead: dict, chain: list[datetime], job_number: int) -> None:
        rng, rep = self.rng, self.rep_of[lead["rep_id"]]
        tz, demo = rep.office.time_zone, rep is self.reps[0]
        job = self.add(Job, lead_id=lead["id"], job_number=job_number, appointment_at=chain[-1],
                       product=lead["product_interest"] or rng.choice(PRODUCTS).name)
        appointments, kind = [], "new"
        for i, start in enumerate(chain):
            last = i == len(chain) - 1
            if start >= self.now or (last and self.left_unresulted(start, demo)):
                code = None
            else:
                code = _final_result(rng) if last else _earlier_result(rng)
            follow_up = None
            if code in ("BB", "1L"):
                follow_up = chain[i + 1].astimezone(zone(tz)).date() if not last else \
                    start.astimezone(zone(tz)).date() + timedelta(days=rng.randint(3, 45))
            resulted_at = min(self.now, start + APPOINTMENT_LENGTH + timedelta(minutes=rng.randint(10, 900))) \
                if code else None
            disregard = bool(code) and rng.random() < 0.01
            notes = rng.choice(APPOINTMENT_NOTES) if rng.random() < 0.15 else None
            appointments.append(self.add(
                Appointment, at=resulted_at or start - timedelta(days=rng.randint(1, 10)),
                lead_id=lead["id"], rep_id=rep.id, job_id=job["id"], starts_at=start,
                ends_at=start + APPOINTMENT_LENGTH, time_zone=tz, kind=kind, result_code=code,
                resulted_at=resulted_at, follow_up_on=follow_up, disregard_in_stats=disregard,
                notes=DISREGARD_NOTE if disregard else notes,
            ))
            kind = NEXT_KIND.get(code or "", kind)
        self.visits[lead["id"]] = appointments
        self.jobs[lead["id"]] = job
        resulted = [a for a in appointments if a["result_code"]]
        if not resulted:
            return
        final = resulted[-1]
        job["result_code"] = final["result_code"]
        spec = _PRODUCTS[job["product"]]
        job["total_units"] = rng.randint(*spec.units)
        if final["result_code"] == "SOLD":
            self.sale(job, rep, final["starts_at"].astimezone(zone(tz)).date(), self.today(rep.office))
        elif final["result_code"] in QUOTED:
            job["contract_cents"] = self.price(spec, job["total_units"])
        if final is appointments[-1] and final["follow_up_on"]:
            lead["follow_up_on"] = final["follow_up_on"]

    def left_unresulted(self, start: datetime, demo: bool) -> bool:
        """Reps result late: some visits of the last three days have no result yet,
        and the demo rep always has a few (the dashboard nags about them)."""
        age = self.now - start
        return age < timedelta(days=3) and ((demo and age < timedelta(hours=48)) or self.rng.random() < 0.15)

    def price(self, spec: ProductSpec, units: int) -> int:
        """Dollars rising with the units, with some haggling either way, to the $5."""
        low, high = spec.dollars
        span = spec.units[1] - spec.units[0]
        share = (units - spec.units[0]) / span if span else self.rng.random()
        dollars = low + (high - low) * min(1.0, max(0.0, share + self.rng.uniform(-0.15, 0.15)))
        return _cents(round(dollars / 5) * 5)

    def sale(self, job: dict, rep: _Rep, sold_on: date, today: date) -> None:
        rng, spec = self.rng, _PRODUCTS[job["product"]]
        units = job["total_units"]
        sold_units = units if rng.random() < 0.7 else rng.randint(max(1, units // 2), units)
        contract = self.price(spec, sold_units)
        method = _payment_method(rng)
        dates, day = {"sold_on": sold_on}, sold_on
        for field, low, high in JOB_STEPS:
            day += timedelta(days=rng.randint(low, high))
            if day > today:
                if field == "scheduled_on":  # an install date ahead is already known
                    dates[field] = day
                break
            dates[field] = day
        cancelled_on = sold_on + timedelta(days=rng.randint(1, 10)) if rng.random() < 0.08 else None
        if cancelled_on and cancelled_on <= today:
            dates = {k: v for k, v in dates.items() if v < cancelled_on}
            status = "Cancelled"
        else:
            cancelled_on = None
            status = ("Completed" if "rercd_on" in dates else "Installed" if "completed_on" in dates
                      else "Ordered" if "ordered_on" in dates else "Sold")
        paid = 0 if cancelled_on else self.payments(job["id"], contract, method, dates, today)
        job.update(dates, sold_units=sold_units, contract_cents=contract,
                   balance_cents=0 if cancelled_on else contract - paid,
                   status=status, payment_method=method, cancelled_on=cancelled_on,
                   account_notes=rng.choice(ACCOUNT_NOTES) if rng.random() < 0.25 else None)
        commission = _cents(Decimal(contract) / 100 * rep.commission_pct / 100)
        paid_on = dates.get("completed_on")
        paid_on = paid_on + timedelta(days=rng.randint(3, 10)) if paid_on and not cancelled_on else None
        paid_on = paid_on if paid_on and paid_on <= today else None
        self.add(Commission, job_id=job["id"], rep_id=rep.id, amount_cents=commission,
                 paid_cents=commission if paid_on else 0, paid_on=paid_on)
        self.invoice(job["id"], spec, sold_units, contract)

    def payments(self, job_id: uuid.UUID, contract: int, method: str, dates: dict, today: date) -> int:
        """Deposit at the sale, maybe a progress payment, the rest when the job is
        done (financed jobs are funded a week or so later). Returns cents paid."""
        rng = self.rng
        if method == "Finance":
            deposit_method, deposit = rng.choice(("Check", "Credit Card")), _cents(rng.choice((0, 250, 500)))
        else:
            deposit_method, deposit = method, _cents(round(contract / 100 * rng.uniform(0.1, 0.33) / 50) * 50)
        plan = [(dates["sold_on"], deposit, deposit_method)]
        if method != "Finance" and "received_on" in dates and rng.random() < 0.4:
            plan.append((dates["received_on"], (contract - deposit) * 2 // 5, method))
        if "completed_on" in dates:
            lag = rng.randint(5, 12) if method == "Finance" else 0
            plan.append((dates["completed_on"] + timedelta(days=lag), None, method))
        paid = 0
        for day, amount, how in plan:
            amount = contract - paid if amount is None else amount
            if amount <= 0 or day > today:
                continue
            self.add(Payment, at=datetime.combine(day, time(17), tzinfo=UTC), job_id=job_id, amount_cents=amount,
                     paid_on=day, method=how)
            paid += amount
        return paid

    def invoice(self, job_id: uuid.UUID, spec: ProductSpec, units: int, contract: int) -> None:
        """Lines that add up to the contract: the product per unit, an extra, installation."""
        main = contract * self.rng.randint(68, 80) // 100
        extra = contract * self.rng.randint(8, 15) // 100
        for (sku, name), quantity, amount in zip(spec.items, (units, 1, 1), (main, extra, contract - main - extra)):
            self.add(InvoiceItem, job_id=job_id, sku=sku, name=name, quantity=quantity, amount_cents=amount)

    def dates_and_numbers(self) -> None:
        """Creation times (a lead arrives days before its first visit; others over
        the last three years, mostly recent) and PIDs in that order."""
        for lead in self.rows[Lead]:
            visits = self.visits.get(lead["id"])
            if visits:
                created = visits[0]["starts_at"] - timedelta(days=self.rng.randint(1, 21),
                                                             hours=self.rng.randint(0, 9))
            else:
                created = self.now - timedelta(days=self.rng.random() ** 1.5 * 1095, hours=self.rng.randint(1, 9))
                if self.rng.random() < 0.03:  # "call me back in the spring"
                    today = self.today(self.rep_of[lead["rep_id"]].office)
                    lead["follow_up_on"] = today + timedelta(days=self.rng.randint(-20, 30))
            lead["created_at"] = lead["updated_at"] = created
        self.rows[Lead].sort(key=lambda lead: (lead["created_at"], lead["id"]))
        for pid, lead in enumerate(self.rows[Lead], FIRST_PID):
            lead["pid"] = pid
            lead["customer_status"] = self.customer_status(lead)

    def customer_status(self, lead: dict) -> str | None:
        """What the office noted about a lead nobody has visited yet: a few asked
        not to be called again (every DO_NOT_CONTACT_EVERY-th by PID), and one
        waiting for a call back is a prospect. Decided without the random
        generator, so every other value of the demo stays as it was."""
        if self.visits.get(lead["id"]):
            return None
        if lead["pid"] % DO_NOT_CONTACT_EVERY == 0:
            return "do-not-contact"
        return "prospect" if lead.get("follow_up_on") else None

    # --- what people wrote about the leads ---------------------------------------

    def writings(self) -> None:
        rng = self.rng
        for lead in self.rows[Lead]:
            rep = self.rep_of[lead["rep_id"]]
            since = lead["created_at"]
            for _ in range(self.some(0.3, 2)):
                at = self.between(since, self.now)
                self.add(Note, at=at, lead_id=lead["id"], author_name=rng.choice(OFFICE_STAFF),
                         body=rng.choice(OFFICE_NOTES), created_at=at)
            for _ in range(self.some(0.4, 3)):
                at = self.between(since, self.now)
                by_rep = rng.random() < 0.7
                self.add(Comment, at=at, lead_id=lead["id"], author_id=rep.id if by_rep else None,
                         author_name=rep.name if by_rep else rng.choice(OFFICE_STAFF), body=rng.choice(COMMENTS),
                         created_at=at)
            contact = self.contact(lead) if rng.random() < 0.15 else None
            for _ in range(self.some(0.18, 2)):
                self.engagement(lead, rep, contact)

    def contact(self, lead: dict) -> dict:
        position, contact_type, ownership = self.rng.choice(CONTACT_ROLES)
        first, last = self.person_name()
        name = f"{first} {lead['last_name']}" if position != "Property manager" else f"{first} {last}"
        area = (lead["home_phone_e164"] or lead["cell_phone_e164"] or "+1312")[2:5]
        return self.add(Contact, lead_id=lead["id"], name=name, phone=self.phone(area)[0], position=position,
                        ownership_pct=None if ownership is None else Decimal(str(ownership)),
                        contact_type=contact_type)

    def engagement(self, lead: dict, rep: _Rep, contact: dict | None) -> None:
        rng = self.rng
        at = self.between(lead["created_at"], self.now)
        follow_up = rng.random() < 0.35
        due = at.date() + timedelta(days=rng.randint(1, 14)) if follow_up else None
        self.add(Engagement, at=at, lead_id=lead["id"], subject=rng.choice(ENGAGEMENT_SUBJECTS), occurred_at=at,
                 contact_id=contact["id"] if contact else None, duration_minutes=rng.randint(2, 45),
                 contacted_by_id=rep.id, contact_type=rng.choice(("phone", "phone", "visit", "email", "text")),
                 follow_up=follow_up, follow_up_assignee_id=rep.id if follow_up else None, follow_up_on=due,
                 completed=bool(due and due < self.now.date() and rng.random() < 0.6),
                 notes=rng.choice(COMMENTS) if rng.random() < 0.3 else None)

    # --- reminders ---------------------------------------------------------------

    def job_statuses(self) -> None:
        """The statuses a company starts with (their ids made from their codes, not
        drawn from the generator, so no other demo row changes)."""
        for order, spec in enumerate(DEFAULT_JOB_STATUSES):
            self.rows[JobStatus].append({**_BLANK[JobStatus], **spec.row(order), "version": 1, "deleted": False,
                                         "updated_at": self.now})

    def reminders(self) -> None:
        """Each engagement's follow-up as its assignee's reminder (as the app keeps
        it), and the demo rep's manager reminding them both of a lead due today
        and the demo rep of a lead on another team (which they do not see)."""
        leads = {lead["id"]: lead for lead in self.rows[Lead]}
        for engagement in self.rows[Engagement]:
            if engagement["follow_up"]:
                self.reminder(leads[engagement["lead_id"]], [engagement["follow_up_assignee_id"]],
                              engagement["follow_up_on"], engagement["subject"], engagement["contacted_by_id"],
                              engagement_id=engagement["id"], done=engagement["completed"])
        demo, manager = self.reps[0], self.team_managers[0]["manager"]
        today = self.today(demo.office)
        nearest = self.demo_leads_near_now()[0]
        self.reminder(nearest, [demo.id, manager], today, "Confirm the install date with the customer", manager)
        elsewhere = next(lead for lead in self.rows[Lead]
                         if lead["rep_id"] in self.rep_of and self.rep_of[lead["rep_id"]].office != demo.office)
        self.reminder(elsewhere, [demo.id], today - timedelta(days=1), "Drop off the brochure on your way", manager)

    def reminder(self, lead: dict, assignees: list[uuid.UUID], due: date, body: str, by: uuid.UUID | None, *,
                 engagement_id: uuid.UUID | None = None, done: bool = False) -> None:
        group = self.uid()
        summary = Reminder.summary(SimpleNamespace(**lead))
        for assignee in assignees:
            self.add(Reminder, group_id=group, lead_id=lead["id"], engagement_id=engagement_id, assignee_id=assignee,
                     due_on=due, body=body, created_by_id=by, done_at=_local(due, 17, "UTC") if done else None,
                     done_by_id=assignee if done else None, **summary)

    # --- attachments -------------------------------------------------------------

    def attachments(self, blobs_dir: Path) -> None:
        """Photos and documents on the demo rep's leads nearest to today, stored
        as content-addressed files like the app's own uploads."""
        demo = self.reps[0]
        nearest = self.demo_leads_near_now()
        sold = [lead for lead in nearest[ATTACHMENT_LEADS // 2:] if self.jobs[lead["id"]]["sold_on"]]
        for i, lead in enumerate((nearest[: ATTACHMENT_LEADS // 2] + sold)[:ATTACHMENT_LEADS]):
            job = self.jobs[lead["id"]]
            for n in range(1 + (i % 2 == 0)):
                caption = self.rng.choice(PICTURE_CAPTIONS)
                self.attach(blobs_dir, lead, demo.id, "picture", f"photo-{lead['pid']}-{n + 1}.png", caption,
                            "image/png", house_png(self.rng))
            if job["sold_on"] or i % 3 == 0:
                lines = _summary_lines(lead, job)
                self.attach(blobs_dir, lead, self.admin_id, "document", f"job-{job['job_number']}.txt",
                            lines[0], "text/plain", ("\n".join(lines) + "\n").encode())
            if i < 3:
                self.attach(blobs_dir, lead, self.admin_id, "document", f"lead-sheet-{lead['pid']}.pdf",
                            "Lead sheet from the office", "application/pdf", pdf(_summary_lines(lead, job)))

    def attach(self, blobs_dir: Path, lead: dict, by: uuid.UUID, kind: str, filename: str, description: str,
               mime: str, data: bytes) -> None:
        sha = hashlib.sha256(data).hexdigest()
        path = blobs_dir / sha[:2] / sha
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        at = self.between(lead["created_at"], self.now)
        self.add(Attachment, at=at, lead_id=lead["id"], kind=kind, filename=filename, description=description,
                 sha256=sha, size=len(data), mime=mime, uploaded_by=by, created_at=at)


def _summary_lines(lead: dict, job: dict) -> list[str]:
    sold = job["sold_on"] is not None
    lines = [
        f"{'Contract' if sold else 'Quote'} summary — Job {job['job_number']}",
        f"Customer: {lead['first_name']} {lead['last_name']} (PID {lead['pid']})",
        f"Address: {lead['address']}, {lead['city']}, {lead['state']} {lead['zip']}",
        f"Product: {job['product']}, {job['sold_units'] or job['total_units'] or '-'} units",
    ]
    if job["contract_cents"]:
        lines.append(f"{'Contract' if sold else 'Quoted'}: {format_money(job['contract_cents'])}")
    if sold:
        lines.append(f"Sold on {job['sold_on']:%b %-d, %Y}, paid by {job['payment_method']}")
    return lines


def build_demo(store: Store, *, leads: int = 3000, seed: int = 7, blobs_dir: Path | None = None,
               showcase_rep: bool = False, progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Fill an empty store with a demo company and sign its demo rep in.
    `showcase_rep` also gives the showcase names (O'Brien, Nguyễn, …) to some
    of the demo rep's own leads, for a demo that syncs only the rep's territory.
    `progress` hears how far the build got (counts as it goes)."""
    note = progress or (lambda _message: None)
    builder = _Builder(seed, utcnow(), note)
    builder.organisation()
    note(f"  reps: {len(builder.reps):,} in {len(OFFICES)} offices")
    builder.leads(leads, showcase_rep=showcase_rep)
    builder.writings()
    note(f"  notes: {len(builder.rows[Note]):,}, comments: {len(builder.rows[Comment]):,}, "
         f"engagements: {len(builder.rows[Engagement]):,}")
    builder.attachments(blobs_dir or store.path.parent / "blobs")
    builder.reminders()
    builder.job_statuses()
    note(f"  attachments: {len(builder.rows[Attachment]):,}; saving {sum(map(len, builder.rows.values())):,} rows")
    settings = {"current_user": str(builder.reps[0].id), "device_id": DEVICE_ID}
    teams = Team.__table__
    with store.engine.connect() as conn:
        cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size = {LOAD_CACHE_SIZE}")
        try:
            for model in INSERT_ORDER:  # teams before users, so teams get their managers afterwards
                if builder.rows[model]:
                    conn.execute(insert(model), builder.rows[model])
            conn.execute(update(teams).where(teams.c.id == bindparam("team")).values(manager_id=bindparam("manager")),
                         builder.team_managers)
            conn.execute(delete(LocalSetting).where(LocalSetting.key.in_(settings)))
            conn.execute(insert(LocalSetting), [{"key": k, "value": v} for k, v in settings.items()])
            rebuild_index(conn)
            conn.commit()
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")
    counts = {model.__tablename__: len(rows) for model, rows in builder.rows.items()}
    return DemoSummary(counts=counts, demo_rep=DEMO_REP[0], demo_manager=DEMO_MANAGER[0], admin=ADMIN[0])
