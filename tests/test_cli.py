"""The `rep-tui` command as scripts use it, in a subprocess like a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def rep_tui(*args: str, home) -> subprocess.CompletedProcess:
    env = {**os.environ, "REP_TUI_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "rep_tui", *args], capture_output=True, text=True, env=env, timeout=300)


def test_version(tmp_path):
    result = rep_tui("--version", home=tmp_path)
    assert result.returncode == 0
    assert "rep-tui, version" in result.stdout


def test_demo_then_search_and_stats(tmp_path):
    made = rep_tui("demo", "--no-open", "--leads", "400", home=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "signed in as" in made.stdout
    again = rep_tui("demo", "--no-open", home=tmp_path)
    assert "already" in again.stdout

    found = rep_tui("search", "obrien", "--json", home=tmp_path)
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert hits and all("o'brien" in h["name"].lower() for h in hits)
    assert {h["matched"] for h in hits} == {"name"}

    stats = rep_tui("stats", "--period", "year", "--json", home=tmp_path)
    assert stats.returncode == 0, stats.stderr
    report = json.loads(stats.stdout)
    figures = report["figures"]
    assert report["rep"] == "Dana Reyes"
    assert figures["issued"]["value"] >= figures["demos"]["value"] >= figures["sales"]["value"] > 0
    assert figures["close_rate"]["formula"] == "sales ÷ demos"


def test_the_first_demo_says_what_it_is_doing_from_the_start(tmp_path):
    """The first line comes while the company is still being built (its server
    database does not exist yet); then counts, the server, the sync."""
    env = {**os.environ, "REP_TUI_HOME": str(tmp_path)}
    demo = subprocess.Popen([sys.executable, "-m", "rep_tui", "demo", "--no-open", "--leads", "1200"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = demo.stderr.readline()
        built = (tmp_path / "data" / "server.sqlite3").exists()
        rest = demo.stderr.read().splitlines()
    finally:
        demo.wait(timeout=300)
    assert demo.returncode == 0, rest
    assert first == "Building the demo company (40 reps, 1,200 leads)…\n"
    assert not built, "the first line must come before the build is done"
    assert rest[:3] == ["  reps: 40 in 3 offices", "  leads: 500 of 1,200", "  leads: 1,000 of 1,200"]
    assert rest[3].startswith("  leads: 1,200 of 1,200; appointments: ")
    server = rest.index("Starting the demo server…")
    assert rest.index("  copying it into the demo server's database") < server < rest.index("Signing in as demo…")
    syncing = [line for line in rest[server:] if line.startswith("Syncing: received ")]
    assert syncing and syncing[-1].endswith(" row(s)…")


def test_search_without_data_says_so(tmp_path):
    result = rep_tui("stats", home=tmp_path)
    assert result.returncode != 0
    assert "No user is signed in" in result.stderr


def test_a_servers_refusal_is_shown_as_text_not_obeyed(tmp_path):
    """A sign-in refusal carries the server's words to the terminal: a
    hostile or broken server's escape sequences and direction overrides are
    shown as symbols."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Hostile(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            body = json.dumps({"detail": "\x1b]0;PWNED\x07\x1b[2J wrong\u202e password"}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = rep_tui("login", f"http://127.0.0.1:{server.server_port}", "-u", "ann", "--password", "x",
                         home=tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 1
    assert result.stderr == "Error: Sign-in refused: ␛]0;PWNED␇␛[2J wrong\\u202e password\n"
