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

