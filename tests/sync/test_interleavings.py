"""Random interleavings of offline edits and syncs on three devices: after a
final round every replica equals the server (within its scope), and every
value anyone wrote is either current or in the server's change history."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from server_fixtures import server_rows
from rep_tui.store import writes
from rep_tui.store.models import ChangeRecord, Comment, Lead

FIELDS = ("city", "zip", "last_name")
step = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, 5), st.sampled_from(FIELDS)),
    st.tuples(st.just("comment"), st.integers(0, 2), st.integers(0, 5), st.just("")),
    st.tuples(st.just("sync"), st.integers(0, 2), st.just(0), st.just("")),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_random_interleavings_converge(server, company, devices, steps):
    if not hasattr(server, "cast"):
        server.cast = [devices("ann"), devices("bob"), devices("maria")]
        server.counter = itertools.count()
        for d in server.cast:
            d.sync()
    cast, counter = server.cast, server.counter
    mine = {0: company.leads["ann"], 1: company.leads["bob"], 2: company.leads["ann"] + company.leads["bob"]}
    written: list[tuple] = []
    for kind, who, lead_index, field in steps:
        device = cast[who]
        if kind == "sync":
            device.sync()
            continue
        lead_id = mine[who][lead_index % len(mine[who])]
        number = next(counter)
        value = f"{60000 + number:05d}" if field == "zip" else f"v{number}"  # values the server's rules accept
        with device.store.session() as s:
            if kind == "edit":
                writes.update(s, device.actor, s.get(Lead, lead_id), **{field: value})
                written.append((lead_id, field, value))
            else:
                writes.insert(s, device.actor, Comment(lead_id=lead_id, author_name=device.actor.user_name,
                                                       body=value))
    for _round in range(2):
        for device in cast:
            device.sync()
    for who, device in enumerate(cast):
        scope = mine[who]
        assert device.rows("leads") == server_rows(server.engine, "leads", Lead.id.in_(scope))
        assert device.rows("comments") == server_rows(server.engine, "comments", Comment.lead_id.in_(scope))
        assert device.client.status.waiting == 0
    current = server_rows(server.engine, "leads")
    with server.engine.connect() as conn:
        history = set(conn.execute(select(ChangeRecord.row_id, ChangeRecord.field, ChangeRecord.new_value)))
    for lead_id, field, value in written:
        assert current[lead_id][field] == value or (lead_id, field, value) in history
