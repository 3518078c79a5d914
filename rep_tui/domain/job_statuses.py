"""Job statuses: the list a job's status is chosen from, kept by the office
(users allowed `EDIT_RESULT_CODES`: "result codes and job statuses"). The
one check the app's Job Statuses screen and `rep-tui admin job-statuses`
both run, and the statuses a company starts with: the steps of the
reference's Job tab (Sale, RTO, Ordered, Received, Job Scheduled,
Completed) and CustomerTrackr's "counts in the order sold ratio".

A status is never deleted (jobs keep naming it): it is made inactive, and
then no longer offered. Its code is what a job stores, so it is fixed once
made; the label can change."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rep_tui.domain.forms import FormErrors

#: The flags of a status, in the order they are shown, with what each means to an admin.
FLAGS: dict[str, str] = {
    "counts_as_sold": "Counts as sold (in the sold ratio)",
    "counts_as_installed": "Counts as installed / complete",
    "counts_as_cancelled": "Counts as cancelled",
}
#: The short column heads of the flags in a list (same order as FLAGS).
FLAG_HEADS = ("Sold", "Inst", "Cxl")
#: Every column an admin sets on a status.
EDITABLE = ("code", "label", *FLAGS, "sort_order", "active")
MAX_CODE = 40


@dataclass(frozen=True)
class StatusSpec:
    code: str
    label: str
    sold: bool = True
    installed: bool = False
    cancelled: bool = False

    def row(self, order: int) -> dict[str, Any]:
        """The status as JobStatus columns; its id is made from its code, so
        every company's (and the demo's) starting rows are the same."""
        return {"id": uuid.uuid5(_STATUS_IDS, self.code), "code": self.code, "label": self.label,
                "counts_as_sold": self.sold, "counts_as_installed": self.installed,
                "counts_as_cancelled": self.cancelled, "sort_order": order * 10, "active": True}


_STATUS_IDS = uuid.UUID("2b8f6c1e-5d7a-4e3b-9c0f-7a1d4e6b8c92")  # never change: ids in data depend on it

#: The statuses a company starts with, in order.
DEFAULT_JOB_STATUSES: tuple[StatusSpec, ...] = (
    StatusSpec("Sold", "Sold"),
    StatusSpec("RTO", "Ready to order"),
    StatusSpec("Ordered", "Ordered"),
    StatusSpec("Received", "Received"),
    StatusSpec("Scheduled", "Job scheduled"),
    StatusSpec("Installed", "Installed", installed=True),
    StatusSpec("Completed", "Completed", installed=True),
    StatusSpec("On Hold", "On hold"),
    StatusSpec("Cancelled", "Cancelled", sold=False, cancelled=True),
)


def check_status(values: Mapping[str, Any], others: Iterable[str], *, old_code: str | None = None) -> dict[str, Any]:
    """`values` (the status's columns, strings or already typed) cleaned;
    raises FormErrors with every refused field. `others`: the other statuses'
    codes; `old_code`: the code of the status being edited (None: a new one)."""
    errors: dict[str, str] = {}
    code = " ".join(str(values.get("code") or "").split())
    if old_code is not None and code != old_code:
        errors["code"] = f"A status's code is what jobs store: {old_code} stays (the label can change)."
    elif not code or len(code) > MAX_CODE or not all(c.isalnum() or c in " -_/&" for c in code):
        errors["code"] = f"A code is 1 to {MAX_CODE} letters, digits, spaces or - _ / & (e.g. Ordered)."
    elif old_code is None and code.casefold() in {o.casefold() for o in others}:
        errors["code"] = f"There is already a status {code}."
    label = " ".join(str(values.get("label") or "").split()) or code
    if len(label) > 40:
        errors["label"] = "A label is at most 40 characters (what a rep reads on the Job tab)."
    try:
        order = int(str(values.get("sort_order") if values.get("sort_order") not in (None, "") else 0).strip())
    except ValueError:
        errors["sort_order"] = "The order is a whole number (lower comes first)."
        order = 0
    if errors:
        raise FormErrors(errors)
    flags = {name: _flag(values.get(name, False)) for name in FLAGS}
    return {"code": code, "label": label, **flags, "sort_order": order, "active": _flag(values.get("active", True))}


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "y", "yes", "true", "on")
    return bool(value)
