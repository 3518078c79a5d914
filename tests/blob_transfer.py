"""Big attachments for the blob tests and bench/blobs.py: a file made
quickly, and a device syncing in a process of its own, which reports how far
its memory grew while it copied a file in and synced."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

MiB = 1024 * 1024

#: Syncs as a user already signed in (so the server's password hashing,
#: which takes 64 MiB, is not counted against the transfer); given a file and a lead, it syncs first, then attaches
#: the file and syncs again. Peak RSS is reset (Linux clear_refs) just before
#: the sync that moves the file, so "grew" is the most that part ever held
#: above where it started.
DEVICE = """
import json, sys, time, uuid
from pathlib import Path

from rep_tui.store import writes
from rep_tui.store.db import Store
from rep_tui.store.leads import add_attachment, store_blob
from rep_tui.sync.engine import SyncClient

url, username, user_id, token, root, source, lead = sys.argv[1:8]
root = Path(root)

def memory(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

store = Store(root / f"{username}.sqlite3")
client = SyncClient(store, url, token, blobs_dir=root / "blobs")
if source:
    client.sync()
Path("/proc/self/clear_refs").write_text("5")
before = memory("VmRSS")
started = time.perf_counter()
if source:
    sha, size = store_blob(root / "blobs", Path(source), 1 << 40)
    with store.session() as session:
        add_attachment(session, writes.Actor(uuid.UUID(user_id), username, device_id=username),
                       uuid.UUID(lead), Path(source).name, "a big file", sha, size)
report = client.sync()
print(json.dumps({"grew": memory("VmHWM") - before, "seconds": time.perf_counter() - started,
                  "up": report.blobs_up, "down": report.blobs_down}))
"""


def make_file(path: Path, size: int) -> str:
    """`size` bytes of random-looking content, quickly (one random MiB, each
    copy stamped with its number, so no two MiB are alike); returns its SHA-256."""
    block = bytearray(os.urandom(MiB))
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for number in range(0, size, MiB):
            block[:8] = number.to_bytes(8, "big")
            piece = bytes(block[: min(MiB, size - number)])
            digest.update(piece)
            out.write(piece)
    return digest.hexdigest()


def file_sha(path: Path) -> str:
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()


def sync_in_child(url: str, username: str, signed_in, root: Path, source: Path | None = None,
                  lead: object = None) -> dict:
    """Run DEVICE in a new process (this checkout on its path) for the user
    `signed_in` (a `credentials.login` answer); its JSON answer."""
    root.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    arguments = [url, username, str(signed_in.user_id), signed_in.token, str(root), str(source or ""), str(lead or "")]
    done = subprocess.run([sys.executable, "-c", DEVICE, *arguments], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the device process failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])
