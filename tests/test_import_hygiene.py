"""Start-up stays cheap: importing the app and its first screen must not pull
in the server, the network client or the media libraries (they load when
first used)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("fastapi", "uvicorn", "plotext", "textual_image", "PIL", "httpx", "pypdf")


def test_importing_the_app_leaves_heavy_modules_unloaded():
    probe = (
        "import sys, rep_tui.app, rep_tui.cli, rep_tui.screens.dashboard, rep_tui.screens.attachment_view\n"
        f"print(','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""



def test_loading_pictures_asks_the_terminal_nothing():
    """textual-image, imported as is on a terminal, writes queries whose late
    answers arrive in the app as typed keys; ours must write nothing."""
    import os
    import pty
    import select

    controller, terminal = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-c", "from rep_tui.widgets.picture import load_pictures_quietly; load_pictures_quietly()"],
        stdin=terminal, stdout=terminal, stderr=subprocess.PIPE)
    os.close(terminal)
    written = b""
    while True:  # read what reached the terminal until the child has gone and the terminal is drained
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 1024)
            except OSError:  # the child closed its end
                break
            written += chunk
        elif child.poll() is not None:
            break
    assert child.wait() == 0, child.stderr.read().decode()
    os.close(controller)
    assert written == b""
