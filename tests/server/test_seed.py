"""A company made in a client store (as the demo generator does) becomes a
server database that a rep signs in to with the demo password and syncs."""

from __future__ import annotations

import hashlib
import uuid

from rep_tui.server.seed import seed_from_store
from server_fixtures import Device, Server, server_rows
from rep_tui.store.db import Store
from rep_tui.store.models import Attachment, Job, Lead, Team, User
from rep_tui.blobs import blob_path


def test_seeded_company_syncs_to_a_rep(backend, tmp_path):
    source = Store(tmp_path / "demo.sqlite3")
    team_id, rep_id, manager_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with source.session() as s:
        s.add(Team(id=team_id, name="North"))
        s.add(User(id=manager_id, username="boss", full_name="Boss", role="manager", team_id=team_id))
        s.add(User(id=rep_id, username="dana", full_name="Dana Reyes", role="rep", team_id=team_id))
        s.flush()
        s.get(Team, team_id).manager_id = manager_id  # teams <-> users refer to each other
        for i in range(30):
            lead = Lead(first_name=f"C{i}", last_name="Demo", rep_id=rep_id if i % 2 else manager_id, pid=900 + i,
                        custom={})
            s.add(lead)
            s.flush()
            s.add(Job(lead_id=lead.id, job_number=7000 + i, product="roof"))
        s.add(Attachment(lead_id=lead.id, kind="picture", filename="roof.png", description="the roof",
                         sha256=hashlib.sha256(b"png").hexdigest(), size=3, mime="image/png"))
    source.close()
    sha = hashlib.sha256(b"png").hexdigest()
    blob_path(tmp_path / "demo-blobs", sha).parent.mkdir(parents=True)
    blob_path(tmp_path / "demo-blobs", sha).write_bytes(b"png")
    report = seed_from_store(tmp_path / "demo.sqlite3", backend.url, password="demo",
                             client_blobs=tmp_path / "demo-blobs", server_blobs=tmp_path / "blobs")
    assert report.rows["leads"] == 30 and report.users == 2 and "64 rows copied" in report.text()
    server = Server(backend, tmp_path / "blobs").start()
    try:
        dana = Device(tmp_path / "dana", server, "dana", password="demo")
        dana.sync()
        assert len(dana.rows("leads")) == 15 and len(dana.rows("jobs")) == 15
        assert blob_path(dana.blobs_dir, sha).read_bytes() == b"png"  # lead 29 is dana's
        assert server_rows(server.engine, "teams")[team_id]["manager_id"] == str(manager_id)
        with dana.store.session() as s:
            from rep_tui.store import writes

            writes.insert(s, dana.actor, Lead(first_name="New", rep_id=rep_id, custom={}))
        dana.sync()
        new_pids = [r["pid"] for r in dana.rows("leads").values() if r["first_name"] == "New"]
        assert new_pids == [930]  # numbering continues after the demo's
        dana.close()
    finally:
        server.stop()
