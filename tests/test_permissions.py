"""The permission vocabulary: a user in no group gets their role's defaults;
a group's grant replaces them (names a newer server knows are ignored)."""

import uuid

import pytest

from rep_tui.domain.permissions import ROLE_DEFAULTS, Permission, granted
from rep_tui.server.auth import AuthError, Principal, require


def test_a_user_in_no_group_gets_the_defaults_of_their_role():
    assert granted("rep") == ROLE_DEFAULTS["rep"]
    assert granted("admin") == frozenset(Permission)
    assert Permission.MANAGE_USERS not in granted("manager")


def test_a_group_grant_replaces_the_role_defaults_and_ignores_unknown_names():
    assert granted("admin", ["see_payments", "fly_to_the_moon"]) == {Permission.SEE_PAYMENTS}


def test_the_server_refuses_a_function_the_user_may_not_use_in_plain_words():
    rep = Principal(uuid.uuid4(), "rita", "Rita Rep", "rep", None)
    require(rep, Permission.SEE_PAYMENTS)
    with pytest.raises(AuthError) as refused:
        require(rep, Permission.MERGE)
    assert refused.value.status == 403
    assert "merge customers" in refused.value.detail
