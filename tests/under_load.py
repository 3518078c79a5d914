"""Run the suite while CPU hogs keep every core busy, several times in a row
(`make test-stress`): a test that passes only on a quiet machine is broken.

    python tests/under_load.py [--runs 3] [--hogs N] [pytest args...]

Prints each run's outcome and wall time; exits non-zero if any run failed."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time


def _hog() -> None:
    while True:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hogs", type=int, default=2 * (os.cpu_count() or 2),
                        help="busy processes beside the suite (default: two per core)")
    options, pytest_args = parser.parse_known_args()
    hogs = [multiprocessing.Process(target=_hog, daemon=True) for _ in range(options.hogs)]
    for hog in hogs:
        hog.start()
    failed = 0
    try:
        for run in range(1, options.runs + 1):
            started = time.monotonic()
            code = subprocess.call([sys.executable, "-m", "pytest", "-n", "2", "-p", "no:cacheprovider",
                                    *pytest_args])
            minutes = (time.monotonic() - started) / 60
            print(f"run {run}/{options.runs} under {options.hogs} hogs: "
                  f"{'passed' if code == 0 else f'FAILED ({code})'} in {minutes:.1f} min", flush=True)
            failed += code != 0
    finally:
        for hog in hogs:
            hog.terminate()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
