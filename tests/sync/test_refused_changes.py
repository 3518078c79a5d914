"""What the rep can do about a change the server refused (F7): fix the row
and it goes out again as what it was (a refused create as a create, with what
hangs off it), send it again as it is once it passes the checks, or dismiss
it and let the server's view stand."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rep_tui.store import sync_review, writes
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Comment, Lead
from server_fixtures import server_rows


def _new_lead_with_a_bad_phone(device):
    """A lead (and a comment on it) written past the forms, as an old app version could."""
    with device.store.session() as s:
        lead = writes.insert(s, device.actor, Lead(first_name="Olive", last_name="Odom", rep_id=device.user_id,
                                                   home_phone="call me maybe", custom={}))
        comment = writes.insert(s, device.actor, Comment(lead_id=lead.id, author_name="Ann", body="dog in yard"))
        return lead.id, comment.id


def _states(device, row_id) -> list[tuple[str, str]]:
    with device.store.session() as s:
        return [(e.op, e.state) for e in s.scalars(select(OutboxEntry).where(OutboxEntry.row_id == row_id)
                                                   .order_by(OutboxEntry.seq))]


def _refused_seq(device, row_id) -> int:
    with device.store.session() as s:
        return s.scalar(select(OutboxEntry.seq).where(OutboxEntry.row_id == row_id, OutboxEntry.state == "rejected"))


def test_fixing_a_refused_lead_sends_it_as_a_create_with_its_comment(server, company, devices):
    ann = devices("ann")
    ann.sync()
    lead_id, comment_id = _new_lead_with_a_bad_phone(ann)
    report = ann.sync()
    assert len(report.rejected) == 2  # the lead for its phone, the comment for its missing lead
    assert lead_id not in server_rows(server.engine, "leads")

    with ann.store.session() as s:  # the rep fixes the phone in Edit Customer
        writes.update(s, ann.actor, s.get(Lead, lead_id), home_phone="(312) 555-0142")
    assert _states(ann, lead_id) == [("insert", "resent"), ("insert", "pending")]
    assert _states(ann, comment_id) == [("insert", "resent"), ("insert", "pending")]
    assert ann.sync().rejected == []
    assert server_rows(server.engine, "leads")[lead_id]["home_phone"] == "(312) 555-0142"
    assert server_rows(server.engine, "comments")[comment_id]["body"] == "dog in yard"
    assert ann.sync().pushed == 0  # nothing left over


def test_send_again_checks_first_and_says_which_field(server, company, devices):
    ann = devices("ann")
    ann.sync()
    lead_id, comment_id = _new_lead_with_a_bad_phone(ann)
    ann.sync()
    seq = _refused_seq(ann, lead_id)
    with ann.store.session() as s, pytest.raises(sync_review.CannotReapply, match="Home Phone"):
        sync_review.send_again(s, seq)
    with ann.store.session() as s:  # fixed past the forms too (no new outbox entry), then sent again
        s.get(Lead, lead_id).home_phone = "312 555 0199"
    with ann.store.session() as s:
        assert "goes with the next sync" in sync_review.send_again(s, seq)
    assert ann.sync().rejected == []
    assert server_rows(server.engine, "leads")[lead_id]["home_phone"] == "312 555 0199"
    assert comment_id in server_rows(server.engine, "comments")  # refused for its lead's sake, sent with it


def test_dismissing_a_refused_create_removes_what_only_this_device_had(server, company, devices):
    ann = devices("ann")
    ann.sync()
    lead_id, comment_id = _new_lead_with_a_bad_phone(ann)
    ann.sync()
    with ann.store.session() as s:
        assert "only this device had" in sync_review.dismiss(s, _refused_seq(ann, lead_id))
    assert lead_id not in ann.rows("leads") and comment_id not in ann.rows("comments")
    assert _states(ann, comment_id) == [("insert", "dismissed")]
    with ann.store.session() as s, pytest.raises(sync_review.CannotReapply, match="no longer waiting"):
        sync_review.dismiss(s, _refused_seq(ann, lead_id) or 10**6)
    report = ann.sync()
    assert report.pushed == 0 and report.rejected == []


def test_dismissing_a_refused_edit_keeps_the_servers_value(server, company, devices):
    ann = devices("ann")
    ann.sync()
    lead_id = company.leads["ann"][0]
    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, lead_id), rep_id=company.users["carl"])  # not hers to give away
    assert ann.sync().rejected
    with ann.store.session() as s:
        assert "stands" in sync_review.dismiss(s, _refused_seq(ann, lead_id))
    ann.sync()
    assert ann.rows("leads")[lead_id]["rep_id"] == str(company.users["ann"])
