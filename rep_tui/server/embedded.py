"""Running the server: in the foreground for `rep-tui serve`, or in a thread
on 127.0.0.1 and a free port for the demo, tests and benchmarks."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]



def default_db_url() -> str:
    from rep_tui.config import load_settings

    return f"sqlite:///{load_settings().paths.data_dir / 'server.sqlite3'}"


def default_blobs_dir() -> Path:
    from rep_tui.config import load_settings

    return load_settings().paths.data_dir / "server-blobs"


ENV_DB, ENV_BLOBS = "REP_TUI_SERVER_DB", "REP_TUI_SERVER_BLOBS"
#: Seconds an idle connection stays open: longer than a device's usual pause
#: between syncs, so it does not pay a new TCP (and TLS) handshake each time.
KEEP_ALIVE = 75


def app_from_env():
    """The app of one worker process (what `run` serves)."""
    import gc

    from rep_tui.server.app import create_app

    app = create_app(os.environ[ENV_DB], blobs_dir=Path(os.environ[ENV_BLOBS]))
    # What exists now (modules, models, cached queries) lives as long as the
    # process: kept out of the collector's full passes, which otherwise rescan
    # it all while a pull makes a hundred thousand rows (a third of the
    # server's CPU for an initial sync).
    gc.freeze()
    return app


def run(db_url: str | None = None, host: str = "127.0.0.1", port: int = 8765, tls_cert: str | None = None,
        tls_key: str | None = None, blobs_dir: Path | None = None, *, workers: int = 1,
        access_log: bool = True) -> None:
    """Serve until interrupted (what `rep-tui serve` calls). Several worker
    processes use several cores; migrations run once, here, first."""
    import uvicorn

    from rep_tui.server.db import make_engine, migrate

    if bool(tls_cert) != bool(tls_key):
        raise ValueError("give both --tls-cert and --tls-key, or neither")
    os.environ[ENV_DB] = db_url or default_db_url()
    os.environ[ENV_BLOBS] = str(blobs_dir or default_blobs_dir())
    engine = make_engine(os.environ[ENV_DB])
    migrate(engine)
    engine.dispose()
    uvicorn.run("rep_tui.server.embedded:app_from_env", factory=True, workers=workers, host=host, port=port,
                ssl_certfile=tls_cert, ssl_keyfile=tls_key, log_level="info", access_log=access_log,
                backlog=4096, timeout_keep_alive=KEEP_ALIVE, http="rep_tui.server.http_protocol:NoDelayH11Protocol")


class ServerThread:
    """A real uvicorn server in a background thread."""

    def __init__(self, app, host: str = "127.0.0.1", port: int | None = None) -> None:
        import uvicorn

        self.host = host
        self.port = port or free_port()
        config = uvicorn.Config(app, host=host, port=self.port, log_level="warning", lifespan="on",
                                timeout_keep_alive=30, backlog=2048)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"rep-tui-server-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the embedded server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=20)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
