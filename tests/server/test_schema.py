"""schemathesis over the server's own OpenAPI document, against a real
server on 127.0.0.1 (SQLite and PostgreSQL), signed in and not: no answer is
a server error, and every answer is one the document describes (status,
headers, body). Bounded and derandomized, so `make test` stays quick and a
failure comes back the same on the next run."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from server_fixtures import PASSWORD

EXAMPLES = 10
#: Extra query parameters are ignored, as HTTP APIs do (an older server
#: then serves a newer client), so no case adds them.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict({"generation": {
    "allow-extra-parameters": False, "deterministic": True, "max-examples": EXAMPLES}})
#: Checks that do not hold for one route, by design:
#: - a sign-out with a token that is unknown, expired or revoked already is
#:   no error (204): there is nothing left to sign out, and the device forgets it;
#: - a blob whose content does not match its name is refused (400), though no
#:   schema can tie the content to the name.
NOT_FOR = {("POST", "/auth/logout"): [ignored_auth], ("PUT", "/blobs/{sha}"): [positive_data_acceptance]}


def _sign_in(url: str, username: str) -> dict[str, str]:
    answer = httpx.post(f"{url}/auth/login", json={"username": username, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.fixture(params=["signed in", "no token"])
def who(request, server):
    """The headers a case is sent with, as `(server url, make headers)`:
    signed in, each sign-out gets a token of its own (so it cannot sign the
    rest of the run out)."""
    if request.param == "no token":
        return lambda _case: {}
    shared = _sign_in(server.url, "ann")
    return lambda case: _sign_in(server.url, "bob") if case.path == "/auth/logout" else shared


@pytest.fixture
def api(server, company, who):
    """The server's document (asking for `who` here puts it among the test's parameters)."""
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json", config=CONFIG)


schema = schemathesis.pytest.from_fixture("api")


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case, who):
    case.call_and_validate(headers=who(case), excluded_checks=NOT_FOR.get((case.method.upper(), case.path), []))
