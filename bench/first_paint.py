"""First paint of `rep-tui` against a bare Textual app, measured from outside
in tmux by ../shared/tools/first_paint.py, in the same run: on the demo
device (its embedded server starts in the background) and on a local-only
device (the same data, never signed in to a server).

    .venv/bin/python bench/first_paint.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: ../shared/tools beside the checkout (found from a git worktree deeper down too).
TOOLS = next((p / "shared" / "tools" for p in ROOT.parents if (p / "shared" / "tools").is_dir()),
             ROOT.parent / "shared" / "tools")
GOAL = 1.3  # times the bare app


def measure(runs: int, env: dict[str, str], *command: str) -> dict:
    args = [sys.executable, str(TOOLS / "first_paint.py"), "--runs", str(runs), "--warmup", "1", "--json"]
    args += [f"--env={k}={v}" for k, v in env.items()]
    out = subprocess.run([*args, "--", *command], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def first_paint_figures(runs: int) -> dict[str, float]:
    """Median first paint in ms of the bare app and of rep-tui on both devices, measured in one run."""
    with tempfile.TemporaryDirectory() as scratch:
        demo, local = Path(scratch) / "demo", Path(scratch) / "local"
        subprocess.run([sys.executable, "-m", "rep_tui", "demo", "--no-open"], check=True,
                       env={**os.environ, "REP_TUI_HOME": str(demo)}, capture_output=True)
        shutil.copytree(demo, local)
        (local / "config" / "credentials.json").unlink()
        figures = {"bare Textual app": measure(runs, {}, sys.executable, str(TOOLS / "bare_app.py"))["median_ms"]}
        for name, home in (("demo device", demo), ("local-only device", local)):
            figures[name] = measure(runs, {"REP_TUI_HOME": str(home)}, sys.executable, "-m", "rep_tui")["median_ms"]
        return figures


def print_first_paint(runs: int) -> None:
    """Measure, then print each figure against the bare app and the goal."""
    figures = first_paint_figures(runs)
    bare = figures.pop("bare Textual app")
    print(f"First paint (median of {runs}, tmux): bare Textual app {bare:.0f} ms")
    for name, app in figures.items():
        print(f"  rep-tui, {name:<30}{app:7.0f} ms   {app / bare:.2f}× the bare app (goal ≤ {GOAL}×)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    print_first_paint(parser.parse_args().runs)


if __name__ == "__main__":
    main()
