"""`rep-tui admin result-codes` as an office admin types it, on a real SQLite
server database: add, change flags, stop offering, list (and --json); refused
input says why and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rep_tui.cli import main


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'company.sqlite3'}"


def admin(db_url: str, *args: str):
    return CliRunner().invoke(main, ["admin", "--db", db_url, "result-codes", *args], catch_exceptions=False)


def _listed(db_url: str) -> dict[str, dict]:
    answer = admin(db_url, "list", "--json")
    assert answer.exit_code == 0, answer.output
    return {c["code"]: c for c in json.loads(answer.output)}


def test_an_admin_adds_codes_and_makes_one_leg_count_as_a_demo(db_url):
    assert "No result codes yet" in admin(db_url, "list").output
    sold = admin(db_url, "add", "sold", "--label", "Sold", "--key", "s", "--issued", "--demo", "--sale",
                 "--needs-sale", "--order", "1")
    assert sold.output == "Added result code SOLD.\n"
    assert admin(db_url, "add", "1L", "--label", "One Leg", "--key", "o", "--issued", "--needs-follow-up",
                 "--order", "2").exit_code == 0
    assert _listed(db_url)["1L"]["counts_as_demo"] is False

    assert admin(db_url, "set", "1l", "--demo").output == "Saved result code 1L.\n"
    one_leg = _listed(db_url)["1L"]
    assert (one_leg["counts_as_demo"], one_leg["counts_as_issued"], one_leg["label"]) == (True, True, "One Leg")

    assert admin(db_url, "set", "1L", "--inactive").exit_code == 0
    lines = admin(db_url, "list").output.splitlines()
    assert lines[0].split()[:3] == ["1", "s", "SOLD"] and lines[1].endswith("(not offered)")


def test_refused_input_says_why_and_writes_nothing(db_url):
    admin(db_url, "add", "SOLD", "--label", "Sold", "--key", "s", "--sale")
    before = _listed(db_url)
    clash = admin(db_url, "add", "SIT", "--label", "Sat", "--key", "s")
    assert clash.exit_code == 1 and "Key s is taken by SOLD" in clash.output
    nameless = admin(db_url, "add", "X", "--key", "x")
    assert nameless.exit_code == 1 and "label" in nameless.output
    missing = admin(db_url, "set", "NOPE", "--demo")
    assert missing.exit_code == 1 and "No result code 'NOPE'" in missing.output
    assert _listed(db_url) == before
