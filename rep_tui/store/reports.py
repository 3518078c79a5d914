"""The office's reports by period: for a day, week, month, year or a custom
range, a row per rep, team, office, product or source with its issued,
demos, sales, closing ratio, volume (gross sold $) and average sale, and a
total row.

Every figure is My Stats' own (`store.queries.stat_rows` decides which
appointments count, `domain.stats.compute` what they add up to), so a
rep's row here equals their My Stats for the same period. One query over the
domain tables: the app runs it on the device's store (what the user may see:
a manager their team, an admin everyone), `rep-tui admin report` on the
server database.

Margin needs what a job cost, and no table records a cost (a catalogue item
has a price, a job a contract amount): it is shown as unknown, never guessed."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from rep_tui.domain.stats import Figure, compute
from rep_tui.store.models import Office, Team, User
from rep_tui.store.queries import Period, StatRow, stat_rows

#: What a report can be grouped by, in the order the screen's `g` steps through them.
GROUPINGS = ("rep", "team", "office", "product", "source")

#: The figures of each row, in column order, with the report's heading for each.
COLUMNS = {"issued": "Issued", "demos": "Demos", "sales": "Sales", "close_rate": "Close %",
           "gross": "Volume", "average_sale": "Avg sale"}

MARGIN_UNKNOWN = "Margin: unknown — no job costs are recorded, only sale prices."

TOTAL = "Total"


@dataclass(frozen=True)
class ReportRow:
    group: str
    figures: dict[str, Figure]

    def cells(self) -> list[str]:
        """The row as the screen shows it: the group, then each figure as My Stats shows it."""
        return [self.group, *(self.figures[key].display() for key in COLUMNS)]

    def as_dict(self) -> dict[str, Any]:
        f = {key: self.figures[key].value for key in COLUMNS}
        return {"group": self.group, "issued": f["issued"], "demos": f["demos"], "sales": f["sales"],
                "close_rate": f["close_rate"], "volume_cents": f["gross"], "average_sale_cents": f["average_sale"]}

    def csv_cells(self) -> list[Any]:
        """For a spreadsheet: counts, the closing ratio in percent, money in dollars ("1234.50"); empty when
        the formula divides by zero."""
        values = self.as_dict()
        rate, volume, average = values["close_rate"], values["volume_cents"], values["average_sale_cents"]
        return [self.group, values["issued"], values["demos"], values["sales"],
                "" if rate is None else f"{rate * 100:.1f}", f"{volume / 100:.2f}",
                "" if average is None else f"{average / 100:.2f}"]


@dataclass(frozen=True)
class Report:
    period: Period
    label: str
    by: str
    time_zone: str
    rows: list[ReportRow]
    total: ReportRow

    def as_dict(self) -> dict[str, Any]:
        first, last = self.period.days()
        return {"period": self.period.kind, "from": first.isoformat(), "to": last.isoformat(), "label": self.label,
                "by": self.by, "time_zone": self.time_zone, "rows": [row.as_dict() for row in self.rows],
                "total": self.total.as_dict(), "margin": MARGIN_UNKNOWN}

    def write_csv(self, out: TextIO) -> None:
        """A header row, a row per group, then the total: what the screen's `e` and `admin report --csv` write."""
        writer = csv.writer(out)
        writer.writerow([self.by.capitalize(), *COLUMNS.values()])
        writer.writerows(row.csv_cells() for row in [*self.rows, self.total])


Group = tuple[str, object]  # (its name, what tells it apart: an id, or the name itself)


def _grouper(session: Session, by: str) -> Callable[[StatRow], Group]:
    """What group an appointment falls in: its rep, the rep's team or office, the job's product, the lead's
    source. People and places are told apart by id, so two reps of one name keep a row each."""
    if by == "product":
        return lambda r: ((name := (r.job.product if r.job else None) or r.lead.product_interest or "(no product)"),
                          name)
    if by == "source":
        return lambda r: ((name := r.lead.source or "(no source)"), name)
    users = {u.id: u for u in session.scalars(select(User))}
    teams = {t.id: t for t in session.scalars(select(Team))}
    offices = {o.id: o.name for o in session.scalars(select(Office))}

    def team_of(r: StatRow) -> Team | None:
        rep = users.get(r.appointment.rep_id)
        return teams.get(rep.team_id) if rep and rep.team_id else None

    if by == "rep":
        return lambda r: (users[r.appointment.rep_id].full_name, r.appointment.rep_id) \
            if r.appointment.rep_id in users else ("(no rep)", None)
    if by == "team":
        return lambda r: (team.name, team.id) if (team := team_of(r)) else ("(no team)", None)
    if by == "office":
        return lambda r: (offices[team.office_id], team.office_id) \
            if (team := team_of(r)) and team.office_id in offices else ("(no office)", None)
    raise ValueError(f"cannot group by {by!r}: use {', '.join(GROUPINGS)}")


def build_report(session: Session, period: Period, by: str, tz_name: str) -> Report:
    """The report of `period` (days read in `tz_name`) grouped `by`: groups by name, "(no …)" last."""
    group_of = _grouper(session, by)
    start, end, label = period.bounds(tz_name)
    rows = stat_rows(session, None, start, end)
    groups: dict[Group, list[StatRow]] = {}
    for row in rows:
        groups.setdefault(group_of(row), []).append(row)
    ordered = sorted(groups, key=lambda group: (group[0].startswith("("), group[0].lower(), str(group[1])))
    return Report(period, label, by, tz_name,
                  [ReportRow(group[0], compute(r.outcome for r in groups[group])) for group in ordered],
                  ReportRow(TOTAL, compute(r.outcome for r in rows)))


def office_time_zone(session: Session) -> str | None:
    """The offices' time zone when they all keep the same one (None: they differ, or none is set)."""
    zones = set(session.scalars(select(Office.time_zone).where(Office.deleted.is_(False), Office.time_zone.is_not(None))))
    return zones.pop() if len(zones) == 1 else None
