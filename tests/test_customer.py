"""Customer Information driven by keys: edit, comment, upload, related,
contacts, engagements, history, the map and documents, on the demo company."""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote_plus, urlparse

import pytest
from customer_leads import files_lead, sale_lead
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Attachment, ChangeRecord, Comment, Contact, Engagement, Lead
from rep_tui.store.search import search

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_obrien(pilot, store):
    """Push Customer Information for the first O'Brien that search finds."""
    with store.session() as session:
        lead_id = search(session, "O'Brien")[0].lead_id
    pilot.app.open_lead(lead_id)
    await settle(pilot)
    return lead_id


async def clear_and_type(pilot, text: str) -> None:
    await pilot.press("end", *["backspace"] * 40, *text)


def rows_of(store, model, lead_id) -> int:
    """How many rows of `model` the lead has."""
    with store.session() as session:
        return len(session.scalars(select(model).where(model.lead_id == lead_id)).all())


def error_of(screen, field: str) -> str:
    return str(screen.query_one(f"#field-{field} .field-error").render())


async def test_edit_phone_refuses_bad_value_then_saves_with_history_and_outbox(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_obrien(pilot, store)
        with store.session() as session:
            before = session.get(Lead, lead_id).home_phone
        await pilot.press("e")
        await settle(pilot)
        await clear_and_type(pilot, "555 12")
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert "10 digits" in error_of(dialog, "home_phone")
        with store.session() as session:
            assert session.get(Lead, lead_id).home_phone == before
        await clear_and_type(pilot, "(312) 555-0177")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not dialog
    with store.session() as session:
        lead = session.get(Lead, lead_id)
        assert (lead.home_phone, lead.home_phone_e164) == ("(312) 555-0177", "+13125550177")
        history = session.scalars(select(ChangeRecord).where(
            ChangeRecord.row_id == lead_id, ChangeRecord.field == "home_phone")).all()
        assert [(h.new_value, h.user_name) for h in history] == [("(312) 555-0177", "Dana Reyes")]
        outbox = session.scalars(select(OutboxEntry).where(OutboxEntry.row_id == lead_id)).all()
        assert outbox[-1].op == "update"
        assert outbox[-1].fields["home_phone_e164"][1] == "+13125550177"


async def test_history_tab_shows_the_phone_edit(store):
    app = RepApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_obrien(pilot, store)
        await pilot.press("e")
        await settle(pilot)
        await clear_and_type(pilot, "(312) 555-0177")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        table = app.screen.query_one("#history-table")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert ("Home Phone", "(312) 555-0177") in [(str(r[3]), str(r[5])) for r in rows]
        assert str(rows[0][1]) == "Dana Reyes"


async def test_add_comment_refuses_empty_then_shows_author_and_date(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_obrien(pilot, store)
        count = rows_of(store, Comment, lead_id)
        await pilot.press("c", "a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "empty comment" in error_of(app.screen, "body")
        await pilot.press(*"Wife wants bronze frames")
        await pilot.press("ctrl+s")
        await settle(pilot)
        cards = [c for c in app.screen.query("#comments-list .post")
                 if str(c.query_one(".post-body").render()) == "Wife wants bronze frames"]
        assert len(cards) == 1
        card = cards[0]
        assert str(card.query_one(".post-author").render()) == "Dana Reyes"
        assert str(card.query_one(".post-date").render()) == "11/24/2026 10:00 AM"
    assert rows_of(store, Comment, lead_id) == count + 1


async def test_escape_closes_add_comment_without_adding(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_obrien(pilot, store)
        count = rows_of(store, Comment, lead_id)
        await pilot.press("c", "plus")
        await pilot.press(*"never mind", "escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "CustomerScreen"
    assert rows_of(store, Comment, lead_id) == count


async def test_upload_needs_description_and_stores_blob_by_hash(store, tmp_path):
    photo = tmp_path / "porch.png"
    photo.write_bytes(b"\x89PNG fake picture bytes" * 10)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_obrien(pilot, store)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press(*str(photo), "tab")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "description is required" in error_of(app.screen, "description")
        with store.session() as session:
            assert not session.scalars(select(Attachment).where(Attachment.filename == "porch.png")).all()
        await pilot.press(*"Back porch")
        await pilot.press("ctrl+s")
        await settle(pilot)
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    blob = app.settings.paths.blobs_dir / sha[:2] / sha
    assert blob.read_bytes() == photo.read_bytes()
    with store.session() as session:
        row = session.scalars(select(Attachment).where(Attachment.lead_id == lead_id,
                                                       Attachment.filename == "porch.png")).one()
        assert (row.sha256, row.kind, row.description, row.size) == (sha, "picture", "Back porch", photo.stat().st_size)


async def test_upload_refuses_a_file_over_the_limit_naming_its_size(store, tmp_path, monkeypatch):
    from rep_tui.config import reset_settings_cache

    monkeypatch.setenv("REP_TUI_MAX_UPLOAD_BYTES", "1000")
    reset_settings_cache()
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"x" * 3000)
    blobs_dir = store.path.parent / "blobs"
    blobs_before = set(blobs_dir.rglob("*"))
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_obrien(pilot, store)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press(*str(big), "tab", *"Signed contract", "ctrl+s")
        await settle(pilot)
        message = error_of(app.screen, "path")
        assert "2.9 KB" in message and "1000 bytes" in message
    assert set(blobs_dir.rglob("*")) == blobs_before
    with store.session() as session:
        assert not session.scalars(select(Attachment).where(Attachment.filename == "scan.pdf")).all()


async def test_related_lead_opens_and_escape_comes_back(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_obrien(pilot, store)
        first = app.screen
        await pilot.press("r")
        await settle(pilot)
        table = first.query_one("#related-table")
        assert table.row_count > 0
        assert "last name" in str(table.get_row_at(table.cursor_row)[-1]) or table.row_count
        await pilot.press("enter")
        await settle(pilot)
        second = app.screen
        assert second is not first and second.lead_id != lead_id
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is first


async def test_contact_add_edit_and_delete_with_confirm(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        lead_id = await open_obrien(pilot, store)
        await pilot.press("o", "a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Name is required" in error_of(app.screen, "name")
        await pilot.press(*"Pat Kelly", "tab", *"312 555 0111", "tab", *"Spouse", "tab", *"50", "ctrl+s")
        await settle(pilot)
        with store.session() as session:
            contact = session.scalars(select(Contact).where(Contact.lead_id == lead_id,
                                                            Contact.name == "Pat Kelly")).one()
            assert (contact.position, str(contact.ownership_pct)) == ("Spouse", "50.00")
        table = app.screen.query_one("#contacts-table")
        table.focus()
        table.move_cursor(row=table.get_row_index(str(contact.id)))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab", "tab")
        await clear_and_type(pilot, "Co-owner")
        await pilot.press("ctrl+s")
        await settle(pilot)
        with store.session() as session:
            assert session.get(Contact, contact.id).position == "Co-owner"
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        with store.session() as session:
            assert not session.get(Contact, contact.id).deleted
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert str(contact.id) not in app.screen.query_one("#contacts-table").rows
    with store.session() as session:
        assert session.get(Contact, contact.id).deleted


async def test_engagement_missing_mandatory_field_is_refused(store):
    app = RepApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        lead_id = await open_obrien(pilot, store)
        before = rows_of(store, Engagement, lead_id)
        await pilot.press("g", "a")
        await settle(pilot)
        await pilot.press(*"Brought samples", "ctrl+s")
        await pilot.pause()
        assert "Contact type is required" in error_of(app.screen, "contact_type")
        assert rows_of(store, Engagement, lead_id) == before
        assert "Nothing was saved" in str(app.screen.query_one("#dialog-message").render())


async def open_lead(pilot, lead_id) -> None:
    pilot.app.open_lead(lead_id)
    await settle(pilot)


def run_locally(monkeypatch) -> None:
    """As on the rep's own laptop: a display and no SSH session."""
    for name in ("SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")


def record_opened_urls(app, monkeypatch) -> list[str]:
    """`app.open_url` is our seam to the system browser: keep what it is asked to open."""
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    return opened


async def test_map_over_ssh_shows_the_link_and_copies_it(store, monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    with store.session() as session:
        lead = session.get(Lead, sale_lead(session))
    address = f"{lead.address}, {lead.city}, {lead.state} {lead.zip}"
    url = "https://www.google.com/maps/search/?api=1&query=" + quote_plus(address)
    app = RepApp(store)
    opened = record_opened_urls(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lead(pilot, lead.id)
        await pilot.press("m")
        await settle(pilot)
        assert type(app.screen).__name__ == "MapLinkScreen"
        assert str(app.screen.query_one("#map-address").render()) == address
        assert app.clipboard == f"{address}\n{url}"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "CustomerScreen"
    assert opened == []  # a browser opened over SSH would appear on the server, not before the rep


async def test_map_on_the_reps_machine_opens_the_browser(store, monkeypatch):
    run_locally(monkeypatch)
    with store.session() as session:
        lead = session.get(Lead, sale_lead(session))
    app = RepApp(store)
    opened = record_opened_urls(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lead(pilot, lead.id)
        await pilot.press("m")
        await settle(pilot)
        assert type(app.screen).__name__ == "CustomerScreen"
    assert opened == ["https://www.google.com/maps/search/?api=1&query="
                      + quote_plus(f"{lead.address}, {lead.city}, {lead.state} {lead.zip}")]


async def enter_on_a_text_document(pilot, store) -> tuple[Attachment, bytes]:
    """Show the files lead's Docs tab, press Enter on its newest text document;
    returns that document and the bytes of its file."""
    with store.session() as session:
        lead_id = files_lead(session)
        document = session.scalars(select(Attachment).where(
            Attachment.lead_id == lead_id, Attachment.mime == "text/plain").order_by(Attachment.created_at.desc())
        ).first()
    await open_lead(pilot, lead_id)
    await pilot.press("d")
    table = pilot.app.screen.query_one("#documents-table")
    while table.current_key() != str(document.id):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    blobs = store.path.parent / "blobs"
    return document, (blobs / document.sha256[:2] / document.sha256).read_bytes()


async def test_text_document_over_ssh_is_shown_in_the_terminal(store, monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    app = RepApp(store)
    opened = record_opened_urls(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        _document, content = await enter_on_a_text_document(pilot, store)
        assert type(app.screen).__name__ == "DocumentTextScreen"
        assert app.screen.query_one("#document-text").text == content.decode()
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "CustomerScreen"
    assert opened == []


async def test_document_on_the_reps_machine_opens_in_the_viewer(store, monkeypatch, tmp_path):
    run_locally(monkeypatch)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    app = RepApp(store)
    opened = record_opened_urls(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        document, content = await enter_on_a_text_document(pilot, store)
        assert type(app.screen).__name__ == "CustomerScreen"
    assert len(opened) == 1
    path = Path(urlparse(opened[0]).path)
    assert path.name == document.filename  # the viewer knows the kind of file by its name
    assert path.read_bytes() == content


async def test_editing_an_engagement_records_only_what_changed(store):
    with store.session() as session:
        lead_id = sale_lead(session)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lead(pilot, lead_id)
        await pilot.press("g")
        engagement_id = uuid.UUID(app.screen.query_one("#engagements-table").current_key())
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("end", *" (called back)", "ctrl+s")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert type(app.screen).__name__ == "ChangesScreen"
        table = app.screen.query_one("#changes-table")
        field = [str(column.label) for column in table.columns.values()].index("Field")
        assert [str(table.get_row_at(i)[field]) for i in range(table.row_count)] == ["Subject"]
    with store.session() as session:
        changes = session.scalars(select(ChangeRecord).where(ChangeRecord.row_id == engagement_id)).all()
        assert [(c.field, c.new_value.endswith(" (called back)")) for c in changes] == [("subject", True)]
