"""An admin's edits of result codes on the device: checked by
`domain.result_codes.check_code`, written through `writes` (history and
outbox), so they sync like every change and the stats that read the flags
follow at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from rep_tui.domain.result_codes import Existing, check_code
from rep_tui.store import writes
from rep_tui.store.models import Appointment, Job, ResultCode


def all_codes(session: Session) -> list[ResultCode]:
    """Every code, inactive ones too, in the order the Result dialog offers them."""
    return list(session.scalars(select(ResultCode).where(ResultCode.deleted.is_(False))
                                .order_by(ResultCode.sort_order, ResultCode.code)))


def codes_in_use(session: Session) -> set[str]:
    """Codes some appointment or job names: their code may not change."""
    named = union(select(Appointment.result_code).where(Appointment.result_code.is_not(None)),
                  select(Job.result_code).where(Job.result_code.is_not(None)))
    return set(session.scalars(named))


def save_code(session: Session, actor: writes.Actor, code_id: Any, values: dict[str, Any]) -> ResultCode:
    """Add a code (`code_id` None) or change one; raises FormErrors, writing nothing, when refused."""
    row = session.get(ResultCode, code_id) if code_id is not None else None
    others = [Existing(c.code, c.key, c.active) for c in all_codes(session) if row is None or c.id != row.id]
    in_use = row is not None and row.code in codes_in_use(session)
    clean = check_code(values, others, old_code=row.code if row else None, in_use=in_use)
    if row is None:
        return writes.insert(session, actor, ResultCode(**clean))
    writes.update(session, actor, row, **clean)
    return row


def values_of(code: ResultCode) -> dict[str, Any]:
    """A code's editable columns, as `save_code` takes them."""
    from rep_tui.domain.result_codes import EDITABLE

    return {name: getattr(code, name) for name in EDITABLE}


def set_active(session: Session, actor: writes.Actor, code_id: Any, active: bool) -> ResultCode:
    """Stop offering a code (never deleted: old appointments keep it), or offer it again
    (refused when another active code took its key meanwhile)."""
    return save_code(session, actor, code_id, {**values_of(session.get(ResultCode, code_id)), "active": active})
