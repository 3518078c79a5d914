"""Signing in: one answer for unknown user and wrong password, a brake on
guessing, tokens that expire and can be revoked, the token file's mode."""

from __future__ import annotations

import stat
from datetime import timedelta

import pytest

from server_fixtures import PASSWORD, Server, http
from rep_tui.sync import credentials


def _login(server, username, password):
    return http.post(f"{server.url}/auth/login", json={"username": username, "password": password})


def test_login_returns_a_token_that_works_until_revoked(server, company):
    answer = _login(server, "ann", PASSWORD)
    assert answer.status_code == 200
    token = answer.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert http.get(f"{server.url}/auth/me", headers=headers).json()["username"] == "ann"
    assert http.post(f"{server.url}/auth/logout", headers=headers).status_code == 204
    assert http.get(f"{server.url}/auth/me", headers=headers).status_code == 401
    assert http.get(f"{server.url}/sync/pull", headers=headers).status_code == 401
    assert http.get(f"{server.url}/sync/pull").status_code == 401


def test_unknown_user_and_wrong_password_get_the_same_answer(server, company):
    wrong = _login(server, "ann", "nope")
    unknown = _login(server, "nobody", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_repeated_failures_are_refused_for_a_while(server, company):
    answers = [_login(server, "bob", "guess").status_code for _ in range(7)]
    assert answers[:5] == [401] * 5 and answers[-1] == 429
    locked = _login(server, "bob", PASSWORD)  # even the right password waits
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) >= 1
    assert _login(server, "ann", PASSWORD).status_code == 200  # other users are not locked


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_tokens_expire(backend, tmp_path):
    from server_fixtures import make_company

    srv = Server(backend, tmp_path / "blobs", token_ttl=timedelta(seconds=-1)).start()
    try:
        make_company(srv.engine)
        token = _login(srv, "ann", PASSWORD).json()["token"]
        assert http.get(f"{srv.url}/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    finally:
        srv.stop()


def test_client_keeps_the_token_readable_by_its_owner_only(server, company, tmp_path):
    answer = credentials.login(server.url, "ann", PASSWORD)
    path = credentials.save(server.url, answer, config_dir=tmp_path / "config")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = credentials.load(tmp_path / "config")
    assert loaded.token == answer.token and loaded.server_url == server.url
    credentials.forget(tmp_path / "config")
    assert credentials.load(tmp_path / "config") is None
    with pytest.raises(credentials.LoginFailed):
        credentials.login(server.url, "ann", "wrong")


def test_openapi_is_published(server):
    spec = http.get(f"{server.url}/openapi.json").json()
    assert {"/auth/login", "/sync/push", "/sync/pull", "/blobs/{sha}"} <= set(spec["paths"])
