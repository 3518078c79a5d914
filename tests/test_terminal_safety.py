"""Every place Customer Information shows data, with data holding escape
sequences and Textual markup (old rows, a hand-edited store, an import):
what is drawn holds no control character, shows each as a symbol, and shows
markup as the text it is. The same for the palette and a notification.
(`test_terminal_safety_tmux.py` checks a real terminal end to end.)"""

from __future__ import annotations

import re

import pytest
from customer_leads import files_lead, sale_lead
from readability import rendered_lines
from sqlalchemy import update

from rep_pilot import settle
from rep_tui.app import RepApp
from rep_tui.domain.safe_text import INVISIBLE
from rep_tui.store.models import Attachment, Comment, Contact, Engagement, Job, Lead, Note, Payment
from rep_tui.store.search import index_leads

pytestmark = pytest.mark.anyio

#: Escape sequences, then a direction override and a zero-width space (which a terminal draws as nothing).
ESC_SEQUENCES = "\x1b]52;c;SGVsbG8=\x07\x1b[2J\x1b]0;PWNED\x07\x9b2J\u202e\u200b"
SHOWN = "␛]52;c;SGVsbG8=␇␛[2J␛]0;PWNED␇\\x9b2J\\u202e\\u200b"
MARKUP = "[@click=app.quit]x[/]"
CONTROL = re.compile(rf"[\x00-\x1f\x7f-\x9f{INVISIBLE}]")
TAB_KEYS = "jncdplogh"


def poison(store, lead_id) -> None:
    """Every text of the lead and its records (as data, not through the app's checks)."""
    bad = f"Bad{ESC_SEQUENCES}{MARKUP}"
    with store.session() as session:
        session.execute(update(Lead).where(Lead.id == lead_id).values(
            first_name=f"Eve{ESC_SEQUENCES}", last_name=f"Quixote{MARKUP}", city=bad, county=bad, region=bad))
        session.execute(update(Job).where(Job.lead_id == lead_id).values(
            product=bad, status=bad, payment_method=bad, account_notes=f"{bad}\nsecond line"))
        job_ids = session.scalars(Job.__table__.select().with_only_columns(Job.id).where(Job.lead_id == lead_id))
        session.execute(update(Payment).where(Payment.job_id.in_(list(job_ids))).values(method=bad))
        for model in (Comment, Note):
            session.execute(update(model).where(model.lead_id == lead_id).values(author_name=bad, body=bad))
        session.execute(update(Contact).where(Contact.lead_id == lead_id).values(name=bad, info=bad))
        session.execute(update(Engagement).where(Engagement.lead_id == lead_id).values(subject=bad, notes=bad))
        session.execute(update(Attachment).where(Attachment.lead_id == lead_id).values(filename=bad, description=bad))
        index_leads(session, [lead_id])  # searched by its new name, as after a sync


def drawn(app) -> str:
    """The screen's text as drawn (control segments, Textual's own cursor moves, left out)."""
    return "\n".join("".join(s.text for s in line if not s.control) for line in rendered_lines(app))


def assert_safe(app, where: str) -> str:
    text = drawn(app)
    found = sorted(set(CONTROL.findall(text)) - {"\n"})
    assert not found, f"{where}: control characters {found} drawn"
    return text


@pytest.mark.parametrize("find_lead", [sale_lead, files_lead])
async def test_customer_information_shows_escape_sequences_and_markup_as_text(store, find_lead):
    with store.session() as session:
        lead_id = find_lead(session)
    poison(store, lead_id)
    app = RepApp(store)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.open_lead(lead_id)
        await settle(pilot)
        header = assert_safe(app, "the header")
        assert f"Eve{SHOWN[:10]}" in header and MARKUP in header
        seen = header
        for key in TAB_KEYS:
            await pilot.press(key)
            await settle(pilot)
            seen += assert_safe(app, f"tab {key}")
        assert "Bad␛]52;c;" in seen  # the records' texts were shown, as symbols
        await pilot.press("e")
        await settle(pilot)
        assert f"Eve{SHOWN[:10]}" in assert_safe(app, "Edit Customer")  # the form shows what it would save
        await pilot.press("escape", "g", "enter")  # an engagement, its contact picker, notes and files
        await settle(pilot)
        assert "Bad␛]52;c;" in assert_safe(app, "Edit Engagement")  # its subject and notes, as symbols
        await pilot.press("escape")
        await settle(pilot)
        app.screen.notify(f"Eve{ESC_SEQUENCES} {MARKUP}", title=MARKUP)  # as a widget notifies: markup=True
        await settle(pilot)
        assert f"Eve{SHOWN[:10]}" in assert_safe(app, "a notification")
        assert app.is_running  # no action of the markup ran


async def test_the_palette_shows_a_lead_name_as_text(store):
    with store.session() as session:
        lead_id = sale_lead(session)
    poison(store, lead_id)
    app = RepApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Quixote")
        found = ""
        for _ in range(50):  # the palette searches in the background
            await settle(pilot)
            found = assert_safe(app, "the palette")
            if "Quixote" in found:
                break
        assert f"Eve{SHOWN[:10]}" in found and f"Quixote{MARKUP}" in found


async def test_a_form_fields_error_is_shown_as_text():
    """An error under a field may quote the value or a server's reason."""
    from textual.app import App
    from textual.widgets import Input

    from rep_tui.widgets.form_field import FormField

    class OneField(App):
        def compose(self):
            yield FormField("City", Input(id="city"))

    app = OneField()
    async with app.run_test(size=(160, 10)) as pilot:
        field = app.query_one(FormField)
        for n in (1, 2):  # the first error mounts its line, the next updates it
            field.set_error(f"{n}: '{MARKUP}{ESC_SEQUENCES}' is not a city")
            await pilot.pause()
            assert f"{n}: '{MARKUP}{SHOWN}' is not a city" in assert_safe(app, "a form field's error")
