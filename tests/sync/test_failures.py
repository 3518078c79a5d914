"""Processes die and replies get lost: nothing is lost, nothing is applied
twice, and the outbox drains by itself afterwards."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from rep_tui.server import push as server_push
from server_fixtures import Device, server_rows
from rep_tui.store import writes
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import ChangeRecord, Comment, Lead
from rep_tui.sync import outbox
from rep_tui.sync.engine import TransientError


class Killed(BaseException):
    """The device's process dies here."""


class DropReply(httpx.HTTPTransport):
    """Delivers requests to `path` but loses the reply, `times` times."""

    def __init__(self, path: str, times: int = 1) -> None:
        super().__init__()
        self.path, self.times = path, times

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path == self.path and self.times:
            self.times -= 1
            response.read()
            response.close()
            raise httpx.ReadError("connection reset", request=request)
        return response


def _add_comments(device, lead_id, n=3):
    with device.store.session() as s:
        return [writes.insert(s, device.actor, Comment(lead_id=lead_id, author_name="Ann", body=f"c{i}")).id
                for i in range(n)]


def _created_on_server(server, row_id) -> int:
    with server.engine.connect() as conn:
        return conn.execute(select(func.count()).where(ChangeRecord.row_id == row_id, ChangeRecord.field == "*")
                            ).scalar()


def _pending(device) -> int:
    with device.store.session() as s:
        return s.scalar(select(func.count()).where(OutboxEntry.state == "pending"))


def test_a_create_whose_reply_is_lost_is_one_row(server, company, devices):
    ann = devices("ann", http=httpx.Client(base_url=server.url, transport=DropReply("/sync/push", times=2)))
    ann.sync()
    lead = company.leads["ann"][0]
    ids = _add_comments(ann, lead)
    with pytest.raises(TransientError):
        ann.sync()
    assert _pending(ann) == 3  # still waiting: the device never heard back
    report = ann.sync()  # retried: the server sees the same sequence numbers
    assert report.pushed == 0 and _pending(ann) == 0
    for row_id in ids:
        assert _created_on_server(server, row_id) == 1
    assert len(server_rows(server.engine, "comments", Comment.lead_id == lead)) == 3


def test_a_push_retried_after_its_reply_was_lost_is_not_taken_for_an_old_copy(server, company, devices):
    """The engine re-sends a push at once when the connection breaks; the
    server had applied it. The retry must be answered as duplicates, not as
    an old copy of the database (which made the device start over under a
    new id and send, and apply, everything again)."""
    ann = devices("ann", http=httpx.Client(base_url=server.url, transport=DropReply("/sync/push", times=1)))
    ann.sync()
    lead_id = company.leads["ann"][0]
    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, lead_id), city="Joliet")
    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, lead_id), city="Peoria")
    report = ann.sync()
    assert (report.conflicts, report.rejected, _pending(ann)) == (0, [], 0)
    with server.engine.connect() as conn:
        edits = conn.execute(select(ChangeRecord.new_value, ChangeRecord.kind).where(
            ChangeRecord.row_id == lead_id, ChangeRecord.field == "city").order_by(ChangeRecord.version)).all()
    assert [tuple(edit) for edit in edits] == [("Joliet", "edit"), ("Peoria", "edit")]


def test_killed_after_write_and_before_ack_then_restarted(server, company, devices, monkeypatch, tmp_path):
    ann = devices("ann")
    ann.sync()
    ids = _add_comments(ann, company.leads["ann"][0])
    ann.client.close()  # killed right after the local write: a new process starts

    def killed(*args, **kwargs):
        raise Killed()

    restarted = Device.__new__(Device)
    restarted.__dict__.update(ann.__dict__)
    from rep_tui.sync.engine import SyncClient

    restarted.client = SyncClient(ann.store, server.url, ann.client.http.headers["Authorization"].split()[1])
    monkeypatch.setattr(outbox, "record", killed)  # sent, applied, but the ack is never stored
    with pytest.raises(Killed):
        restarted.client.sync()
    monkeypatch.undo()
    assert _pending(ann) == 3
    restarted.client.sync()  # no new write: the outbox drains
    assert _pending(ann) == 0
    for row_id in ids:
        assert _created_on_server(server, row_id) == 1
    restarted.client.close()


def test_server_killed_mid_push_rolls_back_and_the_retry_applies_once(server, company, devices, monkeypatch):
    ann = devices("ann")
    ann.sync()
    ids = _add_comments(ann, company.leads["ann"][0])
    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, company.leads["ann"][1]), city="Peoria")

    def crash(*args, **kwargs):
        raise RuntimeError("server died before commit")

    monkeypatch.setattr(server_push, "_save_last_seq", crash)
    with pytest.raises(TransientError):
        ann.sync()
    assert server_rows(server.engine, "comments", Comment.id.in_(ids)) == {}  # rolled back, nothing half-done
    monkeypatch.undo()
    ann.sync()
    assert len(server_rows(server.engine, "comments", Comment.id.in_(ids))) == 3
    assert server_rows(server.engine, "leads", Lead.id == company.leads["ann"][1])[company.leads["ann"][1]][
        "city"] == "Peoria"
    assert _pending(ann) == 0


def test_server_restored_from_backup_gets_the_changes_again(server, company, devices):
    ann = devices("ann")
    ann.sync()
    server.stop()
    server.backend.backup()
    server.start()
    ids = _add_comments(ann, company.leads["ann"][0])
    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, company.leads["ann"][0]), city="Joliet")
    ann.sync()
    server.stop()
    server.backend.restore()  # the server forgets what it acknowledged
    server.start()
    assert server_rows(server.engine, "comments", Comment.id.in_(ids)) == {}
    report = ann.sync()
    assert report.resent == 4 and report.lost == 0
    assert len(server_rows(server.engine, "comments", Comment.id.in_(ids))) == 3
    assert server_rows(server.engine, "leads", Lead.id == company.leads["ann"][0])[company.leads["ann"][0]][
        "city"] == "Joliet"
    assert ann.rows("comments") == server_rows(server.engine, "comments", Comment.lead_id.in_(company.leads["ann"]))
    assert ann.sync().requests == 1


def test_a_device_restored_from_an_old_copy_loses_none_of_its_new_changes(server, company, devices, tmp_path):
    """The copy reuses sequence numbers the original has sent since; the
    server must not take its new changes for retries of those."""
    import sqlite3

    from server_fixtures import Device

    ann = devices("ann")
    ann.sync()
    copy_dir = tmp_path / "restored"
    copy_dir.mkdir()
    with sqlite3.connect(ann.store.path) as source, sqlite3.connect(copy_dir / "ann.sqlite3") as target:
        source.backup(target)
    lead_id = company.leads["ann"][0]
    on_original = _add_comments(ann, lead_id, 2)
    ann.sync()

    restored = Device(copy_dir, server, "ann")
    try:
        on_copy = _add_comments(restored, lead_id, 5)  # more than the original sent since the copy
        restored.sync()
        assert set(server_rows(server.engine, "comments", Comment.id.in_(on_original + on_copy))) == {
            *on_original, *on_copy}
        assert _pending(restored) == 0
        restored.sync()
        ann.sync()
        assert restored.rows("comments") == ann.rows("comments") == server_rows(
            server.engine, "comments", Comment.lead_id.in_(company.leads["ann"]))
    finally:
        restored.close()


def test_a_refusal_whose_reply_was_lost_is_told_again_on_the_retry(server, company, devices):
    """The server refused one change of a push and the reply never arrived:
    the retry must bring the refusal (F7 shows it, the rep can fix it), not
    "duplicate", which the device would take for applied."""
    ann = devices("ann", http=httpx.Client(base_url=server.url, transport=DropReply("/sync/push", times=2)))
    ann.sync()
    lead = company.leads["ann"][0]
    with ann.store.session() as s:
        writes.update(s, ann.actor, s.get(Lead, lead), rep_id=company.users["carl"])  # not hers to give away
        comment = writes.insert(s, ann.actor, Comment(lead_id=lead, author_name="Ann", body="gate code 1234"))
    with pytest.raises(TransientError):
        ann.sync()
    report = ann.sync()  # the retry: both sequence numbers are old to the server now
    assert len(report.rejected) == 1
    with ann.store.session() as s:
        states = {e.op: (e.state, e.error) for e in s.scalars(select(OutboxEntry))}
    assert states["update"][0] == "rejected" and states["update"][1]
    assert states["insert"][0] == "acknowledged"
    assert _created_on_server(server, comment.id) == 1
    _add_comments(ann, lead, n=1)
    ann.sync()  # the next push says the device has the answer: the server forgets the refusal
    from rep_tui.server.models import PushRejection

    with server.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(PushRejection)).scalar() == 0
