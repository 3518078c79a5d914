"""Be Backs on the demo company: sorted by follow-up date, overdue marked,
setting a date through the dialog (words and refusals) and clearing it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from rep_pilot import anyio_backend, retype, settle  # noqa: F401  (anyio_backend is a fixture)
from rep_tui.app import RepApp
from rep_tui.dialogs.follow_up import FollowUpDialog
from rep_tui.screens.bebacks import BeBacksScreen
from rep_tui.store import queries
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.models import Lead
from rep_tui.widgets.be_back_table import BeBackTable
from rep_tui.widgets.validated_input import ValidatedInput

pytestmark = pytest.mark.anyio
TODAY = date(2026, 11, 24)


async def open_be_backs(pilot) -> BeBackTable:
    await pilot.press("3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BeBacksScreen)
    return pilot.app.screen.query_one(BeBackTable)


def follow_up_of(store, lead_id):
    with store.session() as session:
        return session.get(Lead, lead_id).follow_up_on


async def test_list_is_sorted_by_follow_up_with_overdue_marked(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_be_backs(pilot)
        with store.session() as session:
            expected = queries.be_backs(session, app.user.id)
        assert [row.lead_id for row in table.rows_shown] == [b.lead.id for b in expected]
        dates = [b.follow_up_on for b in expected if b.follow_up_on]
        assert dates == sorted(dates)
        for row, item in zip(table.rows_shown, expected):
            marked = getattr(row.cells[0], "tone", None) == "error"
            assert marked == item.overdue(TODAY)
        title = str(app.screen.query_one(".section-title").render())
        assert f"{len(expected)} to go back to" in title
        assert f"{sum(b.overdue(TODAY) for b in expected)} overdue" in title


async def test_set_a_follow_up_in_words_then_clear_it(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_be_backs(pilot)
        lead_id = table.current.lead_id
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpDialog)
        await retype(pilot, "2026-11-01")
        await pilot.press("enter")
        assert isinstance(app.screen, FollowUpDialog), "a past date is refused"
        assert app.screen.query_one(ValidatedInput).error == "Sun Nov 1 is in the past."
        await retype(pilot, "+3")
        assert "Fri Nov 27, 2026 · in 3 days" in str(app.screen.query_one("#meaning").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BeBacksScreen)
        assert follow_up_of(store, lead_id) == TODAY + timedelta(days=3)
        assert table.current.lead_id == lead_id, "the cursor follows the lead to its new place"
        assert table.current.cells[0] == "Fri Nov 27"

        await pilot.press("x")
        await settle(pilot)
        assert follow_up_of(store, lead_id) is None
        with store.session() as session:
            changes = session.scalars(select(OutboxEntry).where(OutboxEntry.row_id == lead_id,
                                                                OutboxEntry.op == "update")).all()
        assert [c.fields["follow_up_on"][1] for c in changes if "follow_up_on" in c.fields][-2:] == [
            "2026-11-27", None]


async def test_escape_leaves_the_date_alone(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_be_backs(pilot)
        lead_id = table.current.lead_id
        before = follow_up_of(store, lead_id)
        await pilot.press("f")
        await settle(pilot)
        await retype(pilot, "tomorrow")
        await pilot.press("escape", "y")  # the date was changed: "Discard changes?" — yes
        await settle(pilot)
        assert isinstance(app.screen, BeBacksScreen)
        assert follow_up_of(store, lead_id) == before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_be_backs(snap_compare, store, size):
    async def run_before(pilot) -> None:
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)


def test_snapshot_follow_up_dialog(snap_compare, store):
    async def run_before(pilot) -> None:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await retype(pilot, "fri")

    assert snap_compare(RepApp(store), terminal_size=(80, 24), run_before=run_before)
