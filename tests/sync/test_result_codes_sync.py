"""Result codes are the office's: an admin's new flags, made on their device,
reach every rep's device with the next sync and the rep's figures follow;
a rep's own change to a code is refused by the server and changes nothing
there. An appointment a rep leaves out of stats stays out on the server and
on their other device. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from rep_tui.clock import utcnow
from rep_tui.server.seed import add_rows
from rep_tui.store import queries, writes
from rep_tui.store.models import ResultCode
from rep_tui.store.result_codes import save_code, values_of
from rep_tui.store.resulting import set_disregarded
from server_fixtures import server_rows

ONE_LEG = {"id": uuid.uuid4(), "code": "1L", "label": "One Leg", "key": "o", "counts_as_issued": True,
           "counts_as_demo": False, "counts_as_sale": False, "needs_follow_up": True, "sort_order": 4}


def _with_one_leg_appointment(server, company) -> uuid.UUID:
    """Ann ran an appointment yesterday and resulted it One Leg."""
    appointment = uuid.uuid4()
    yesterday = utcnow() - timedelta(days=1)
    add_rows(server.engine, {"result_codes": [ONE_LEG], "appointments": [{
        "id": appointment, "lead_id": company.leads["ann"][0], "rep_id": company.users["ann"],
        "starts_at": yesterday, "result_code": "1L", "resulted_at": yesterday}]})
    return appointment


def _my_stats(device) -> dict[str, object]:
    now = utcnow()
    with device.store.session() as s:
        figures = queries.stats_for(s, [device.user_id], now - timedelta(days=7), now)
    return {key: figures[key].value for key in ("issued", "demos", "demo_rate")}


def _one_leg(device) -> ResultCode:
    with device.store.session() as s:
        return s.scalars(select(ResultCode).where(ResultCode.code == "1L")).one()


def test_an_admin_makes_one_leg_a_demo_and_the_reps_stats_follow_after_sync(server, company, devices):
    _with_one_leg_appointment(server, company)
    ann, ada = devices("ann"), devices("ada")
    ann.sync()
    ada.sync()
    assert _my_stats(ann) == {"issued": 1, "demos": 0, "demo_rate": 0.0}

    code_id = _one_leg(ada).id
    with ada.store.session() as s:
        save_code(s, ada.actor, code_id, {**values_of(s.get(ResultCode, code_id)), "counts_as_demo": True})
    assert ada.sync().rejected == []
    assert server_rows(server.engine, "result_codes")[code_id]["counts_as_demo"] is True

    ann.sync()
    assert _my_stats(ann) == {"issued": 1, "demos": 1, "demo_rate": 1.0}


def test_a_reps_change_to_a_result_code_is_refused_and_changes_nothing(server, company, devices):
    _with_one_leg_appointment(server, company)
    ann = devices("ann")
    ann.sync()
    code_id = _one_leg(ann).id
    with ann.store.session() as s:  # past the app, which offers a rep no such screen
        writes.update(s, ann.actor, s.get(ResultCode, code_id), counts_as_sale=True, label="Sold!")
    report = ann.sync()
    assert len(report.rejected) == 1
    on_server = server_rows(server.engine, "result_codes")[code_id]
    assert (on_server["counts_as_sale"], on_server["label"]) == (False, "One Leg")


def test_a_disregarded_appointment_stays_out_of_stats_on_the_server_and_the_other_device(server, company, devices):
    appointment = _with_one_leg_appointment(server, company)
    laptop, phone = devices("ann"), devices("ann")
    laptop.sync()
    phone.sync()
    with laptop.store.session() as s:
        set_disregarded(s, laptop.actor, appointment, True)
    assert _my_stats(laptop)["issued"] == 0
    assert laptop.sync().rejected == []
    assert server_rows(server.engine, "appointments")[appointment]["disregard_in_stats"] is True
    assert _my_stats(phone)["issued"] == 1
    phone.sync()
    assert _my_stats(phone)["issued"] == 0
