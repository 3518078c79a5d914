"""A document opens everywhere: on the rep's machine in the system viewer
(xdg-open, here a stand-in program that records what it was given), over SSH
or without a viewer as text in the terminal (a PDF's too, read by pypdf),
with `o` to open it in a viewer and `s` to save it to Downloads, never over
another file. The demo's own PDFs are used."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest
from customer_leads import enter_on_document
from sqlalchemy import select

from rep_pilot import anyio_backend, settle  # noqa: F401  (anyio_backend is a fixture)
from rep_tui.app import RepApp
from rep_tui.demo.files import pdf
from rep_tui.screens.attachment_view import DocumentTextScreen, pdf_text
from rep_tui.screens.open_external import save_to_downloads
from rep_tui.store.models import Attachment

pytestmark = pytest.mark.anyio


def demo_pdf(store) -> tuple[Attachment, bytes]:
    with store.session() as session:
        document = session.scalars(select(Attachment).where(Attachment.mime == "application/pdf")
                                   .order_by(Attachment.filename)).first()
    blob = store.path.parent / "blobs" / document.sha256[:2] / document.sha256
    return document, blob.read_bytes()


def over_ssh(monkeypatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")


def on_the_reps_machine(monkeypatch, tmp_path: Path, *, with_viewer: bool) -> Path:
    """A display, no SSH, and a PATH holding only a stand-in xdg-open (or
    nothing). Returns the file where the stand-in writes what it opened."""
    for name in ("SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    programs = tmp_path / "bin"
    programs.mkdir()
    opened = tmp_path / "opened.txt"
    if with_viewer:
        viewer = programs / "xdg-open"
        viewer.write_text(f'#!/bin/sh\necho "$1" > "{opened}.part" && /usr/bin/mv "{opened}.part" "{opened}"\n')
        viewer.chmod(viewer.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(programs))
    return opened


def downloads(monkeypatch, tmp_path: Path) -> Path:
    folder = tmp_path / "Downloads"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))  # no user-dirs.dirs to override it
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(folder))
    return folder


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def wait_for_file(pilot, path: Path) -> None:
    deadline = time.monotonic() + 30
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        await pilot.pause(0.02)


async def test_over_ssh_a_pdf_shows_its_text_page_by_page_and_saves_to_downloads(store, monkeypatch, tmp_path):
    over_ssh(monkeypatch)
    folder = downloads(monkeypatch, tmp_path)
    document, content = demo_pdf(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_on_document(pilot, document)
        assert isinstance(app.screen, DocumentTextScreen)
        text = app.screen.query_one("#document-text").text
        assert text.startswith("── Page 1 of 1 ──\n") and document.description in str(app.screen.viewer_title)
        assert "Job" in text or "Lead" in text, text  # the demo's lead sheet, as written into the PDF
        footer = " ".join(str(key.render()) for key in app.screen.query("FooterKey"))
        assert "Open in viewer" in footer and "Save to Downloads" in footer

        await pilot.press("s")
        await settle(pilot)
        await pilot.press("s")  # again: a second copy beside the first, nothing overwritten
        await settle(pilot)
        stem = Path(document.filename).stem
        assert sorted(p.name for p in folder.iterdir()) == [f"{stem} (1).pdf", document.filename]
        assert all(p.read_bytes() == content for p in folder.iterdir())
        assert f"Saved to {folder / document.filename}" in notes(app)
        assert f"Saved to {folder / f'{stem} (1).pdf'}" in notes(app)
        monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(folder / document.filename))  # not a folder
        await pilot.press("s")
        await settle(pilot)
        assert f"Could not save to {folder / document.filename}: File exists." in notes(app)

        await pilot.press("o")
        await settle(pilot)
        assert any(n.startswith("The app runs over SSH") and "s saves it to Downloads" in n for n in notes(app))
        assert isinstance(app.screen, DocumentTextScreen)


async def test_on_the_reps_machine_a_document_opens_in_the_viewer(store, monkeypatch, tmp_path):
    opened = on_the_reps_machine(monkeypatch, tmp_path, with_viewer=True)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    document, content = demo_pdf(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_on_document(pilot, document)
        await wait_for_file(pilot, opened)
        assert type(app.screen).__name__ == "CustomerScreen"
        assert f"Opened {document.filename} in your viewer." in notes(app)
    path = Path(opened.read_text().strip())
    assert path.name == document.filename  # the viewer knows the kind of file by its name
    assert path.read_bytes() == content


async def test_without_a_viewer_program_the_text_shows_and_says_why(store, monkeypatch, tmp_path):
    on_the_reps_machine(monkeypatch, tmp_path, with_viewer=False)
    document, _content = demo_pdf(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_on_document(pilot, document)
        assert isinstance(app.screen, DocumentTextScreen)
        assert app.screen.query_one("#document-text").text.startswith("── Page 1 of 1 ──")
        assert any("xdg-open" in n and "not installed" in n for n in notes(app))


def test_a_pdf_without_text_or_damaged_says_so(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf([]))
    assert pdf_text(scan).startswith("This PDF (1 page) has no text to show: it is probably a scan.")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(pdf(["Signed quote"])[:120])
    assert pdf_text(broken).startswith("This PDF is damaged and cannot be read (")
    two_pages_of_text = tmp_path / "ok.pdf"
    two_pages_of_text.write_bytes(pdf(["Signed quote", "12 windows"]))
    assert pdf_text(two_pages_of_text) == "── Page 1 of 1 ──\nSigned quote\n12 windows"


def test_saving_never_overwrites(tmp_path):
    blob = tmp_path / "blob"
    blob.write_bytes(b"new")
    folder = tmp_path / "Downloads"
    folder.mkdir()
    (folder / "quote.pdf").write_bytes(b"old")
    (folder / "quote (1).pdf").write_bytes(b"older")
    saved = save_to_downloads(blob, "quote.pdf", folder)
    assert saved == folder / "quote (2).pdf" and saved.read_bytes() == b"new"
    assert (folder / "quote.pdf").read_bytes() == b"old" and (folder / "quote (1).pdf").read_bytes() == b"older"
    with pytest.raises(OSError):  # "Downloads" is a file: nothing to save into
        save_to_downloads(blob, "quote.pdf", folder / "quote.pdf")
