"""A file a rep attaches to an engagement on one laptop arrives, still
attached to that engagement and with its bytes, on the rep's other laptop."""

from __future__ import annotations

from datetime import datetime, timezone

from rep_tui.store import writes
from rep_tui.blobs import blob_path
from rep_tui.store.leads import add_attachment, load_lead, store_blob
from rep_tui.store.models import Engagement


def test_an_engagement_file_arrives_linked_on_the_reps_other_device(server, company, devices, tmp_path):
    laptop, tablet = devices("ann"), devices("ann")
    laptop.sync()
    tablet.sync()
    lead_id = company.leads["ann"][0]
    quote = tmp_path / "signed-quote.txt"
    quote.write_text("Signed quote: 12 windows, $14,200\n")
    sha, size = store_blob(laptop.blobs_dir, quote, 1 << 20)
    with laptop.store.session() as s:
        visit = writes.insert(s, laptop.actor, Engagement(
            lead_id=lead_id, subject="Measure visit", occurred_at=datetime(2026, 11, 24, 15, tzinfo=timezone.utc),
            contact_type="visit"))
        linked = add_attachment(s, laptop.actor, lead_id, quote.name, "Signed quote", sha, size,
                                engagement_id=visit.id)
        loose = add_attachment(s, laptop.actor, lead_id, quote.name, "Same file, on the lead", sha, size)
    laptop.sync()
    tablet.sync()

    with tablet.store.session() as s:
        lead_file = load_lead(s, lead_id)
    assert [a.id for a in lead_file.engagement_files(visit.id)] == [linked.id]
    assert {a.id: a.engagement_id for a in lead_file.attachments if a.id in (linked.id, loose.id)} == {
        linked.id: visit.id, loose.id: None}
    assert blob_path(tablet.blobs_dir, sha).read_bytes() == quote.read_bytes()
