"""The installer checklist on a job, driven by keys (in bursts): `k` on
Customer Information opens it, Space ticks the highlighted item (saved at
once, signed by the user), ticks again untick it; an item the office
retired stays on a job it was ticked on. Snapshot at 80×24 and 120×40."""

from __future__ import annotations

import pytest
from customer_leads import sale_lead
from rep_pilot import burst, keys_delivered, settle, wait_until
from sqlalchemy import select

from rep_tui.app import RepApp
from rep_tui.screens.checklist_dialog import ChecklistScreen
from rep_tui.store import writes
from rep_tui.store.checklist import of_job, save_item
from rep_tui.store.leads import load_lead
from rep_tui.store.models import JobCheck

pytestmark = pytest.mark.anyio
OFFICE = writes.Actor(None, "Office")
ITEMS = ("Old windows hauled away", "Screens fitted", "Caulk cured, no gaps", "Customer walked through the job")


@pytest.fixture
def anyio_backend():
    return "asyncio"


def a_service_job(store):
    """A lead with a job, and the office's checklist; returns (lead id, job id, item ids)."""
    with store.session() as s:
        lead_id = sale_lead(s)
        items = [save_item(s, OFFICE, None, {"label": label}).id for label in ITEMS]
        job_id = load_lead(s, lead_id).current_job.job.id
    return lead_id, job_id, items


def ticked(store, job_id) -> dict[str, tuple]:
    with store.session() as s:
        return {line.item.label: (line.done, line.check.done_by_id if line.check else None)
                for line in of_job(s, job_id)}


async def test_the_installer_ticks_and_unticks_items_with_space(store):
    lead_id, job_id, items = a_service_job(store)
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lead(lead_id)
        await settle(pilot)
        burst(pilot, "k", "space", "down", "down", "space", "down", "space", "space")
        await keys_delivered(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        await wait_until(pilot, lambda: not (app.screen.writing or app.screen.wanted), "the ticks to be written")
        assert [done for done, _by in ticked(store, job_id).values()] == [True, False, True, False]
        assert ticked(store, job_id)[ITEMS[0]][1] == app.user.id  # signed by whoever ticked it
        with store.session() as s:  # one row per job and item, whatever the number of ticks
            assert len(s.scalars(select(JobCheck).where(JobCheck.job_id == job_id)).all()) == 3
            save_item(s, OFFICE, items[0], {"active": False})
            save_item(s, OFFICE, items[1], {"active": False})
        await pilot.press("escape", "k")
        await settle(pilot)
        hint = str(app.screen.query_one("#checklist-hint").render())
        assert hint.startswith("2 of 3 done")  # the retired item ticked here stays; the unticked retired one goes
        assert ITEMS[1] not in ticked(store, job_id)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_checklist_snapshot(snap_compare, store, size):
    lead_id, job_id, items = a_service_job(store)
    with store.session() as s:
        from rep_tui.store.checklist import tick

        tick(s, writes.Actor(None, "Office"), job_id, items[1], True)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_lead(lead_id)
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)

    assert snap_compare(RepApp(store), terminal_size=size, run_before=run_before)
