"""`rep-tui admin job-statuses` as an office admin types it, on a real SQLite
server database: the starting statuses are there, add, edit, deactivate, list
(and --json); refused input says why and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rep_tui.cli import main
from rep_tui.domain.job_statuses import DEFAULT_JOB_STATUSES


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'company.sqlite3'}"


def admin(db_url: str, *args: str):
    return CliRunner().invoke(main, ["admin", "--db", db_url, "job-statuses", *args], catch_exceptions=False)


def _listed(db_url: str) -> dict[str, dict]:
    answer = admin(db_url, "list", "--json")
    assert answer.exit_code == 0, answer.output
    return {s["code"]: s for s in json.loads(answer.output)}


def test_a_company_starts_with_the_reference_statuses_and_the_admin_edits_them(db_url):
    listed = _listed(db_url)
    assert list(listed) == [spec.code for spec in DEFAULT_JOB_STATUSES]
    assert listed["Cancelled"]["counts_as_cancelled"] and not listed["Cancelled"]["counts_as_sold"]
    assert admin(db_url, "add", "Permit Pending", "--label", "Waiting on permit", "--sold", "--order", "25"
                 ).output == "Added job status Permit Pending.\n"
    assert admin(db_url, "edit", "permit pending", "--installed").output == "Saved job status Permit Pending.\n"
    assert admin(db_url, "deactivate", "On Hold").output == "Job status On Hold is no longer offered.\n"
    listed = _listed(db_url)
    assert (listed["Permit Pending"]["label"], listed["Permit Pending"]["counts_as_installed"]) == (
        "Waiting on permit", True)
    assert listed["On Hold"]["active"] is False
    assert "(not offered)" in admin(db_url, "list").output


def test_refused_input_says_why_and_writes_nothing(db_url):
    before = _listed(db_url)
    twice = admin(db_url, "add", "ordered")
    assert twice.exit_code == 1 and "There is already a status ordered" in twice.output
    missing = admin(db_url, "edit", "Shipped", "--label", "x")
    assert missing.exit_code == 1 and "No job status 'Shipped'" in missing.output
    assert _listed(db_url) == before
