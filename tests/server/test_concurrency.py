"""Concurrent writers on PostgreSQL: a reader pulling "after its cursor" the
whole time never skips a row (versions are handed out under one lock)."""

from __future__ import annotations

import threading
import uuid

import pytest

from rep_tui.server.auth import Principal
from rep_tui.server.pull import pull
from rep_tui.server.push import push
from rep_tui.sync.protocol import Mutation, PushRequest

WRITERS, PUSHES, PER_PUSH = 8, 25, 4


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"], indirect=True)
def test_pulls_never_skip_rows_under_concurrent_pushes(server, company):
    engine = server.engine
    reps = {name: Principal(company.users[name], name, name.title(), "rep", None) for name in ("ann", "bob", "carl")}
    maria = Principal(company.users["maria"], "maria", "Maria", "manager", None)
    admin = Principal(company.users["ada"], "ada", "Ada", "admin", None)
    written: dict[int, list[uuid.UUID]] = {n: [] for n in range(WRITERS)}
    errors: list[BaseException] = []
    done = threading.Event()

    def writer(n: int) -> None:
        name = ("ann", "bob", "carl")[n % 3]
        lead = str(company.leads[name][n % 3])
        try:
            for p in range(PUSHES):
                ids = [uuid.uuid4() for _ in range(PER_PUSH)]
                mutations = [Mutation(seq=p * PER_PUSH + i + 1, table="comments", row_id=row_id, op="insert",
                                      fields={"lead_id": [None, lead], "author_name": [None, name],
                                              "body": [None, f"{n}/{p}/{i}"]}) for i, row_id in enumerate(ids)]
                answer = push(engine, reps[name], PushRequest(client_id=f"w{n}", mutations=mutations))
                assert all(r.status == "applied" for r in answer.results), answer
                written[n].extend(ids)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def reader(user: Principal, seen: set) -> None:
        cursor = 0
        try:
            while True:
                finished = done.is_set()
                page = pull(engine, user, cursor, "reader", limit=7)
                seen.update(uuid.UUID(row["id"]) for row in page.upserts.get("comments", []))
                cursor = page.cursor
                if finished and not page.more:
                    return
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    seen_admin: set = set()
    seen_maria: set = set()
    readers = [threading.Thread(target=reader, args=(admin, seen_admin)),
               threading.Thread(target=reader, args=(maria, seen_maria))]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    for t in readers:
        t.join()
    assert not errors, errors
    everything = {row_id for ids in written.values() for row_id in ids}
    assert len(everything) == WRITERS * PUSHES * PER_PUSH
    assert everything <= seen_admin
    team = {row_id for n, ids in written.items() if n % 3 != 2 for row_id in ids}  # ann's and bob's
    assert team <= seen_maria and not (everything - team) & seen_maria
