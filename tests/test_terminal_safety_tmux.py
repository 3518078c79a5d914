"""What reaches a terminal: a lead and a comment holding escape sequences
(set the clipboard, set the window title, clear the screen) and Textual
markup, stored on the server as old data (the server refuses them on push
now), synced to the manager's device, opened in the app in a real terminal
(tmux) and printed by `rep-tui search`. Nothing is obeyed: the pane shows the
sequences as symbols, its title and the clipboard are untouched, and the
markup is text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from rep_tui.config import resolve_paths
from rep_tui.device_link import sign_in
from rep_tui.server.seed import add_rows
from rep_tui.store.db import Store
from server_fixtures import PASSWORD, Backend, Server, make_company
from tmux_app import TmuxApp

CLIPBOARD = "\x1b]52;c;SGVsbG8=\x07"  # OSC 52: put "Hello" on the clipboard
CLEAR = "\x1b[2J"
TITLE = "\x1b]0;PWNED\x07"  # OSC 0: the window title
MARKUP = "[@click=app.quit]x[/]"
FIRST, LAST, CITY = f"Eve{CLIPBOARD}", f"Hostile{CLEAR}", f"Aurora{TITLE}"
COMMENT = f"Call after 5{CLIPBOARD}\nthen {CLEAR}{TITLE} {MARKUP}"
PANE_TITLE = "pane-before"


@pytest.fixture
def manager_device(tmp_path: Path, rep_env: Path):
    """A server whose database holds the hostile lead and comment (written
    directly, as old data), and the manager's device (this test's
    REP_TUI_HOME) signed in and synced; yields the home."""
    path = tmp_path / "server.sqlite3"
    server = Server(Backend("sqlite", f"sqlite:///{path}", path=path), tmp_path / "server-blobs").start()
    try:
        company = make_company(server.engine)
        lead_id = uuid.uuid4()
        add_rows(server.engine, {
            "leads": [{"id": lead_id, "first_name": FIRST, "last_name": LAST, "city": CITY, "address": "1 Elm St",
                       "rep_id": company.users["ann"], "pid": 4242, "custom": {}}],
            "comments": [{"id": uuid.uuid4(), "lead_id": lead_id, "author_id": company.users["ann"],
                          "author_name": f"Ann{TITLE}", "body": COMMENT}],
        })
        store = Store(resolve_paths().database)
        try:
            sign_in(store, server.url, "maria", PASSWORD)
        finally:
            store.close()
        yield rep_env
    finally:
        server.stop()


def rep_tui(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "REP_TUI_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "rep_tui", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_rep_tui_search_prints_escape_sequences_as_symbols(manager_device: Path):
    plain = rep_tui("search", "hostile", home=manager_device)
    assert plain.returncode == 0, plain.stderr
    assert "\x1b" not in plain.stdout and "\x07" not in plain.stdout
    assert "Eve␛]52;c;SGVsbG8=␇ Hostile␛" in plain.stdout  # cut at the name column's 28 characters
    assert "Aurora␛]0;PWNED" in plain.stdout

    as_json = rep_tui("search", "hostile", "--json", home=manager_device)
    assert as_json.returncode == 0, as_json.stderr
    assert "\x1b" not in as_json.stdout and "\x07" not in as_json.stdout
    [hit] = json.loads(as_json.stdout)
    assert (hit["name"], hit["city"]) == (f"{FIRST} {LAST}", CITY)  # escaped, not changed


def test_escape_sequences_and_markup_in_synced_data_are_shown_not_obeyed(manager_device: Path):
    # Its own tmux server, empty buffer list, taking OSC 52 from the app as a real terminal would.
    with TmuxApp(manager_device, config="set -s set-clipboard on\n") as app:
        app.tmux("select-pane", "-t", "app", "-T", PANE_TITLE)
        app.wait_to_show("Today", "the Dashboard")
        app.keys("2")
        app.wait_to_show("Search", "the Search screen")
        app.keys("-l", "hostile")
        app.wait_to_show("Eve␛]52;c;SGVsbG…", "the hostile lead in the results")
        app.keys("Enter")
        app.wait_for(lambda: "Aurora␛]0;PWNED" in app.pane() and "Comments" in app.pane(),
                     "the lead's Customer Information")
        app.keys("c")
        app.wait_to_show("Call after 5␛]52;c;SGVsbG8=␇", "the comment")
        shown = app.pane()
        assert "then ␛[2J␛]0;PWNED␇ [@click=app.quit]x[/]" in shown  # markup shown as typed, not read
        assert "Ann␛]0;PWNED␇" in shown
        assert "Eve␛]52;c;SGVsbG8=␇ Hostile␛[2J" in shown  # the header
        assert "Job" in shown and "History" in shown  # the tabs are still there: nothing cleared the screen
        with_styles = app.pane("-e")
        assert "PWNED" in with_styles and "]52;" not in with_styles.replace("␛]52;", "")
        assert app.tmux("display-message", "-p", "-t", "app", "#{pane_title}").strip() == PANE_TITLE
        assert app.tmux("list-buffers") == ""  # nothing was put on the clipboard
        assert "Pane is dead" not in app.pane()  # the app still runs: no action was clicked into being
