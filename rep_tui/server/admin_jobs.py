"""The office's job statuses from the server's box (`rep-tui admin
job-statuses`): list, add, edit, deactivate, checked as the app's Job
Statuses screen checks them, and the statuses a company starts with. Writes
go through the server's push path as `admin` does, so devices get them on
their next sync."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from rep_tui.domain.forms import FormErrors
from rep_tui.domain.job_statuses import DEFAULT_JOB_STATUSES, EDITABLE, check_status
from rep_tui.server.admin import AdminError, Change, _apply, _insert
from rep_tui.store.models import JobStatus


def ensure_default_job_statuses(engine: Engine) -> None:
    """A company's starting statuses, made the first time an admin command
    opens a server that never had any (their ids made from their codes)."""
    with engine.connect() as conn:
        if conn.execute(select(JobStatus.id).limit(1)).first() is not None:
            return
    changes = []
    for order, spec in enumerate(DEFAULT_JOB_STATUSES):
        row = spec.row(order)
        row_id = row.pop("id")
        changes.append(Change("job_statuses", row_id, "insert", {k: (None, v) for k, v in row.items()},
                              f"job status {spec.code}"))
    _apply(engine, changes)


def _rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(
            select(JobStatus.__table__).where(JobStatus.deleted.is_(False))
            .order_by(JobStatus.sort_order, JobStatus.code)).mappings()]


def list_job_statuses(engine: Engine) -> list[dict[str, Any]]:
    """Every status, inactive ones too, in order: its editable columns."""
    return [{name: row[name] for name in EDITABLE} for row in _rows(engine)]


def save_job_status(engine: Engine, code: str | None, changes: dict[str, Any]) -> str:
    """Add a status (`code` None; `changes` holds its code) or change the named
    one (found by its code in any case); returns the status's code."""
    rows = _rows(engine)
    row = next((r for r in rows if r["code"].casefold() == code.casefold()), None) if code else None
    if code and row is None:
        raise AdminError(f"No job status {code!r} (see `rep-tui admin job-statuses list`).")
    old = {name: row[name] for name in EDITABLE} if row is not None else {}
    others = [r["code"] for r in rows if row is None or r["id"] != row["id"]]
    try:
        clean = check_status({**old, **changes}, others, old_code=row["code"] if row else None)
    except FormErrors as refused:
        raise AdminError("Nothing was saved: " + "; ".join(f"{k}: {v}" for k, v in refused.errors.items())) \
            from None
    if row is None:
        _apply(engine, [_insert("job_statuses", clean, f"job status {clean['code']}")])
    else:
        changed = {k: (old[k], v) for k, v in clean.items() if old[k] != v}
        if changed:
            _apply(engine, [Change("job_statuses", row["id"], "update", changed, f"job status {row['code']}")])
    return clean["code"]
