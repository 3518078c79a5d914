"""An admin resets a user's password in the app: it is hashed on her device
(the clear text is never stored), sent by the next sync, and the user signs
in with it; a user who manages users but is no admin may not reset an
admin's (the refusal is kept and told); the server takes only a strong
argon2id hash from someone who may manage users. SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from rep_tui.domain.forms import FormErrors
from rep_tui.store import people
from rep_tui.store.client_models import PasswordReset
from rep_tui.sync import credentials
from server_fixtures import PASSWORD, give, http

NEW = "correct horse battery"


def _reset(device, username: str, password: str = NEW) -> None:
    with device.store.session() as s:
        from rep_tui.store.models import User

        user_id = s.scalars(select(User.id).where(User.username == username)).one()
        people.reset_password(s, user_id, password, password)


def _waiting(device) -> list[PasswordReset]:
    with device.store.session() as s:
        return list(s.scalars(select(PasswordReset)))


def _signs_in(server, username: str, password: str) -> bool:
    try:
        credentials.login(server.url, username, password)
    except credentials.LoginFailed:
        return False
    return True


def test_an_admin_resets_a_password_on_her_device_and_the_next_sync_sets_it(server, devices):
    ada = devices("ada")
    ada.sync()
    _reset(ada, "ann")
    stored = _waiting(ada)
    assert len(stored) == 1 and stored[0].password_hash.startswith("$argon2id$") and NEW not in stored[0].password_hash
    report = ada.sync()
    assert report.passwords_set == 1 and not report.rejected and "1 new password(s) set" in report.text()
    assert _waiting(ada) == []
    assert _signs_in(server, "ann", NEW) and not _signs_in(server, "ann", PASSWORD)


def test_a_user_manager_who_is_no_admin_may_not_reset_an_admins_password(server, devices):
    give(server.engine, "maria", "manage_users")
    maria = devices("maria")
    maria.sync()
    _reset(maria, "ada")
    _reset(maria, "bob")
    report = maria.sync()
    assert report.passwords_set == 1
    assert report.rejected == ["new password: You may not do this: only an admin may change an admin's account."]
    [kept] = _waiting(maria)
    assert kept.refused and "only an admin" in kept.refused
    assert _signs_in(server, "bob", NEW) and _signs_in(server, "ada", PASSWORD)
    assert maria.sync().rejected == []  # told once; kept for the Admin screen, not sent again


def test_the_forms_rules_hold_before_anything_is_hashed(devices):
    ada = devices("ada")
    ada.sync()
    with ada.store.session() as s, pytest.raises(FormErrors) as refused:
        from rep_tui.store.models import User

        people.reset_password(s, s.scalars(select(User.id).where(User.username == "ann")).one(), "short", "short")
    assert refused.value.errors == {"password": "A password needs at least 8 characters."}
    with ada.store.session() as s, pytest.raises(FormErrors, match="differ"):
        people.reset_password(s, s.scalars(select(User.id).where(User.username == "ann")).one(), NEW, NEW + "!")


def _headers(server, username: str) -> dict[str, str]:
    token = http.post(f"{server.url}/auth/login", json={"username": username, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_the_server_takes_only_a_strong_argon2id_hash_from_someone_who_manages_users(server, company):
    url = f"{server.url}/users/{company.users['ann']}/password"
    strong = PasswordHasher().hash(NEW)

    def put(username: str, hashed: str, where: str = url) -> httpx.Response:
        return http.put(where, json={"password_hash": hashed}, headers=_headers(server, username))

    assert put("bob", strong).status_code == 403  # a rep
    assert "manage users" in put("maria", strong).json()["detail"].lower()  # a manager, by default
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(NEW)
    assert put("ada", cheap).status_code == 422 and "weaker" in put("ada", cheap).json()["detail"][0]["msg"]
    assert put("ada", "$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA").status_code == 422
    assert put("ada", "plain text").status_code == 422
    assert put("ada", strong, f"{server.url}/users/{company.leads['ann'][0]}/password").status_code == 404
    assert put("ada", strong).status_code == 204
    assert _signs_in(server, "ann", NEW)
