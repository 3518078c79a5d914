"""Fixtures for the tests of sync in the product: the demo system as `rep-tui
demo --no-open` makes it (a small demo company in a server database under
the data directory, and a device signed in as the demo rep and synced),
built once per session and copied for each test; and a real server on it,
in a thread on 127.0.0.1, that a test may stop and start again."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import pytest

from rep_tui.config import resolve_paths, reset_settings_cache
from rep_tui.device_link import EMBEDDED, build_demo_server, embedded_server, server_blobs_dir, server_db_path, sign_in
from server_fixtures import Server
from rep_tui.store.db import Store

DEMO_SYSTEM_LEADS = 300
NOW = "2026-11-24T16:00:00+00:00"  # the fixed clock of tests/conftest.py (not importable: tests/sync has one too)


@pytest.fixture(scope="session")
def demo_system_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A REP_TUI_HOME with the demo's server database and a device synced as
    the demo rep. Read-only: `demo_system` copies it."""
    home = tmp_path_factory.mktemp("demo-system")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REP_TUI_NOW", NOW)
        mp.setenv("REP_TUI_HOME", str(home))
        reset_settings_cache()
        try:
            paths = resolve_paths()
            build_demo_server(paths, leads=DEMO_SYSTEM_LEADS, seed=7)
            store = Store(paths.database)
            try:
                with embedded_server(paths) as url:
                    sign_in(store, url, "demo", "demo", saved_url=EMBEDDED)
            finally:
                store.close()
        finally:
            reset_settings_cache()
    return home


@pytest.fixture
def demo_system(demo_system_template: Path, rep_env: Path) -> Path:
    """This test's REP_TUI_HOME (set by `rep_env`) holding a private copy."""
    shutil.copytree(demo_system_template, rep_env, dirs_exist_ok=True)
    reset_settings_cache()
    return rep_env


class LiveServer(Server):
    """The demo's server in a thread; `stop()` then `start()` reopens it on the same port."""

    def __init__(self) -> None:
        self.paths = resolve_paths()
        # The demo built its database already: nothing to fill.
        super().__init__(SimpleNamespace(url=f"sqlite:///{server_db_path(self.paths)}", fill_if_new=lambda: None),
                         server_blobs_dir(self.paths))

    def comments(self) -> list[str]:
        from sqlalchemy import create_engine, text

        engine = create_engine(f"sqlite:///{server_db_path(self.paths)}")
        try:
            with engine.connect() as conn:
                return list(conn.execute(text("SELECT body FROM comments")).scalars())
        finally:
            engine.dispose()


@pytest.fixture
def live_server(demo_system: Path) -> Iterator[LiveServer]:
    server = LiveServer().start()
    yield server
    server.stop()


def wait_until(predicate, timeout: float = 30.0) -> None:
    """Poll a condition another thread makes true, failing after `timeout`."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
