"""Pushes run side by side on PostgreSQL: one push held after its row writes
(before it takes the version lock) does not stop another from committing,
and pulls still never skip a row; two pushes of one device apply it once."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select, text

from rep_tui.server import push as server_push
from rep_tui.server.auth import Principal
from rep_tui.server.pull import pull
from rep_tui.store.models import ChangeRecord, Comment
from rep_tui.sync.protocol import Mutation, PushRequest

GUARD = 60  # seconds: only so that a broken build fails instead of hanging


class Held:
    """Stops the pushes of one user after their row writes (when they store
    the device's sequence, before the version lock) until released; every
    other push goes straight through."""

    def __init__(self, monkeypatch, user_id: uuid.UUID) -> None:
        self.reached, self.release = threading.Event(), threading.Event()
        save = server_push._save_last_seq

        def held_save(conn, user: Principal, *args) -> None:
            if user.id == user_id:
                self.reached.set()
                assert self.release.wait(GUARD), "never released"
            save(conn, user, *args)

        monkeypatch.setattr(server_push, "_save_last_seq", held_save)


def _comment(seq: int, lead: uuid.UUID, body: str) -> Mutation:
    return Mutation(seq=seq, table="comments", row_id=uuid.uuid4(), op="insert",
                    fields={"lead_id": [None, str(lead)], "author_name": [None, "x"], "body": [None, body]})


def _in_thread(target, *args) -> tuple[threading.Thread, list]:
    out: list = []
    thread = threading.Thread(target=lambda: out.append(target(*args)), daemon=True)
    thread.start()
    return thread, out


def _seen(engine, user: Principal, cursor: int) -> tuple[set[uuid.UUID], int]:
    seen = set()
    while True:
        page = pull(engine, user, cursor, "reader")
        seen |= {uuid.UUID(row["id"]) for rows in page.upserts.values() for row in rows}
        cursor = page.cursor
        if not page.more:
            return seen, cursor


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_push_held_after_its_writes_does_not_block_another(server, company, monkeypatch):
    engine = server.engine
    ann = Principal(company.users["ann"], "ann", "Ann", "rep", None)
    bob = Principal(company.users["bob"], "bob", "Bob", "rep", None)
    admin = Principal(company.users["ada"], "ada", "Ada", "admin", None)
    _, cursor = _seen(engine, admin, 0)
    held = Held(monkeypatch, ann.id)
    ann_lead, bob_lead = company.leads["ann"][0], company.leads["bob"][0]
    ann_push = PushRequest(client_id="ann-laptop", mutations=[
        _comment(1, ann_lead, "first"),
        Mutation(seq=2, table="leads", row_id=ann_lead, op="update", fields={"city": [None, "Peoria"]})])
    ann_thread, ann_answer = _in_thread(server_push.push, engine, ann, ann_push)
    assert held.reached.wait(GUARD)  # ann's rows are written (and locked); her transaction is open

    bob_comment = _comment(1, bob_lead, "second")
    bob_thread, bob_answer = _in_thread(server_push.push, engine, bob,
                                        PushRequest(client_id="bob-laptop", mutations=[bob_comment]))
    bob_thread.join(GUARD)
    assert bob_answer and bob_answer[0].results[0].status == "applied"  # done while ann's push is held
    assert ann_thread.is_alive()

    during, cursor_during = _seen(engine, admin, cursor)
    assert during == {bob_comment.row_id}  # ann's uncommitted rows are not shipped

    held.release.set()
    ann_thread.join(GUARD)
    assert [r.status for r in ann_answer[0].results] == ["applied", "applied"]
    after, _ = _seen(engine, admin, cursor_during)
    assert after == {ann_push.mutations[0].row_id, ann_lead}  # nothing skipped below the earlier cursor


def _wait_for_a_lock_wait(engine) -> None:
    """Until some transaction waits for a lock another one holds."""
    for _ in range(GUARD * 100):
        with engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).scalar():
                return
        threading.Event().wait(0.01)
    raise AssertionError("no transaction ever waited for a lock")


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_retry_sent_while_the_first_attempt_runs_applies_once(server, company, monkeypatch):
    engine = server.engine
    ann = Principal(company.users["ann"], "ann", "Ann", "rep", None)
    lead = company.leads["ann"][0]
    request = PushRequest(client_id="ann-laptop", mutations=[
        Mutation(seq=1, table="leads", row_id=lead, op="update", fields={"city": [None, "Peoria"]}),
        _comment(2, lead, "once")])
    held = Held(monkeypatch, ann.id)
    first, first_answer = _in_thread(server_push.push, engine, ann, request)
    assert held.reached.wait(GUARD)
    retry, retry_answer = _in_thread(server_push.push, engine, ann, request)  # the reply was slow: sent again
    _wait_for_a_lock_wait(engine)  # the retry is queued behind the first attempt
    held.release.set()
    first.join(GUARD)
    retry.join(GUARD)
    assert [r.status for r in first_answer[0].results] == ["applied", "applied"]
    assert [r.status for r in retry_answer[0].results] == ["duplicate", "duplicate"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Comment).where(Comment.body == "once")).scalar() == 1
        assert conn.execute(select(func.count()).select_from(ChangeRecord).where(
            ChangeRecord.row_id == lead, ChangeRecord.field == "city")).scalar() == 1
