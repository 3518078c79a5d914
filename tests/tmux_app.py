"""The app in a real terminal: a tmux server of its own running `python -m
rep_tui` on a device, keys sent as a terminal sends them, the pane read back.
Shared by the tests that must see what a terminal sees (bursts over SSH,
escape sequences in data)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

#: How long the app may take to show a screen on a loaded machine before a check fails.
PATIENCE_SECONDS = 60.0
#: What a tmux server started by a running one would not pass on to the app.
PASSED_ENV = ("REP_TUI_NOW", "PYTHONPATH", "TERM")


def wait_for(condition, what: str):
    """Poll `condition` until it returns something truthy; fail loudly after PATIENCE_SECONDS."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


class TmuxApp:
    """`with TmuxApp(home) as app:` the app on the device at `home` in an
    80×24 pane (its own tmux server, so its buffers and options are its own);
    a crash stays readable in the pane, and a failed wait shows the pane."""

    def __init__(self, home: Path, *, config: str = "", width: int = 80, height: int = 24,
                 env: dict[str, str] | None = None) -> None:
        if shutil.which("tmux") is None:
            pytest.fail("tmux is needed for this test (apt-get install tmux)")
        self.home, self.size, self.config, self.env = home, (width, height), config, env or {}
        self.socket = f"rep-tui-test-{uuid.uuid4().hex[:8]}"

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True).stdout

    def __enter__(self) -> TmuxApp:
        env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
        env.update(self.env, REP_TUI_HOME=str(self.home))
        command = shlex.join(["env", *(f"{k}={v}" for k, v in env.items()), sys.executable, "-m", "rep_tui"])
        config = self.home / f"{self.socket}.conf"
        config.write_text(f"set -g remain-on-exit on\n{self.config}")
        width, height = self.size
        subprocess.run(["tmux", "-L", self.socket, "-f", str(config), "new-session", "-d", "-s", "app",
                        "-x", str(width), "-y", str(height), command], check=True)
        return self

    def __exit__(self, *_exc) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)

    def pane(self, *options: str) -> str:
        """What the pane shows (with what scrolled off, up to a screen back)."""
        return self.tmux("capture-pane", "-p", "-S", f"-{self.size[1]}", *options, "-t", "app")

    def keys(self, *keys: str) -> None:
        """Send keys in one `send-keys`: as one burst, the way SSH batches them."""
        self.tmux("send-keys", "-t", "app", *keys)

    def wait_for(self, condition, what: str):
        """`wait_for`, showing the pane when it gives up."""
        try:
            return wait_for(condition, what)
        except AssertionError as error:
            raise AssertionError(f"{error}; the terminal shows:\n{self.pane()}") from None

    def wait_to_show(self, text: str, what: str) -> None:
        self.wait_for(lambda: text in self.pane(), what)
