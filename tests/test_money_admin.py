"""The office's money on the command line, on a real server database
(SQLite and PostgreSQL): the invoice item catalogue (list, add, import a
CSV, --json) and the commission report on a small known company, whose
totals are worked out by hand below (table, --json and --csv)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date
from decimal import Decimal

from click.testing import CliRunner
from sqlalchemy import select, update

from rep_tui.cli import main
from rep_tui.server.admin import open_server
from rep_tui.server.seed import add_rows
from rep_tui.store.models import Job, User
from server_fixtures import backend, make_company, pg_cluster  # noqa: F401  (fixtures)


def admin(url: str, *args: str):
    return CliRunner().invoke(main, ["admin", "--db", url, *args], catch_exceptions=False)


def test_the_catalogue_from_the_command_line(backend, tmp_path):  # noqa: F811
    assert "The catalogue is empty" in admin(backend.url, "catalogue", "list").output
    assert admin(backend.url, "catalogue", "add", "win-dh", "Double-hung window", "$649").output == "Saved WIN-DH.\n"
    refused = admin(backend.url, "catalogue", "add", "WIN-X", "Window", "6.495")
    assert refused.exit_code == 1 and "two decimals" in refused.output
    sheet = tmp_path / "items.csv"
    sheet.write_text("SKU,Name,Price\nWIN-DH,Double-hung window (white),699.00\nGUT-5,\"Gutter, 5 in\",12.50\n")
    assert admin(backend.url, "catalogue", "import", str(sheet)).output == "1 item(s) added, 1 updated.\n"
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,name,price\nDOOR,Entry door,lots\n,No SKU,10\n")
    refused = admin(backend.url, "catalogue", "import", str(bad))
    assert refused.exit_code == 1 and "line 2: An amount in dollars" in refused.output and "line 3: SKU is required" \
        in refused.output
    listed = json.loads(admin(backend.url, "catalogue", "list", "--json").output)
    assert listed == [{"sku": "GUT-5", "name": "Gutter, 5 in", "price_cents": 1250, "active": True},
                      {"sku": "WIN-DH", "name": "Double-hung window (white)", "price_cents": 69900, "active": True}]


def _known_company(url: str):
    """Ann (8 %) sold two jobs in November, Bob (10 %) one; one of Ann's in
    October. Payments: Ann's first job paid in full, her second half; Bob's none."""
    engine = open_server(url)
    company = make_company(engine, leads_per_rep=2)
    ann, bob = company.users["ann"], company.users["bob"]
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == bob).values(commission_pct=Decimal("10.00")))
        jobs = {lead: conn.execute(select(Job.id).where(Job.lead_id == lead)).scalar_one()
                for rep in ("ann", "bob") for lead in company.leads[rep]}
    sales = [  # (job, sold on, sale, commission, commission paid)
        (jobs[company.leads["ann"][0]], date(2026, 11, 3), 1_000_000, 80_000, 80_000),
        (jobs[company.leads["ann"][1]], date(2026, 11, 20), 500_000, 40_000, 0),
        (jobs[company.leads["bob"][0]], date(2026, 11, 30), 2_000_000, 200_000, 0),
        (jobs[company.leads["bob"][1]], date(2026, 10, 31), 300_000, 30_000, 30_000),  # outside November
    ]
    with engine.begin() as conn:
        for job, sold_on, sale, _c, _p in sales:
            conn.execute(update(Job).where(Job.id == job).values(sold_on=sold_on, contract_cents=sale))
    add_rows(engine, {
        "commissions": [{"id": uuid.uuid4(), "job_id": job, "rep_id": ann if n < 2 else bob, "amount_cents": c,
                         "paid_cents": p} for n, (job, _d, _s, c, p) in enumerate(sales)],
        "payments": [{"id": uuid.uuid4(), "job_id": sales[0][0], "amount_cents": 1_000_000, "paid_on": date(2026, 11, 3),
                      "deleted": False},
                     {"id": uuid.uuid4(), "job_id": sales[1][0], "amount_cents": 250_000, "paid_on": date(2026, 11, 20),
                      "deleted": False},
                     {"id": uuid.uuid4(), "job_id": sales[1][0], "amount_cents": 99, "paid_on": date(2026, 11, 21),
                      "deleted": True}],  # a deleted payment counts for nothing
    })
    engine.dispose()


def test_the_commission_report_of_a_known_month(backend, tmp_path):  # noqa: F811
    _known_company(backend.url)
    report = json.loads(admin(backend.url, "commissions", "--from", "2026-11-01", "--to", "2026-11-30",
                              "--json").output)
    assert [(line["rep"], line["sale_cents"], line["commission_cents"], line["customer_paid_pct"])
            for line in report["lines"]] == [("Ann", 1_000_000, 80_000, 100), ("Ann", 500_000, 40_000, 50),
                                             ("Bob", 2_000_000, 200_000, 0)]
    assert report["totals"] == {"sale_cents": 3_500_000, "commission_cents": 320_000,
                                "commission_paid_cents": 80_000, "commission_due_cents": 240_000,
                                "payable_cents": 20_000,  # half of Ann's second: the customer paid half
                                "customer_paid_cents": 1_250_000, "balance_cents": 2_250_000}

    anns = json.loads(admin(backend.url, "commissions", "--from", "2026-10-01", "--to", "2026-11-30", "--user", "ann",
                            "--json").output)
    assert anns["totals"]["commission_cents"] == 120_000

    out = tmp_path / "report.csv"
    assert admin(backend.url, "commissions", "--from", "2026-11-01", "--to", "2026-11-30", "--csv", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(r["User"], r["Sale"], r["Commission"], r["Cust. Paid"], r["Paid %"], r["Balance"]) for r in rows] == [
        ("Ann", "10000.00", "800.00", "10000.00", "100", "0.00"), ("Ann", "5000.00", "400.00", "2500.00", "50", "2500.00"),
        ("Bob", "20000.00", "2000.00", "0.00", "0", "20000.00")]
    table = admin(backend.url, "commissions", "--from", "2026-11-01", "--to", "2026-11-30").output
    assert "Totals: Sale $35,000, Commission $3,200" in table
    backwards = admin(backend.url, "commissions", "--from", "2026-11-30", "--to", "2026-11-01")
    assert backwards.exit_code == 1 and "is before --from" in backwards.output


def test_the_report_splits_a_shared_job_and_makes_it_payable_as_the_customer_pays(backend, tmp_path):  # noqa: F811
    """Ann is co-rep at 40 % on Bob's November job ($20,000 at Bob's 10 %: Bob
    $1,200, Ann $800); the customer paid a quarter, so a quarter of each is payable."""
    from rep_tui.store.models import Commission, JobUser

    _known_company(backend.url)
    engine = open_server(backend.url)
    with engine.begin() as conn:
        users = dict(conn.execute(select(User.username, User.id)).all())
        bobs_job, bobs_row = conn.execute(select(Commission.job_id, Commission.id).join(Job, Job.id == Commission.job_id)
                                          .where(Job.sold_on == date(2026, 11, 30))).one()
        conn.execute(update(Commission).where(Commission.id == bobs_row).values(amount_cents=120_000))
    add_rows(engine, {
        "job_users": [{"id": uuid.uuid4(), "job_id": bobs_job, "user_id": users["bob"], "role": "rep",
                       "share_pct": Decimal(60)},
                      {"id": uuid.uuid4(), "job_id": bobs_job, "user_id": users["ann"], "role": "co-rep",
                       "share_pct": Decimal(40)}],
        "commissions": [{"id": uuid.uuid4(), "job_id": bobs_job, "rep_id": users["ann"], "amount_cents": 80_000}],
        "payments": [{"id": uuid.uuid4(), "job_id": bobs_job, "amount_cents": 500_000, "paid_on": date(2026, 12, 1)}],
    })
    engine.dispose()

    report = json.loads(admin(backend.url, "commissions", "--from", "2026-11-01", "--to", "2026-11-30", "--user", "ann",
                              "--json").output)
    assert [(line["role"], line["share_pct"], line["commission_cents"], line["payable_cents"],
             line["customer_paid_pct"]) for line in report["lines"]] == [("rep", 100, 80_000, 0, 100), ("rep", 100, 40_000, 20_000, 50),
                                             ("co-rep", 40, 80_000, 20_000, 25)]
    assert (report["totals"]["commission_cents"], report["totals"]["payable_cents"]) == (200_000, 40_000)
    everyone = json.loads(admin(backend.url, "commissions", "--from", "2026-11-30", "--to", "2026-11-30",
                                "--json").output)
    assert [(line["rep"], line["role"], line["share_pct"], line["commission_cents"], line["payable_cents"])
            for line in everyone["lines"]] == [("Ann", "co-rep", 40, 80_000, 20_000),
                                               ("Bob", "rep", 60, 120_000, 30_000)]

    out = tmp_path / "ann.csv"
    admin(backend.url, "commissions", "--from", "2026-11-01", "--to", "2026-11-30", "--user", "ann", "--csv", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(r["Role"], r["Share %"], r["Commission"], r["Payable Now"]) for r in rows] == [
        ("rep", "100", "800.00", "0.00"), ("rep", "100", "400.00", "200.00"), ("co-rep", "40", "800.00", "200.00")]
