"""A damaged local store, with real damaged files and real processes: a
corrupt header or corrupt pages, a read-only file or folder, a full disk, a
store held by another program, a second rep-tui. Every command says one
sentence and what to do, exits 1, and shows no traceback; the app tells the
rep in a notification and keeps what was typed; `rep-tui repair` keeps every
readable unsent change and sends it to a real server."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from rep_pilot import anyio_backend, settle  # noqa: F401  (anyio_backend is a fixture)
from sqlalchemy import event, func, select, text

from rep_tui.config import resolve_paths
from rep_tui.store import writes
from rep_tui.store.client_models import OutboxEntry
from rep_tui.store.db import Store
from rep_tui.store.models import Comment, Lead
from rep_tui.store.queries import current_user
from server_fixtures import PASSWORD, backend, company, pg_cluster, server, server_rows  # noqa: F401  (fixtures)

PAGE = 4096
DAMAGED = "is damaged. Run `rep-tui repair` to keep your unsynced changes and fetch the rest from the server."
SOURCE = str(Path(__file__).resolve().parents[1])


def rep_tui(*args: str, input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`rep-tui ARGS` in a process of its own, on this test's REP_TUI_HOME, stdin not a terminal."""
    env = os.environ | {"PYTHONPATH": SOURCE}
    return subprocess.run([sys.executable, "-m", "rep_tui", *args], capture_output=True, text=True, env=env,
                           input=input or "", timeout=timeout)


def assert_one_sentence(done: subprocess.CompletedProcess, expected: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    assert expected in done.stderr, done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr  # one line


def checkpoint_and_close(store: Store) -> None:
    with store.engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    store.close()


def leaf_pages(database: Path, table: str) -> list[int]:
    with closing(sqlite3.connect(database)) as conn:
        return [n for (n,) in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,))]


def write_garbage(database: Path, offset: int, size: int) -> None:
    with open(database, "r+b") as fh:
        fh.seek(offset)
        fh.write(bytes((i * 37 + 11) % 251 for i in range(size)))


def corrupt_pages(database: Path, pages: list[int]) -> None:
    for page in pages:
        write_garbage(database, (page - 1) * PAGE, PAGE)


def add_comments(store: Store, count: int) -> list[str]:
    """`count` comments by the signed-in rep, each in the outbox, not sent; returns their bodies."""
    bodies = [f"Visit note {i:04d}: " + "the customer wants a second quote. " * 4 for i in range(count)]
    with store.session() as s:
        user = current_user(s)
        lead_id = s.scalars(select(Lead.id).where(Lead.deleted.is_(False)).order_by(Lead.pid)).first()
        actor = writes.Actor(user.id, user.full_name, "laptop")
        for body in bodies:
            writes.insert(s, actor, Comment(lead_id=lead_id, author_id=user.id, author_name=user.full_name, body=body))
    return bodies


# --- every entry point: one sentence, no traceback ----------------------------------------


def test_a_corrupt_header_gives_one_sentence_from_every_command(demo_home):
    database = resolve_paths().database
    write_garbage(database, 0, 100)
    for args in (["search", "Smith"], ["stats"], ["sync"], [], ["login", "http://127.0.0.1:9", "-u", "a",
                                                                "--password", "b"]):
        assert_one_sentence(rep_tui(*args), f"Your local store at {database} {DAMAGED}")


def test_corrupt_pages_in_the_middle_are_found_by_the_search_that_reads_them(demo_home):
    database = resolve_paths().database
    pages = leaf_pages(database, "leads")
    corrupt_pages(database, pages[1:-1])
    assert_one_sentence(rep_tui("search", "Smith"), DAMAGED)


def test_a_store_held_by_another_program_is_named_after_waiting(demo_home):
    database = resolve_paths().database
    with closing(sqlite3.connect(database, isolation_level=None)) as holder:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")  # no one else may even read until it lets go
        done = rep_tui("search", "Smith")
        holder.execute("ROLLBACK")
    assert_one_sentence(done, f"Your local store at {database} is held by another program")


@contextmanager
def read_only(path: Path):
    """`path` (a file or a folder) read-only for this process, even as root:
    root ignores permission bits, so it gets the immutable attribute instead."""
    if os.geteuid() == 0:
        made = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if made.returncode != 0:
            pytest.skip(f"running as root and chattr +i failed ({made.stderr.strip()!r}): cannot make {path} "
                        "read-only for root")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_store_says_so(demo_home, what):
    database = resolve_paths().database
    with read_only(database if what == "file" else database.parent):
        done = rep_tui()  # the app: it writes
    assert_one_sentence(done, f"Your local store at {database} cannot be written: the file or its folder is "
                              "read-only.")


# --- a second instance ------------------------------------------------------------------


HOLD_THE_STORE = """
import sys
from rep_tui.config import resolve_paths
from rep_tui.store.health import InstanceLock
with InstanceLock(resolve_paths().database):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_second_rep_tui_is_refused_politely_while_readers_may_read(demo_home):
    env = os.environ | {"PYTHONPATH": SOURCE}
    first = subprocess.Popen([sys.executable, "-c", HOLD_THE_STORE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, env=env)
    try:
        assert first.stdout.readline().strip() == "held"
        refused = f"rep-tui is already open on this device (pid {first.pid}). Use that window, or close it first."
        assert_one_sentence(rep_tui(), refused)
        assert_one_sentence(rep_tui("sync"), refused)
        assert_one_sentence(rep_tui("repair"), refused)
        search = rep_tui("search", "Smith")  # WAL: reading beside the app is safe
        assert search.returncode == 0 and "Smith" in search.stdout
    finally:
        first.communicate("")
    after = rep_tui("repair")  # the lock went with the process
    assert after.returncode == 0 and "is sound: nothing to repair" in after.stdout


# --- in the app: a full disk while saving a form --------------------------------------------

@pytest.mark.anyio
async def test_a_full_disk_while_saving_a_form_is_told_and_the_form_keeps_its_text(store):
    from rep_tui.app import RepApp
    from rep_tui.screens.selfgen import SelfGenScreen
    from rep_tui.widgets.validated_input import ValidatedInput

    with store.session() as s:
        before = s.scalar(select(func.count()).select_from(Lead))

    def no_room_to_grow(dbapi_conn, _record) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: SQLITE_FULL on growth

    checkpoint_and_close(store)
    with closing(sqlite3.connect(store.path)) as conn:
        conn.execute("VACUUM")  # pages packed full, none free: a new lead needs new pages
    event.listen(store.engine, "connect", no_room_to_grow)  # every connection from here on has no room
    app = RepApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SelfGenScreen)
        await pilot.press(*"Jane", "enter", *"Doe", "enter", *"6305550177")
        await settle(pilot)
        screen.query_one("#notes", ValidatedInput).value = "Wants a quote for 12 windows, call after 5pm. " * 20
        await pilot.press("ctrl+s")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(f"The disk holding your local store at {store.path} is full." in m for m in messages), messages
        assert app.screen is screen
        assert screen.query_one("#first_name", ValidatedInput).value == "Jane"
        assert screen.query_one("#last_name", ValidatedInput).value == "Doe"
    event.remove(store.engine, "connect", no_room_to_grow)
    store.close()
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Lead)) == before


# --- repair ---------------------------------------------------------------------------------


def _sign_in(server, username: str = "ann") -> None:
    done = rep_tui("login", server.url, "-u", username, "--password", PASSWORD)
    assert done.returncode == 0, done.stderr


def test_repair_keeps_readable_unsent_changes_and_sends_them_to_the_server(server, company):
    _sign_in(server)
    database = resolve_paths().database
    store = Store(database)
    bodies = add_comments(store, 400)
    checkpoint_and_close(store)
    with closing(sqlite3.connect(database)) as conn:
        seqs_before = [seq for (seq,) in conn.execute("SELECT seq FROM outbox ORDER BY seq")]
    pages = leaf_pages(database, "outbox")
    assert len(pages) >= 5
    corrupt_pages(database, [pages[len(pages) // 2]])
    with closing(sqlite3.connect(database)) as conn:
        readable = set()
        for seq in seqs_before:  # which changes the damage took, row by row
            try:
                conn.execute("SELECT fields FROM outbox WHERE seq = ?", (seq,)).fetchone()
                readable.add(seq)
            except sqlite3.DatabaseError:
                pass
    lost = len(seqs_before) - len(readable)
    assert 0 < lost < 100

    assert_one_sentence(rep_tui("sync"), DAMAGED)  # the push reads the damaged page
    done = rep_tui("repair")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert f"Kept {len(readable)} change(s) not yet sent; up to {lost} could not be read." in done.stdout
    assert f"Queued again {lost} row(s) made on this device whose change could not be read" in done.stdout
    assert f"Sent {len(bodies)} change(s)" in done.stdout  # the lost changes' rows were readable
    moved = [p for p in database.parent.iterdir() if p.name.startswith(database.name + ".damaged-")
             and not p.name.endswith(("-wal", "-shm"))]
    assert len(moved) == 1 and f"Moved the damaged store to {moved[0]}" in done.stdout

    assert set(bodies) <= {row["body"] for row in server_rows(server.engine, "comments").values()}

    again = rep_tui("sync")  # a working store, nothing left to send
    assert again.returncode == 0 and "Sent 0 change(s)" in again.stdout
    search = rep_tui("search", "ann0")
    assert search.returncode == 0 and "ann0" in search.stdout
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM comments WHERE body LIKE 'Visit note%' AND version > 0"
                            ).fetchone()[0] == len(bodies)


def test_repair_reads_past_a_corrupt_header(server, company):
    _sign_in(server)
    database = resolve_paths().database
    store = Store(database)
    bodies = add_comments(store, 20)
    checkpoint_and_close(store)
    write_garbage(database, 0, 100)
    done = rep_tui("repair")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Kept 20 change(s) not yet sent; none was unreadable." in done.stdout
    assert "Sent 20 change(s)" in done.stdout
    assert set(bodies) <= {row["body"] for row in server_rows(server.engine, "comments").values()}


def test_repair_on_a_local_only_device_keeps_what_it_can_read_and_says_what_was_lost(demo_home):
    database = resolve_paths().database
    store = Store(database)
    add_comments(store, 30)
    with store.session() as s:
        leads = s.scalar(select(func.count()).select_from(Lead))
    checkpoint_and_close(store)
    pages = leaf_pages(database, "leads")
    corrupt_pages(database, [pages[len(pages) // 2]])

    done = rep_tui("repair")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Kept 30 change(s) not yet sent; none was unreadable." in done.stdout
    assert "Unreadable rows in: leads (up to" in done.stdout and "they are lost" in done.stdout
    reopened = Store(database)
    try:
        with reopened.session() as s:
            kept = s.scalar(select(func.count()).select_from(Lead))
            assert 0 < leads - kept < 100
            assert s.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == "pending")) == 30
            assert current_user(s) is not None
    finally:
        reopened.close()
    search = rep_tui("search", "Smith")
    assert search.returncode == 0 and "Smith" in search.stdout


def test_repair_of_a_sound_store_changes_nothing(demo_home):
    done = rep_tui("repair")
    assert done.returncode == 0 and "is sound: nothing to repair" in done.stdout
    assert not [p for p in resolve_paths().data_dir.iterdir() if ".damaged-" in p.name]


def test_the_app_started_on_a_damaged_store_offers_the_repair_and_then_opens(demo_home):
    from tmux_app import TmuxApp

    database = resolve_paths().database
    write_garbage(database, 0, 100)
    with TmuxApp(demo_home, width=120, height=40, env={"PYTHONPATH": SOURCE}) as app:
        app.wait_for(lambda: "Repair it now? [Y/n]" in app.pane("-J"), "the question")
        assert f"Your local store at {database} {DAMAGED}" in app.pane("-J")
        app.keys("y", "Enter")
        app.wait_to_show("Today", "the Dashboard after the repair")
    assert [p for p in database.parent.iterdir() if p.name.startswith(database.name + ".damaged-")]
    search = rep_tui("search", "Smith")
    assert search.returncode == 0 and "Smith" in search.stdout


FILL_A_SMALL_DISK = """
set -e
mount -t tmpfs -o size="$SIZE" tmpfs "$DISK"
cp -a "$SOURCE_HOME/." "$DISK/"
set +e
REP_TUI_HOME="$DISK" "$PYTHON" -m rep_tui sync > "$OUT/stdout" 2> "$OUT/stderr"
echo $? > "$OUT/rc"
cp -a "$DISK/data/." "$OUT/data/"
"""


def test_a_full_disk_during_a_sync_says_so_and_loses_nothing(server, company, tmp_path):
    """A real full disk: a tiny tmpfs in a mount namespace of its own (root only)."""
    import shutil
    import uuid

    from rep_tui.server.seed import add_rows

    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("a tiny filesystem needs root (unshare -m, mount -t tmpfs); the app's full disk is tested above")
    _sign_in(server)
    home = resolve_paths().data_dir.parent
    store = Store(resolve_paths().database)
    bodies = add_comments(store, 5)
    checkpoint_and_close(store)
    add_rows(server.engine, {"leads": [  # far more than the room left on the disk
        {"id": uuid.uuid4(), "first_name": f"New{i}", "last_name": "Customer", "address": f"{i} Long Meadow Road",
         "city": "Naperville", "rep_id": company.users["ann"], "pid": 20000 + i, "custom": {}} for i in range(4000)]})
    used = sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
    disk, out = tmp_path / "small-disk", tmp_path / "out"
    disk.mkdir()
    (out / "data").mkdir(parents=True)
    env = os.environ | {"PYTHONPATH": SOURCE, "SIZE": str(used + 300 * 1024), "DISK": str(disk), "OUT": str(out),
                        "SOURCE_HOME": str(home), "PYTHON": sys.executable}
    made = subprocess.run(["unshare", "-m", "sh", "-c", FILL_A_SMALL_DISK], env=env, capture_output=True, text=True,
                          timeout=300)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tiny tmpfs here: {made.stderr.strip()}")
    done = subprocess.CompletedProcess([], int((out / "rc").read_text()), (out / "stdout").read_text(),
                                       (out / "stderr").read_text())
    assert_one_sentence(done, f"The disk holding your local store at {disk}/data/rep-tui.sqlite3 is full. "
                              "Free some space and try again; nothing saved before was lost.")
    on_server = {row["body"] for row in server_rows(server.engine, "comments").values()}
    with closing(sqlite3.connect(out / "data" / "rep-tui.sqlite3")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        pending = {body for (body,) in conn.execute(
            "SELECT c.body FROM comments c JOIN outbox o ON o.row_id = c.id WHERE o.state = 'pending'")}
    assert set(bodies) <= on_server | pending


def test_repair_of_a_store_nothing_can_be_read_from_fetches_everything_again(server, company):
    _sign_in(server)
    database = resolve_paths().database
    corrupt_pages(database, [1, 2, 3])  # the header and the schema with it
    done = rep_tui("repair")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Nothing could be read from it" in done.stdout and "the sync fetches everything else again" in done.stdout
    stats = rep_tui("stats")  # signed in as before, its user fetched again
    assert stats.returncode == 0 and stats.stdout.startswith("Ann"), stats.stdout + stats.stderr
    search = rep_tui("search", "ann0")
    assert search.returncode == 0 and "ann0" in search.stdout


@pytest.mark.anyio
async def test_pages_damaged_under_the_open_app_are_told_and_the_app_goes_on(demo_home):
    from rep_tui.app import RepApp
    from rep_tui.screens.search import SearchScreen

    database = resolve_paths().database
    corrupt_pages(database, leaf_pages(database, "leads")[1:-1])
    store = Store(database)
    try:
        app = RepApp(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("2")  # its filter choices read every lead
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, SearchScreen)
            messages = [str(n.message) for n in app._notifications]
            assert any(f"Your local store at {database} {DAMAGED}" == m for m in messages), messages
    finally:
        store.close()
