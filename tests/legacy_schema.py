"""Databases as the separate client and server migration trees built them
before the shared history (frozen in legacy_migrations/), so tests can check
that what devices and servers in the field hold is upgraded in place."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

LEGACY = Path(__file__).parent / "legacy_migrations"
HEADS = {"client": "0006", "server": "0006"}


def build_legacy(engine: Engine, kind: str, revision: str) -> None:
    """Build a `kind` ("client" or "server") database at an old `revision` with the old tree."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(LEGACY))
    cfg.set_main_option("path_separator", "newline")
    cfg.set_main_option("version_locations", str(LEGACY / kind))
    cfg.attributes["engine"] = engine
    command.upgrade(cfg, revision)
