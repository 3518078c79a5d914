"""The Custom Fields screen on the demo company: an admin defines a field
with the keyboard (the form refusing a choice field without choices), sees
it listed, and deactivates it; the field goes out in the outbox. A rep has
neither the key nor the palette command."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rep_pilot import anyio_backend, palette_answered, settle  # noqa: F401  (a fixture)
from rep_tui.app import RepApp
from rep_tui.screens.custom_fields import CustomFieldsScreen, DefinitionDialog
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import CustomField, User

pytestmark = pytest.mark.anyio


def table_rows(screen) -> list[tuple[str, ...]]:
    table = screen.query_one("#fields-table")
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def test_an_admin_defines_a_field_by_keys_and_deactivates_it(store):
    with store.session() as session:
        admin_id = session.scalars(select(User.id).where(User.role == "admin")).first()
    app = RepApp(store, user_id=admin_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomFieldsScreen)
        assert str(screen.query_one(".tab-empty").render()) == "No custom fields yet: a adds one."
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DefinitionDialog)
        await pilot.press(*"Siding Type", "tab", "enter", "down", "down", "down", "enter")  # Text → Choice
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "needs its choices" in str(dialog.query_one("#field-choices .field-error").render())
        await pilot.press(*"Cedar, Vinyl")  # the refused field has the focus
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert table_rows(screen) == [("10", "Siding Type", "Choice", "Cedar, Vinyl", "", "yes")]
        await pilot.press("x")
        await settle(pilot)
        assert table_rows(screen)[0][-1] == "no"
    with store.session() as session:
        field = session.scalars(select(CustomField)).one()
        assert (field.key, field.kind, field.choices, field.active) == ("siding_type", "choice", ["Cedar", "Vinyl"],
                                                                         False)
        sent = session.scalars(select(OutboxEntry).where(OutboxEntry.row_id == field.id)).all()
        assert [entry.op for entry in sent] == ["insert", "update"]


async def test_a_rep_has_neither_the_key_nor_the_command(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        assert not isinstance(app.screen, CustomFieldsScreen)
        await pilot.press("ctrl+p", *"custom fields")
        await palette_answered(pilot)
        assert not [name for name, *_ in app.extra_commands() if "Custom fields" in name]
