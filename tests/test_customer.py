"""Customer Information driven by keys: edit, comment, upload, related,
contacts, engagements, history, the map and documents, on the demo company."""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote_plus, urlparse

import pytest
from customer_leads import enter_on_document, files_lead, sale_lead
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.screens.confirm import ConfirmScreen
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
        assert isinstance(app.screen, ConfirmScreen) and app.screen.question == "Discard changes?"  # never unasked
        await pilot.press("y")
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
        await pilot.press("l")
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
    await enter_on_document(pilot, document)
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


def add_pictures(store, lead_id, blobs_dir, descriptions: dict[str, bool]) -> None:
    """Pictures of the lead; each True one has its file on this device, each False one only its row
    (synced metadata whose blob has not come down yet)."""
    import random

    from rep_tui.demo.files import house_png
    from rep_tui.store import writes
    from rep_tui.store.leads import add_attachment, store_blob

    with store.session() as session, tempfile.TemporaryDirectory() as folder:
        for n, (description, on_device) in enumerate(descriptions.items()):
            source = Path(folder) / f"extra-{n}.png"
            source.write_bytes(house_png(random.Random(n)))
            sha, size = store_blob(blobs_dir, source, 1 << 20) if on_device else ("0f" * 32, 1234)
            add_attachment(session, writes.Actor(None, "Dana Reyes", "test"), lead_id, source.name, description,
                           sha, size)


def picture_title(app) -> str:
    return str(app.screen.query_one("#picture-title").render())


async def test_pictures_grid_moves_opens_the_full_view_and_steps_through(store):
    from textual_image.widget import HalfcellImage

    from rep_tui.widgets.tabs.pictures import THUMB_COLS, PictureCell, PictureGallery

    app = RepApp(store)
    with store.session() as session:
        lead_id = files_lead(session)
    add_pictures(store, lead_id, app.settings.paths.blobs_dir, {"Side yard": True, "Not synced yet": False})
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lead(pilot, lead_id)
        await pilot.press("p")
        await settle(pilot)
        gallery = app.screen.query_one(PictureGallery)
        assert app.focused is gallery and gallery.columns == 3 and len(gallery.pictures) == 4
        descriptions = [p.description for p in gallery.pictures]
        cells = list(gallery.query(PictureCell))
        missing = descriptions.index("Not synced yet")
        for index, cell in enumerate(cells):  # a thumbnail for each file on the device, a sentence for the other
            drawn = cell.query(HalfcellImage)
            assert (len(drawn) == 0) == (index == missing)
        assert "Not downloaded yet" in str(cells[missing].query_one(".picture-problem").render())
        assert [cell.has_class("-cursor") for cell in cells] == [True, False, False, False]

        await pilot.press("right", "right", "down")  # 0 → 1 → 2, then the row below has only index 3
        assert gallery.cursor == 3
        await pilot.press("up", "left", "left", "down", "up")  # up to 0 (column 0), left stops at 0, down to 3, up to 0
        assert gallery.cursor == 0
        await pilot.press("right", "enter")
        await settle(pilot)
        assert picture_title(app) == f"Picture 2 of 4 — {descriptions[1]}"
        await pilot.press("right")
        await settle(pilot)
        assert picture_title(app) == f"Picture 3 of 4 — {descriptions[2]}"
        await pilot.press("left", "left", "left")  # back past the first to the last
        await settle(pilot)
        assert picture_title(app) == f"Picture 4 of 4 — {descriptions[3]}"
        facts = str(app.screen.query_one("#picture-facts").render())
        picture = gallery.pictures[3]
        assert facts.startswith(f"{picture.filename} · ") and "uploaded by" in facts
        full = app.screen.query_one("#full-picture")
        assert full.query_one(HalfcellImage).styles.width.value > THUMB_COLS  # drawn large, not at thumbnail size
        await pilot.press(*["right"] * (missing + 1))  # on past the last to the one not downloaded
        await settle(pilot)
        assert picture_title(app) == f"Picture {missing + 1} of 4 — Not synced yet"
        assert "Not downloaded yet" in str(full.query_one(".picture-problem").render())
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "CustomerScreen"
        assert gallery.cursor == missing and app.focused is gallery


async def test_pictures_grid_reflows_with_the_width(store):
    from rep_tui.widgets.tabs.pictures import PictureGallery

    app = RepApp(store)
    with store.session() as session:
        lead_id = files_lead(session)
    add_pictures(store, lead_id, app.settings.paths.blobs_dir, {f"Window {n}": True for n in range(5)})
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lead(pilot, lead_id)
        await pilot.press("p")
        await settle(pilot)
        gallery = app.screen.query_one(PictureGallery)
        grid = gallery.query_one("#picture-grid")
        assert (gallery.columns, grid.styles.grid_size_columns) == (3, 3)
        await pilot.press("down")
        assert gallery.cursor == 3
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert (gallery.columns, grid.styles.grid_size_columns) == (4, 4)
        await pilot.press("down")  # 7 pictures in rows of 4: from 3 (row 0, column 3) down to 7? only 6 is left
        assert gallery.cursor == 6


async def test_a_file_attached_from_an_engagement_is_listed_on_it_and_in_documents(store, tmp_path, monkeypatch):
    from rep_tui.widgets.tabs.tables import DocumentTable, EngagementTable

    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")  # documents show in the terminal
    quote = tmp_path / "signed-quote.txt"
    quote.write_text("Signed quote: 12 windows\n")
    app = RepApp(store)
    with store.session() as session:
        lead_id = sale_lead(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_lead(pilot, lead_id)
        await pilot.press("g")
        await settle(pilot)
        table = app.screen.query_one(EngagementTable)
        engagement_id = uuid.UUID(table.current_key())
        await pilot.press("t")
        await settle(pilot)
        assert "Attach a file to the engagement" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press(*str(quote), "tab", *"Signed quote", "ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "CustomerScreen"
        with store.session() as session:
            row = session.scalars(select(Attachment).where(Attachment.filename == quote.name)).one()
            assert (row.lead_id, row.engagement_id, row.description) == (lead_id, engagement_id, "Signed quote")
        assert str(table.get_row(str(engagement_id))[-1]) == "1"  # the Files column counts it
        assert quote.name in str(app.screen.query_one("#engagement-details").render())

        await pilot.press("enter")  # the engagement's dialog lists its files; Enter opens one
        await settle(pilot)
        await pilot.press("ctrl+f", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "DocumentTextScreen"
        assert "12 windows" in app.screen.query_one("#document-text").text
        await pilot.press("escape", "escape")
        await settle(pilot)

        await pilot.press("d")
        await settle(pilot)
        documents = app.screen.query_one(DocumentTable)
        assert str(row.id) in {key.value for key in documents.rows}


async def test_an_empty_tab_says_so_instead_of_bare_column_titles(store):
    with store.session() as session:
        has_contacts = select(Contact.lead_id).where(Contact.deleted.is_(False))
        lead_id = session.scalars(select(Lead.id).where(Lead.id.not_in(has_contacts)).order_by(Lead.pid)).first()
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lead(lead_id)
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        pane = app.screen.query_one("#contacts")
        note, table = pane.query_one(".tab-empty"), pane.query_one("#contacts-table")
        assert note.display and not table.display
        assert str(note.render()) == "No contacts yet: a adds one."

        await pilot.press("a", *"Pat Kelly", "ctrl+s")
        await settle(pilot)
        assert table.display and not note.display and table.row_count == 1


async def test_customer_status_is_picked_by_keys_and_shown_in_the_header_and_history(store):
    app = RepApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        lead_id = await open_obrien(pilot, store)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press(*["tab"] * 5)  # phones, email and alt email come first
        assert app.focused.id == "customer_status"
        await pilot.press("enter", "down", "down", "down", "enter")  # (none), Prospect, Active customer, Sold
        await pilot.press("ctrl+s")
        await settle(pilot)
        header = app.screen.query_one("#lead-details")
        assert "Status Sold" in [field.plain for group in header.groups for field in group]
        await pilot.press("h")
        await settle(pilot)
        table = app.screen.query_one("#history-table")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert ("Customer Status", "", "Sold") in [(str(r[3]), str(r[4]), str(r[5])) for r in rows]
    with store.session() as session:
        assert session.get(Lead, lead_id).customer_status == "sold"
        outbox = session.scalars(select(OutboxEntry).where(OutboxEntry.row_id == lead_id)).all()
        assert outbox[-1].fields["customer_status"] == [None, "sold"]
