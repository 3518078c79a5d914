"""`rep-tui admin targets` as the office types it, on a real SQLite server
database: set a rep's monthly targets (typed as the app's form takes them),
change one goal later, list them as a table and as JSON; bad input is told
in words and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from rep_tui.cli import main
from rep_tui.server.admin import open_server
from server_fixtures import make_company, server_rows


def admin(db_url: str, *args: str):
    return CliRunner().invoke(main, ["admin", "--db", db_url, *args], catch_exceptions=False)


def test_targets_are_set_changed_and_listed(tmp_path: Path):
    db_url = f"sqlite:///{tmp_path / 'company.sqlite3'}"
    engine = open_server(db_url)
    try:
        make_company(engine)
        made = admin(db_url, "targets", "set", "ann", "--month", "2026-12", "--sales", "60,000", "--units", "10",
                     "--issued", "40")
        assert made.output == "Targets of Ann for December 2026: net sales $60,000, 10 units, 40 issued.\n"
        changed = admin(db_url, "targets", "set", "ann", "--month", "Dec 2026", "--issued", "45")
        assert changed.output == "Targets of Ann for December 2026: net sales $60,000, 10 units, 45 issued.\n"
        admin(db_url, "targets", "set", "bob", "--month", "11/2026", "--sales", "30000")
        assert len(server_rows(engine, "targets")) == 2  # one row per rep and month

        assert admin(db_url, "targets", "list").output.splitlines() == [
            "2026-12  ann              net sales $60,000, 10 units, 45 issued",
            "2026-11  bob              net sales $30,000, 0 units, 0 issued"]
        listed = json.loads(admin(db_url, "targets", "list", "--month", "2026-11", "--json").output)
        assert listed == [{"username": "bob", "full_name": "Bob", "month": "2026-11", "sales_cents": 3_000_000,
                           "units": 0, "issued": 0}]

        bad = admin(db_url, "targets", "set", "ann", "--month", "13/2026", "--units", "many")
        assert bad.exit_code == 1
        assert "Month: A month, like 2026-12" in bad.output and "Units Sold: Units is a whole number." in bad.output
        nobody = admin(db_url, "targets", "set", "zed", "--month", "2026-12", "--sales", "1")
        assert nobody.exit_code == 1 and "No user named 'zed'" in nobody.output
        assert len(server_rows(engine, "targets")) == 2
    finally:
        engine.dispose()
