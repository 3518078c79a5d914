"""Leaving the terminal: a map in the browser, a file in the system viewer
or the Downloads folder. A viewer only when the app runs on the rep's own
machine; over SSH it would open on the server, so callers show things in the
terminal instead and say why."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote_plus

from rep_tui.store.models import Lead


class NoViewer(Exception):
    """A file cannot be opened in a viewer here; the message says why."""


def _over_ssh() -> bool:
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))


def runs_locally() -> bool:
    """True when a browser opened by us would appear in front of the rep."""
    if _over_ssh():
        return False
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def viewer_command() -> list[str]:
    """The program that opens a file in the system's viewer; raises NoViewer saying why there is none."""
    if _over_ssh():
        raise NoViewer("The app runs over SSH: a viewer would open on the other machine, not in front of you.")
    if not runs_locally():
        raise NoViewer("This terminal has no graphical display (DISPLAY is not set), so no viewer can open.")
    if sys.platform == "darwin":
        return ["open"]
    if sys.platform == "win32":
        return ["explorer"]
    opener = shutil.which("xdg-open")
    if opener is None:
        raise NoViewer("No viewer program here: xdg-open (package xdg-utils) is not installed.")
    return [opener]


def open_in_viewer(blob: Path, filename: str) -> None:
    """Show the file in the system's viewer, under its real name; raises NoViewer saying why not."""
    command = viewer_command()
    if not blob.is_file():
        raise NoViewer("This file is not downloaded to this device yet: it comes with the next sync.")
    try:
        subprocess.Popen([*command, str(viewer_copy(blob, filename))], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise NoViewer(f"The viewer ({command[0]}) could not start: {exc.strerror or exc}.") from None


def downloads_dir() -> Path:
    """The user's Downloads folder (platformdirs; XDG_DOWNLOAD_DIR on Linux)."""
    from platformdirs import user_downloads_dir

    return Path(user_downloads_dir())


def save_to_downloads(blob: Path, filename: str, folder: Path | None = None) -> Path:
    """Copy the file into Downloads under its own name, never over another
    file ("quote (1).pdf" when "quote.pdf" is taken); returns where it went.
    Raises OSError (e.g. no permission); a half-written copy is removed."""
    folder = folder or downloads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(filename).name or blob.name
    stem, suffix = Path(name).stem, Path(name).suffix
    for number in itertools.count():
        target = folder / (name if number == 0 else f"{stem} ({number}){suffix}")
        try:
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        try:
            with os.fdopen(handle, "wb") as out, blob.open("rb") as source:
                shutil.copyfileobj(source, out)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return target
    raise AssertionError("unreachable")


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
