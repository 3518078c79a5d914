"""Fixtures for every test: a fixed clock, a private REP_TUI_HOME, and a demo
company built once per session and copied for each test that asks for it,
so tests may write freely without building 1,500 leads each time."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import text

from rep_tui.config import resolve_paths, reset_settings_cache
from rep_tui.demo.company import build_demo
from rep_tui.store.db import Store
from schema_templates import new_store_file

NOW = "2026-11-24T16:00:00+00:00"  # 10:00 in Chicago, a Tuesday
DEMO_LEADS, DEMO_SEED = 1500, 7


@pytest.fixture(autouse=True)
def rep_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The fixed "now" and an empty REP_TUI_HOME of this test; yields the home."""
    home = tmp_path / "home"
    monkeypatch.setenv("REP_TUI_NOW", NOW)
    monkeypatch.setenv("REP_TUI_HOME", str(home))
    reset_settings_cache()
    yield home
    reset_settings_cache()


def _checkpoint_and_close(store: Store) -> None:
    """Fold the WAL into the main file and close every connection, so the
    database file alone is a complete copy."""
    with store.engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    store.close()


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text cursors do not blink in tests: a snapshot must not depend on when
    it is taken (on a busy machine, half a second passes easily)."""
    from textual.widgets import Input

    created = Input.__init__

    def without_blink(self, *args, **kwargs) -> None:
        created(self, *args, **kwargs)
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", without_blink)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A REP_TUI_HOME holding the demo company (1,500 leads, seed 7, at NOW),
    built once per session (per xdist worker). Read-only: copy it to write."""
    home = tmp_path_factory.mktemp("demo-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REP_TUI_NOW", NOW)
        mp.setenv("REP_TUI_HOME", str(home))
        paths = resolve_paths()
        store = Store(paths.database)
        try:
            build_demo(store, leads=DEMO_LEADS, seed=DEMO_SEED, blobs_dir=paths.blobs_dir)
        finally:
            _checkpoint_and_close(store)
    return home


@pytest.fixture
def demo_home(demo_db: Path, rep_env: Path) -> Path:
    """This test's REP_TUI_HOME (already set by `rep_env`) holding a private
    copy of the demo database and its blobs."""
    source = demo_db / "data"
    shutil.copytree(source, resolve_paths().data_dir, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    reset_settings_cache()
    return rep_env


@pytest.fixture
def store(demo_home: Path) -> Iterator[Store]:
    """The demo company's database of this test, open."""
    opened = Store(resolve_paths().database)
    yield opened
    opened.close()


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    """A freshly migrated database with no rows."""
    opened = Store(new_store_file(tmp_path / "empty" / "rep-tui.sqlite3"))
    yield opened
    opened.close()
