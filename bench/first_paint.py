"""First paint of `rep-tui` against a bare Textual app, measured from outside
in tmux by ../shared/tools/first_paint.py, in the same run.

    .venv/bin/python bench/first_paint.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT.parent / "shared" / "tools"


def measure(runs: int, env: dict[str, str], *command: str) -> dict:
    args = [sys.executable, str(TOOLS / "first_paint.py"), "--runs", str(runs), "--warmup", "1", "--json"]
    args += [f"--env={k}={v}" for k, v in env.items()]
    out = subprocess.run([*args, "--", *command], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {"REP_TUI_HOME": home}
        subprocess.run([sys.executable, "-m", "rep_tui", "demo", "--no-open"], check=True,
                       env={**os.environ, **env}, capture_output=True)
        bare = measure(args.runs, {}, sys.executable, str(TOOLS / "bare_app.py"))
        app = measure(args.runs, env, sys.executable, "-m", "rep_tui")
    b, a = bare["median_ms"], app["median_ms"]
    print(f"bare Textual app   median {b:7.0f} ms")
    print(f"rep-tui dashboard  median {a:7.0f} ms   ({a / b:.2f}× the bare app)")


if __name__ == "__main__":
    main()
