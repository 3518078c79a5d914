"""Leaving the terminal: a map in the browser, a file in the system viewer.
Only when the app runs on the rep's own machine; over SSH the browser
would open on the server, so callers show things in the terminal instead."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote_plus

from rep_tui.store.models import Lead


def runs_locally() -> bool:
    """True when a browser opened by us would appear in front of the rep."""
    if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"):
        return False
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def full_address(lead: Lead) -> str:
    city_line = " ".join(part for part in (lead.state, lead.zip) if part)
    return ", ".join(part for part in (lead.address, lead.city, city_line) if part)


def map_url(lead: Lead) -> str:
    return "https://www.google.com/maps/search/?api=1&query=" + quote_plus(full_address(lead))


def viewer_copy(blob: Path, filename: str) -> Path:
    """The blob under its real file name in a temp folder, so the system
    viewer knows what kind of file it is (blobs are named by hash)."""
    folder = Path(tempfile.gettempdir()) / "rep-tui-open" / blob.name[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(filename).name
    if not target.exists():
        try:
            os.link(blob, target)
        except OSError:
            shutil.copyfile(blob, target)
    return target
