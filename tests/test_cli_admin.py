"""`rep-tui admin` and `rep-tui logout` as an admin and a rep type them:
click's runner on real SQLite server databases, the real entry point in a
subprocess on PostgreSQL, and a real server on 127.0.0.1 for signing out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from rep_tui.cli import main
from rep_tui.config import resolve_paths
from rep_tui.device_link import server_db_path
from server_fixtures import PASSWORD, Backend, Server, http, make_company, pg_cluster  # noqa: F401  (fixture)
from rep_tui.store import writes
from rep_tui.store.db import Store
from rep_tui.store.models import Comment, Lead, User
from rep_tui.store.queries import current_user
from rep_tui.sync import credentials


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'company.sqlite3'}"


def admin(db_url: str, *args: str, input: str | None = None):
    return run("admin", "--db", db_url, *args, input=input)


def test_users_and_teams_from_an_empty_database(db_url):
    made = admin(db_url, "users", "add", "boss", "--name", "Pat Boss", "--role", "manager",
                 input="hunter2-long\nhunter2-long\n")
    assert made.exit_code == 0, made.output
    assert "Added boss (manager)." in made.output and "hunter2" not in made.output  # asked hidden, twice
    assert admin(db_url, "teams", "add", "North", "--manager", "boss").output == "Added team North.\n"
    added = admin(db_url, "users", "add", "ann", "--team", "North", "--password-stdin", input="from-a-script\n")
    assert added.output == "Added ann (rep, team North).\n"

    listed = admin(db_url, "users", "list").output.splitlines()
    assert [line.split() for line in listed] == [["ann", "ann", "rep", "North", "Reps"],
                                                 ["boss", "Pat", "Boss", "manager", "Managers"]]
    assert admin(db_url, "teams", "list").output.split() == ["North", "boss", "1", "member(s)"]

    again = admin(db_url, "users", "add", "ann", "--password-stdin", input="another-one\n")
    assert again.exit_code == 1 and "A user named 'ann' already exists." in again.output
    short = admin(db_url, "users", "password", "ann", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    assert admin(db_url, "users", "password", "ann", "--password-stdin", input="a-new-one!\n").exit_code == 0
    disabled = admin(db_url, "users", "disable", "ann")
    assert disabled.output == "Disabled ann; 0 sign-in(s) revoked.\n"
    assert "disabled" in admin(db_url, "users", "list").output.splitlines()[0]
    bad_role = admin(db_url, "users", "add", "x", "--role", "boss", "--password-stdin", input="long-enough\n")
    assert bad_role.exit_code == 2 and "'boss' is not one of 'rep', 'manager', 'admin'" in bad_role.output


def test_groups_start_from_the_roles_and_an_admin_grants_revokes_and_moves_users(db_url):
    admin(db_url, "users", "add", "ann", "--password-stdin", input="long-enough\n")
    groups = json.loads(admin(db_url, "groups", "list", "--json").output)
    assert [(g["name"], g["members"]) for g in groups] == [("Managers", []), ("Office admins", []), ("Reps", ["ann"])]
    assert groups[2]["permissions"] == ["see_payments"]

    assert admin(db_url, "groups", "add", "Closers", "--description", "Reps who delete", "delete_leads",
                 "See payments").output == "Added group Closers.\n"
    assert admin(db_url, "users", "set-group", "ann", "Closers").output == "ann is now in group Closers.\n"
    assert admin(db_url, "groups", "grant", "Closers", "merge").output == \
        "Group Closers grants: delete_leads, merge, see_payments.\n"
    assert admin(db_url, "groups", "revoke", "Closers", "merge", "delete_leads").output == \
        "Group Closers grants: see_payments.\n"
    typo = admin(db_url, "groups", "grant", "Closers", "delete_lead")
    assert typo.exit_code == 1 and "No such permission: delete_lead. Known: see_payments," in typo.output
    missing = admin(db_url, "users", "set-group", "ann", "Nobody")
    assert missing.exit_code == 1 and "No groups named 'Nobody' (known: Closers, Managers, Office admins, Reps)" \
        in missing.output
    closers = next(g for g in json.loads(admin(db_url, "groups", "list", "--json").output) if g["name"] == "Closers")
    assert closers == {"name": "Closers", "description": "Reps who delete", "permissions": ["see_payments"],
                       "members": ["ann"]}
    assert admin(db_url, "users", "set-group", "ann").exit_code == 0
    assert admin(db_url, "users", "list").output.split() == ["ann", "ann", "rep"]


def test_import_assign_and_prune(db_url, tmp_path):
    for name in ("ann", "bob"):
        admin(db_url, "users", "add", name, "--password-stdin", input="long-enough\n")
    bad = tmp_path / "leads.csv"
    bad.write_text("first_name,last_name,cell_phone,address,rep\n"
                   "Jane,Doe,312-555-0142,1 Main St,\n"
                   "John,Roe,555-12,2 Main St,bob\n", encoding="utf-8-sig")  # as Excel saves it
    refused = admin(db_url, "import", "leads", str(bad), "--rep", "ann")
    assert refused.exit_code == 1
    assert refused.output.splitlines() == [
        "line 3, cell_phone: '555-12': A phone needs 10 digits with the area code; this has 5.",
        "Nothing written: 1 bad line(s) of 2. Fix them, or use --skip-bad to write the 1 good one(s).",
    ]
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Lead)).scalar_one() == 0
        written = admin(db_url, "import", "leads", str(bad), "--rep", "ann", "--skip-bad")
        assert written.exit_code == 1  # bad lines were left out: a script should notice
        assert "1 lead(s) written (PIDs 100001–100001) of 2 line(s); 1 bad line(s) left out" in written.output

        moved = admin(db_url, "assign", "--lead", "100001", "--to", "bob")
        assert moved.output == "1 lead(s) assigned to bob.\n"
        with engine.connect() as conn:
            owner = conn.execute(select(User.username).join(Lead, Lead.rep_id == User.id)).scalar_one()
        assert owner == "bob"
        nobody = admin(db_url, "assign", "--from", "ann", "--to", "carl")
        assert nobody.exit_code == 1 and "No user named 'carl'" in nobody.output
    finally:
        engine.dispose()
    missing = admin(db_url, "import", "leads", str(tmp_path / "nope.csv"), "--rep", "ann")
    assert missing.exit_code == 2 and "No such file or directory" in missing.output

    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("first_name,last_name,address\nJosé,Núñez,1 Elm\n".encode("latin-1"))
    unreadable = admin(db_url, "import", "leads", str(latin1), "--rep", "ann")
    assert unreadable.exit_code == 1 and "The file is not UTF-8 text (byte 33): save it as \"CSV UTF-8\"." in unreadable.output

    pruned = admin(db_url, "prune", "--older-than", "7", "--blobs", str(tmp_path / "blobs"))
    assert pruned.exit_code == 0
    assert pruned.output == ("Removed 0 expired or revoked token(s), 0 old failed-sign-in record(s), 0 unreferenced "
                             "blob file(s) (0 bytes), and 0 unfinished upload(s).\n")


def test_without_db_admin_uses_the_database_serve_uses(rep_env):
    made = run("admin", "users", "add", "boss", "--role", "admin", "--password-stdin", input="long-enough\n")
    assert made.exit_code == 0, made.output
    engine = create_engine(f"sqlite:///{server_db_path(resolve_paths())}")
    try:
        with engine.connect() as conn:
            assert conn.execute(select(User.role).where(User.username == "boss")).scalar_one() == "admin"
    finally:
        engine.dispose()


def test_the_real_command_on_postgresql(pg_cluster, tmp_path):  # noqa: F811
    url = pg_cluster.create_database("admin_cli")
    env = {**os.environ, "REP_TUI_HOME": str(tmp_path / "home")}

    def rep_tui(*args: str, input: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "rep_tui", "admin", "--db", url, *args], input=input, env=env,
                              capture_output=True, text=True, timeout=120)

    assert rep_tui("users", "add", "ann", "--password-stdin", input="long-enough\n").returncode == 0
    leads = tmp_path / "leads.csv"
    leads.write_text("First Name,Last Name,Home Phone,Email\nJane,Doe,(312) 555-0142,jane@example.com\n")
    done = rep_tui("import", "leads", str(leads), "--rep", "ann")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1 lead(s) written (PIDs 100001–100001) of 1 line(s); 0 bad line(s) left out; " \
                          "0 possible duplicate(s).\n"
    twice = rep_tui("import", "leads", str(leads), "--rep", "ann", "--skip-duplicates")
    assert twice.stdout.splitlines()[0] == "line 2: may be a duplicate of PID 100001 Jane Doe (phone) — skipped"


def test_an_import_shows_a_progress_bar_on_a_terminals_stderr_and_none_with_json(db_url, tmp_path):
    """The real entry point with stderr on a pseudo-terminal and stdout a pipe,
    as when an admin runs `rep-tui admin import leads big.csv > report.txt`."""
    import pty

    assert admin(db_url, "users", "add", "ann", "--password-stdin", input="long-enough\n").exit_code == 0
    leads = tmp_path / "leads.csv"
    leads.write_text("first_name,last_name,cell_phone\n"
                     + "".join(f"F{i},Bar,(312) 240-{i:04d}\n" for i in range(1200)))

    def on_a_terminal(*args: str) -> tuple[subprocess.CompletedProcess, str]:
        leader, follower = pty.openpty()
        try:
            done = subprocess.run([sys.executable, "-m", "rep_tui", "admin", "--db", db_url, "import", "leads",
                                   str(leads), "--rep", "ann", *args], stdout=subprocess.PIPE, stderr=follower,
                                  env={**os.environ, "REP_TUI_HOME": str(tmp_path / "home")}, text=True, timeout=300)
        finally:
            os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed and everything was read
                break
            if not chunk:
                break
            shown += chunk
        os.close(leader)
        return done, shown.decode()

    done, terminal = on_a_terminal()
    assert done.returncode == 0, terminal
    assert "Importing leads" in terminal and "100%" in terminal
    assert done.stdout.startswith("1200 lead(s) written") and "Importing" not in done.stdout
    leads.write_text(leads.read_text().replace("(312) 240-", "(312) 250-"))
    done, terminal = on_a_terminal("--json")
    assert done.returncode == 0, terminal
    assert terminal == ""
    report = json.loads(done.stdout)
    assert (report["lines"], report["written"], report["bad_lines"], len(report["pids"])) == (1200, 1200, 0, 1200)


# --- signing out ---------------------------------------------------------------------


@pytest.fixture
def company_server(tmp_path: Path):
    srv = Server(Backend("sqlite", f"sqlite:///{tmp_path / 'server.sqlite3'}"), tmp_path / "server-blobs").start()
    company = make_company(srv.engine)
    yield srv, company
    srv.stop()


def test_logout_when_not_signed_in(rep_env):
    out = run("logout")
    assert (out.exit_code, out.output) == (0, "This device is not signed in.\n")


def test_logout_refuses_while_changes_wait_then_force_revokes_the_token(company_server, rep_env):
    srv, company = company_server
    assert run("login", srv.url, "-u", "ann", "--password", PASSWORD).exit_code == 0
    token = credentials.load().token
    store = Store(resolve_paths().database)
    try:
        with store.session() as s:
            ann = current_user(s)
            writes.insert(s, writes.Actor(ann.id, ann.full_name, "test"),
                          Comment(lead_id=company.leads["ann"][0], author_name=ann.full_name, body="Unsent"))
    finally:
        store.close()

    refused = run("logout")
    assert refused.exit_code == 1
    assert "1 change(s) made on this device are not sent yet: run `rep-tui sync` first" in refused.output
    assert credentials.load() is not None

    forced = run("logout", "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.output.splitlines() == [
        f"Signed out ann from {srv.url}: the token is revoked on the server.",
        "1 change(s) not sent stay on this device; sign in as ann to send them.",
    ]
    assert credentials.load() is None
    assert http.get(f"{srv.url}/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_logout_with_nothing_waiting_and_the_server_gone(company_server, rep_env):
    srv, _company = company_server
    assert run("login", srv.url, "-u", "bob", "--password", PASSWORD).exit_code == 0
    expires = credentials.load().expires_at
    srv.stop()
    out = run("logout")
    assert out.exit_code == 0
    assert out.output == (f"Signed out bob from {srv.url}: the server could not be reached, so the token stays "
                          f"valid there until {expires}.\n")
    assert credentials.load() is None


def test_a_database_that_cannot_be_opened_is_a_clear_error_without_its_password(rep_env):
    out = run("admin", "--db", "postgresql+psycopg://boss:s3cret@127.0.0.1:1/company", "users", "list")
    assert out.exit_code == 1
    assert out.output.startswith("Error: Cannot open the server database postgresql+psycopg://boss:***@127.0.0.1:1/"
                                 "company: (psycopg.OperationalError) connection failed")
    assert "s3cret" not in out.output


def test_import_refuses_control_characters_naming_line_and_column(db_url, tmp_path):
    """A CSV cell holding an escape sequence would reach every terminal that shows the lead."""
    admin(db_url, "users", "add", "ann", "--password-stdin", input="long-enough\n")
    hostile = tmp_path / "leads.csv"
    hostile.write_text('first_name,last_name,address,city,notes\n'
                       'Jane,Doe,1 Main St,Aurora,"two\nlines\tand a tab"\n'
                       'John,"Roe\x1b]0;PWNED\x07",2 Main St,Aurora,\n'
                       'Jim,Poe,3 Main St,"\x1b[2J",\n'
                       'Joe,Moe,4 Main St,Aurora,"call \x1b]52;c;SGVsbG8=\x07"\n', encoding="utf-8")
    refused = admin(db_url, "import", "leads", str(hostile), "--rep", "ann")
    assert refused.exit_code == 1
    assert refused.output.splitlines() == [
        "line 4, last_name: 'Roe\\x1b]0;PWNED\\x07': The text holds a control character (U+001B).",
        "line 5, city: '\\x1b[2J': The text holds a control character (U+001B).",
        "line 6, notes: 'call \\x1b]52;c;SGVsbG8=\\x07': The text holds a control character (U+001B).",
        "Nothing written: 3 bad line(s) of 4. Fix them, or use --skip-bad to write the 1 good one(s).",
    ]
    written = admin(db_url, "import", "leads", str(hostile), "--rep", "ann", "--skip-bad")
    assert "1 lead(s) written" in written.output
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(Lead.last_name)).scalars().all() == ["Doe"]
    finally:
        engine.dispose()


def test_admin_lists_show_control_characters_in_stored_names_as_symbols(db_url):
    """A name written into the database by other means (the server refuses it on push) is printed, not obeyed."""
    admin(db_url, "users", "add", "ann", "--name", "Ann Lee", "--password-stdin", input="long-enough\n")
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(User.__table__.update().values(full_name="Ann\x1b]0;PWNED\x07\x1b[2J"))
    finally:
        engine.dispose()
    listed = admin(db_url, "users", "list").output
    assert "\x1b" not in listed and "Ann␛]0;PWNED␇␛[2J" in listed


def test_reminders_list_for_scripts_by_user_and_due_date(db_url):
    import json
    import uuid
    from datetime import date

    from rep_tui.server.db import make_engine, migrate
    from rep_tui.server.seed import add_rows

    engine = make_engine(db_url)
    migrate(engine)
    company = make_company(engine)
    lead = company.leads["ann"][0]
    add_rows(engine, {"reminders": [
        {"id": uuid.uuid4(), "group_id": uuid.uuid4(), "lead_id": lead, "assignee_id": company.users[who],
         "due_on": date.fromisoformat(due), "body": body, "lead_name": "ann0 Customer", "lead_phone": "(312) 555-0142"}
        for who, due, body in (("ann", "2026-12-07", "Call back"), ("carl", "2026-12-09", "Drop samples"))]})
    engine.dispose()
    everyone = json.loads(admin(db_url, "reminders", "list", "--json").output)
    assert [(r["due_on"], r["assignee"], r["text"], r["customer"], r["done_at"]) for r in everyone] == [
        ("2026-12-07", "ann", "Call back", "ann0 Customer", None),
        ("2026-12-09", "carl", "Drop samples", "ann0 Customer", None)]
    carls = json.loads(admin(db_url, "reminders", "list", "--user", "carl", "--json").output)
    assert [r["text"] for r in carls] == ["Drop samples"]
    by_the_7th = json.loads(admin(db_url, "reminders", "list", "--due-by", "2026-12-07", "--json").output)
    assert [r["text"] for r in by_the_7th] == ["Call back"]
    table = admin(db_url, "reminders", "list", "--user", "ann").output
    assert "2026-12-07  open  ann" in table and "Call back" in table and "ann0 Customer" in table
    unknown = CliRunner().invoke(main, ["admin", "--db", db_url, "reminders", "list", "--user", "nobody"])
    assert unknown.exit_code != 0 and "No user named 'nobody'" in unknown.output


def test_custom_fields_defined_listed_changed_and_deactivated_with_json(db_url):
    import json

    added = admin(db_url, "custom-fields", "add", "Siding Type", "--kind", "choice", "--choices", "Cedar, Vinyl")
    assert added.output == "Added custom field Siding Type (siding_type, choice).\n"
    as_json = admin(db_url, "custom-fields", "add", "Roof Age", "--kind", "number", "--required", "--json")
    assert json.loads(as_json.output) == {"key": "roof_age", "label": "Roof Age", "kind": "number", "choices": [],
                                          "required": True, "sort_order": 20, "active": True}
    refused = admin(db_url, "custom-fields", "add", "Color", "--kind", "choice")
    assert refused.exit_code == 1 and "A choice field needs its choices" in refused.output
    twice = admin(db_url, "custom-fields", "set-choices", "siding_type", "Cedar, cedar")
    assert twice.exit_code == 1 and "A choice is given twice." in twice.output
    assert admin(db_url, "custom-fields", "set-choices", "siding_type", "Vinyl, Fiber cement").output == \
        "Siding Type: Vinyl, Fiber cement.\n"
    assert admin(db_url, "custom-fields", "deactivate", "roof_age").output == "Deactivated Roof Age (roof_age).\n"
    listed = json.loads(admin(db_url, "custom-fields", "list", "--json").output)
    assert [(f["key"], f["choices"], f["active"]) for f in listed] == [
        ("siding_type", ["Vinyl", "Fiber cement"], True), ("roof_age", [], False)]
    assert admin(db_url, "custom-fields", "list").output.splitlines()[1].split() == [
        "roof_age", "Roof", "Age", "number", "required", "deactivated"]
