"""Permissions are data that syncs: the admin ticks "Delete leads" for the
Reps group on her device and syncs; a rep's device syncs, knows it may now
delete (the app shows it) and the server takes the rep's delete. When the
admin takes it away again, the rep's next delete is refused with the missing
permission named (F7 shows it) and the lead comes back. SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from rep_tui.domain.permissions import Permission
from rep_tui.server import admin
from rep_tui.store import people, writes
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Lead, User, UserGroup
from rep_tui.store.queries import permissions_of
from server_fixtures import server_rows


def _set_reps_grant(device, permissions: list[str]) -> None:
    """What the Admin screen's group form saves."""
    with device.store.session() as s:
        reps = s.scalars(select(UserGroup).where(UserGroup.name == "Reps")).one()
        people.save_group(s, device.actor, reps.id, {"name": reps.name, "description": reps.description,
                                                     "permissions": permissions})


def _permissions(device) -> frozenset[Permission]:
    with device.store.session() as s:
        return permissions_of(s, s.get(User, device.user_id))


def _delete(device, lead_id) -> OutboxEntry:
    with device.store.session() as s:
        writes.delete(s, device.actor, s.get(Lead, lead_id))
    device.sync()
    with device.store.session() as s:
        return s.scalars(select(OutboxEntry).where(OutboxEntry.row_id == lead_id)).one()


def test_a_permission_given_on_one_device_lets_the_rep_delete_on_another_and_taking_it_refuses(
        server, company, devices):
    admin.ensure_default_groups(server.engine)  # the company's starting groups, Ann in "Reps"
    office, ann = devices("ada"), devices("ann")
    office.sync()
    ann.sync()
    assert Permission.DELETE_LEADS not in _permissions(ann)
    first, second = company.leads["ann"][:2]

    _set_reps_grant(office, ["delete_leads", "see_payments"])
    assert office.sync().pushed == 1
    ann.sync()
    assert Permission.DELETE_LEADS in _permissions(ann)
    deleted = _delete(ann, first)
    assert deleted.state == "acknowledged", deleted.error
    assert first not in server_rows(server.engine, "leads")

    _set_reps_grant(office, ["see_payments"])
    office.sync()
    ann.sync()
    assert _permissions(ann) == {Permission.SEE_PAYMENTS}
    refused = _delete(ann, second)
    assert refused.state == "rejected"
    assert refused.error == "You may not do this: delete leads needs a permission your group lacks."
    assert second in server_rows(server.engine, "leads")
    ann.sync()
    assert second in ann.rows("leads")  # the server's copy came back to the device
