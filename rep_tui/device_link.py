"""This device's link to a server: where it syncs, signing in, and the
demo's embedded server.

The demo is the real system: its company lives in a server database under
the data directory (the same one `rep-tui serve` uses by default), an
embedded server serves it on 127.0.0.1 while a command runs, and the device
signs in as the demo rep and syncs its territory like any rep would. A demo
device saves `EMBEDDED` as its server, so every later command knows to start
that server (the app starts it in the background, after its first paint).
Nothing heavy is imported at module level."""

from __future__ import annotations

import shutil
import threading
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    from rep_tui.config import Paths
    from rep_tui.store.db import Store
    from rep_tui.sync.engine import SyncReport
    from rep_tui.sync.protocol import LoginResponse

EMBEDDED = "embedded:demo"
DEMO_PASSWORD = "demo"
Progress = Callable[[str], None]


class LinkError(Exception):
    """Signing in or reaching the server failed; the message says why, for
    the rep. It carries what a server or the network said, so its control
    and invisible characters are shown as symbols (`visible`), never obeyed."""

    def __init__(self, message: str) -> None:
        from rep_tui.domain.safe_text import visible

        super().__init__(visible(message, lines=True))


@dataclass(frozen=True)
class SyncTarget:
    """Where the app's background sync goes, and how often it tries."""

    url: str
    token: str
    blobs_dir: Path
    interval: float = 60.0
    first_delay: float = 1.0
    max_delay: float = 60.0

    def ready(self) -> SyncTarget:
        """Reachable as it is (see `ServerOnDemand` for a target whose server starts later)."""
        return self


# --- the demo company on its own server ----------------------------------------


def server_db_path(paths: Paths) -> Path:
    return paths.data_dir / "server.sqlite3"


def server_blobs_dir(paths: Paths) -> Path:
    return paths.data_dir / "server-blobs"


def demo_server_exists(paths: Paths) -> bool:
    return server_db_path(paths).exists()


def build_demo_server(paths: Paths, *, leads: int, seed: int, progress: Progress | None = None) -> None:
    """Make the demo company in a scratch client store, then copy it (with its
    attachments) into a new server database. The database appears under its
    final name only when complete, so an interrupted build starts over.
    `progress` hears each step and the counts as they grow."""
    from rep_tui.demo.company import build_demo
    from rep_tui.server.seed import seed_from_store
    from rep_tui.store.db import Store

    scratch = paths.data_dir / "demo-build"
    shutil.rmtree(scratch, ignore_errors=True)
    target = server_db_path(paths)
    building = target.with_name(target.name + ".building")
    building.unlink(missing_ok=True)
    try:
        source = Store(scratch / "company.sqlite3")
        try:
            build_demo(source, leads=leads, seed=seed, blobs_dir=scratch / "blobs", showcase_rep=True,
                       progress=progress)
        finally:
            source.close()
        if progress:
            progress("  copying it into the demo server's database")
        seed_from_store(scratch / "company.sqlite3", f"sqlite:///{building}", DEMO_PASSWORD,
                        client_blobs=scratch / "blobs", server_blobs=server_blobs_dir(paths))
        building.replace(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        building.unlink(missing_ok=True)


@contextmanager
def embedded_server(paths: Paths) -> Iterator[str]:
    """The demo's server on 127.0.0.1 and a free port while the block runs; yields its URL."""
    from rep_tui.server.app import create_app
    from rep_tui.server.embedded import ServerThread

    app = create_app(f"sqlite:///{server_db_path(paths)}", blobs_dir=server_blobs_dir(paths))
    thread = ServerThread(app).start()
    try:
        yield thread.url
    finally:
        thread.stop()
        app.state.engine.dispose()


# --- signing in and syncing ------------------------------------------------------


def sign_in(store: Store, url: str, username: str, password: str, *, saved_url: str | None = None,
            progress: Progress | None = None) -> tuple[LoginResponse, SyncReport]:
    """Get a token, keep it (0600, config dir), pull the user's territory and
    make them this device's user. Raises LinkError with the reason."""
    import httpx

    from rep_tui.config import load_settings
    from rep_tui.store.models import User
    from rep_tui.store.queries import get_setting, set_setting
    from rep_tui.sync import credentials, state
    from rep_tui.sync.engine import run_sync

    try:
        answer = credentials.login(url, username, password)
    except credentials.LoginFailed as exc:
        raise LinkError(f"Sign-in refused: {exc}") from None
    except httpx.HTTPError as exc:
        raise LinkError(f"Cannot reach {url}: {exc}") from None
    with store.session() as session:
        previous = get_setting(session, "current_user")
        if previous and previous != str(answer.user_id):
            waiting = state.counts(session)["waiting"]
            if waiting:
                raise LinkError(f"{waiting} change(s) made on this device by another user have not been sent: "
                                "sign in as that user and run `rep-tui sync` first.")
            state.set_int(session, state.CURSOR, 0)  # the next pull replaces the other user's rows
    credentials.save(saved_url or url, answer)
    report = run_sync(store, url, answer.token, progress, blobs_dir=load_settings().paths.blobs_dir)
    with store.session() as session:
        if session.get(User, answer.user_id) is None:
            raise LinkError(f"Signed in, but the first sync did not bring your user record: {report.error}")
        set_setting(session, "current_user", str(answer.user_id))
        set_setting(session, "device_id", state.client_id(session))
    return answer, report


@contextmanager
def linked(store: Store, *, sync_first: bool = False,
           progress: Progress | None = None) -> Iterator[tuple[SyncTarget | ServerOnDemand | None, SyncReport | None]]:
    """The device's sync target while the block runs (None when it has never
    signed in), and with `sync_first` the report of one sync run first.
    Without `sync_first` a demo device's server is not started here but by
    the app's sync worker (`ServerOnDemand`), so the app opens at once."""
    from rep_tui.config import load_settings

    paths = load_settings().paths
    if not (paths.config_dir / "credentials.json").exists():  # a local-only device does not import httpx
        yield None, None
        return
    from rep_tui.sync import credentials

    saved = credentials.load()
    if saved is None:
        yield None, None
    elif saved.server_url == EMBEDDED and sync_first:
        with demo_link(store, saved.username, progress=progress) as link:
            yield link
    elif saved.server_url == EMBEDDED:
        server = ServerOnDemand(partial(_start_demo_server, saved.username))
        try:
            yield server, None
        finally:
            server.stop()
    elif sync_first:
        from rep_tui.sync.engine import run_sync

        report = run_sync(store, saved.server_url, saved.token, progress, blobs_dir=paths.blobs_dir)
        yield SyncTarget(saved.server_url, saved.token, paths.blobs_dir), report
    else:
        yield SyncTarget(saved.server_url, saved.token, paths.blobs_dir), None


def _demo_paths() -> Paths:
    from rep_tui.config import load_settings

    paths = load_settings().paths
    if not demo_server_exists(paths):
        raise LinkError(f"This is a demo device but the demo's server database is missing "
                        f"({server_db_path(paths)}): run `rep-tui demo` to make it again.")
    return paths


@contextmanager
def demo_link(store: Store, username: str | None = None, *,
              progress: Progress | None = None) -> Iterator[tuple[SyncTarget, SyncReport]]:
    """Start the demo's server, sign its rep in (again: the saved token may
    have expired) and pull before yielding."""
    from rep_tui.demo.names import DEMO_REP

    paths = _demo_paths()
    note = progress or (lambda _message: None)
    note("Starting the demo server…")
    with embedded_server(paths) as url:
        note(f"Signing in as {username or DEMO_REP[0]}…")
        answer, report = sign_in(store, url, username or DEMO_REP[0], DEMO_PASSWORD, saved_url=EMBEDDED,
                                 progress=lambda message: note(f"Syncing: {message}…"))
        yield SyncTarget(url, answer.token, paths.blobs_dir), report


def _start_demo_server(username: str | None) -> tuple[SyncTarget, Callable[[], None]]:
    """Start the demo's server and sign its rep in; returns the target and how to stop the server."""
    import httpx

    from rep_tui.demo.names import DEMO_REP
    from rep_tui.sync import credentials

    paths = _demo_paths()
    running = ExitStack()
    url = running.enter_context(embedded_server(paths))
    try:
        answer = credentials.login(url, username or DEMO_REP[0], DEMO_PASSWORD)
    except (credentials.LoginFailed, httpx.HTTPError) as exc:
        running.close()
        raise LinkError(f"The demo's server refused the demo rep: {exc}") from None
    credentials.save(EMBEDDED, answer)
    return SyncTarget(url, answer.token, paths.blobs_dir), running.close


class ServerOnDemand:
    """A sync target whose server starts on the first `ready()` (called by
    the app's sync worker, after the first paint) and stops on `stop()`
    (when the app has exited), so nobody waits for it to open the app."""

    def __init__(self, start: Callable[[], tuple[SyncTarget, Callable[[], None]]]) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._target: SyncTarget | None = None
        self._stop_server: Callable[[], None] | None = None
        self._stopped = False

    @property
    def running(self) -> bool:
        return self._stop_server is not None

    @property
    def url(self) -> str:
        return self._target.url if self._target else "(server starting)"

    def ready(self) -> SyncTarget:
        """The target, starting its server first if need be; LinkError when that fails or after `stop()`."""
        with self._lock:
            if self._stopped:
                raise LinkError("The app is closing: the server is stopped.")
            if self._target is None:
                self._target, self._stop_server = self._start()
            return self._target

    def stop(self) -> None:
        """Stop the server (waiting for a start under way to finish first)."""
        with self._lock:
            self._stopped = True
            if self._stop_server is not None:
                self._stop_server()
                self._stop_server = None


def on_outbox_grow(store: Store, callback: Callable[[], None]) -> Callable[[], None]:
    """Call `callback` after every commit on `store` that queued changes to
    send (from any thread), so the app can count them and wake the sync at
    once, whichever screen wrote. Returns a function that stops watching."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from rep_tui.store.client_models import OutboxEntry

    def flushed(session: Session, _context) -> None:
        if session.bind is store.engine and any(isinstance(obj, OutboxEntry) for obj in session.new):
            session.info["outbox_grew"] = True

    def committed(session: Session) -> None:
        if session.info.pop("outbox_grew", False):
            callback()

    event.listen(Session, "after_flush", flushed)
    event.listen(Session, "after_commit", committed)

    def stop() -> None:
        event.remove(Session, "after_flush", flushed)
        event.remove(Session, "after_commit", committed)

    return stop
