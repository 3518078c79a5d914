"""The vendor directory across devices, over HTTP against a real server
(SQLite and PostgreSQL): a vendor the office adds reaches a rep's device; a
manager (whose role has `edit_vendors` by default) changes it and the rep
gets the change; a rep's edit is refused as a missing permission; a bad
phone is refused by the server in the form's words; a delete leaves every device."""

from __future__ import annotations

from rep_tui.store.vendors import delete_vendor, save_contact_type, save_vendor
from server_fixtures import server_rows


def test_a_vendor_the_office_adds_reaches_the_rep_and_only_permitted_edits_stick(server, company, devices):
    office, ann, maria = devices("ada"), devices("ann"), devices("maria")
    for d in (office, ann, maria):
        d.sync()
    with office.store.session() as s:
        installer = save_contact_type(s, office.actor, None, {"code": "installer", "label": "Installer"}).id
        vendor = save_vendor(s, office.actor, None, {
            "company": "Lakeside Glass", "contact_name": "Dana Ortiz", "contact_type_id": installer,
            "phone": "(312) 555-0142", "alt_phone": None, "email": "dana@lakeside.example", "address": None,
            "note": "Call before 3"}).id
    assert office.sync().rejected == []
    ann.sync()
    assert ann.rows("vendors")[vendor]["company"] == "Lakeside Glass"
    assert ann.rows("vendors")[vendor]["contact_type_id"] == str(installer)
    assert ann.rows("vendor_contact_types")[installer]["label"] == "Installer"

    with ann.store.session() as s:  # a rep reads the directory but may not change it
        save_vendor(s, ann.actor, vendor, {"note": "ask for Bo"})
    report = ann.sync()
    assert len(report.rejected) == 1 and "edit the vendor directory needs a permission" in report.rejected[0]

    maria.sync()
    with maria.store.session() as s:  # a manager may; a phone the form would refuse, the server refuses too
        save_vendor(s, maria.actor, vendor, {"phone": "555-01"})
    report = maria.sync()
    assert len(report.rejected) == 1 and "phone: A phone needs 10 digits with the area code" in report.rejected[0]
    assert server_rows(server.engine, "vendors")[vendor]["phone"] == "(312) 555-0142"

    maria2 = devices("maria")
    maria2.sync()
    with maria2.store.session() as s:
        save_vendor(s, maria2.actor, vendor, {"phone": "(312) 555-0199"})
    assert maria2.sync().rejected == []
    ann.sync()
    assert ann.rows("vendors")[vendor]["phone"] == "(312) 555-0199"

    with office.store.session() as s:
        delete_vendor(s, office.actor, vendor)
    assert office.sync().rejected == []
    ann.sync()
    assert vendor not in ann.rows("vendors")
