"""Attachment contents stream: a big file syncs with the device's memory
flat, a download cut off goes on with Range from where it stopped, and a
partial file with wrong bytes is caught by its hash and fetched again."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from blob_transfer import MiB, file_sha, make_file, sync_in_child
from server_fixtures import PASSWORD, Device, Server, make_company
from rep_tui.blobs import PARTIAL_GRACE, blob_path
from rep_tui.store.leads import add_attachment, store_blob
from rep_tui.sync import credentials
from rep_tui.sync.engine import Offline

#: The file that must sync with memory flat (bench/blobs.py moves 200 MB).
BIG_FILE = 32 * MiB
#: How far a device's (or the server's) memory may grow while moving it:
#: measured 0.6-6 MiB; holding the file once costs at least BIG_FILE.
FLAT = BIG_FILE // 2
#: A file for the cut and corrupt downloads.
FILE = 3 * MiB


def _peak_rss_reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def _memory(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in /proc/self/status")


@pytest.fixture
def big_server(backend, tmp_path):
    srv = Server(backend, tmp_path / "server-blobs", max_blob_bytes=BIG_FILE).start()
    yield srv
    srv.stop()


def test_a_big_file_syncs_with_memory_flat(big_server, tmp_path):
    company = make_company(big_server.engine)
    source = tmp_path / "walkthrough.mov"
    sha = make_file(source, BIG_FILE)
    ann, maria = (credentials.login(big_server.url, name, PASSWORD) for name in ("ann", "maria"))
    _peak_rss_reset()
    server_before = _memory("VmRSS")  # the server runs in this process

    sent = sync_in_child(big_server.url, "ann", ann, tmp_path / "ann", source, company.leads["ann"][0])
    server_grew = _memory("VmHWM") - server_before
    received = sync_in_child(big_server.url, "maria", maria, tmp_path / "maria")

    assert (sent["up"], received["down"]) == (1, 1)
    assert file_sha(blob_path(big_server.blobs_dir, sha)) == sha
    assert file_sha(blob_path(tmp_path / "maria" / "blobs", sha)) == sha
    assert sent["grew"] < FLAT, f"uploading {BIG_FILE // MiB} MiB grew the device by {sent['grew'] // MiB} MiB"
    assert received["grew"] < FLAT, f"downloading grew the device by {received['grew'] // MiB} MiB"
    assert server_grew < FLAT, f"receiving the upload grew the server by {server_grew // MiB} MiB"


class CuttingProxy:
    """A TCP proxy on 127.0.0.1 in front of the server that keeps what the
    device sent, and can break the next `times` blob downloads off after
    `after` bytes of the answer (a connection reset mid-way)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.sent = bytearray()
        self.cuts_left, self.after, self.cuts = 0, 0, 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self, after: int, times: int = 1) -> None:
        self.after, self.cuts_left = after, times

    def ranges(self) -> list[str]:
        return re.findall(r"(?im)^range: (bytes=\S*)", self.sent.decode("latin-1"))

    def blob_gets(self) -> int:
        return self.sent.count(b"GET /blobs/")

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                device, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
            connection = SimpleNamespace(answering_blob=False, answered=0)
            threading.Thread(target=self._to_server, args=(device, server, connection), daemon=True).start()
            threading.Thread(target=self._to_device, args=(server, device, connection), daemon=True).start()

    def _to_server(self, device: socket.socket, server: socket.socket, connection) -> None:
        while data := _recv(device):
            with self._lock:
                self.sent += data
                if b"GET /blobs/" in data:
                    connection.answering_blob, connection.answered = True, 0
            server.sendall(data)
        _close(server)

    def _to_device(self, server: socket.socket, device: socket.socket, connection) -> None:
        while data := _recv(server):
            with self._lock:
                cutting = connection.answering_blob and self.cuts_left > 0
                if cutting and connection.answered + len(data) > self.after:
                    device.sendall(data[: self.after - connection.answered])
                    self.cuts_left -= 1
                    self.cuts += 1
                    _close(device)
                    _close(server)
                    return
                connection.answered += len(data)
            device.sendall(data)
        _close(device)


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(MiB)
    except OSError:
        return b""


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@pytest.fixture
def shared_file(server, company, devices, tmp_path):
    """Ann attaches a file to her lead and syncs; (sha, its bytes)."""
    ann = devices("ann")
    ann.sync()
    source = tmp_path / "plan.pdf"
    make_file(source, FILE)
    sha, size = store_blob(ann.blobs_dir, source, FILE)
    with ann.store.session() as session:
        add_attachment(session, ann.actor, company.leads["ann"][0], "plan.pdf", "the plan", sha, size)
    assert ann.sync().blobs_up == 1
    return sha, source.read_bytes()


@pytest.fixture
def proxy(server):
    cutter = CuttingProxy(server.port)
    yield cutter
    cutter.close()


def test_a_cut_download_goes_on_with_range_from_where_it_stopped(server, shared_file, proxy, tmp_path):
    sha, data = shared_file
    maria = Device(tmp_path / "maria", SimpleNamespace(url=proxy.url), "maria")
    try:
        proxy.cut(after=MiB // 2, times=2)
        with pytest.raises(Offline, match="connection broke off"):
            maria.sync()  # cut, resumed at once, cut again: the rest waits for the next sync
        part = blob_path(maria.blobs_dir, sha).with_name(sha + ".part")
        kept = part.stat().st_size
        assert proxy.cuts == 2 and 0 < kept < len(data)
        assert part.read_bytes() == data[:kept]

        report = maria.sync()
        assert report.blobs_down == 1 and report.blobs_discarded == 0
        assert blob_path(maria.blobs_dir, sha).read_bytes() == data
        assert not part.exists()
        first, second = (int(r.removeprefix("bytes=").rstrip("-")) for r in proxy.ranges())
        assert 0 < first < second == kept
    finally:
        maria.close()


def test_a_partial_download_with_wrong_bytes_is_fetched_again(server, shared_file, proxy, tmp_path):
    sha, data = shared_file
    maria = Device(tmp_path / "maria", SimpleNamespace(url=proxy.url), "maria")
    try:
        part = blob_path(maria.blobs_dir, sha).with_name(sha + ".part")
        part.parent.mkdir(parents=True)
        part.write_bytes(bytes(b ^ 0xFF for b in data[:1000]))  # a killed download of other bytes
        report = maria.sync()
        assert report.blobs_down == 1 and report.blobs_discarded == 1
        assert "did not match their hash" in report.text()
        assert blob_path(maria.blobs_dir, sha).read_bytes() == data
        assert not part.exists()
        assert proxy.ranges() == ["bytes=1000-"] and proxy.blob_gets() == 2  # resumed, then fetched whole
    finally:
        maria.close()


def test_a_download_killed_after_its_last_byte_is_finished_without_fetching_again(server, shared_file, proxy,
                                                                                  tmp_path):
    sha, data = shared_file
    maria = Device(tmp_path / "maria", SimpleNamespace(url=proxy.url), "maria")
    try:
        part = blob_path(maria.blobs_dir, sha).with_name(sha + ".part")
        part.parent.mkdir(parents=True)
        part.write_bytes(data)
        assert maria.sync().blobs_down == 1
        assert blob_path(maria.blobs_dir, sha).read_bytes() == data and not part.exists()
        assert proxy.ranges() == [f"bytes={len(data)}-"] and proxy.blob_gets() == 1  # answered 416: nothing more
    finally:
        maria.close()


def test_a_sync_sweeps_downloads_cut_off_long_ago_and_resumes_a_recent_one(server, shared_file, proxy, tmp_path):
    sha, data = shared_file
    maria = Device(tmp_path / "maria", SimpleNamespace(url=proxy.url), "maria")
    try:
        recent = blob_path(maria.blobs_dir, sha).with_name(sha + ".part")
        stray = blob_path(maria.blobs_dir, "ab" * 32).with_name("ab" * 32 + ".part")  # its attachment was deleted
        for path, content in ((recent, data[:1000]), (stray, b"cut off")):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        old = time.time() - PARTIAL_GRACE.total_seconds() - 60
        os.utime(stray, (old, old))
        assert maria.sync().blobs_down == 1
        assert not stray.exists()
        assert blob_path(maria.blobs_dir, sha).read_bytes() == data
        assert proxy.ranges() == ["bytes=1000-"]  # the recent one went on where it stopped
    finally:
        maria.close()
