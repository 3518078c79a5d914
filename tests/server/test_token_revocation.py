"""A token stops working the moment it is revoked, whoever revokes it: the
device itself (logout), or the office (`rep-tui admin users disable`) from
another process while the token is in use."""

from __future__ import annotations

from rep_tui.server import admin
from server_fixtures import PASSWORD, http


def _signed_in(server, username: str = "ann") -> dict[str, str]:
    token = http.post(f"{server.url}/auth/login", json={"username": username, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_logout_ends_a_token_at_once_even_right_after_it_was_used(server, company):
    headers = _signed_in(server)
    assert http.get(f"{server.url}/sync/pull", headers=headers).status_code == 200
    assert http.post(f"{server.url}/auth/logout", headers=headers).status_code == 204
    assert http.get(f"{server.url}/sync/pull", headers=headers).status_code == 401


def test_disabling_a_user_elsewhere_ends_their_token_at_once(server, company):
    headers = _signed_in(server)
    assert http.get(f"{server.url}/sync/pull", headers=headers).status_code == 200  # just used
    was_active, revoked = admin.disable_user(server.engine, "ann")  # what `rep-tui admin users disable ann` does
    assert was_active and revoked == 1
    answer = http.get(f"{server.url}/sync/pull", headers=headers)
    assert answer.status_code == 401 and "Sign in again" in answer.json()["detail"]
    assert http.get(f"{server.url}/sync/pull", headers=_signed_in(server, "bob")).status_code == 200
