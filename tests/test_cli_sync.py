"""`rep-tui demo`, `login`, `sync` and `serve` against real servers on
127.0.0.1 (in a thread, or `rep-tui serve` in a subprocess on PostgreSQL),
real HTTP and real databases."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from rep_tui.cli import main
from rep_tui.config import resolve_paths
from rep_tui.device_link import server_db_path
from rep_tui.server.embedded import free_port
from server_fixtures import pg_cluster  # noqa: F401  (fixture)
from rep_tui.store import writes
from rep_tui.store.db import Store
from rep_tui.store.models import Comment, Lead, User
from rep_tui.store.queries import current_user, team_members
from rep_tui.sync import credentials
from sync_demo import LiveServer, demo_system, demo_system_template, live_server, wait_until  # noqa: F401


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_demo_makes_a_server_and_syncs_only_the_demo_reps_territory_then_sync_sends_an_edit(rep_env):
    made = run("demo", "--no-open", "--leads", "250")
    assert made.exit_code == 0, made.output
    assert "made on its server" in made.output and "signed in as Dana Reyes (demo)" in made.output
    paths = resolve_paths()
    server = create_engine(f"sqlite:///{server_db_path(paths)}")
    store = Store(paths.database)
    try:
        with store.session() as s:
            dana = current_user(s)
            owners = set(s.scalars(select(Lead.rep_id)))
            local_leads = s.scalar(select(func.count()).select_from(Lead))
            lowest_version = s.scalar(select(func.min(Lead.version)))
            lead_id = s.scalars(select(Lead.id)).first()
        with server.connect() as conn:
            server_leads = conn.scalar(select(func.count()).select_from(Lead))
            server_versions = set(conn.execute(select(Lead.version).where(Lead.rep_id == dana.id)).scalars())
        assert owners == {dana.id} and 0 < local_leads < server_leads  # scoped to the demo rep
        assert lowest_version in server_versions  # rows carry the server's versions

        again = run("sync")
        assert again.exit_code == 0 and "Sent 0 change(s)" in again.output

        with store.session() as s:
            writes.insert(s, writes.Actor(dana.id, dana.full_name, "test"),
                          Comment(lead_id=lead_id, author_name=dana.full_name, body="Left a brochure"))
        sent = run("sync")
        assert sent.exit_code == 0, sent.output
        assert "Sent 1 change(s)" in sent.output
        with server.connect() as conn:
            assert conn.scalar(select(Comment.body).where(Comment.body == "Left a brochure")) is not None
    finally:
        store.close()
        server.dispose()

    second = run("demo", "--no-open")
    assert second.exit_code == 0 and "already" in second.output and "signed in as" in second.output


def test_demo_as_the_manager_syncs_the_teams_leads_and_an_unknown_user_is_refused(rep_env):
    made = run("demo", "--no-open", "--leads", "250", "--as", "demo-manager")
    assert made.exit_code == 0, made.output
    assert "signed in as Frank Kowalski (demo-manager)" in made.output
    store = Store(resolve_paths().database)
    try:
        with store.session() as s:
            manager = current_user(s)
            owners = set(s.scalars(select(Lead.rep_id)))
            team = {m.id for m in team_members(s, manager)}
        assert manager.role == "manager" and len(owners) > 1 and owners <= team | {manager.id}

        refused = run("demo", "--no-open", "--as", "nobody")
        assert refused.exit_code != 0 and "Sign-in refused" in refused.output
        with store.session() as s:
            assert current_user(s).username == "demo-manager"  # the device keeps who was signed in
    finally:
        store.close()


def test_login_with_a_wrong_password_says_so_and_keeps_nothing(live_server, rep_env):
    credentials.forget()
    refused = CliRunner().invoke(main, ["login", live_server.url], input="demo\nwrong\n")
    assert refused.exit_code != 0
    assert "Sign-in refused: Wrong username or password." in refused.output
    assert "wrong" not in refused.output  # the password is not echoed
    assert credentials.load() is None

    accepted = CliRunner().invoke(main, ["login", live_server.url], input="demo\ndemo\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Signed in as Dana Reyes (rep)" in accepted.output and "received" in accepted.output
    saved = resolve_paths().config_dir / credentials.FILE_NAME
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert credentials.load().server_url == live_server.url


def test_login_to_a_server_that_is_not_there_is_a_clear_error(rep_env):
    result = CliRunner().invoke(main, ["login", f"http://127.0.0.1:{free_port()}"], input="demo\ndemo\n")
    assert result.exit_code != 0 and "Cannot reach http://127.0.0.1:" in result.output


def test_sync_without_signing_in_says_what_to_do(rep_env):
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code != 0 and "rep-tui login SERVER" in result.output


def test_sync_exits_non_zero_when_the_server_is_gone(live_server, rep_env):
    ok = CliRunner().invoke(main, ["login", live_server.url, "-u", "demo", "--password", "demo"])
    assert ok.exit_code == 0, ok.output
    live_server.stop()
    failed = CliRunner().invoke(main, ["sync"])
    assert failed.exit_code == 1
    assert "Error: cannot reach the server" in failed.output


@pytest.mark.slow
def test_serve_on_postgresql_works_for_a_company(pg_cluster, demo_system, tmp_path, monkeypatch):  # noqa: F811
    """`rep-tui serve --db postgresql+psycopg://…` in its own process, on a
    company copied in from the demo device's store; a rep signs in and syncs."""
    from rep_tui.config import reset_settings_cache
    from rep_tui.server.seed import seed_from_store

    url = pg_cluster.create_database("serve_company")
    seed_from_store(resolve_paths().database, url, password="secret")
    port = free_port()
    env = {**os.environ, "REP_TUI_HOME": str(tmp_path / "server-home")}
    server = subprocess.Popen([sys.executable, "-m", "rep_tui", "serve", "--db", url, "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def healthy() -> bool:
            assert server.poll() is None, server.stdout.read()
            try:
                return httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
            except httpx.TransportError:
                return False

        wait_until(healthy, timeout=60)
        monkeypatch.setenv("REP_TUI_HOME", str(tmp_path / "device"))
        reset_settings_cache()
        signed = run("login", f"http://127.0.0.1:{port}", "-u", "demo", "--password", "secret")
        assert signed.exit_code == 0, signed.output
        store = Store(resolve_paths().database)
        try:
            with store.session() as s:
                assert current_user(s).username == "demo"
                assert s.scalar(select(func.count()).select_from(User)) > 1
                assert s.scalar(select(func.count()).select_from(Lead)) > 0
        finally:
            store.close()
        assert run("sync").exit_code == 0
    finally:
        server.terminate()
        server.wait(timeout=30)
