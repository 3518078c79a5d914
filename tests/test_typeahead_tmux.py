"""The type-ahead check over a real terminal: the app runs in tmux, and one
`tmux send-keys` call types F5, a first name, Tab, a last name, Tab, a phone
and Ctrl+S, all at once, as a fast rep over SSH does. The saved lead must have
each value in its own field.

Also a script: `python tests/test_typeahead_tmux.py DIR` runs the check on
the device in REP_TUI_HOME=DIR (make one with `rep-tui demo --no-open`)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

#: How long the app may take to show a screen on a loaded machine before the check fails.
PATIENCE_SECONDS = 60.0
#: (first name, last name, home phone) typed in one burst; the phone is on no demo lead.
TYPED = ("Ann", "Leeuwen", "6305550199")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait_for(condition, what: str):
    """Poll `condition` until it returns something truthy; fail loudly after PATIENCE_SECONDS."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def saved_lead(home: Path, last_name: str):
    """The lead of that last name in the device's database, as (first, last, home phone), or None."""
    import sqlite3

    database = home / "data" / "rep-tui.sqlite3"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT first_name, last_name, home_phone FROM leads WHERE last_name = ?",
                            (last_name,)).fetchone()


def run_check(home: Path) -> tuple[str, str, str]:
    """Type the burst into the app running in tmux on the device at `home`; return what was saved."""
    session = f"typeahead-{uuid.uuid4().hex[:8]}"
    # A running tmux server gives new panes its own environment, not ours: name what the app needs.
    env = {name: os.environ[name] for name in ("REP_TUI_NOW", "PYTHONPATH", "TERM") if name in os.environ}
    env["REP_TUI_HOME"] = str(home)
    command = shlex.join(["env", *(f"{name}={value}" for name, value in env.items()), sys.executable, "-m", "rep_tui"])
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command], check=True)
    tmux("set-option", "-t", session, "remain-on-exit", "on")  # a crash stays readable in the pane
    pane = lambda: tmux("capture-pane", "-p", "-S", "-40", "-t", session)  # noqa: E731  (with what scrolled off)
    try:
        wait_for(lambda: "Today" in pane(), "the Dashboard")
        first, last, phone = TYPED
        tmux("send-keys", "-t", session, "F5", first, "Tab", last, "Tab", phone, "C-s")
        return wait_for(lambda: saved_lead(home, last), f"the lead {first} {last} to be saved")
    except AssertionError as error:
        raise AssertionError(f"{error}; the terminal shows:\n{pane()}") from None
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_a_burst_typed_in_tmux_lands_in_each_field(demo_home: Path):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for this test (apt-get install tmux)")
    first, last, phone = TYPED
    saved = run_check(demo_home)
    assert saved[:2] == (first, last)
    assert "".join(ch for ch in saved[2] if ch.isdigit()) == phone


if __name__ == "__main__":
    print(run_check(Path(sys.argv[1])))
