"""The background loop: while the server is away the device says offline and
keeps retrying with backoff; when it is back, the outbox drains without the
rep writing anything new. The headless `run_sync` reports instead of raising."""

from __future__ import annotations

import threading
import time

from rep_tui.store import writes
from rep_tui.store.models import Comment
from rep_tui.sync.engine import run_sync
from rep_tui.sync.loop import SyncLoop, backoff


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_backoff_doubles_up_to_a_ceiling():
    assert all(0.5 <= backoff(0) <= 1.0 for _ in range(20))
    assert all(4.0 <= backoff(3) <= 8.0 for _ in range(20))
    assert backoff(30, max_delay=300) <= 300


def test_loop_retries_while_offline_then_drains(server, company, devices):
    ann = devices("ann")
    ann.sync()
    with ann.store.session() as s:
        writes.insert(s, ann.actor, Comment(lead_id=company.leads["ann"][0], author_name="Ann", body="offline"))
    server.stop()
    reports = []
    loop = SyncLoop(ann.client, interval=3600, first_delay=0.05, max_delay=0.2, on_report=reports.append)
    worker = threading.Thread(target=loop.run)
    worker.start()
    try:
        _wait_for(lambda: len(reports) >= 3)  # several failed attempts, no new writes
        assert all(r is None for r in reports)
        status = ann.client.status
        assert status.state == "offline" and status.waiting == 1 and "1 waiting" in status.text
        server.start()
        _wait_for(lambda: ann.client.status.state == "synced")
        assert ann.client.status.last_sync_at is not None
    finally:
        loop.stop()
        worker.join(timeout=10)
    assert any(c["body"] == "offline" for c in ann.rows("comments").values())


def test_run_sync_reports_instead_of_raising(server, company, devices):
    ann = devices("ann")
    token = ann.client.http.headers["Authorization"].split()[1]
    report = run_sync(ann.store, server.url, token)
    assert report.error is None and report.pulled > 0 and "received" in report.text()
    bad = run_sync(ann.store, server.url, "not-a-token")
    assert bad.error and "sign in again" in bad.text()
