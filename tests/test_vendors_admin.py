"""The vendor directory on the command line, on a real server database
(SQLite and PostgreSQL): contact types (add, list, a bad or taken code
refused), vendors (add, list filtered by type, --json, a bad phone refused
in plain words) and a CSV import checked line by line before anything is written."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rep_tui.cli import main
from server_fixtures import backend, pg_cluster  # noqa: F401  (fixtures)


def admin(url: str, *args: str):
    return CliRunner().invoke(main, ["admin", "--db", url, *args], catch_exceptions=False)


def test_contact_types_and_vendors_from_the_command_line(backend, tmp_path):  # noqa: F811
    url = backend.url
    assert "No contact types yet" in admin(url, "vendor-types", "list").output
    assert admin(url, "vendor-types", "add", "Installer", "Installer").output == "Added contact type installer.\n"
    assert admin(url, "vendor-types", "add", "supplier", "Supplier").exit_code == 0
    taken = admin(url, "vendor-types", "add", "installer", "Installers")
    assert taken.exit_code == 1 and "already a contact type installer" in taken.output
    assert "one word" in admin(url, "vendor-types", "add", "two words", "X").output

    assert admin(url, "vendors", "add", "Lakeside Glass", "--type", "installer", "--contact", "Dana Ortiz",
                 "--phone", "(312) 555-0142").output == "Added Lakeside Glass.\n"
    bad = admin(url, "vendors", "add", "Bad Phone Co", "--phone", "555-01")
    assert bad.exit_code == 1 and "A phone needs 10 digits" in bad.output
    unknown = admin(url, "vendors", "add", "Acme", "--type", "lender")
    assert unknown.exit_code == 1 and "No contact type 'lender' (known: installer, supplier" in unknown.output

    sheet = tmp_path / "vendors.csv"
    sheet.write_text("Company,Type,Phone,Email\nlakeside glass,installer,(312) 555-0199,dana@lakeside.example\n"
                     "\"Midwest Siding, Inc.\",supplier,,orders@midwest.example\n")
    assert admin(url, "vendors", "import", str(sheet)).output == "1 vendor(s) added, 1 updated.\n"
    broken = tmp_path / "broken.csv"
    broken.write_text("company,type,email\nRoofers R Us,roofer,\n,supplier,x@y.example\nGood Co,,not-an-email\n")
    refused = admin(url, "vendors", "import", str(broken))
    assert refused.exit_code == 1 and "Nothing was imported" in refused.output
    assert "line 2: No contact type 'roofer'" in refused.output and "line 3: Company is required" in refused.output
    assert "line 4:" in refused.output

    listed = json.loads(admin(url, "vendors", "list", "--json").output)
    assert [(v["company"], v["type"], v["phone"], v["email"]) for v in listed] == [
        ("Lakeside Glass", "installer", "(312) 555-0199", "dana@lakeside.example"),
        ("Midwest Siding, Inc.", "supplier", None, "orders@midwest.example")]
    installers = json.loads(admin(url, "vendors", "list", "--type", "installer", "--json").output)
    assert [v["company"] for v in installers] == ["Lakeside Glass"]
    assert "Lakeside Glass" in admin(url, "vendors", "list", "--type", "installer").output


def test_the_checklist_from_the_command_line(backend):  # noqa: F811
    url = backend.url
    assert "The checklist is empty" in admin(url, "checklist", "list").output
    assert admin(url, "checklist", "add", "Old windows hauled away").output == \
        "Added 'Old windows hauled away' to the checklist.\n"
    assert admin(url, "checklist", "add", "Screens fitted").exit_code == 0
    again = admin(url, "checklist", "add", "screens FITTED")
    assert again.exit_code == 1 and "already has 'screens FITTED'" in again.output
    assert admin(url, "checklist", "add", " ").exit_code == 1
    assert json.loads(admin(url, "checklist", "list", "--json").output) == [
        {"label": "Old windows hauled away", "order": 10, "active": True},
        {"label": "Screens fitted", "order": 20, "active": True}]
