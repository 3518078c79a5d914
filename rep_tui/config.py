"""Where rep-tui keeps its files, and the settings a user may change.

`REP_TUI_HOME` puts everything (data, config, cache) under one directory;
tests and the demo use it. Otherwise paths come from platformdirs.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

APP_NAME = "rep-tui"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_dir: Path
    #: Where files a user asks for (a report's CSV) are written: their documents folder.
    documents_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "rep-tui.sqlite3"

    @property
    def blobs_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"


#: The zone of a user with no office that says its own.
DEFAULT_TIME_ZONE = "America/Chicago"


@dataclass(frozen=True)
class Settings:
    paths: Paths
    #: None: the signed-in user's office zone (see `queries.time_zone_of`).
    time_zone: str | None = None
    theme: str = "textual-dark"
    work_day_start: int = 8
    work_day_end: int = 20
    max_upload_bytes: int = 25 * 1024 * 1024
    extra: dict = field(default_factory=dict)

    @property
    def work_hours(self) -> tuple[int, int]:
        """The hours of a user who never set theirs (`store.work_hours`)."""
        return self.work_day_start, self.work_day_end


def resolve_paths() -> Paths:
    home = os.environ.get("REP_TUI_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(data_dir=root / "data", config_dir=root / "config", documents_dir=root / "documents")
    import platformdirs

    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        documents_dir=Path(platformdirs.user_documents_dir()),
    )


def _env_overrides() -> dict:
    """`REP_TUI_TIME_ZONE=...` overrides `time_zone` in settings.toml, etc."""
    known = {"time_zone": str, "theme": str, "work_day_start": int, "work_day_end": int, "max_upload_bytes": int}
    out = {}
    for key, kind in known.items():
        value = os.environ.get(f"REP_TUI_{key.upper()}")
        if value is not None:
            out[key] = kind(value)
    return out


@lru_cache(maxsize=1)
def load_settings() -> Settings:
    paths = resolve_paths()
    values: dict = {}
    if paths.settings_file.exists():
        with paths.settings_file.open("rb") as fh:
            values = tomllib.load(fh)
    values.update(_env_overrides())
    known = {k: values.pop(k) for k in list(values) if k in Settings.__dataclass_fields__ and k != "paths"}
    return Settings(paths=paths, extra=values, **known)


def reset_settings_cache() -> None:
    load_settings.cache_clear()
