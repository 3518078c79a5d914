"""The server remembers a checked token for a few seconds (the push and the
pull of one sync look it up once) and forgets it when it is revoked."""

from __future__ import annotations

import uuid


from rep_tui.server.auth import Principal, RecentTokens
from server_fixtures import PASSWORD, http

ANN = Principal(uuid.uuid4(), "ann", "Ann", "rep", None)


def _counting(lookups: list[str]):
    def look_up() -> Principal:
        lookups.append("db")
        return ANN

    return look_up


def test_a_token_is_looked_up_once_within_the_ttl_and_again_after_forget():
    recent, lookups = RecentTokens(ttl=3600), []
    assert recent.principal("t1", _counting(lookups)) is ANN
    assert recent.principal("t1", _counting(lookups)) is ANN
    assert lookups == ["db"]
    recent.forget("t1")
    assert recent.principal("t1", _counting(lookups)) is ANN
    assert lookups == ["db", "db"]


def test_an_old_memory_is_looked_up_again():
    recent, lookups = RecentTokens(ttl=0), []
    recent.principal("t1", _counting(lookups))
    recent.principal("t1", _counting(lookups))
    assert lookups == ["db", "db"]


def test_logout_ends_a_token_at_once_even_right_after_it_was_used(server, company):
    token = http.post(f"{server.url}/auth/login", json={"username": "ann", "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert http.get(f"{server.url}/sync/pull", headers=headers).status_code == 200  # remembered now
    assert http.post(f"{server.url}/auth/logout", headers=headers).status_code == 204
    assert http.get(f"{server.url}/sync/pull", headers=headers).status_code == 401
