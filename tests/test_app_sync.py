"""The app syncing in the background with a real server on 127.0.0.1: an
edit shows as waiting, then synced, and reaches the server; with the server
gone the app says offline, keeps the change, and catches up when the server
is back, without the rep doing anything. Without a server: local only."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import select

from rep_pilot import anyio_backend  # noqa: F401  (a fixture)
from rep_tui.app import RepApp
from rep_tui.config import resolve_paths
from rep_tui.device_link import LinkError, SyncTarget, linked
from rep_tui.screens.dashboard import DashboardScreen
from rep_tui.screens.sync_status import SyncStatusScreen
from rep_tui.store import writes
from rep_tui.store.db import Store
from rep_tui.store.models import Comment, Lead
from rep_tui.sync import credentials
from rep_tui.widgets.sync_indicator import SyncIndicator
from sync_demo import demo_system, demo_system_template, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.anyio


async def settle(pilot) -> None:
    """`rep_pilot.settle`, but not waiting for the sync worker, which runs for the app's life."""
    for _ in range(2):
        await pilot.pause()
        others = [w for w in pilot.app.workers if w.group != "sync"]
        if others:  # an empty list would mean "all"
            await pilot.app.workers.wait_for_complete(others)
    await pilot.pause()


async def wait_for(pilot, predicate, timeout: float = 30.0) -> None:
    """Let the app run until `predicate()` holds (the sync thread makes it true)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


def shown(app) -> str:
    return str(app.screen.query_one(SyncIndicator).render())


def add_comment(app, body: str) -> None:
    """A write in the app's store, as any screen makes one."""
    with app.store.session() as session:
        lead_id = session.scalars(select(Lead.id).order_by(Lead.pid)).first()
        writes.insert(session, app.actor, Comment(lead_id=lead_id, author_name=app.user.full_name, body=body))


@pytest.fixture
def linked_app(live_server):
    store = Store(resolve_paths().database)
    token = credentials.login(live_server.url, "demo", "demo").token
    target = SyncTarget(live_server.url, token, resolve_paths().blobs_dir, interval=3600, first_delay=0.05,
                        max_delay=0.2)
    yield RepApp(store, sync=target)
    store.close()


async def test_an_edit_waits_then_syncs_then_survives_the_server_going_away(linked_app, live_server):
    app = linked_app
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.query(SyncIndicator) and shown(app) == "synced 10:00 AM")
        seen: list[str] = []
        indicator = app.screen.query_one(SyncIndicator)
        indicator.watch(app, "sync_status", lambda _status: seen.append(str(indicator.render())), init=False)

        add_comment(app, "Called back, wants a quote for the bay window")
        await wait_for(pilot, lambda: "Called back, wants a quote for the bay window" in live_server.comments())
        await wait_for(pilot, lambda: shown(app) == "synced 10:00 AM")
        assert seen[0] == "1 change waiting · synced 10:00 AM"  # counted at once, before the sync sent it

        live_server.stop()
        add_comment(app, "Written on the road")
        await wait_for(pilot, lambda: shown(app).startswith("offline"))
        assert shown(app) == "offline · 1 change waiting · last sync 10:00 AM"
        assert "-offline" in indicator.classes
        assert "Written on the road" not in live_server.comments()

        live_server.start()  # nobody writes anything: the retrying loop finds the server again
        await wait_for(pilot, lambda: "Written on the road" in live_server.comments())
        await wait_for(pilot, lambda: shown(app) == "synced 10:00 AM")


async def test_every_screen_header_carries_the_indicator_and_f7_shows_the_sent_change(linked_app, live_server):
    app = linked_app
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.sync_status.state == "synced")
        add_comment(app, "Measured the back door")
        await wait_for(pilot, lambda: "Measured the back door" in live_server.comments())
        for key in ("2", "escape", "3", "6"):
            await pilot.press(key)
            await settle(pilot)
        await wait_for(pilot, lambda: app.screen.query(SyncIndicator) and shown(app).startswith("synced"))
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, SyncStatusScreen)
        await wait_for(pilot, lambda: app.screen.review.changes)
        change = app.screen.review.changes[0]
        assert (change.what, change.state) == ("comment added", "sent")
        assert "comment added" in str(app.screen.query_one("#sync-detail").render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SyncStatusScreen)


async def test_without_a_server_the_app_is_local_only(store):
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and app.sync_status is None
        for key in ("f2", "f6"):  # every header says the changes stay on this machine, dimmed
            await pilot.press(key)
            await wait_for(pilot, lambda: app.screen.query(SyncIndicator))
            assert shown(app) == "local only" and "-local" in app.screen.query_one(SyncIndicator).classes
        await pilot.press("f7")
        await settle(pilot)
        summary = str(app.screen.query_one("#sync-summary").render())
        assert summary.startswith("Local only") and "rep-tui login SERVER" in summary
        add_comment(app, "Stays here")
        await pilot.press("n")  # Sync now: nothing to sync with, and it says so
        await settle(pilot)
        assert any("not linked to a server" in str(n.message) for n in app._notifications)
        await settle(pilot)


def server_threads() -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name.startswith("rep-tui-server-")]


class HeldBack:
    """A target whose server may start only once the test says so, so that
    "the app was up before its server" is certain, not a race."""

    def __init__(self, target, gate: threading.Event) -> None:
        self.target = target
        self.gate = gate

    def ready(self):
        assert self.gate.wait(30)
        return self.target.ready()


async def test_a_demo_device_opens_before_its_server_is_up_and_exit_stops_it(demo_system):
    store = Store(resolve_paths().database)
    gate = threading.Event()
    try:
        with linked(store) as (server, report):  # what plain `rep-tui` does on a demo device
            assert report is None and not server.running and not server_threads()
            app = RepApp(store, sync=HeldBack(server, gate))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                await wait_for(pilot, lambda: app.screen.query(SyncIndicator))
                assert isinstance(app.screen, DashboardScreen)
                assert app.screen.query_one("#today").row_count  # painted from the local store
                assert shown(app) == "syncing…" and not server_threads()
                gate.set()
                await wait_for(pilot, lambda: shown(app) == "synced 10:00 AM")
                assert server.running and len(server_threads()) == 1
            assert server.running  # the app has closed; the end of the link stops the server
        assert not server.running and not server_threads()
        with pytest.raises(LinkError):  # a sync worker still starting cannot restart it
            server.ready()
        assert not server_threads()
    finally:
        store.close()


def test_a_demo_device_opens_the_app_without_the_server_or_the_network_client(demo_system):
    """What plain `rep-tui` loads before the app's first paint (the sync worker loads the rest)."""
    probe = ("import sys\nfrom rep_tui.cli import _store\nfrom rep_tui.device_link import linked\n"
             "with linked(_store()) as (target, _report):\n    import rep_tui.app, rep_tui.screens.dashboard\n"
             "    print(type(target).__name__, sorted(m for m in ('fastapi', 'uvicorn', 'httpx', 'pydantic', "
             "'rep_tui.sync.engine') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "ServerOnDemand []"


async def test_a_self_gen_lead_made_offline_shows_its_pid_once_synced_without_a_key(linked_app, live_server):
    from rep_tui.screens.selfgen import SelfGenScreen
    from rep_tui.widgets.lead_table import LeadTable

    app = linked_app
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.sync_status.state == "synced")
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, SelfGenScreen)
        live_server.stop()
        await pilot.press(*"Jane", "tab", *"Offline", "tab", "tab", *"6305550199", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")  # not booking an appointment now
        await settle(pilot)
        table = app.screen.query_one("#my-leads", LeadTable)
        with app.store.session() as session:
            lead = session.scalars(select(Lead).where(Lead.last_name == "Offline")).one()

        def pid_cell() -> str:
            return str(table.get_cell_at((table.lead_ids.index(lead.id), 3)))

        assert pid_cell() == "not synced"
        await wait_for(pilot, lambda: shown(app).startswith("offline"))

        live_server.start()  # the retrying loop sends it; the server gives it a PID; the list hears of it
        await wait_for(pilot, lambda: pid_cell() != "not synced")
        with app.store.session() as session:
            pid = session.get(Lead, lead.id).pid
        assert pid and pid_cell() == str(pid)


async def test_a_sync_that_changes_nothing_reloads_nothing(linked_app, live_server):
    app = linked_app
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.sync_status.state == "synced")
        await settle(pilot)
        heard = []
        app.rows_changed_signal.subscribe(app.screen, heard.append, immediate=True)
        reports = []
        app._sync_loop.on_report = lambda report, original=app._sync_loop.on_report: (reports.append(report),
                                                                                     original(report))
        app.action_sync_now()
        await wait_for(pilot, lambda: reports)
        await settle(pilot)
        assert reports[0] is not None and not reports[0].changed_tables
        assert heard == []


async def test_an_open_customer_information_shows_the_pid_the_sync_brought(linked_app, live_server):
    from rep_tui.screens.customer import CustomerScreen
    from rep_tui.store.selfgen import SelfGenForm, create_self_gen_lead

    app = linked_app
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.sync_status.state == "synced")
        live_server.stop()
        with app.store.session() as session:
            lead_id = create_self_gen_lead(session, app.actor, SelfGenForm(first_name="Omar", last_name="Roadside",
                                                                           cell_phone="6305550142")).id
        app.open_lead(lead_id)
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)

        def header() -> str:
            return str(app.screen.query_one("#lead-details").render())

        assert "Omar Roadside" in header() and "PID" not in header()

        live_server.start()
        await wait_for(pilot, lambda: "PID" in header())
        with app.store.session() as session:
            pid = session.get(Lead, lead_id).pid
        assert f"PID {pid}" in header()
