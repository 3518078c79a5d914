"""Domain tables, declared once and used by both the app and the server.

Every synced row has a client-made UUID key, the server `version` it was
last seen at (0 = never synced) and a soft-delete flag, so sync can ship
tombstones. Human numbers (PID, Job ID) are separate columns the server
fills in on first sight. Money is integer cents.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, MetaData, Numeric, String, Text, UniqueConstraint,
    Uuid, text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from rep_tui.clock import utcnow
from rep_tui.domain import custom_fields, rules, work_hours
from rep_tui.domain.dates import parse_month
from rep_tui.domain.fields import Shown, field, trimmed
from rep_tui.domain.money import JOB_ROLES
from rep_tui.domain.validation import (
    call_phone, check_email, check_phone, check_state, check_units, check_zip, parse_money,
)
from rep_tui.ids import new_id
from rep_tui.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


PHONE_EXAMPLE = "e.g. (312) 555-0123"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Synced:
    """Columns every synced row carries."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


# --- organisation -----------------------------------------------------------


class Region(Synced, Base):
    __tablename__ = "regions"
    name: Mapped[str] = mapped_column(String(80))


class Office(Synced, Base):
    __tablename__ = "offices"
    name: Mapped[str] = mapped_column(String(80))
    region_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("regions.id"))
    city: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str | None] = mapped_column(String(2), info=field("State", check=check_state))
    #: IANA zone of the office ("America/Denver"): what "today" and work hours mean for its people.
    time_zone: Mapped[str | None] = mapped_column(String(40), info=field("Time Zone", rule=rules.time_zone))


class Team(Synced, Base):
    __tablename__ = "teams"
    name: Mapped[str] = mapped_column(String(80), info=field("Name", required=True, edited="Team"))
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))
    manager_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", use_alter=True))


class UserGroup(Synced, Base):
    """What its members may do beyond seeing their leads: data an admin edits
    (`domain/permissions.py`). A user in no group has their role's defaults."""

    __tablename__ = "user_groups"
    name: Mapped[str] = mapped_column(String(80), info=field("Name", required=True, edited="Group"))
    description: Mapped[str | None] = mapped_column(String(200), info=field("Description", edited="Group"))
    #: The `Permission` values it grants, a JSON list (unknown names are refused on push).
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list, info=field(
        "Permissions", rule=rules.permission_names))


class User(Synced, Base):
    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(80), unique=True, info=field(
        "Username", check=rules.check_username, required=True, edited="User", placeholder="one word, e.g. jsmith"))
    full_name: Mapped[str] = mapped_column(String(120), info=field("Full Name", required=True, edited="User"))
    email: Mapped[str | None] = mapped_column(String(200), info=field("Email", check=check_email, edited="User"))
    phone: Mapped[str | None] = mapped_column(String(40), info=field(
        "Phone", check=check_phone, edited="User", placeholder=PHONE_EXAMPLE))
    role: Mapped[str] = mapped_column(String(16), default="rep", info=field("Role", choices=rules.pairs(rules.ROLES)))
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"))
    #: Their group's grant replaces the role's default permissions; None: the defaults.
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_groups.id"), info=field("Group"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    commission_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("8.00"))

    @property
    def watches_team(self) -> bool:
        """Managers and admins watch reps' work: the Team view, whose lead it is in Search."""
        return self.role in ("manager", "admin")


class ResultCode(Synced, Base):
    __tablename__ = "result_codes"
    code: Mapped[str] = mapped_column(String(12), unique=True)
    label: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(1))
    counts_as_issued: Mapped[bool] = mapped_column(Boolean)
    counts_as_demo: Mapped[bool] = mapped_column(Boolean)
    counts_as_sale: Mapped[bool] = mapped_column(Boolean)
    needs_sale: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    reschedules: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class JobStatus(Synced, Base):
    """A status a job can be in (Sold, Ordered, Installed, …): a list the
    office edits (`domain.job_statuses`), the only values `Job.status` takes
    from now on. The code is what a job stores, so it is fixed once made;
    a status no longer used is made inactive, never deleted."""

    __tablename__ = "job_statuses"
    code: Mapped[str] = mapped_column(String(40), unique=True, info=field("Code", required=True))
    label: Mapped[str] = mapped_column(String(40), info=field("Label", required=True))
    counts_as_sold: Mapped[bool] = mapped_column(Boolean, default=False)
    counts_as_installed: Mapped[bool] = mapped_column(Boolean, default=False)
    counts_as_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CustomField(Synced, Base):
    """A customer field the office defines (`domain.custom_fields`): values
    live in `Lead.custom` under its key, which (like its kind) never changes."""

    __tablename__ = "custom_fields"
    key: Mapped[str] = mapped_column(String(40), unique=True, info=field("Key", rule=custom_fields.check_key))
    label: Mapped[str] = mapped_column(String(60), info=field("Label", required=True))
    kind: Mapped[str] = mapped_column(String(12), info=field("Kind", choices=custom_fields.KINDS))
    choices: Mapped[list] = mapped_column(JSON, default=list, info=field(
        "Choices", rule=custom_fields.check_choices))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


VENDOR = "Vendor"  # the vendor form's one section


class VendorContactType(Synced, Base):
    """A kind of outside company the office deals with (installer, supplier,
    lender…): defined by users with `Permission.EDIT_VENDORS`; vendors are
    filtered by it. Retired (inactive) rather than deleted while vendors have it."""

    __tablename__ = "vendor_contact_types"
    code: Mapped[str] = mapped_column(String(20), unique=True, info=field(
        "Code", check=rules.check_code, required=True, placeholder="e.g. installer"))
    label: Mapped[str] = mapped_column(String(60), info=field("Label", required=True, placeholder="e.g. Installer"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=field("Active"))


class Vendor(Synced, Base):
    """An outside company in the vendor directory: office data every user
    reads (a rep calls the installer from the road), written by users with
    `Permission.EDIT_VENDORS`."""

    __tablename__ = "vendors"
    company: Mapped[str] = mapped_column(String(120), info=field(
        "Company", required=True, edited=VENDOR, placeholder="e.g. Lakeside Glass Supply"))
    contact_name: Mapped[str | None] = mapped_column(String(120), info=field(
        "Contact Name", edited=VENDOR, placeholder="e.g. Dana Ortiz"))
    contact_type_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("vendor_contact_types.id"), index=True, info=field("Contact Type", edited=VENDOR))
    phone: Mapped[str | None] = mapped_column(String(40), info=field(
        "Phone", check=check_phone, edited=VENDOR, placeholder=PHONE_EXAMPLE))
    alt_phone: Mapped[str | None] = mapped_column(String(40), info=field(
        "Alt Phone", check=check_phone, edited=VENDOR, placeholder=PHONE_EXAMPLE))
    email: Mapped[str | None] = mapped_column(String(200), info=field(
        "Email", check=check_email, edited=VENDOR, placeholder="e.g. name@example.com"))
    address: Mapped[str | None] = mapped_column(String(300), info=field(
        "Address", edited=VENDOR, placeholder="e.g. 400 Dock Rd, Gary IN 46402"))
    note: Mapped[str | None] = mapped_column(Text, info=field("Note", edited=VENDOR))


# --- leads and what hangs off them -----------------------------------------

# Edit Customer's sections, in order.
EDIT_SECTIONS = CONTACT, PLACE, SALE = "Contact Information", "Address & Location", "Result, Product & Sale"


class Lead(Synced, Base):
    __tablename__ = "leads"
    pid: Mapped[int | None] = mapped_column(BigInteger, unique=True,
                                            info=field("PID", searched="ids", header=Shown(0, 0, "PID")))
    first_name: Mapped[str] = mapped_column(String(80), default="", info=field(
        "First Name", check=trimmed, imported=True, searched="name", door=True, header=Shown(0, 1)))
    last_name: Mapped[str] = mapped_column(String(80), default="", info=field(
        "Last Name", check=trimmed, imported=True, searched="name", door=True))
    home_phone: Mapped[str | None] = mapped_column(String(40), info=field(
        "Home Phone", check=check_phone, imported=True, searched="phones", door=True, edited=CONTACT,
        header=Shown(2, 0, "Home"), placeholder=PHONE_EXAMPLE))
    cell_phone: Mapped[str | None] = mapped_column(String(40), info=field(
        "Cell Phone", check=check_phone, imported=True, searched="phones", door=True, edited=CONTACT,
        header=Shown(2, 1, "Cell"), placeholder=PHONE_EXAMPLE))
    work_phone: Mapped[str | None] = mapped_column(String(40), info=field(
        "Work Phone", check=check_phone, imported=True, searched="phones", door=True, edited=CONTACT,
        header=Shown(2, 2, "Work"), placeholder=PHONE_EXAMPLE))
    home_phone_e164: Mapped[str | None] = mapped_column(String(20), index=True, info=field(
        "Home Phone", rule=rules.e164, searched="phones", derived=True))
    cell_phone_e164: Mapped[str | None] = mapped_column(String(20), index=True, info=field(
        "Cell Phone", rule=rules.e164, searched="phones", derived=True))
    work_phone_e164: Mapped[str | None] = mapped_column(String(20), index=True, info=field(
        "Work Phone", rule=rules.e164, searched="phones", derived=True))
    email: Mapped[str | None] = mapped_column(String(200), index=True, info=field(
        "Email", check=check_email, imported=True, searched="contact", door=True, edited=CONTACT,
        header=Shown(2, 3, "Email"), placeholder="e.g. name@example.com"))
    alt_email: Mapped[str | None] = mapped_column(String(200), info=field(
        "Alt Email", check=check_email, imported=True, searched="contact", edited=CONTACT,
        header=Shown(2, 4, "Alt Email")))
    address: Mapped[str | None] = mapped_column(String(200), info=field(
        "Address", imported=True, searched="address", door=True, edited=PLACE, header=Shown(1, 0),
        placeholder="e.g. 1200 Oak St"))
    city: Mapped[str | None] = mapped_column(String(80), info=field(
        "City", imported=True, searched="address", door=True, edited=PLACE))
    state: Mapped[str | None] = mapped_column(String(2), info=field(
        "State", check=check_state, imported=True, searched="address", door=True, edited=PLACE, placeholder="e.g. IL"))
    zip: Mapped[str | None] = mapped_column(String(10), info=field(
        "Zip Code", check=check_zip, imported=True, searched="address", door=True, edited=PLACE,
        placeholder="e.g. 60614"))
    county: Mapped[str | None] = mapped_column(String(80), info=field(
        "County", imported=True, searched="address", edited=PLACE, header=Shown(1, 2, "County")))
    region: Mapped[str | None] = mapped_column(String(80), info=field(
        "Region", imported=True, header=Shown(1, 1, "Region")))
    customer_status: Mapped[str | None] = mapped_column(String(20), info=field(
        "Customer Status", choices=rules.CUSTOMER_STATUSES, imported=True, edited=CONTACT,
        header=Shown(0, 4, "Status")))
    invalid_email: Mapped[bool] = mapped_column(Boolean, default=False, info=field("Invalid Email"))
    source: Mapped[str] = mapped_column(String(40), default="call-center",  # self-gen, call-center, web, ...
                                        info=field("Source", imported=True))
    product_interest: Mapped[str | None] = mapped_column(String(80), info=field("Product Interest", imported=True))
    #: How the customer heard of the company: one of the web form's list (`server.webform`), or imported.
    referral: Mapped[str | None] = mapped_column(String(80), info=field("Referral Source", imported=True))
    rep_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    follow_up_on: Mapped[date | None] = mapped_column(Date, index=True, info=field(
        "Follow-up Date", check=rules.check_day, imported=True, header=Shown(0, 3, "Follow-up")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Values of the fields the office defines (`CustomField`), by key: checked by `domain.custom_fields`.
    custom: Mapped[dict] = mapped_column(JSON, default=dict, info=field("Custom Fields", rule=rules.check_json_object))

    jobs: Mapped[list[Job]] = relationship(back_populates="lead", order_by="Job.appointment_at")

    __table_args__ = (
        Index("ix_leads_last_first", "last_name", "first_name"),
        Index("ix_leads_address", "address"),
        # The customer list's orders (`store.customer_list.SORTS`), the id breaking ties.
        Index("ix_leads_created_sort", "created_at", "id"),
        Index("ix_leads_city_sort", text("coalesce(city, '')"), "id"),
        Index("ix_leads_zip_sort", text("coalesce(zip, '')"), "id"),
        Index("ix_leads_pid_sort", text("coalesce(pid, 0)"), "id"),
    )

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Job(Synced, Base):
    __tablename__ = "jobs"
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id"), index=True)
    job_number: Mapped[int | None] = mapped_column(BigInteger, unique=True, info=field(
        "Job ID", searched="ids", header=Shown(0, 2, "Job ID")))
    result_code: Mapped[str | None] = mapped_column(String(12), info=field("Result", edited=SALE))
    product: Mapped[str | None] = mapped_column(String(80), info=field("Product", edited=SALE))
    total_units: Mapped[int | None] = mapped_column(Integer, info=field("Total Units", check=check_units, edited=SALE))
    sold_units: Mapped[int | None] = mapped_column(Integer, info=field("Sold Units", check=check_units, edited=SALE))
    #: The code of one of the office's job statuses (`JobStatus`); older jobs may hold free text.
    status: Mapped[str | None] = mapped_column(String(40), info=field("Status"))
    contract_cents: Mapped[int | None] = mapped_column(BigInteger, info=field(
        "Sale Amount", check=parse_money, rule=rules.not_negative, edited=SALE, placeholder="e.g. 12,450.00"))
    balance_cents: Mapped[int | None] = mapped_column(BigInteger, info=field("Balance Due", rule=rules.not_negative))
    payment_method: Mapped[str | None] = mapped_column(String(40))
    account_notes: Mapped[str | None] = mapped_column(Text)
    appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sold_on: Mapped[date | None] = mapped_column(Date)
    rto_on: Mapped[date | None] = mapped_column(Date)
    ordered_on: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    scheduled_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    rercd_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)

    lead: Mapped[Lead] = relationship(back_populates="jobs")


class Payment(Synced, Base):
    """Money the customer paid on a job: office data, written by users with
    the permission to (`Permission.EDIT_PAYMENTS`)."""

    __tablename__ = "payments"
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger, info=field(
        "Amount", check=parse_money, rule=rules.positive, required=True, placeholder="e.g. 1,234.50"))
    paid_on: Mapped[date] = mapped_column(Date, info=field("Date", placeholder="e.g. today, 12/3"))
    method: Mapped[str | None] = mapped_column(String(40), info=field(
        "Method", choices=rules.pairs(rules.PAYMENT_METHODS)))
    note: Mapped[str | None] = mapped_column(Text, info=field("Note", placeholder="e.g. check #1042"))


class Commission(Synced, Base):
    __tablename__ = "commissions"
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id"), index=True)
    rep_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger, info=field("Amount", rule=rules.not_negative))
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0, info=field("Paid", rule=rules.not_negative))
    paid_on: Mapped[date | None] = mapped_column(Date)


class JobUser(Synced, Base):
    """A user on a job (rep, co-rep, installer, service tech) with their share
    of its commission: the seed's "user associations". A job with none is its
    rep's alone (100 %). Written by users with `Permission.EDIT_JOB_USERS`;
    the shares of a job add up to at most 100 % (`domain.money.shares_refusal`,
    on the device and on the server); the commission rows follow them
    (`store.money.settle_commission`)."""

    __tablename__ = "job_users"
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True, info=field("User", required=True))
    role: Mapped[str] = mapped_column(String(16), info=field("Role", choices=rules.pairs(JOB_ROLES), required=True))
    share_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0), info=field(
        "Share %", check=rules.parse_share, rule=rules.share, placeholder="e.g. 40"))


class CatalogueItem(Synced, Base):
    """An invoice item the company sells, at its list price: edited by users
    with `Permission.EDIT_CATALOGUE`, read by everyone. An item no longer sold
    is made inactive rather than deleted (jobs keep the items they had)."""

    __tablename__ = "catalogue_items"
    sku: Mapped[str] = mapped_column(String(40), unique=True, info=field("SKU", required=True, placeholder="e.g. WIN-DH"))
    name: Mapped[str] = mapped_column(String(120), info=field(
        "Name", required=True, placeholder="e.g. Double-hung window"))
    price_cents: Mapped[int] = mapped_column(BigInteger, info=field(
        "Price", check=parse_money, rule=rules.not_negative, required=True, placeholder="e.g. 649.00"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=field("Active"))


class InvoiceItem(Synced, Base):
    __tablename__ = "invoice_items"
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id"), index=True)
    sku: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int] = mapped_column(Integer, default=1, info=field("Quantity", rule=rules.not_negative))
    amount_cents: Mapped[int] = mapped_column(BigInteger, info=field("Amount", rule=rules.not_negative))


class Appointment(Synced, Base):
    __tablename__ = "appointments"
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id"), index=True)
    rep_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, info=field("Appointment Time"))
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_zone: Mapped[str] = mapped_column(String(40), default="America/Chicago",
                                           info=field("Time Zone", rule=rules.time_zone))
    kind: Mapped[str] = mapped_column(String(16), default="new", info=field(
        "Kind", choices=rules.APPOINTMENT_KINDS))
    result_code: Mapped[str | None] = mapped_column(String(12))
    resulted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_on: Mapped[date | None] = mapped_column(Date, info=field("Follow-up Date"))
    disregard_in_stats: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text, info=field("Notes"))

    __table_args__ = (Index("ix_appointments_rep_start", "rep_id", "starts_at"),)


class Note(Synced, Base):
    """Office notes, on the lead or on one of its jobs: written by users with
    `Permission.WRITE_NOTES`, read-only for the rest (reps)."""

    __tablename__ = "notes"
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id"), index=True)
    #: The job the note is about; None: the lead as a whole.
    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id"), index=True, info=field("Job"))
    author_name: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, info=field("Text"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Comment(Synced, Base):
    """Append-only remarks by reps and the office."""

    __tablename__ = "comments"
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id"), index=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, info=field("Text"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(Synced, Base):
    __tablename__ = "attachments"
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), info=field("Kind", choices=rules.pairs(rules.ATTACHMENT_KINDS)))
    filename: Mapped[str] = mapped_column(String(255), info=field("File Name"))
    description: Mapped[str] = mapped_column(String(500), info=field("Description"))
    sha256: Mapped[str] = mapped_column(String(64), index=True, info=field("File", rule=rules.sha256))
    size: Mapped[int] = mapped_column(BigInteger, info=field("Size", rule=rules.not_negative))
    mime: Mapped[str] = mapped_column(String(100))
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A file attached to one engagement of the lead (the reference's "Attach" button); None: to the lead.
    engagement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("engagements.id"), index=True)


class Contact(Synced, Base):
    __tablename__ = "contacts"
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), info=field("Name", required=True, edited="Contact"))
    phone: Mapped[str | None] = mapped_column(String(40), info=field(
        "Phone", check=check_phone, placeholder=PHONE_EXAMPLE, edited="Contact"))
    position: Mapped[str | None] = mapped_column(String(80), info=field(
        "Position", placeholder="e.g. spouse, co-owner", edited="Contact"))
    ownership_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), info=field(
        "Ownership %", check=rules.parse_percent, rule=rules.percent, placeholder="e.g. 50", edited="Contact"))
    contact_type: Mapped[str | None] = mapped_column(String(40), info=field(
        "Contact Type", placeholder="e.g. owner, tenant", edited="Contact"))
    info: Mapped[str | None] = mapped_column(Text, info=field("Info", edited="Contact"))


class Engagement(Synced, Base):
    __tablename__ = "engagements"
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200), info=field("Subject"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, info=field("Date"))
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contacts.id"), info=field("Contact"))
    duration_minutes: Mapped[int | None] = mapped_column(Integer, info=field(
        "Duration (minutes)", rule=rules.not_negative))
    contacted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), info=field("Contacted By"))
    contact_type: Mapped[str] = mapped_column(String(40), info=field(
        "Contact Type", choices=rules.pairs(rules.CONTACT_TYPES)))
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False, info=field("Follow Up"))
    follow_up_assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), info=field("Assignee"))
    follow_up_on: Mapped[date | None] = mapped_column(Date, info=field("Follow-up Date"))
    completed: Mapped[bool] = mapped_column(Boolean, default=False, info=field("Completed"))
    notes: Mapped[str | None] = mapped_column(Text, info=field("Notes"))


class Reminder(Synced, Base):
    """A dated to-do on a lead (or one of its jobs or engagements) for one
    assignee. One reminder given to several people is several rows sharing
    `group_id`: each row is what one assignee sees and crosses off, so the
    server scopes it with one indexed comparison (`assignee_id`) on any
    database, and taking an assignee off is deleting their row (its tombstone
    reaches exactly their devices). An assignee who does not see the lead
    gets only the lead's summary (`lead_name`, `lead_phone`, `lead_address`),
    which the server fills in from the lead."""

    __tablename__ = "reminders"
    group_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True, default=new_id)
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id"), index=True)
    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id"))
    engagement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("engagements.id"), index=True)
    assignee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True, info=field("Assigned To"))
    due_on: Mapped[date] = mapped_column(Date, index=True, info=field("Due Date", check=rules.check_day))
    body: Mapped[str] = mapped_column(Text, info=field("Text"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=field("Done"))
    done_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), info=field("Done By"))
    lead_name: Mapped[str | None] = mapped_column(String(160), info=field("Customer"))
    lead_phone: Mapped[str | None] = mapped_column(String(40), info=field("Customer Phone"))
    lead_address: Mapped[str | None] = mapped_column(String(400), info=field("Customer Address"))

    #: The columns the server fills in from the lead (a device's values are not taken).
    SUMMARY = ("lead_name", "lead_phone", "lead_address")

    @staticmethod
    def summary(lead: Any) -> dict[str, str | None]:
        """What an assignee who does not see `lead` needs to act: its name, a phone, the address."""
        place = " ".join(x for x in (lead.city, lead.state, lead.zip) if x)
        return {
            "lead_name": f"{lead.first_name or ''} {lead.last_name or ''}".strip() or None,
            "lead_phone": call_phone(lead) or None,
            "lead_address": ", ".join(x for x in (lead.address, place) if x) or None,
        }


class ChecklistItem(Synced, Base):
    """One step of the installer checklist an admin defines ("Old windows
    hauled away"), ticked on each service job (`JobCheck`). Retired
    (inactive) rather than deleted: jobs keep the ticks they had."""

    __tablename__ = "checklist_items"
    label: Mapped[str] = mapped_column(String(120), info=field(
        "Label", required=True, placeholder="e.g. Old windows hauled away"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0, info=field("Order", rule=rules.not_negative))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=field("Active"))


class JobCheck(Synced, Base):
    """One checklist item on one job, ticked or not, by whom and when. One
    row per job and item, whose id is made from the two (`id_for`): two
    devices ticking the same item offline write the same row, never two;
    unticking sets `done` back rather than deleting the row."""

    __tablename__ = "job_checklist"
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id"), index=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checklist_items.id"), info=field("Checklist Item"))
    done: Mapped[bool] = mapped_column(Boolean, default=False, info=field("Ticked"))
    done_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), info=field("Done By"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=field("Done"))

    __table_args__ = (UniqueConstraint("job_id", "item_id"),)

    #: The columns its id is made from (the server checks it: `push.check`).
    KEY = ("job_id", "item_id")

    @staticmethod
    def id_for(job_id: uuid.UUID, item_id: uuid.UUID) -> uuid.UUID:
        return uuid.uuid5(_CHECK_IDS, f"{job_id}/{item_id}")


_CHECK_IDS = uuid.UUID("b6a0f0e1-5d0c-4f7e-8c1a-2e9d4b7a3c58")  # never change: ids in data depend on it


TARGET = "Target"  # the Set Target dialog's one section


class Target(Synced, Base):
    """What a rep is to reach in a month, set by their manager: My Stats and
    the Team view show progress against it. One row per rep and month, whose
    id is made from the two (`id_for`): two devices setting the same month
    offline write the same row (a conflict, resolved per field), never two."""

    __tablename__ = "targets"
    rep_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    #: The month's first day.
    month: Mapped[date] = mapped_column(Date, info=field(
        "Month", check=parse_month, rule=rules.first_of_month, edited=TARGET, required=True, placeholder="e.g. 2026-12"))
    sales_cents: Mapped[int] = mapped_column(BigInteger, default=0, info=field(
        "Net Sales $", check=parse_money, rule=rules.not_negative, edited=TARGET, placeholder="e.g. 60,000"))
    units: Mapped[int] = mapped_column(Integer, default=0, info=field(
        "Units Sold", check=check_units, rule=rules.not_negative, edited=TARGET, placeholder="e.g. 10"))
    issued: Mapped[int] = mapped_column(Integer, default=0, info=field(
        "Issued", check=check_units, rule=rules.not_negative, edited=TARGET, placeholder="e.g. 40"))

    __table_args__ = (UniqueConstraint("rep_id", "month"),)

    #: The columns its id is made from (the server checks it: `push.check`).
    KEY = ("rep_id", "month")

    @staticmethod
    def id_for(rep_id: uuid.UUID, month: date) -> uuid.UUID:
        return uuid.uuid5(_TARGET_IDS, f"{rep_id}/{month:%Y-%m}")


_TARGET_IDS = uuid.UUID("6f1c3a52-0d4e-4b8e-9a57-3c2f1e7d9b40")  # never change: ids in data depend on it


WORK_HOURS = "Work Hours"  # the Work Hours dialog's one section


def _weekday(label: str) -> dict:
    return field(label, check=work_hours.parse_span, rule=work_hours.span_rule, edited=WORK_HOURS,
                 placeholder=work_hours.EXAMPLE)


class WorkHours(Synced, Base):
    """When a user works, per weekday (`domain.work_hours`): what their agenda
    lays out and their free times offer. Set by the user, or for them by
    whoever may edit their calendar. One row per user, whose id is made from
    the user's (`id_for`), so two devices setting it offline write one row
    (a conflict per day, never two rows). No row: the device's default hours."""

    __tablename__ = "work_hours"
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), unique=True)
    mon: Mapped[str | None] = mapped_column(String(5), info=_weekday("Monday"))
    tue: Mapped[str | None] = mapped_column(String(5), info=_weekday("Tuesday"))
    wed: Mapped[str | None] = mapped_column(String(5), info=_weekday("Wednesday"))
    thu: Mapped[str | None] = mapped_column(String(5), info=_weekday("Thursday"))
    fri: Mapped[str | None] = mapped_column(String(5), info=_weekday("Friday"))
    sat: Mapped[str | None] = mapped_column(String(5), info=_weekday("Saturday"))
    sun: Mapped[str | None] = mapped_column(String(5), info=_weekday("Sunday"))
    #: What the id is made from (`id_for`; the server checks it: `push._check_row_key`).
    KEY = ("user_id",)

    @staticmethod
    def id_for(user_id: uuid.UUID) -> uuid.UUID:
        return uuid.uuid5(_WORK_HOURS_IDS, str(user_id))


_WORK_HOURS_IDS = uuid.UUID("b6d0f1e2-5a3c-4f7e-8d21-9c4b7a6e3f18")  # never change: ids in data depend on it


class SavedSearch(Synced, Base):
    """A data search a user saved by name (`store.data_search`): the user's
    alone, synced so it follows them to every device they sign in on. `query`
    is the search as `data_search.Query.as_json` writes it."""

    __tablename__ = "saved_searches"
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), info=field("Name", required=True))
    query: Mapped[dict] = mapped_column(JSON, default=dict, info=field("Search", rule=rules.check_json_object))


class ChangeRecord(Base):
    """Who changed which field of which row, when, from which device.

    `kind` is "edit" for an ordinary change and "conflict" for a value that
    lost a sync conflict (kept so the rep can see and re-apply it)."""

    __tablename__ = "change_history"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    lead_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    user_name: Mapped[str | None] = mapped_column(String(120))
    device_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(12), default="edit")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: On the server, the version of the row change recorded (so pull can ship
    #: history after a cursor); null on devices and for older rows.
    version: Mapped[int | None] = mapped_column(BigInteger, index=True)

    __table_args__ = (Index("ix_change_history_row", "table_name", "row_id"),)


SYNCED_TABLES: dict[str, type[Synced]] = {
    cls.__tablename__: cls  # type: ignore[attr-defined]
    for cls in (
        Region, Office, Team, UserGroup, User, ResultCode, JobStatus, CustomField, Lead, Job, Payment, Commission,
        JobUser,
        CatalogueItem, InvoiceItem, Appointment, Note, Comment, Attachment, Contact, Engagement, Reminder, Target,
        WorkHours,
        VendorContactType, Vendor, ChecklistItem, JobCheck, SavedSearch,
    )
}
