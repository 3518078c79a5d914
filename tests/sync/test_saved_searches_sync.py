"""Saved data searches across devices, over HTTP against a real server
(SQLite and PostgreSQL): the office user saves a search on one device and it
is there on their next device; a change on that device comes back; their
manager's device and a team mate's never get it; a search whose query is
not a JSON object is refused by the server's field rule."""

from __future__ import annotations

from rep_tui.store import data_search as ds
from server_fixtures import server_rows

IL = ds.Query(("pid", "first_name"), (ds.Filter("state", "=", "IL"),))


def test_a_saved_search_follows_its_owner_and_no_one_else(server, company, devices):
    ann, ann_laptop, maria, bob = devices("ann"), devices("ann"), devices("maria"), devices("bob")
    ann.sync()
    with ann.store.session() as s:
        saved = ds.save(s, ann.actor, "Illinois", IL).id
    assert ann.sync().rejected == []
    ann_laptop.sync()
    assert ann_laptop.rows("saved_searches")[saved]["name"] == "Illinois"
    with ann_laptop.store.session() as s:
        ds.save(s, ann_laptop.actor, "illinois", ds.Query(("pid", "last_name"), IL.filters))
    assert ann_laptop.sync().rejected == []
    ann.sync()
    with ann.store.session() as s:
        (row,) = ds.saved(s, ann.actor.user_id)
        assert (row.id, ds.Query.from_json(row.query).fields) == (saved, ("pid", "last_name"))
    for other in (maria, bob):
        other.sync()
        assert other.rows("saved_searches") == {}


def test_the_server_checks_a_saved_searchs_fields(server, company, devices):
    from rep_tui.store import writes
    from rep_tui.store.models import SavedSearch

    ann = devices("ann")
    ann.sync()
    with ann.store.session() as s:
        writes.insert(s, ann.actor, SavedSearch(user_id=ann.actor.user_id, name="Broken", query=["not", "a", "dict"]))
    report = ann.sync()
    assert len(report.rejected) == 1 and "It must be a JSON object" in report.rejected[0]
    assert server_rows(server.engine, "saved_searches") == {}
