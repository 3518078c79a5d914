"""The commission report: per user and period (by the day each job was sold),
each job's sale, the user's role and share on it (`job_users`; the rep's
100 % on a job nobody else was put on), their commission and what of it was
paid, and what the customer has paid of the job (from the live payments).
Reconciled: a commission is payable in the share of the job the customer
has paid (`payable_cents`), so the office sees a commission paid before the
customer paid for it.

One query over the domain tables, so the app (on a device's store: the jobs
that user sees), `rep-tui admin commissions` (on the server database) and the
server's report route all give the same figures."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TextIO

from sqlalchemy import and_, func, select

from rep_tui.domain.money import ALL_SHARES, balance_due, covered_cents, pct_text
from rep_tui.store.models import Commission, Job, JobUser, Lead, Payment, User


@dataclass(frozen=True)
class CommissionLine:
    rep: str
    rep_id: uuid.UUID
    role: str
    share_pct: Decimal
    job_id: uuid.UUID
    job_number: int | None
    customer: str
    sold_on: date | None
    sale_cents: int
    commission_cents: int
    commission_paid_cents: int
    customer_paid_cents: int

    @property
    def balance_cents(self) -> int:
        """What the customer still owes on the job."""
        return balance_due(self.sale_cents, [self.customer_paid_cents]) or 0

    @property
    def customer_paid_pct(self) -> int:
        """How much of the job the customer has paid, in whole percent (100 when there is no sale to pay)."""
        return min(100, self.customer_paid_cents * 100 // self.sale_cents) if self.sale_cents else 100

    @property
    def commission_due_cents(self) -> int:
        return self.commission_cents - self.commission_paid_cents

    @property
    def payable_cents(self) -> int:
        """What of the commission the customer's payments cover, less what was paid already (never below 0)."""
        return max(0, covered_cents(self.commission_cents, self.sale_cents, self.customer_paid_cents)
                   - self.commission_paid_cents)

    def as_dict(self) -> dict[str, Any]:
        return {"rep": self.rep, "role": self.role, "share_pct": float(self.share_pct),
                "job_number": self.job_number, "customer": self.customer,
                "sold_on": self.sold_on.isoformat() if self.sold_on else None, "sale_cents": self.sale_cents,
                "commission_cents": self.commission_cents, "commission_paid_cents": self.commission_paid_cents,
                "commission_due_cents": self.commission_due_cents, "payable_cents": self.payable_cents,
                "customer_paid_cents": self.customer_paid_cents, "customer_paid_pct": self.customer_paid_pct,
                "balance_cents": self.balance_cents}

    def csv_cells(self) -> list[Any]:
        """The line as a CSV row in `HEADINGS` order: money in dollars with cents ("1234.50")."""
        values = {**self.as_dict(), "share_pct": pct_text(self.share_pct)}
        return [f"{values[name] / 100:.2f}" if name.endswith("_cents") else values[name] for name in HEADINGS]


#: The report's sums, by the name of the line's figure.
TOTALLED = ("sale_cents", "commission_cents", "commission_paid_cents", "commission_due_cents", "payable_cents",
            "customer_paid_cents", "balance_cents")
#: The report's columns, as a CSV header and a screen's column titles say them.
HEADINGS = {"rep": "User", "role": "Role", "share_pct": "Share %", "job_number": "Job ID", "customer": "Customer",
            "sold_on": "Sold", "sale_cents": "Sale", "commission_cents": "Commission",
            "commission_paid_cents": "Comm. Paid", "commission_due_cents": "Comm. Due",
            "payable_cents": "Payable Now", "customer_paid_cents": "Cust. Paid", "customer_paid_pct": "Paid %",
            "balance_cents": "Balance"}


@dataclass(frozen=True)
class CommissionReport:
    start: date
    end: date
    lines: list[CommissionLine]

    @property
    def totals(self) -> dict[str, int]:
        return {name: sum(getattr(line, name) for line in self.lines) for name in TOTALLED}

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(),
                "lines": [line.as_dict() for line in self.lines], "totals": self.totals}

    def write_csv(self, out: TextIO) -> None:
        """The lines as CSV under a header row (`HEADINGS`): what the office's
        `rep-tui admin commissions --csv` and the screen's `s` both write."""
        writer = csv.writer(out)
        writer.writerow(HEADINGS.values())
        writer.writerows(line.csv_cells() for line in self.lines)


def commission_report(conn: Any, start: date, end: date, rep_ids: list[uuid.UUID] | None = None) -> CommissionReport:
    """Commission rows of jobs sold from `start` to `end` (both included), of
    `rep_ids` (None: everyone's), by user then sale date. `conn`: a Connection or a Session."""
    paid = (select(Payment.job_id, func.sum(Payment.amount_cents).label("paid"))
            .where(Payment.deleted.is_(False)).group_by(Payment.job_id).subquery())
    # A user on a job twice (two roles): one line, the shares added, the first role by name.
    on_job = (select(JobUser.job_id, JobUser.user_id, func.min(JobUser.role).label("role"),
                     func.sum(JobUser.share_pct).label("share"))
              .where(JobUser.deleted.is_(False)).group_by(JobUser.job_id, JobUser.user_id).subquery())
    jobs_with_users = select(JobUser.job_id).where(JobUser.deleted.is_(False))
    stmt = (
        select(User.full_name, Commission.rep_id, on_job.c.role, on_job.c.share,
               Job.id.in_(jobs_with_users), Commission.rep_id == Lead.rep_id,
               Job.id, Job.job_number, Lead.first_name, Lead.last_name, Job.sold_on,
               func.coalesce(Job.contract_cents, 0), Commission.amount_cents, Commission.paid_cents,
               func.coalesce(paid.c.paid, 0))
        .join(Job, Job.id == Commission.job_id).join(Lead, Lead.id == Job.lead_id)
        .join(User, User.id == Commission.rep_id).outerjoin(paid, paid.c.job_id == Job.id)
        .outerjoin(on_job, and_(on_job.c.job_id == Commission.job_id, on_job.c.user_id == Commission.rep_id))
        .where(Commission.deleted.is_(False), Job.deleted.is_(False), and_(Job.sold_on >= start, Job.sold_on <= end))
        .order_by(User.full_name, Job.sold_on, Job.job_number)
    )
    if rep_ids is not None:
        stmt = stmt.where(Commission.rep_id.in_(rep_ids))
    lines = []
    for (rep, rep_id, role, share, has_users, is_leads_rep, job_id, number, first, last, sold, sale, amount,
         comm_paid, cust_paid) in conn.execute(stmt):
        if role is None:  # not on the job: its rep alone when nobody is, else taken off it
            role, share = ("rep", ALL_SHARES) if is_leads_rep and not has_users else ("(off the job)", 0)
        lines.append(CommissionLine(rep, rep_id, role, Decimal(share), job_id, number, f"{first} {last}".strip(),
                                    sold, int(sale), int(amount), int(comm_paid), int(cust_paid)))
    return CommissionReport(start, end, lines)
