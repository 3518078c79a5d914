"""Attachment contents by SHA-256: checked on the way in, read in ranges,
only through an attachment the user may see; the client moves them by hash."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta

import pytest

from server_fixtures import PASSWORD, http
from rep_tui.store import writes
from rep_tui.store.models import Attachment
from rep_tui.blobs import PARTIAL_GRACE, blob_path


def _headers(server, username):
    token = http.post(f"{server.url}/auth/login", json={"username": username, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_blobs_are_checked_and_served_in_ranges(server, company):
    ann = _headers(server, "ann")
    data = bytes(range(256)) * 40
    sha = hashlib.sha256(data).hexdigest()
    assert http.put(f"{server.url}/blobs/{sha}", content=b"not it", headers=ann).status_code == 400
    assert http.put(f"{server.url}/blobs/{'0' * 10}", content=data, headers=ann).status_code == 422  # not a SHA-256
    assert http.put(f"{server.url}/blobs/{sha}", content=data).status_code == 401
    assert http.put(f"{server.url}/blobs/{sha}", content=data, headers=ann).status_code == 201
    assert http.put(f"{server.url}/blobs/{sha}", content=data, headers=ann).status_code == 200
    assert http.get(f"{server.url}/blobs/{sha}", headers=ann).status_code == 404  # no attachment yet


def test_size_limit(backend, tmp_path):
    from server_fixtures import Server, make_company

    srv = Server(backend, tmp_path / "blobs", max_blob_bytes=1000).start()
    try:
        make_company(srv.engine)
        data = b"x" * 1001
        answer = http.put(f"{srv.url}/blobs/{hashlib.sha256(data).hexdigest()}", content=data,
                           headers=_headers(srv, "ann"))
        assert answer.status_code == 413
    finally:
        srv.stop()


def test_attachments_travel_by_hash_between_devices(server, company, devices):
    ann, maria, carl = devices("ann"), devices("maria"), devices("carl")
    for d in (ann, maria, carl):
        d.sync()
    data = b"%PDF-1.4 contract " * 500
    sha = hashlib.sha256(data).hexdigest()
    path = blob_path(ann.blobs_dir, sha)
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    with ann.store.session() as s:
        writes.insert(s, ann.actor, Attachment(lead_id=company.leads["ann"][0], kind="document",
                                               filename="contract.pdf", description="signed contract",
                                               sha256=sha, size=len(data), mime="application/pdf"))
    assert ann.sync().blobs_up == 1
    assert maria.sync().blobs_down == 1
    assert blob_path(maria.blobs_dir, sha).read_bytes() == data
    carl.sync()
    assert not blob_path(carl.blobs_dir, sha).exists()
    assert http.get(f"{server.url}/blobs/{sha}", headers=_headers(server, "carl")).status_code == 404
    ranged = http.get(f"{server.url}/blobs/{sha}", headers={**_headers(server, "maria"), "Range": "bytes=4-11"})
    assert ranged.status_code == 206 and ranged.content == data[4:12]


def _cut_off_uploads(blobs_dir, sha):
    """An upload a killed server left a day ago, and one being written now."""
    old = time.time() - PARTIAL_GRACE.total_seconds() - 60
    stale, live = blobs_dir / sha[:2] / ".incoming-killed", blobs_dir / sha[:2] / ".incoming-live"
    stale.parent.mkdir(parents=True)
    for path in (stale, live):
        path.write_bytes(b"half an upload")
    os.utime(stale, (old, old))
    return stale, live


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_server_sweeps_uploads_cut_off_long_ago_when_it_starts(backend, tmp_path):
    from server_fixtures import Server, make_company

    data = b"the brochure" * 100
    sha = hashlib.sha256(data).hexdigest()
    stale, live = _cut_off_uploads(tmp_path / "blobs", sha)
    srv = Server(backend, tmp_path / "blobs").start()
    try:
        assert not stale.exists() and live.exists()
        make_company(srv.engine)
        assert http.put(f"{srv.url}/blobs/{sha}", content=data, headers=_headers(srv, "ann")).status_code == 201
    finally:
        srv.stop()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_admin_prune_sweeps_uploads_cut_off_long_ago(backend, tmp_path):
    from rep_tui.server import admin

    blobs_dir = tmp_path / "blobs"
    stale, live = _cut_off_uploads(blobs_dir, "ab" * 32)
    engine = admin.open_server(backend.url)
    try:
        report = admin.prune(engine, blobs_dir, timedelta(days=30))
    finally:
        engine.dispose()
    assert report.partials == [str(stale.relative_to(blobs_dir))] and report.blobs == []
    assert "1 unfinished upload(s)" in report.text()
    assert not stale.exists() and live.exists()
