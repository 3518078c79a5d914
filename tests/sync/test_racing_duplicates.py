"""The same push arriving twice at once (a proxy duplicating a request, a
retry racing the original): each mutation is applied once, and both copies
are answered alike, so neither makes the device start over under a new id
(which would send, and apply, everything a second time)."""

from __future__ import annotations

import random
import threading
import uuid

import pytest
from sqlalchemy import func, select

import faultproxy
from faultproxy import FaultProxy
from server_fixtures import PASSWORD, http
from rep_tui.store import writes
from rep_tui.store.models import ChangeRecord, Comment, Lead
from rep_tui.sync import credentials, outbox, state
from rep_tui.sync.protocol import Mutation, PushRequest, PushResponse

ROUNDS = 25
GUARD = 60  # seconds: only so that a broken build fails instead of hanging


def _both_at_once(url: str, token: str, body: str) -> list[PushResponse]:
    """POST `body` from two threads released together; both answers."""
    start, answers = threading.Barrier(2), []

    def send() -> None:
        start.wait(GUARD)
        response = http.post(f"{url}/sync/push", content=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert response.status_code == 200, response.text
        answers.append(PushResponse.model_validate_json(response.content))

    threads = [threading.Thread(target=send, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(GUARD)
    assert len(answers) == 2, "a copy of the push was never answered"
    return answers


def _count(server, *where) -> int:
    with server.engine.connect() as conn:
        return conn.execute(select(func.count()).where(*where)).scalar()


def test_the_same_push_sent_twice_at_once_applies_once_and_both_answers_agree(server, company):
    token = credentials.login(server.url, "ann", PASSWORD).token
    lead, missing_lead = company.leads["ann"][0], uuid.uuid4()
    sent = 0
    for n in range(ROUNDS):
        city, body = f"Peoria {n}", f"once {n}"
        mutations = [
            Mutation(seq=sent + 1, table="leads", row_id=lead, op="update", fields={"city": [None, city]}),
            Mutation(seq=sent + 2, table="comments", row_id=uuid.uuid4(), op="insert",
                     fields={"lead_id": [None, str(lead)], "author_name": [None, "Ann"], "body": [None, body]}),
            Mutation(seq=sent + 3, table="comments", row_id=uuid.uuid4(), op="insert",
                     fields={"lead_id": [None, str(missing_lead)], "author_name": [None, "Ann"], "body": [None, "x"]}),
        ]
        request = PushRequest(client_id="ann-laptop", acked_seq=sent, sent_seq=sent, mutations=mutations)
        answers = _both_at_once(server.url, token, request.model_dump_json())

        for answer in answers:
            assert not answer.stale_copy and not answer.behind, f"round {n}: a copy was taken for an old database"
            assert answer.last_seq == sent + 3
        took = [[r.status for r in answer.results] for answer in answers]
        assert sorted(took) == [["applied", "applied", "rejected"], ["duplicate", "duplicate", "rejected"]], took
        assert len({answer.results[2].reason for answer in answers}) == 1  # the same refusal, told twice
        assert _count(server, Comment.body == body) == 1
        assert _count(server, ChangeRecord.row_id == lead, ChangeRecord.field == "city",
                      ChangeRecord.new_value == city) == 1
        sent += 3


@pytest.fixture
def duplicating_proxy(server, monkeypatch):
    """A proxy in front of `server` that sends every request a second time,
    side by side with the original."""
    monkeypatch.setattr(faultproxy, "FAULTS", {"racing_duplicate": 1})
    proxy = FaultProxy(server.port)
    proxy.faulty = True
    yield proxy
    proxy.close()


def test_a_device_behind_a_duplicating_proxy_applies_each_change_once(server, company, devices, duplicating_proxy):
    """Each round the office edits the lead's city while Ann edits it
    offline: her edit loses, and that conflict must be recorded once (a
    device that took a twin's answer for an old copy of itself sent its
    batch again under a new id, and the server recorded the conflict twice)."""
    import httpx

    route = duplicating_proxy.add_route("ann", random.Random(12))
    ann = devices("ann", http=httpx.Client(base_url=f"http://127.0.0.1:{route.port}", timeout=GUARD))
    office = devices("ada")
    ann.sync()
    office.sync()
    with ann.store.session() as s:
        device_id = state.client_id(s)
    lead = company.leads["ann"][0]
    comments, cities = [], []
    for n in range(ROUNDS):
        with office.store.session() as s:
            writes.update(s, office.actor, s.get(Lead, lead), city=f"Office {n}")
        office.sync()
        with ann.store.session() as s:
            comments.append(writes.insert(s, ann.actor, Comment(lead_id=lead, author_name="Ann", body=f"c{n}")).id)
            cities.append(f"Springfield {n}")
            writes.update(s, ann.actor, s.get(Lead, lead), city=cities[-1])
        ann.sync()

    assert route.requests > ROUNDS and len(route.log) == route.requests  # every request went twice
    created = [_count(server, ChangeRecord.row_id == row_id, ChangeRecord.field == "*") for row_id in comments]
    lost = [_count(server, ChangeRecord.row_id == lead, ChangeRecord.kind == "conflict", ChangeRecord.new_value == city)
            for city in cities]
    assert created == lost == [1] * ROUNDS, f"comments created {created} times, conflicts recorded {lost} times"
    with ann.store.session() as s:
        assert not outbox.pending(s, 10) and state.counts(s)["rejected"] == 0
        assert state.client_id(s) == device_id, "the device took a twin's answer for an old copy of itself"
