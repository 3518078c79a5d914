"""The web lead form over real HTTP (httpx) against a real server on
127.0.0.1, SQLite and PostgreSQL: the page shows the Self Gen form's fields
with their labels, the admin's referral sources and the company's style; a
good form stores one unassigned lead and thanks; every bad one is refused
with its reason, what was typed kept and nothing stored; a bot filling the
hidden field is thanked and ignored; an address sending too many gets a 429
page. The admin's settings from `rep-tui admin`, and once in a real headless
Chromium: fill, submit, and the lead is in the manager's queue after a sync."""

from __future__ import annotations

import re
import shutil
import uuid
from typing import Iterator

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select

from rep_tui.cli import main
from rep_tui.server import admin_webform, webform
from rep_tui.server.models import FormPost
from rep_tui.store.models import Lead, Note
from rep_tui.store.selfgen import CONTACT_NEEDED, NAME_NEEDED
from server_fixtures import PASSWORD, Server, make_company, module_server

GOOD = {"first_name": "Grace", "last_name": "Hopper", "home_phone": "(312) 555-0199", "email": "grace@example.com",
        "address": "1200 Oak St", "city": "Chicago", "state": "IL", "zip": "60614", "product_interest": "Windows",
        "referral": "Search engine", "notes": "Two bay windows, please call after 5."}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory) -> Iterator[tuple[Server, httpx.Client]]:
    with module_server(request, tmp_path_factory, "webform") as (server, _client):
        make_company(server.engine)
        with httpx.Client(base_url=server.url, timeout=60) as client:
            yield server, client


@pytest.fixture
def server(site) -> Server:
    """The module's server with no form counted yet (the rate limit starts afresh)."""
    with site[0].engine.begin() as conn:
        conn.execute(delete(FormPost))
    return site[0]


@pytest.fixture
def http(site, server) -> httpx.Client:
    return site[1]


def _leads(server: Server) -> int:
    with server.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Lead)).scalar()


def _error(page: str, field: str) -> str | None:
    found = re.search(rf'<p class="error" id="e-{field}">([^<]*)</p>', page)
    return found.group(1) if found else None


def _value(page: str, field: str) -> str | None:
    found = re.search(rf'<input id="f-{field}" name="{field}" type="\w+" value="([^"]*)"', page)
    return found.group(1) if found else None


def test_the_form_shows_the_self_gen_fields_the_sources_and_the_style(server, http):
    admin_webform.set_style(server.engine, name="Acme <Windows> & Doors", primary="#C00")
    page = http.get("/form/lead")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    text = page.text
    for label in ("First Name", "Last Name", "Home Phone", "Cell Phone", "Email", "Address", "Zip Code"):
        assert f">{label}</label>" in text
    assert 'name="last_name" type="text" value="" maxlength="80"' in text  # the column's length
    assert "<option>Search engine</option>" in text and "<option>Windows</option>" in text
    assert NAME_NEEDED in text and CONTACT_NEEDED in text
    assert "<h1>Acme &lt;Windows&gt; &amp; Doors</h1>" in text and "color: #c00" in text
    assert 'name="website"' in text and 'class="trap" aria-hidden="true"' in text
    assert "<script" not in text


def test_a_good_form_stores_one_unassigned_lead_with_its_source_and_message(server, http):
    before = _leads(server)
    answer = http.post("/form/lead", data=GOOD)
    assert answer.status_code == 303 and answer.headers["location"] == "/form/lead/thanks"
    thanks = http.get(answer.headers["location"])
    assert thanks.status_code == 200 and "Thank you!" in thanks.text
    assert _leads(server) == before + 1
    with server.engine.connect() as conn:
        lead = conn.execute(select(Lead.__table__).where(Lead.last_name == "Hopper")).one()
        note = conn.execute(select(Note.__table__).where(Note.lead_id == lead.id)).one()
    assert lead.rep_id is None and lead.source == "web" and lead.referral == "Search engine"
    assert lead.home_phone_e164 == "+13125550199" and lead.product_interest == "Windows" and lead.pid is not None
    assert (note.author_name, note.body) == ("Web form", GOOD["notes"])


#: (field, typed value, words of the error shown beside it): each alone makes a good form bad.
REJECTIONS = [
    pytest.param({"first_name": "", "last_name": ""}, "first_name", NAME_NEEDED, id="no name"),
    pytest.param({"home_phone": "", "address": ""}, "home_phone", CONTACT_NEEDED, id="no way to reach them"),
    pytest.param({"home_phone": "555-01"}, "home_phone", "10 digits", id="bad phone"),
    pytest.param({"email": "grace@"}, "email", "after the @", id="bad email"),
    pytest.param({"last_name": "H" * 81}, "last_name", "At most 80 characters", id="too long"),
    pytest.param({"state": "Illinois"}, "state", "two-letter state", id="bad state"),
    pytest.param({"zip": "6061"}, "zip", "ZIP code", id="bad zip"),
    pytest.param({"referral": "A friend of a friend"}, "referral", "Choose one of the list", id="unknown source"),
    pytest.param({"product_interest": "Pools"}, "product_interest", "Choose one of", id="unknown product"),
    pytest.param({"city": "Chi\x1bcago"}, "city", "control character", id="control character"),
]


@pytest.mark.parametrize(("change", "field", "words"), REJECTIONS)
def test_a_bad_form_comes_back_with_the_reason_beside_the_field_and_stores_nothing(server, http, change, field,
                                                                                  words):
    before = _leads(server)
    typed = {**GOOD, "address": "<b>12</b> \"Oak\" St", **change}
    answer = http.post("/form/lead", data=typed)
    assert answer.status_code == 422
    assert words in (_error(answer.text, field) or ""), answer.text
    if field != "address" and "address" not in change:
        assert _value(answer.text, "address") == "&lt;b&gt;12&lt;/b&gt; &quot;Oak&quot; St"  # kept, escaped
    assert "nothing was sent yet" in answer.text
    assert _leads(server) == before


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_stored(server, http):
    before = _leads(server)
    answer = http.post("/form/lead", data={**GOOD, "website": "http://spam.example"})
    assert answer.status_code == 303 and answer.headers["location"] == "/form/lead/thanks"
    assert _leads(server) == before


def test_an_address_sending_too_many_forms_is_told_to_wait(server, http):
    before = _leads(server)
    for n in range(webform.RATE_LIMIT - 1):
        assert http.post("/form/lead", data={**GOOD, "last_name": f"Hopper{n}"}).status_code == 303
    assert http.post("/form/lead", data={**GOOD, "website": "spam"}).status_code == 303  # a bot's count too
    answer = http.post("/form/lead", data={**GOOD, "last_name": "Sixth"})
    assert answer.status_code == 429 and answer.headers["retry-after"] == "600"
    assert "Too many forms" in answer.text and "last 10 minutes" in answer.text
    assert _leads(server) == before + webform.RATE_LIMIT - 1
    assert http.get("/form/lead").status_code == 200  # the page itself is still there


def test_bad_forms_are_not_counted_against_the_address(server, http):
    for _ in range(webform.RATE_LIMIT + 1):
        assert http.post("/form/lead", data={**GOOD, "email": "x@"}).status_code == 422
    assert http.post("/form/lead", data=GOOD).status_code == 303


@pytest.mark.parametrize(("headers", "body", "status", "words"), [
    pytest.param({"Content-Type": "application/json"}, b'{"first_name": "Grace"}', 415, "Not a form", id="json"),
    pytest.param({"Content-Type": "multipart/form-data; boundary=x"}, b"--x--", 415, "Not a form", id="multipart"),
    pytest.param({}, b"first_name=Grace", 415, "Not a form", id="no content type"),
    pytest.param({"Content-Type": webform.FORM_CONTENT_TYPE}, b"first_name=Gr%FFace&home_phone=3125550199",
                 400, "UTF-8", id="not utf-8"),
    pytest.param({"Content-Type": webform.FORM_CONTENT_TYPE}, b"notes=" + b"x" * 20_000, 413, "at most 16 KB",
                 id="huge body"),
])
def test_what_is_not_a_form_is_refused_in_plain_words(server, http, headers, body, status, words):
    before = _leads(server)
    answer = http.post("/form/lead", content=body, headers=headers)
    assert answer.status_code == status and words in answer.text, answer.text
    assert _leads(server) == before


def test_the_admin_edits_the_style_and_the_sources_from_the_command_line(server):
    url = server.backend.url

    def admin(*args: str):
        return CliRunner().invoke(main, ["admin", "--db", url, *args], catch_exceptions=False)

    assert admin("referral-sources", "add", "Radio ad").exit_code == 0
    assert admin("referral-sources", "remove", "Other").exit_code == 0
    refused = admin("referral-sources", "add", "radio AD")
    assert refused.exit_code == 1 and "on the list already" in refused.output
    listed = admin("referral-sources", "list", "--json")
    assert '"Radio ad"' in listed.output and '"Other"' not in listed.output
    bad = admin("form-style", "--primary-colour", "red;} body {display:none")
    assert bad.exit_code == 1 and "not a colour" in bad.output
    assert admin("form-style", "--name", "Acme Windows", "--background-colour", "#ffffff").exit_code == 0
    with httpx.Client(base_url=server.url, timeout=60) as client:
        page = client.get("/form/lead").text
        assert "<option>Radio ad</option>" in page and "<option>Other</option>" not in page
        assert "<h1>Acme Windows</h1>" in page and "background: #ffffff" in page
        refused = client.post("/form/lead", data={**GOOD, "referral": "Other"})  # taken off the list
        assert refused.status_code == 422 and _error(refused.text, "referral")
    assert admin("referral-sources", "add", "Other").exit_code == 0


# --- once in a real browser ----------------------------------------------------------------


def _chromium() -> str:
    """The system Chromium, or a skip saying why there is none."""
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install 'rep-tui[test]')")
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("No Chromium on this machine: `apt-get install chromium` (make test tries it as root).")
    return found


def test_in_a_real_browser_a_customer_sends_the_form_and_the_manager_gets_the_lead(server, tmp_path):
    from playwright.sync_api import sync_playwright

    from server_fixtures import Device

    chromium = _chromium()
    name = f"Browser{uuid.uuid4().hex[:6]}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page()
            page.goto(f"{server.url}/form/lead")
            page.fill("#f-first_name", "Ada")
            page.fill("#f-last_name", name)
            page.fill("#f-home_phone", "312 555 01")  # too short: the form comes back
            page.select_option("#f-referral", "Friend or neighbour")
            page.fill("#f-notes", "A new roof before winter.")
            page.click("button[type=submit]")
            assert "10 digits" in page.inner_text("#e-home_phone")
            assert page.input_value("#f-last_name") == name  # what was typed is kept
            page.fill("#f-home_phone", "312 555 0123")
            page.click("button[type=submit]")
            page.wait_for_url(f"{server.url}/form/lead/thanks")
            assert "Thank you!" in page.inner_text("main")
        finally:
            browser.close()
    manager = Device(tmp_path / "maria", server, "maria", PASSWORD)
    try:
        manager.sync()
        from rep_tui.store.reassign import unassigned_leads

        with manager.store.session() as session:
            queue = [(lead.last_name, lead.referral, lead.home_phone_e164) for lead in unassigned_leads(session)]
        assert (name, "Friend or neighbour", "+13125550123") in queue
    finally:
        manager.close()
