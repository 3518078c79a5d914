"""A booking, a move and a cancel made while the server is away reach the
server once it is back, and the rep's other device, on SQLite and PostgreSQL.
The other device then refuses a clash with the moved appointment by name."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from rep_tui.clock import utcnow
from rep_tui.server.seed import add_rows
from server_fixtures import server_rows
from rep_tui.store import booking
from rep_tui.store.models import Appointment

TZ = "America/Chicago"
CANCEL = {"id": uuid.uuid4(), "code": "CXL", "label": "Cancel", "key": "c", "counts_as_issued": False,
          "counts_as_demo": False, "counts_as_sale": False}


def _tomorrow_at(hour: int) -> datetime:
    from rep_tui.clock import zone

    day = utcnow().astimezone(zone(TZ)).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone(TZ))


def test_offline_booking_move_and_cancel_reach_the_server_and_the_other_device(server, company, devices):
    add_rows(server.engine, {"result_codes": [CANCEL]})
    laptop, phone = devices("ann"), devices("ann")
    laptop.sync()
    phone.sync()
    first, second = company.leads["ann"][:2]

    server.stop()  # offline: every change waits in the laptop's outbox
    with laptop.store.session() as s:
        kept = booking.book(s, laptop.actor, first, _tomorrow_at(9), timedelta(minutes=90), "new", TZ)
        dropped = booking.book(s, laptop.actor, second, _tomorrow_at(14), timedelta(hours=2), "follow-up", TZ)
    with laptop.store.session() as s:
        booking.move(s, laptop.actor, kept.id, _tomorrow_at(11), timedelta(minutes=90), TZ)
        booking.cancel(s, laptop.actor, dropped.id)
    with pytest.raises(Exception):
        laptop.sync()
    assert len(laptop.rows("appointments")) == 2  # nothing lost while offline
    server.start()

    report = laptop.sync()
    assert report.rejected == []
    on_server = server_rows(server.engine, "appointments")
    assert datetime.fromisoformat(on_server[kept.id]["starts_at"]) == _tomorrow_at(11)
    assert (on_server[kept.id]["result_code"], on_server[kept.id]["kind"]) == (None, "new")
    assert (on_server[dropped.id]["result_code"], on_server[dropped.id]["disregard_in_stats"]) == ("CXL", True)

    phone.sync()
    assert phone.rows("appointments") == {k: v for k, v in on_server.items() if k in (kept.id, dropped.id)}
    with phone.store.session() as s:
        moved = s.get(Appointment, kept.id)
        assert moved.starts_at == _tomorrow_at(11)
        with pytest.raises(booking.BookingRefused, match=r"clashes with 11:00 AM ann0 Customer, 90 min"):
            booking.book(s, phone.actor, second, _tomorrow_at(12), timedelta(hours=1), "new", TZ)
        # the cancelled appointment's time is free again on the other device too
        booking.book(s, phone.actor, second, _tomorrow_at(14), timedelta(hours=1), "new", TZ)


def test_every_kind_the_book_dialog_offers_reaches_the_server_and_no_other(server, company, devices):
    """The Book dialog's kinds (Measure, Service call, …) are the server's: each
    booked on a device is accepted over HTTP; a kind outside them is refused, naming them."""
    from rep_tui.domain.booking import BOOKABLE_KINDS

    laptop = devices("ann")
    laptop.sync()
    lead = company.leads["ann"][0]
    with laptop.store.session() as s:
        booked = {booking.book(s, laptop.actor, lead, _tomorrow_at(8 + 2 * n), timedelta(hours=1), kind, TZ).id: kind
                  for n, (kind, _label) in enumerate(BOOKABLE_KINDS)}
    assert "measure" in booked.values()
    report = laptop.sync()
    assert report.rejected == []
    on_server = server_rows(server.engine, "appointments")
    assert {row_id: on_server[row_id]["kind"] for row_id in booked} == booked

    with laptop.store.session() as s:
        lunch = booking.book(s, laptop.actor, lead, _tomorrow_at(19), timedelta(hours=1), "lunch", TZ)
    report = laptop.sync()
    assert len(report.rejected) == 1 and "Kind must be one of" in report.rejected[0], report.rejected
    assert "measure" in report.rejected[0] and lunch.id not in server_rows(server.engine, "appointments")
