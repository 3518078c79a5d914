"""Demo companies for the benches, built once and kept in a cache directory
(building 100,000 leads takes about a minute): a REP_TUI_HOME per size, made
again whenever the code that writes it changes."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The clock the benches run at, as in the tests: data "near now" stays near now.
NOW = "2026-11-24T16:00:00+00:00"
#: What the demo database depends on: its generator, the models and the migrations ...
_SOURCES = ("rep_tui/demo/company.py", "rep_tui/demo/names.py", "rep_tui/store/models.py", "rep_tui/store/client_models.py",
            "rep_tui/store/migrations")


def _fingerprint() -> str:
    import inspect

    from rep_tui.store import search

    digest = hashlib.sha256()
    for source in _SOURCES:
        path = ROOT / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.read_bytes())
    for writes_the_index in (search.document, search._phone_tokens, search.rebuild_index):  # ... and the search index
        digest.update(inspect.getsource(writes_the_index).encode())
    return digest.hexdigest()[:12]


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "rep-tui-bench"


def demo_home(leads: int, seed: int = 11) -> Path:
    """A REP_TUI_HOME holding the demo company (local store, as the tests use
    it) of `leads` leads at NOW; read-only, copy it to write (`copy_home`)."""
    home = cache_dir() / f"demo-{leads}-{seed}-{_fingerprint()}"
    if (home / "complete").exists():
        return home
    shutil.rmtree(home, ignore_errors=True)
    os.environ["REP_TUI_NOW"] = NOW
    from sqlalchemy import text

    from rep_tui.demo.company import build_demo
    from rep_tui.store.db import Store

    data = home / "data"
    store = Store(data / "rep-tui.sqlite3")
    try:
        build_demo(store, leads=leads, seed=seed, blobs_dir=data / "blobs")
        with store.engine.connect() as conn:  # the database file alone is then a complete copy
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        store.close()
    (home / "complete").touch()
    return home


def copy_home(source: Path, target: Path) -> Path:
    """A private, writable copy of a cached home."""
    shutil.copytree(source / "data", target / "data", ignore=shutil.ignore_patterns("*-wal", "*-shm", "complete"))
    return target
