"""The type-ahead check over a real terminal: the app runs in tmux, and one
`tmux send-keys` call types F5, a first name, Tab, a last name, Tab, a phone
and Ctrl+S, all at once, as a fast rep over SSH does. The saved lead must have
each value in its own field.

Also a script: `python tests/test_typeahead_tmux.py DIR` runs the check on
the device in REP_TUI_HOME=DIR (make one with `rep-tui demo --no-open`)."""

from __future__ import annotations

import sys
from pathlib import Path

from tmux_app import TmuxApp

#: (first name, last name, home phone) typed in one burst; the phone is on no demo lead.
TYPED = ("Ann", "Leeuwen", "6305550199")


def saved_lead(home: Path, last_name: str):
    """The lead of that last name in the device's database, as (first, last, home phone), or None."""
    import sqlite3

    database = home / "data" / "rep-tui.sqlite3"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT first_name, last_name, home_phone FROM leads WHERE last_name = ?",
                            (last_name,)).fetchone()


def run_check(home: Path) -> tuple[str, str, str]:
    """Type the burst into the app running in tmux on the device at `home`; return what was saved."""
    with TmuxApp(home) as app:
        app.wait_to_show("Today", "the Dashboard")
        first, last, phone = TYPED
        app.keys("F5", first, "Tab", last, "Tab", phone, "C-s")
        return app.wait_for(lambda: saved_lead(home, last), f"the lead {first} {last} to be saved")


def test_a_burst_typed_in_tmux_lands_in_each_field(demo_home: Path):
    first, last, phone = TYPED
    saved = run_check(demo_home)
    assert saved[:2] == (first, last)
    assert "".join(ch for ch in saved[2] if ch.isdigit()) == phone


if __name__ == "__main__":
    print(run_check(Path(sys.argv[1])))
