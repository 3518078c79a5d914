"""The manager's Unassigned queue, by keys, on a device synced with a real
server (SQLite and PostgreSQL): a lead sent through the web form reaches the
manager's device (never a rep's), F11 shows it, `a` gives it to a rep of the
team through the Reassign dialog, and after the next syncs the server and the
rep's device have it as the rep's. A rep has no queue at all."""

from __future__ import annotations

import httpx
import pytest
from rep_pilot import anyio_backend, settle, wait_until  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.dialogs.reassign import RepPicker
from rep_tui.screens.customer import CustomerScreen
from rep_tui.screens.unassigned import UnassignedScreen, UnassignedTable
from rep_tui.store.models import Lead
from rep_tui.widgets.row_table import TableSection
from server_fixtures import backend, company, devices, pg_cluster, server, server_rows  # noqa: F401  (fixtures)

pytestmark = pytest.mark.anyio

FORM = {"first_name": "Nora", "last_name": "Webb", "cell_phone": "312-555-0177", "city": "Evanston",
        "referral": "Social media", "product_interest": "Siding"}


def _send_form(server) -> Lead:
    answer = httpx.post(f"{server.url}/form/lead", data=FORM, timeout=60)
    assert answer.status_code == 303, answer.text
    with server.engine.connect() as conn:
        return conn.execute(select(Lead.__table__).where(Lead.last_name == "Webb")).one()


async def test_a_manager_gives_a_web_form_lead_to_a_rep_from_the_unassigned_queue(server, company, devices):
    lead = _send_form(server)
    ann, maria = devices("ann"), devices("maria")
    ann.sync()
    maria.sync()
    assert lead.id not in ann.rows("leads")  # a rep never gets a lead of no rep
    app = RepApp(maria.store, user_id=maria.user_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f11")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, UnassignedScreen)
        table = screen.query_one("#unassigned", UnassignedTable)
        await wait_until(pilot, lambda: len(table.rows_shown) == 1, "the web form's lead in the queue")
        cells = table.rows_shown[0].cells
        assert "Nora Webb" in cells and "Evanston" in cells and "Social media" in cells
        section = screen.query_one("#unassigned-section", TableSection)
        assert "1 lead waiting for a rep · a assigns" in str(section.title_label.render())
        await pilot.press("enter")  # the lead itself, as any row's
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen) and app.screen.lead_id == lead.id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("a")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, RepPicker)
        assert [name for name, _id in picker.handover.choices] == ["Ann", "Bob"]  # Maria's team only
        await pilot.press("home", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: not table.rows_shown, "the lead to leave the queue")
        assert section.empty_line.display and app.screen is screen
    maria.sync()
    assert server_rows(server.engine, "leads")[lead.id]["rep_id"] == str(ann.user_id)
    ann.sync()
    assert ann.rows("leads")[lead.id]["last_name"] == "Webb"


async def test_a_rep_has_no_unassigned_queue(server, company, devices):
    _send_form(server)
    ann = devices("ann")
    ann.sync()
    app = RepApp(ann.store, user_id=ann.user_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f11")
        await settle(pilot)
        assert not isinstance(app.screen, UnassignedScreen)
        assert not app.sees_unassigned


def test_a_lead_given_out_leaves_the_devices_of_managers_who_no_longer_see_it(server, company, devices):
    """Every manager who may reassign leads holds the unassigned lead; once it is
    a North rep's, the South manager's device drops it on its next sync."""
    import uuid

    from rep_tui.server import auth
    from rep_tui.server.seed import add_rows
    from rep_tui.store.models import User
    from rep_tui.store.reassign import reassign_leads
    from server_fixtures import password_hash

    with server.engine.connect() as conn:
        south = conn.execute(select(User.team_id).where(User.id == company.users["carl"])).scalar_one()
    otto_id = uuid.uuid4()
    add_rows(server.engine, {"users": [{"id": otto_id, "username": "otto", "full_name": "Otto", "role": "manager",
                                         "team_id": south}]})
    with server.engine.begin() as conn:
        auth.set_password(conn, otto_id, hashed=password_hash())
    lead = _send_form(server)
    maria, otto = devices("maria"), devices("otto")
    maria.sync()
    otto.sync()
    assert lead.id in maria.rows("leads") and lead.id in otto.rows("leads")
    with maria.store.session() as session:
        assert reassign_leads(session, maria.actor, [lead.id], company.users["ann"]) == 1
    maria.sync()
    otto.sync()
    assert lead.id not in otto.rows("leads")
    assert maria.rows("leads")[lead.id]["rep_id"] == str(company.users["ann"])
