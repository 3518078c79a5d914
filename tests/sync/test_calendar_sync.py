"""A manager edits a rep's calendar on her device and the rep's device
receives it, through a real server (SQLite and PostgreSQL): she books, moves
and cancels for the rep and sets the rep's work hours. Someone without the
permission to edit another user's calendar, or a manager for another team's
rep, is refused in plain words and nothing reaches the server."""

from __future__ import annotations

from datetime import datetime, timedelta

from test_booking_sync import CANCEL, TZ, _tomorrow_at

from rep_tui.domain.permissions import Permission
from rep_tui.server import admin, auth
from rep_tui.server.seed import add_rows
from rep_tui.store import booking
from rep_tui.store.models import WorkHours
from rep_tui.store.work_hours import set_work_hours
from server_fixtures import server_rows

LACKS = auth.lacks(Permission.EDIT_OTHERS_CALENDAR)
WEEK = {"mon": "9-17", "tue": "9-17", "wed": "12-20", "thu": "9-17", "fri": "9-17", "sat": None, "sun": None}


def test_a_managers_booking_move_cancel_and_hours_for_a_rep_reach_the_reps_device(server, company, devices):
    add_rows(server.engine, {"result_codes": [CANCEL]})
    maria, ann = devices("maria"), devices("ann")
    maria.sync()
    ann.sync()
    first, second = company.leads["ann"][:2]
    with maria.store.session() as s:
        kept = booking.book(s, maria.actor, first, _tomorrow_at(9), timedelta(minutes=90), "new", TZ)
        dropped = booking.book(s, maria.actor, second, _tomorrow_at(14), timedelta(hours=2), "new", TZ)
        set_work_hours(s, maria.actor, company.users["ann"], WEEK)
    with maria.store.session() as s:
        booking.move(s, maria.actor, kept.id, _tomorrow_at(11), timedelta(minutes=90), TZ)
        booking.cancel(s, maria.actor, dropped.id)
    assert maria.sync().rejected == []

    ann.sync()
    on_server = server_rows(server.engine, "appointments")
    mine = ann.rows("appointments")
    assert mine[kept.id] == on_server[kept.id] and mine[dropped.id] == on_server[dropped.id]
    assert mine[kept.id]["rep_id"] == mine[dropped.id]["rep_id"] == str(company.users["ann"])
    assert datetime.fromisoformat(mine[kept.id]["starts_at"]) == _tomorrow_at(11)
    assert (mine[dropped.id]["result_code"], mine[dropped.id]["disregard_in_stats"]) == ("CXL", True)
    hours = ann.rows("work_hours")
    assert list(hours) == [WorkHours.id_for(company.users["ann"])]
    assert {day: hours[WorkHours.id_for(company.users["ann"])][day] for day in WEEK} == WEEK


def test_without_the_permission_a_managers_booking_for_a_rep_is_refused_in_plain_words(server, company, devices):
    admin.add_group(server.engine, "Watchers", permissions=[Permission.SEE_PAYMENTS.value])
    admin.set_user_group(server.engine, "maria", "Watchers")
    maria = devices("maria")
    maria.sync()
    with maria.store.session() as s:
        booking.book(s, maria.actor, company.leads["ann"][0], _tomorrow_at(9), timedelta(hours=1), "new", TZ)
        set_work_hours(s, maria.actor, company.users["ann"], WEEK)
    report = maria.sync()
    assert [reason.split(": ", 1)[1] for reason in report.rejected] == [LACKS] * 2
    assert server_rows(server.engine, "appointments") == {} and server_rows(server.engine, "work_hours") == {}


def test_a_rep_sets_his_own_hours_but_not_a_team_mates_nor_books_on_their_calendar(server, company, devices):
    ann = devices("ann")
    ann.sync()
    with ann.store.session() as s:
        set_work_hours(s, ann.actor, company.users["ann"], WEEK)
        set_work_hours(s, ann.actor, company.users["bob"], WEEK)
    report = ann.sync()
    assert [reason.split(": ", 1)[1] for reason in report.rejected] == [LACKS]
    assert [row["user_id"] for row in server_rows(server.engine, "work_hours").values()] == [str(company.users["ann"])]


def test_a_manager_may_not_edit_another_teams_reps_calendar(server, company, devices):
    maria = devices("maria")
    maria.sync()
    with maria.store.session() as s:
        set_work_hours(s, maria.actor, company.users["carl"], WEEK)
    report = maria.sync()
    assert len(report.rejected) == 1 and "outside your team" in report.rejected[0]
    assert server_rows(server.engine, "work_hours") == {}
