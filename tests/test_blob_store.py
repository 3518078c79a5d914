"""The one blob store: a blob on disk is whole and is what its name says,
whatever stopped a write; a partial download goes on where it stopped."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from rep_tui.blobs import PARTIAL_GRACE, BadName, BlobStore, TooLarge, WrongContent, blob_path

DATA = b"%PDF-1.4 signed contract " * 5000
SHA = hashlib.sha256(DATA).hexdigest()


def _pieces(data: bytes, size: int = 7000):
    return (data[i:i + size] for i in range(0, len(data), size))


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", ["../" * 3 + "etc", SHA.upper(), SHA[:-1], SHA + "\n", None],
                         ids=["a path", "upper case", "too short", "a newline after", "none"])
def test_a_name_that_is_not_a_sha256_points_nowhere(tmp_path, name):
    with pytest.raises(BadName):
        blob_path(tmp_path, name)


def test_refused_writes_leave_nothing(tmp_path):
    store = BlobStore(tmp_path, max_bytes=len(DATA) - 1)
    with pytest.raises(TooLarge):
        store.write(_pieces(DATA))
    with pytest.raises(WrongContent):
        BlobStore(tmp_path).write(_pieces(DATA), expect="0" * 64)
    assert _files(tmp_path) == []
    stored = BlobStore(tmp_path).write(_pieces(DATA), expect=SHA)
    assert (stored.sha, stored.size, stored.created) == (SHA, len(DATA), True)
    assert _files(tmp_path) == [f"{SHA[:2]}/{SHA}"]
    with pytest.raises(WrongContent):  # held already, but an upload still proves its content
        BlobStore(tmp_path).write(_pieces(DATA[:-1]), expect=SHA)
    assert BlobStore(tmp_path).write(_pieces(DATA), expect=SHA).created is False


def test_a_partial_download_goes_on_where_it_stopped(tmp_path):
    store = BlobStore(tmp_path)
    part = store.partial(SHA)

    def cut_after(data, size):
        yield data[:size]
        raise ConnectionResetError

    with pytest.raises(ConnectionResetError):
        part.write_from(0, cut_after(DATA, 30000))
    assert part.size == 30000 and not store.exists(SHA)
    part = store.partial(SHA)  # another process, later
    part.write_from(part.size, _pieces(DATA[30000:]))
    part.finish()
    assert blob_path(tmp_path, SHA).read_bytes() == DATA
    assert _files(tmp_path) == [f"{SHA[:2]}/{SHA}"]


def test_a_partial_download_with_wrong_bytes_is_thrown_away(tmp_path):
    part = BlobStore(tmp_path).partial(SHA)
    part.write_from(0, [b"x" * 100])
    part.write_from(100, _pieces(DATA[100:]))
    with pytest.raises(WrongContent):
        part.finish()
    assert _files(tmp_path) == []


def test_partial_files_left_longer_than_the_grace_are_swept_and_younger_ones_resume(tmp_path):
    """Uploads and downloads cut off and never resumed go; a download cut off
    lately stays and goes on; whole blobs are never touched, however old."""
    store = BlobStore(tmp_path)
    store.write(_pieces(DATA), expect=SHA)
    other = "ab" * 32
    old = time.time() - PARTIAL_GRACE.total_seconds() - 60
    stray = [tmp_path / ".incoming-picked", tmp_path / "ab" / ".incoming-upload", tmp_path / "ab" / f"{other}.part"]
    for path in stray:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"cut off")
        os.utime(path, (old, old))
    os.utime(blob_path(tmp_path, SHA), (old, old))
    young = BlobStore(tmp_path / "device").partial(SHA)
    young.write_from(0, [DATA[:1000]])
    young_store = BlobStore(tmp_path / "device")

    assert sorted(store.sweep_partials()) == sorted(stray)
    assert young_store.sweep_partials() == []
    assert _files(tmp_path) == [f"{SHA[:2]}/{SHA}", f"device/{SHA[:2]}/{SHA}.part"]
    part = young_store.partial(SHA)
    part.write_from(part.size, _pieces(DATA[1000:]))
    part.finish()
    assert young_store.exists(SHA)
