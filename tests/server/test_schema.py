"""schemathesis over the server's own OpenAPI document, against a real
server on 127.0.0.1 (SQLite and PostgreSQL), signed in and not: no answer is
a server error, and every answer is one the document describes (status,
headers, body). Bounded and derandomized, so `make test` stays quick and a
failure comes back the same on the next run."""

from __future__ import annotations

import uuid

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection, positive_data_acceptance

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
#:   schema can tie the content to the name;
#: - the web lead form's values are checked by the field rules (a phone, a
#:   ZIP, a name or a way to reach the customer), which no schema states:
#:   the form comes back with the errors beside the fields (422); and one
#:   whose hidden honeypot field is filled is thanked (303) whatever it holds,
#:   so a bot never learns it was caught.
NOT_FOR = {("POST", "/auth/logout"): [ignored_auth], ("PUT", "/blobs/{sha}"): [positive_data_acceptance],
           ("POST", "/form/lead"): [positive_data_acceptance, negative_data_rejection]}


def _sign_in(url: str, username: str) -> dict[str, str]:
    answer = httpx.post(f"{url}/auth/login", json={"username": username, "password": PASSWORD}, timeout=60)
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.fixture(params=["signed in", "no token"])
def who(request, server):
    """`who(case)`: the headers a case is sent with. Signed in, each sign-out
    gets a token of its own (so it cannot sign the rest of the run out)."""
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


def test_what_schemathesis_found_stays_fixed(server, company):
    """Each was an answer the document did not describe."""
    client = httpx.Client(base_url=server.url, timeout=60)
    assert client.post("/auth/logout").status_code == 401  # was 204: a sign-out with nothing to sign out
    options = client.options(f"/blobs/{'0' * 64}")
    assert options.status_code == 405 and options.headers["Allow"] == "GET, HEAD, PUT"  # was "PUT" alone
    headers = _sign_in(server.url, "ann")
    for seq in (True, "1"):  # were taken as 1
        answer = client.post("/sync/push", json={"client_id": "d", "acked_seq": seq, "mutations": []}, headers=headers)
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["acked_seq"]
    assert client.post("/sync/push", json={"client_id": "d", "acked_seq": 3.0, "mutations": []},
                       headers=headers).status_code == 200  # JSON Schema's integer: 3.0 is one
    jump = client.post("/sync/push", headers=headers, json={"client_id": "d", "mutations": [
        {"seq": 2 ** 40, "table": "leads", "row_id": str(uuid.uuid4()), "op": "update", "fields": {}}]})
    assert jump.status_code == 409 and "jumps" in jump.json()["detail"]  # was 422 for a schema-valid body
    client.close()
