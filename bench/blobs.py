"""Big attachments over loopback (prints figures; asserts nothing).

A rep's device copies a file into its store and syncs it up; her manager's
device syncs it down. Each device, and the server, is a process of its own
whose peak memory above where it started is printed against the file's size
(goal: flat, i.e. a few MiB whatever the size). Speeds are printed as MB/s
and as a ratio to copying and hashing the same file on this disk, measured
in the same run (the most any transfer that writes and checks could do).

    .venv/bin/python bench/blobs.py [--mb 200]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from blob_transfer import MiB, file_sha, make_file, sync_in_child  # noqa: E402
from rep_tui.blobs import blob_path  # noqa: E402
from rep_tui.server.db import make_engine, migrate  # noqa: E402
from rep_tui.server.embedded import free_port  # noqa: E402
from rep_tui.sync import credentials  # noqa: E402
from server_fixtures import PASSWORD, make_company  # noqa: E402

SERVE = """
import sys
from pathlib import Path
import uvicorn
from rep_tui.server.app import create_app
app = create_app(sys.argv[1], blobs_dir=Path(sys.argv[2]), max_blob_bytes=int(sys.argv[4]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning")
"""


def peak_above_start(pid: int, since: int) -> int:
    return _memory(pid, "VmHWM") - since


def reset_peak(pid: int) -> int:
    """Start counting a process's peak memory from now; its current RSS."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    return _memory(pid, "VmRSS")


def _memory(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} for process {pid}")


def local_copy_seconds(source: Path, target: Path) -> float:
    """The baseline: read, hash, write and fsync the file once."""
    started = time.perf_counter()
    digest = hashlib.sha256()
    with source.open("rb") as src, target.open("wb") as out:
        while chunk := src.read(64 * 1024):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the file in MiB")
    size = parser.parse_args().mb * MiB
    with tempfile.TemporaryDirectory(prefix="rep-tui-blobs-") as scratch:
        root = Path(scratch)
        db_url = f"sqlite:///{root / 'server.sqlite3'}"
        engine = make_engine(db_url)
        migrate(engine)
        company = make_company(engine)
        engine.dispose()
        source = root / "walkthrough.mov"
        sha = make_file(source, size)
        baseline = local_copy_seconds(source, root / "copy")
        (root / "copy").unlink()

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-c", SERVE, db_url, str(root / "server-blobs"), str(port),
                                   str(size)], env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
        try:
            _wait_until_up(url, server)
            ann, maria = (credentials.login(url, name, PASSWORD) for name in ("ann", "maria"))
            since = reset_peak(server.pid)  # after sign-in: argon2 takes 64 MiB on its own

            sent = sync_in_child(url, "ann", ann, root / "ann", source, company.leads["ann"][0])
            server_up = peak_above_start(server.pid, since)

            since = reset_peak(server.pid)
            received = sync_in_child(url, "maria", maria, root / "maria")
            server_down = peak_above_start(server.pid, since)
        finally:
            server.terminate()
            server.wait()
        whole = file_sha(blob_path(root / "maria" / "blobs", sha)) == sha and sent["up"] == received["down"] == 1

    mb = size / 1e6
    print(f"file: {size // MiB} MiB; arrived whole: {'yes' if whole else 'NO'}")
    print(f"baseline (read, hash, write, fsync locally): {mb / baseline:,.0f} MB/s")
    print("                         MB/s  x baseline   peak memory above start (x file size)")
    for name, seconds, grew in (
        ("upload (copy in + sync)", sent["seconds"], sent["grew"]),
        ("download (sync)", received["seconds"], received["grew"]),
    ):
        print(f"  {name:<23}{mb / seconds:5,.0f}  {baseline / seconds:9.2f}   "
              f"device {grew / MiB:6.1f} MiB ({grew / size:.3f})")
    for name, grew in (("server, upload", server_up), ("server, download", server_down)):
        print(f"  {name:<23}{'':5}  {'':9}   server {grew / MiB:6.1f} MiB ({grew / size:.3f})")
    print("goal: peak memory flat (a few MiB, well under the file size)")


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited at start")
        try:
            httpx.get(f"{url}/health", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


if __name__ == "__main__":
    main()
