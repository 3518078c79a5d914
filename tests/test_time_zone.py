"""Whose "today": a rep's day is read in their office's zone unless the
device is set to another one."""

from __future__ import annotations

from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.store.models import Office, Team, User
from rep_tui.store.queries import current_user, time_zone_of


def _user_in(session, zone: str) -> User:
    return session.scalars(select(User).join(Team, Team.id == User.team_id).join(Office, Office.id == Team.office_id)
                           .where(Office.time_zone == zone, User.role == "rep").order_by(User.username)).first()


def test_the_office_zone_unless_the_device_says_otherwise(store):
    with store.session() as session:
        denver = _user_in(session, "America/Denver")
        assert denver is not None, "the demo has a Denver office with reps"
        assert time_zone_of(session, denver) == "America/Denver"
        assert time_zone_of(session, current_user(session)) == "America/Chicago"
        assert time_zone_of(session, denver, "America/New_York") == "America/New_York"
        admin = session.scalars(select(User).where(User.role == "admin")).first()
        assert admin.team_id is None and time_zone_of(session, admin) == "America/Chicago"


def test_the_app_reads_the_day_in_the_reps_zone(store, monkeypatch):
    with store.session() as session:
        denver = _user_in(session, "America/Denver").id
    assert RepApp(store, user_id=denver).tz == "America/Denver"
    monkeypatch.setenv("REP_TUI_TIME_ZONE", "America/Phoenix")
    from rep_tui.config import reset_settings_cache

    reset_settings_cache()
    assert RepApp(store, user_id=denver).tz == "America/Phoenix"
