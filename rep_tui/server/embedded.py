"""Running the server: in the foreground for `rep-tui serve`, or in a thread
on 127.0.0.1 and a free port for the demo, tests and benchmarks."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rep_tui.server.pgtemp import free_port


def default_db_url() -> str:
    from rep_tui.config import load_settings

    return f"sqlite:///{load_settings().paths.data_dir / 'server.sqlite3'}"


def default_blobs_dir() -> Path:
    from rep_tui.config import load_settings

    return load_settings().paths.data_dir / "server-blobs"


def run(db_url: str | None = None, host: str = "127.0.0.1", port: int = 8765, tls_cert: str | None = None,
        tls_key: str | None = None, blobs_dir: Path | None = None) -> None:
    """Serve until interrupted (what `rep-tui serve` calls)."""
    import uvicorn

    from rep_tui.server.app import create_app

    if bool(tls_cert) != bool(tls_key):
        raise ValueError("give both --tls-cert and --tls-key, or neither")
    app = create_app(db_url or default_db_url(), blobs_dir=blobs_dir or default_blobs_dir())
    uvicorn.run(app, host=host, port=port, ssl_certfile=tls_cert, ssl_keyfile=tls_key, log_level="info")


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
