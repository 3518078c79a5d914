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


def test_search_without_data_says_so(tmp_path):
    result = rep_tui("stats", home=tmp_path)
    assert result.returncode != 0
    assert "No user is signed in" in result.stderr
