"""The server trusts no device: what a modified client, a stolen token or a
script could send, over HTTP against the real server, on SQLite and
PostgreSQL. Each hole of issue 11 has its test here."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from urllib.parse import urlparse

import httpx
import pytest
from sqlalchemy import select, update

from rep_tui.server.db import take_versions
from rep_tui.server.limits import ROUTE_LIMITS
from rep_tui.server.models import LoginFailure
from server_fixtures import PASSWORD, give, http, server_rows
from rep_tui.server.seed import add_rows
from rep_tui.store.models import Attachment, Comment, Job, Lead, Note, ResultCode
from rep_tui.sync.protocol import MAX_SEQ

PUSH_LIMIT = next(limit for method, pattern, limit in ROUTE_LIMITS if pattern.pattern == r"^/sync/push$")


def _token(server, username: str) -> str:
    answer = http.post(f"{server.url}/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def _auth(server, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(server, username)}"}


def _push(server, headers, mutations, client_id: str = "probe-device", **extra) -> httpx.Response:
    body = {"client_id": client_id, "mutations": mutations, **extra}
    return http.post(f"{server.url}/sync/push", content=json.dumps(body), headers={
        **headers, "Content-Type": "application/json"}, timeout=60)


def _update(seq: int, table: str, row_id, **fields) -> dict:
    return {"seq": seq, "table": table, "row_id": str(row_id), "op": "update",
            "fields": {name: [None, value] for name, value in fields.items()}}


def _insert(seq: int, table: str, row_id, **fields) -> dict:
    return {**_update(seq, table, row_id, **fields), "op": "insert"}


def _raw_request(server, head: str, body: bytes = b"", *, more_chunks: int = 0, chunk: bytes = b"") -> str:
    """Send a request by hand (so nothing buffers the body) and return the
    answer, read while the rest of the body is still unsent: `more_chunks`
    chunks are sent one by one only as long as no answer has come."""
    address = urlparse(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(head.encode() + body)
        sock.settimeout(0.05)
        answer, sent = b"", 0
        while not _whole(answer):
            try:
                received = sock.recv(65536)
            except TimeoutError:
                if sent < more_chunks:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += 1
                else:
                    sock.settimeout(30)
                continue
            if not received:
                break
            answer += received
        return answer.decode("latin-1")


def _whole(answer: bytes) -> bool:
    head, sep, body = answer.partition(b"\r\n\r\n")
    if not sep:
        return False
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    return len(body) >= length


# --- 1. bodies bounded before authentication --------------------------------


def test_a_huge_push_is_refused_before_it_is_read(server, company):
    huge = 300 * 1024 * 1024
    head = (f"POST /sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {huge}\r\n\r\n")
    answer = _raw_request(server, head, b'{"client_id": ')  # 300 MB announced, 14 bytes sent
    assert answer.startswith("HTTP/1.1 413")
    assert f"at most {PUSH_LIMIT // (1024 * 1024)} MB" in answer


def test_a_chunked_push_without_a_token_is_refused_before_its_body(server, company):
    head = "POST /sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    # The body never ends (no closing chunk is sent): the answer comes from the headers alone.
    answer = _raw_request(server, head, b"10\r\n" + b"x" * 16 + b"\r\n")
    assert answer.startswith("HTTP/1.1 401")


def test_a_chunked_body_over_the_route_limit_gets_413_naming_it(server, company):
    head = "POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    answer = _raw_request(server, head, more_chunks=200, chunk=b"y" * 1024)  # up to 200 KB, over the 16 KB limit
    assert answer.startswith("HTTP/1.1 413") and "at most 16 KB" in answer
    head = ("POST /sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\nAuthorization: Bearer {_token(server, 'ann')}\r\n\r\n")
    answer = _raw_request(server, head, more_chunks=PUSH_LIMIT // 2 ** 20 + 8, chunk=b" " * 2 ** 20)
    assert answer.startswith("HTTP/1.1 413") and f"at most {PUSH_LIMIT // 2 ** 20} MB" in answer
    big_login = http.post(f"{server.url}/auth/login", content=b"x" * (17 * 1024),
                           headers={"Content-Type": "application/json"})
    assert big_login.status_code == 413 and "16 KB" in big_login.json()["detail"]


# --- 2. sequence numbers and odd strings -------------------------------------


def test_sequence_numbers_are_bounded_and_a_huge_one_cannot_swallow_later_pushes(server, company):
    ann = _auth(server, "ann")
    lead = company.leads["ann"][0]
    for seq in (0, -1, 2 ** 63, 2 ** 64, MAX_SEQ + 1):
        answer = _push(server, ann, [_update(seq, "leads", lead, city="Aurora")])
        assert answer.status_code == 422, (seq, answer.text)
        assert "seq" in answer.text
    answer = _push(server, ann, [_update(2 ** 63 - 1, "leads", lead, city="Aurora")])
    assert answer.status_code == 422
    answer = _push(server, ann, [_update(MAX_SEQ, "leads", lead, city="Aurora")])
    assert answer.status_code == 409 and "jumps" in answer.text
    answer = _push(server, ann, [_update(1, "leads", lead, city="Aurora")])
    assert answer.status_code == 200
    assert answer.json()["results"][0]["status"] == "applied"
    assert _push(server, ann, [], acked_seq=2 ** 63).status_code == 422


def test_lone_surrogates_nul_and_bad_utf8_get_a_reason_never_500(server, company):
    ann = _auth(server, "ann")
    lead = company.leads["ann"][0]
    body = ('{"client_id": "probe", "mutations": [{"seq": 1, "table": "leads", "row_id": "%s", "op": "update",'
            ' "fields": {"first_name": [null, "Ann\\ud800"]}}, {"seq": 2, "table": "leads", "row_id": "%s",'
            ' "op": "update", "fields": {"last_name": [null, "Nul\\u0000"]}}, {"seq": 3, "table": "le\\udc80ds",'
            ' "row_id": "%s", "op": "update", "fields": {"city": [null, "Joliet"]}}]}') % (lead, lead, lead)
    answer = http.post(f"{server.url}/sync/push", content=body, headers={**ann, "Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    first, second, third = answer.json()["results"]
    assert first["status"] == "rejected" and "Unicode" in first["reason"]
    assert second["status"] == "rejected" and "U+0000" in second["reason"]
    assert third["status"] == "rejected" and "unknown table" in third["reason"]
    row = server_rows(server.engine, "leads")[lead]
    assert (row["first_name"], row["last_name"]) == ("ann0", "Customer")
    bad_id = '{"client_id": "a\\ud800", "mutations": []}'
    assert http.post(f"{server.url}/sync/push", content=bad_id, headers=ann).status_code == 422
    not_utf8 = b'{"client_id": "a\xff\xfe", "mutations": []}'
    assert http.post(f"{server.url}/sync/push", content=not_utf8, headers=ann).status_code == 422
    login = http.post(f"{server.url}/auth/login", content='{"username": "ann\\ud800", "password": "x"}',
                       headers={"Content-Type": "application/json"})
    assert login.status_code == 422
    login = http.post(f"{server.url}/auth/login", json={"username": "ann\x00", "password": "x"})
    assert login.status_code == 422
    pulled = http.get(f"{server.url}/sync/pull", params={"client_id": "a\x00b"}, headers=ann)
    assert pulled.status_code == 422


# --- 3. every pushed value checked with the forms' rules -----------------------

HOSTILE_LEAD_VALUES = [
    ("first_name", "A" * 100_000, "At most 80 characters"),
    ("state", "TXX", "two-letter state"),
    ("home_phone", "call me maybe", "10 digits"),
    ("first_name", "Ann\x00", "U+0000"),
    ("last_name", "\x1b]52;c;aGk=\x07", "U+001B"),
    ("custom", "a plain string", "JSON object"),
    ("custom", "NESTED", "deeper than 8"),
    ("custom", {"blob": "x" * 20_000}, "bytes as JSON"),
    ("custom", {"roof": {"age": 12}}, "no custom field 'roof'"),
    ("zip", "6061", "ZIP code"),
    ("email", "not an email", "email"),
    ("invalid_email", "false", "true or false"),
    ("rep_id", "not-an-id", "bad value"),
    ("customer_status", "vip", "must be one of prospect, active, sold"),
    ("cell_phone", "(555) 234-4567", "Not a valid phone number"),  # 555 is no area code
]


def _nested(levels: int) -> dict:
    value: dict = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def test_hostile_values_are_refused_with_their_reason_and_the_rest_applies(server, company, devices):
    from rep_tui.server import custom_fields

    custom_fields.add_field(server.engine, "Roof Age", "number")
    ann = _auth(server, "ann")
    lead = company.leads["ann"][0]
    before = server_rows(server.engine, "leads")[lead]
    mutations = []
    for seq, (name, value, _reason) in enumerate(HOSTILE_LEAD_VALUES, 1):
        mutations.append(_update(seq, "leads", lead, **{name: _nested(254) if value == "NESTED" else value}))
    job = server_rows(server.engine, "jobs", Job.lead_id == lead)
    job_id = next(iter(job))
    mutations.append(_update(len(mutations) + 1, "jobs", job_id, total_units=-5))
    mutations.append(_update(len(mutations) + 1, "jobs", job_id, total_units=2 ** 40))
    good = len(mutations) + 1
    mutations.append({**_update(good, "leads", lead, city="Naperville", state="IL", home_phone="(312) 555-0142"),
                      "fields": {"city": [None, "Naperville"], "state": [None, "IL"],
                                 "customer_status": [None, "sold"],
                                 "home_phone": [None, "(312) 555-0142"], "custom": [{}, {"roof_age": 12}],
                                 "last_name": ["Customer", "O'Brien Jr."]}})
    mutations.append(_insert(good + 1, "comments", uuid.uuid4(), lead_id=str(lead), author_name="x",
                             body="gate code 42\n\tback door"))  # newline and tab are fine in long text
    answer = _push(server, ann, mutations)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    for (name, _value, reason), result in zip(HOSTILE_LEAD_VALUES, results):
        assert result["status"] == "rejected", (name, result)
        assert reason in result["reason"], (name, result["reason"])
        assert result["reason"].startswith(name if reason != "bad value" else "bad")
    assert [r["status"] for r in results[-4:]] == ["rejected", "rejected", "applied", "applied"], results[-4:]
    assert "between 0 and 999" in results[-4]["reason"] and "between 0 and 999" in results[-3]["reason"]
    after = server_rows(server.engine, "leads")[lead]
    assert after == {**before, "city": "Naperville", "state": "IL", "home_phone": "(312) 555-0142",
                     "customer_status": "sold",
                     "custom": {"roof_age": 12}, "last_name": "O'Brien Jr."}
    for username in ("ann", "maria"):  # pull still works for everyone
        assert devices(username).sync().error is None


def test_a_result_must_be_one_of_the_offices_active_codes(server, company):
    add_rows(server.engine, {"result_codes": [{"id": uuid.uuid4(), "code": "OLD", "label": "Retired", "key": "o",
                                               "counts_as_issued": False, "counts_as_demo": False,
                                               "counts_as_sale": False, "active": False}]})
    ann = _auth(server, "ann")
    lead = company.leads["ann"][0]
    job = next(iter(server_rows(server.engine, "jobs", Job.lead_id == lead)))
    appointment = uuid.uuid4()
    answer = _push(server, ann, [
        _insert(1, "appointments", appointment, lead_id=str(lead), starts_at="2026-11-25T15:00:00+00:00",
                result_code="XYZ"),
        _insert(2, "appointments", appointment, lead_id=str(lead), starts_at="2026-11-25T15:00:00+00:00"),
        _update(3, "appointments", appointment, result_code="OLD"),
        _update(4, "jobs", job, result_code="NOPE"),
        _update(5, "appointments", appointment, result_code="SOLD"),
    ])
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["rejected", "applied", "rejected", "rejected", "applied"], results
    assert "'XYZ' is not an active result code (SOLD)" in results[0]["reason"]
    assert "'OLD' is not an active result code" in results[2]["reason"]
    assert results[3]["reason"].startswith("result_code: 'NOPE'")
    assert server_rows(server.engine, "appointments")[appointment]["result_code"] == "SOLD"
    assert server_rows(server.engine, "jobs")[job]["result_code"] is None
    with server.engine.begin() as conn:  # the office retires SOLD: results already given stay
        conn.execute(update(ResultCode).where(ResultCode.code == "SOLD").values(active=False))
    later = _push(server, ann, [_update(6, "appointments", appointment, notes="signed on the spot")])
    assert later.json()["results"][0]["status"] == "applied", later.text


def test_a_new_row_missing_a_required_field_is_refused_naming_it(server, company):
    answer = _push(server, _auth(server, "ann"), [
        _insert(1, "comments", uuid.uuid4(), lead_id=str(company.leads["ann"][0])),
        _insert(2, "attachments", uuid.uuid4(), lead_id=str(company.leads["ann"][0]), kind="document")])
    first, second = answer.json()["results"]
    assert first["status"] == "rejected" and first["reason"] == "a new comments row needs body"
    assert second["reason"] == "a new attachments row needs description, filename, mime, sha256, size"


def test_a_reference_to_a_row_the_server_lacks_is_refused_in_plain_words(server, company):
    lead, nowhere = company.leads["ann"][0], str(uuid.uuid4())
    rep = _push(server, _auth(server, "ann"), [
        _insert(1, "appointments", uuid.uuid4(), lead_id=str(lead), starts_at="2026-11-25T15:00:00+00:00",
                job_id=nowhere),
        _insert(2, "contacts", uuid.uuid4(), lead_id=nowhere, name="Pat"),
        _insert(3, "contacts", uuid.uuid4(), lead_id=str(company.leads["carl"][0]), name="Pat")])  # not hers
    office = _push(server, _auth(server, "ada"), [_insert(1, "teams", uuid.uuid4(), name="East", office_id=nowhere)])
    reasons = [r["reason"] for r in rep.json()["results"] + office.json()["results"]]
    assert reasons == ["job_id: no such jobs row", "lead_id: no such leads row", "lead_id: no such leads row",
                       "office_id: no such offices row"]


# --- 4. identity fields are the server's ---------------------------------------


@pytest.mark.parametrize("username", ["ann", "maria"])
def test_a_forged_author_is_replaced_by_the_signed_in_user(server, company, username):
    headers = _auth(server, username)
    lead = company.leads["ann"][0]
    comment, note_lead = uuid.uuid4(), lead
    sha = "ab" * 32
    attachment = uuid.uuid4()
    answer = _push(server, headers, [
        _insert(1, "comments", comment, lead_id=str(note_lead), author_id=str(company.users["ada"]),
                author_name="Ada the Admin", body="approved, no deposit", created_at="2001-01-01T00:00:00+00:00"),
        _insert(2, "attachments", attachment, lead_id=str(lead), kind="document", filename="a.pdf",
                description="contract", sha256=sha, size=3, mime="application/pdf",
                uploaded_by=str(company.users["ada"]), created_at="2001-01-01T00:00:00+00:00"),
        _update(3, "comments", comment, author_name="Ada the Admin"),
    ])
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "applied", "rejected"]
    stored = server_rows(server.engine, "comments", Comment.id == comment)[comment]
    assert (stored["author_id"], stored["author_name"]) == (str(company.users[username]), username.title())
    assert not stored["created_at"].startswith("2001")
    stored = server_rows(server.engine, "attachments", Attachment.id == attachment)[attachment]
    assert stored["uploaded_by"] == str(company.users[username]) and not stored["created_at"].startswith("2001")


# --- 5. one bad row never stops a pull -----------------------------------------


def test_a_row_that_cannot_be_encoded_is_left_out_and_the_rest_arrive(server, company, devices):
    bad, good = company.leads["ann"][0], company.leads["ann"][1]
    with server.engine.begin() as conn:  # as a hand edit or an old bug would leave it
        version = take_versions(conn, 1)
        conn.execute(update(Lead).where(Lead.id == bad).values(custom=_nested(300), version=version))
    for username in ("ann", "maria"):
        answer = http.get(f"{server.url}/sync/pull", headers=_auth(server, username))
        assert answer.status_code == 200
        leads = {row["id"] for row in answer.json()["upserts"]["leads"]}
        assert str(good) in leads and str(bad) not in leads
    fresh = devices("ann")  # a new device signs in and makes its first sync
    assert fresh.sync().error is None
    assert good in fresh.rows("leads") and bad not in fresh.rows("leads")
    assert len(fresh.rows("jobs")) == 3


# --- 6. logins at the same moment ----------------------------------------------


def test_sixteen_logins_at_once_all_succeed_and_failures_at_once_all_count(server, company):
    answers: list[int] = []

    def sign_in(username: str, password: str) -> None:
        answer = http.post(f"{server.url}/auth/login", json={"username": username, "password": password},
                            timeout=120)
        answers.append(answer.status_code)

    threads = [threading.Thread(target=sign_in, args=(name, PASSWORD))
               for name in ["ann", "bob", "carl", "maria"] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 16
    answers.clear()
    threads = [threading.Thread(target=sign_in, args=("bob", "wrong")) for _ in range(4)]
    threads += [threading.Thread(target=sign_in, args=("ann", PASSWORD)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] * 4 + [401] * 4
    with server.engine.connect() as conn:
        assert conn.execute(select(LoginFailure.failures).where(LoginFailure.key == "user:bob")).scalar() == 4
    for _ in range(2):
        sign_in("bob", "wrong")
    sign_in("bob", PASSWORD)
    assert answers[-3:] == [401, 429, 429]  # the fifth failure locked bob out


# --- 7. naming a SHA grants nothing --------------------------------------------


def test_a_blob_is_read_only_through_an_attachment_of_someone_who_sent_it(server, company):
    ann, carl, maria = _auth(server, "ann"), _auth(server, "carl"), _auth(server, "maria")
    data = b"%PDF-1.4 ann's signed contract"
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    assert http.put(f"{server.url}/blobs/{sha}", content=data, headers=ann).status_code == 201
    attach = {"kind": "document", "filename": "c.pdf", "description": "contract", "sha256": sha,
              "size": len(data), "mime": "application/pdf"}
    assert _push(server, ann, [_insert(1, "attachments", uuid.uuid4(), lead_id=str(company.leads["ann"][0]),
                                       **attach)]).json()["results"][0]["status"] == "applied"
    assert http.get(f"{server.url}/blobs/{sha}", headers=maria).content == data  # her manager sees it
    stolen = _push(server, carl, [_insert(1, "attachments", uuid.uuid4(), lead_id=str(company.leads["carl"][0]),
                                          **attach)], client_id="carl-device")
    assert stolen.json()["results"][0]["status"] == "applied"  # the row is his to write...
    assert http.get(f"{server.url}/blobs/{sha}", headers=carl).status_code == 404  # ...the content is not his
    assert http.head(f"{server.url}/blobs/{sha}", headers=carl).status_code == 404
    assert http.put(f"{server.url}/blobs/{sha}", content=b"guess", headers=carl).status_code == 400
    assert http.get(f"{server.url}/blobs/{sha}", headers=carl).status_code == 404
    assert http.put(f"{server.url}/blobs/{sha}", content=data, headers=carl).status_code == 200  # he holds it
    assert http.get(f"{server.url}/blobs/{sha}", headers=carl).content == data


# --- 8. deleting a lead deletes its children ------------------------------------


def test_deleting_a_lead_deletes_its_children_and_devices_drop_them(server, company, devices):
    give(server.engine, "ann", "delete_leads")
    ann_device, maria_device = devices("ann"), devices("maria")
    ann_device.sync()
    maria_device.sync()
    ann = _auth(server, "ann")
    lead = company.leads["ann"][0]
    comment = uuid.uuid4()
    assert _push(server, ann, [_insert(1, "comments", comment, lead_id=str(lead), body="call after 5",
                                       author_name="x")]).status_code == 200
    maria_device.sync()
    assert comment in maria_device.rows("comments")
    delete = {"seq": 2, "table": "leads", "row_id": str(lead), "op": "delete", "fields": {}}
    assert _push(server, ann, [delete]).json()["results"][0]["status"] == "applied"
    for table, model in (("jobs", Job), ("notes", Note), ("comments", Comment)):
        assert server_rows(server.engine, table, model.lead_id == lead) == {}, table
    late = _push(server, ann, [_insert(3, "comments", uuid.uuid4(), lead_id=str(lead), body="too late",
                                       author_name="x")])
    assert late.json()["results"][0]["status"] == "rejected" and "deleted" in late.json()["results"][0]["reason"]
    for device in (ann_device, maria_device):
        device.sync()
        assert lead not in device.rows("leads")
        assert all(row["lead_id"] != str(lead) for table in ("jobs", "notes", "comments")
                   for row in device.rows(table).values())


# --- 9. any well-typed mutation: a reason in the server's words -----------------


def _wire_values(column, ids: list[str]):
    """JSON values of a column's type, many of them refused by the forms' rules."""
    from hypothesis import strategies as st
    from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Numeric, String, Uuid

    kind = column.type
    impl = getattr(kind, "impl", kind)
    if isinstance(kind, Boolean):
        values = st.booleans()
    elif isinstance(kind, Integer):
        values = st.integers(-2 ** 64, 2 ** 64) | st.integers(0, 100)
    elif isinstance(kind, Numeric):
        values = st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str)
    elif isinstance(kind, JSON):
        values = st.dictionaries(st.text(max_size=5), st.none() | st.integers() | st.text(max_size=20), max_size=3)
    elif isinstance(kind, Uuid):
        values = st.sampled_from(ids)
    elif isinstance(impl, DateTime):
        values = st.datetimes().map(lambda moment: moment.isoformat() + "+00:00")
    elif isinstance(kind, Date):
        values = st.dates().map(str)
    elif isinstance(kind, String):
        values = st.text(max_size=(kind.length or 40) + 5) | st.sampled_from(
            ["SOLD", "document", "phone", "new", "rep", "IL", "60601", "(312) 555-0100", "a@b.co", "ab" * 32])
    else:
        values = st.text(max_size=10)
    return st.none() | values if column.nullable else values


@pytest.mark.parametrize("username", ["ann", "maria", "ada"])
def test_random_well_typed_mutations_get_the_servers_reasons_and_pulls_go_on(server, company, username):
    """Mutations of every table, op and column, with values of the column's
    type pointing at real and unknown rows: never a 5xx, never the database's
    own words as a reason, and the user's pull works after each push."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from rep_tui.store.models import SYNCED_TABLES

    headers = _auth(server, username)
    jobs = list(server_rows(server.engine, "jobs"))
    ids = [str(row_id) for row_id in (*company.users.values(), *jobs,
                                      *(lead for leads in company.leads.values() for lead in leads))]
    ids += [str(uuid.UUID(int=n)) for n in range(1, 30)]  # rows the server does not have (yet)
    seqs = iter(range(1, 10 ** 6))

    @st.composite
    def mutation(draw):
        table = draw(st.sampled_from(sorted(SYNCED_TABLES)))
        columns = [c for c in SYNCED_TABLES[table].__table__.columns if c.key not in ("id", "version", "updated_at")]
        op = draw(st.sampled_from(["insert", "insert", "update", "delete"]))
        chosen = columns if op == "insert" else draw(st.lists(st.sampled_from(columns), max_size=4,
                                                               unique_by=lambda c: c.key))
        return {"table": table, "row_id": draw(st.sampled_from(ids)), "op": op,
                "fields": {c.key: [None, draw(_wire_values(c, ids))] for c in chosen}}

    @settings(max_examples=25, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(mutation(), min_size=1, max_size=5))
    def pushes(mutations):
        for m in mutations:
            m["seq"] = next(seqs)
        answer = _push(server, headers, mutations)
        assert answer.status_code == 200, answer.text
        for result in answer.json()["results"]:
            assert not (result["reason"] or "").startswith("the server could not store it"), result
        assert http.get(f"{server.url}/sync/pull", headers=headers).status_code == 200

    pushes()
