"""The device's side of sync: push the outbox in order, then pull pages
after the cursor, then fetch attachment contents. No Textual here: the app
runs `SyncLoop` in a worker and reads `SyncClient.status`."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

import httpx
from sqlalchemy import select

from rep_tui import blobs
from rep_tui.clock import utcnow
from rep_tui.store import search
from rep_tui.store.client_models import PasswordReset
from rep_tui.store.db import Store
from rep_tui.store.models import Attachment
from rep_tui.store.queries import set_setting
from rep_tui.sync import outbox, state
from rep_tui.sync.apply import INDEX_STALE, apply_page, drop_unseen, holds_server_rows, prepare, unused_files
from rep_tui.sync.protocol import PullPage, PushRequest, PushResponse
from rep_tui.sync.tables import ORDERED

Progress = Callable[[str], None]


class SyncError(Exception):
    """Sync cannot go on until something changes (e.g. sign in again)."""


class TransientError(SyncError):
    """The network or the server failed for now: try again later."""


class Offline(TransientError):
    """The server could not be reached at all."""


class AuthRequired(SyncError):
    """The token was refused: the rep must sign in again."""


@dataclass
class SyncReport:
    pushed: int = 0
    rejected: list[str] = field(default_factory=list)
    conflicts: int = 0
    resent: int = 0
    lost: int = 0
    pulled: int = 0
    removed: int = 0
    blobs_up: int = 0
    blobs_down: int = 0
    #: Downloads that did not hash to their name (thrown away; fetched again).
    blobs_discarded: int = 0
    requests: int = 0
    #: Passwords reset on this device that the server took.
    passwords_set: int = 0
    seconds: float = 0.0
    error: str | None = None
    #: Local tables the pull wrote to or removed from, so open screens know what to reload.
    changed_tables: set[str] = field(default_factory=set)

    def text(self) -> str:
        lines = [f"Sent {self.pushed} change(s), received {self.pulled} row(s), removed {self.removed}, "
                 f"in {self.seconds:.1f} s ({self.requests} request(s))."]
        if self.blobs_up or self.blobs_down:
            lines.append(f"Attachments: {self.blobs_up} sent, {self.blobs_down} received.")
        if self.passwords_set:
            lines.append(f"{self.passwords_set} new password(s) set on the server.")
        if self.blobs_discarded:
            lines.append(f"{self.blobs_discarded} attachment download(s) did not match their hash: "
                         "thrown away, to be fetched again.")
        if self.conflicts:
            lines.append(f"{self.conflicts} field(s) changed on both sides: the office's value was kept; "
                         "yours is in the change history.")
        if self.resent:
            lines.append(f"The server was behind (restored from a backup?): {self.resent} change(s) sent again.")
        if self.lost:
            lines.append(f"{self.lost} old change(s) were no longer on this device to send again.")
        lines += [f"Rejected: {reason}" for reason in self.rejected]
        if self.error:
            lines.append(f"Error: {self.error}")
        return "\n".join(lines)


def _range_start(response: httpx.Response) -> int:
    """Where a 206 answer's bytes begin (`Content-Range: bytes 100-199/200`)."""
    unit, _, spec = response.headers.get("content-range", "").partition(" ")
    first = spec.partition("-")[0]
    if unit != "bytes" or not first.isdigit():
        raise SyncError(f"the server answered a range request without a usable Content-Range ({spec!r})")
    return int(first)


def _detail(response: httpx.Response) -> str:
    """The server's words for a refusal (its JSON `detail`: a sentence, or a
    list of problems each with its `msg`), else its status."""
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    if isinstance(detail, list):
        detail = " ".join(str(problem.get("msg", "")) for problem in detail if isinstance(problem, dict))
    return detail if isinstance(detail, str) and detail else f"the server answered {response.status_code}"


def offline_reason(exc: httpx.TransportError) -> str:
    """Why the server could not be reached, in a rep's words (it is shown
    in the app and printed by `rep-tui sync`), not an exception's name."""
    if isinstance(exc, httpx.TimeoutException):
        return "cannot reach the server: it did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        return "cannot reach the server: no connection (offline, or the server is down)"
    return "cannot reach the server: the connection broke off"


class SyncClient:
    """Talks to one server for one store. Not thread-safe: one sync at a time."""

    def __init__(self, store: Store, server_url: str, token: str, *, blobs_dir: Path | None = None,
                 http: httpx.Client | None = None, page_size: int = 5000, batch_size: int = 500,
                 keep_acknowledged: timedelta = timedelta(days=7), timeout: float = 30.0) -> None:
        self.store = store
        self.blobs = blobs.BlobStore(blobs_dir) if blobs_dir is not None else None
        self.page_size = page_size
        self.batch_size = batch_size
        self.keep_acknowledged = keep_acknowledged
        self.http = http or httpx.Client(base_url=server_url, timeout=timeout)
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.running = False
        self.last_error: str | None = None
        self.offline = False
        self.report = SyncReport()

    # --- status -------------------------------------------------------------

    @property
    def status(self) -> state.SyncStatus:
        with self.store.session() as session:
            figures = state.counts(session)
            last = state.last_sync(session)
        if self.running:
            kind = "syncing"
        elif self.offline:
            kind = "offline"
        elif self.last_error:
            kind = "error"
        else:
            kind = "waiting" if figures["waiting"] else "synced"
        return state.SyncStatus(kind, last_sync_at=last, last_error=self.last_error, **figures)

    # --- HTTP ---------------------------------------------------------------

    def _request(self, method: str, url: str, *, stream: bool = False, content: Any = None,
                 answers: tuple[int, ...] = (404, 416), **kwargs) -> httpx.Response:
        """One request, its failures sorted; with `stream`, the body of a good
        answer is left to read (and the response to close). The refusals in
        `answers` are returned, for the caller to read, instead of raised."""
        # Every request is safe to repeat (pushes carry sequence numbers), so a
        # connection the server dropped (e.g. a stale keep-alive) gets one retry.
        # A body given as a function is made anew for each attempt.
        for attempt in (1, 2):
            self.report.requests += 1
            try:
                body = content() if callable(content) else content
                response = self.http.send(self.http.build_request(method, url, content=body, **kwargs),
                                          stream=stream)
                break
            except httpx.TransportError as exc:
                if attempt == 2 or isinstance(exc, httpx.TimeoutException):
                    raise Offline(offline_reason(exc)) from exc
        if stream and response.status_code >= 400:
            try:
                response.read()
            except httpx.TransportError as exc:
                raise Offline(offline_reason(exc)) from exc
            finally:
                response.close()
        if response.status_code == 401:
            raise AuthRequired("the server refused the sign-in: sign in again")
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientError(f"the server answered {response.status_code}")
        if response.status_code >= 400 and response.status_code not in answers:  # e.g. not there; range past the end
            raise SyncError(f"the server answered {response.status_code}: {response.text[:200]}")
        return response

    # --- one sync -------------------------------------------------------------

    def sync(self, progress: Progress | None = None) -> SyncReport:
        """Push, pull, blobs. Raises SyncError (TransientError: try again)."""
        note = progress or (lambda _msg: None)
        self.report = report = SyncReport()
        started = time.perf_counter()
        self.running = True
        try:
            if self.blobs is not None:
                self.blobs.sweep_partials()  # downloads cut off and not resumed for a day
            self._push(report, note)
            self._send_password_resets(report)
            if self._pull(report, note):
                self._push(report, note)
                self._pull(report, note)
            if self.blobs is not None:
                self._fetch_blobs(report, note)
            with self.store.session() as session:
                set_setting(session, state.LAST_SYNC, utcnow().isoformat())
                outbox.prune(session, self.keep_acknowledged)
            self.last_error, self.offline = None, False
        except SyncError as exc:
            self.last_error = report.error = str(exc)
            self.offline = isinstance(exc, Offline)
            raise
        finally:
            self.running = False
            report.seconds = time.perf_counter() - started
        return report

    def _push(self, report: SyncReport, note: Progress) -> None:
        while True:
            with self.store.session() as session:
                entries = outbox.pending(session, self.batch_size)
                device = state.client_id(session)
                acked = state.get_int(session, state.ACKED_SEQ)
                top = outbox.max_seq(session)
                mutations = outbox.to_mutations(entries)
            if not mutations:
                return
            if self.blobs is not None:
                self._upload_blobs(entries, report)

            def body(device=device, acked=acked, mutations=mutations) -> str:
                # Marked sent before every attempt, so that a retry of a push the
                # server applied says these went out already: the server must not
                # take it for an old copy of this database (see `rotate_client_id`).
                with self.store.session() as session:
                    sent = state.mark_sent(session, max(m.seq for m in mutations))
                return PushRequest(client_id=device, acked_seq=acked, sent_seq=sent,
                                   mutations=mutations).model_dump_json()

            answer = PushResponse.model_validate_json(
                self._request("POST", "/sync/push", content=body, headers={"Content-Type": "application/json"}).content)
            with self.store.session() as session:
                if answer.behind:
                    self._server_behind(session, answer.last_seq, report, note)
                    continue
                if answer.stale_copy or answer.last_seq > top:
                    # The server has seen more from this id than this database ever
                    # sent: the database is an old copy, whose new changes reuse the
                    # original's numbers. Carry on under a new id; nothing was applied.
                    state.rotate_client_id(session)
                    continue
                outcome = outbox.PushOutcome()
                outbox.record(session, answer, device, outcome)
                state.set_int(session, state.ACKED_SEQ, answer.last_seq)
            report.pushed += outcome.applied
            report.rejected += outcome.rejected
            report.conflicts += outcome.conflicts
            note(f"sent {report.pushed:,} change(s)")

    def _send_password_resets(self, report: SyncReport) -> None:
        """Passwords an admin reset on this device (after the push, which may
        have carried the user's row): each is deleted once the server took
        it, or kept with its refusal, which the report tells."""
        with self.store.session() as session:
            waiting = session.execute(select(PasswordReset.user_id, PasswordReset.password_hash)
                                      .where(PasswordReset.refused.is_(None))).all()
        for user_id, hashed in waiting:
            response = self._request("PUT", f"/users/{user_id}/password", json={"password_hash": hashed},
                                     answers=(403, 404, 422))
            with self.store.session() as session:
                reset = session.get(PasswordReset, user_id)
                if reset is None or reset.password_hash != hashed:
                    continue  # reset again meanwhile: the new one goes next time
                if response.is_success:
                    session.delete(reset)
                    report.passwords_set += 1
                else:
                    reset.refused = _detail(response)
                    report.rejected.append(f"new password: {reset.refused}")

    def _server_behind(self, session, last_seq: int, report: SyncReport, note: Progress) -> None:
        """The server lost pushes it once acknowledged (restored from a backup):
        queue what we still hold again and start pulling from scratch."""
        requeued, missing = outbox.resend_after(session, last_seq)
        report.resent += requeued
        report.lost += missing
        state.set_int(session, state.ACKED_SEQ, last_seq)
        state.set_int(session, state.CURSOR, 0)
        note(f"the server is behind: sending {requeued} change(s) again")

    def _pull(self, report: SyncReport, note: Progress) -> bool:
        """Pull every page; returns True when the server turned out to be
        behind this device (so push and pull must run again)."""
        with self.store.session() as session:
            cursor = state.get_int(session, state.CURSOR)
            device = state.client_id(session)
            acked = state.get_int(session, state.ACKED_SEQ)
            stale = state.get_int(session, INDEX_STALE)
        # Pulling from scratch into a device that already has server rows: what is not sent again is gone.
        seen: set[tuple[str, str]] | None = set() if cursor == 0 and holds_server_rows(self.store) else None
        bulk = cursor == 0 or bool(stale)  # index once at the end, not page by page

        def fetch(after: int) -> tuple[PullPage, dict[str, list[tuple]]]:
            response = self._request("GET", "/sync/pull",
                                     params={"cursor": after, "client_id": device, "limit": self.page_size})
            page = PullPage.model_validate_json(response.content)
            return page, prepare(page)

        files: set[str] = set()  # attachments removed: their files go when nothing else names them
        # The next page is fetched and converted while this one is applied: server and device work at once.
        with ThreadPoolExecutor(max_workers=1) as prefetch:
            coming = prefetch.submit(fetch, cursor)
            while True:
                page, params = coming.result()
                if page.last_seq < acked:
                    with self.store.session() as session:
                        self._server_behind(session, page.last_seq, report, note)
                    return True
                if page.reset:
                    with self.store.session() as session:
                        state.set_int(session, state.CURSOR, 0)
                    seen, bulk = set(), True
                    coming = prefetch.submit(fetch, 0)
                    continue
                if page.more:
                    coming = prefetch.submit(fetch, page.cursor)
                apply_page(self.store, page, reindex=not bulk, seen=seen, params=params, files=files)
                report.pulled += sum(len(rows) for rows in page.upserts.values())
                report.removed += len(page.removals)
                report.changed_tables.update(table for table, rows in page.upserts.items() if rows)
                report.changed_tables.update(removal.table for removal in page.removals)
                note(f"received {report.pulled:,} row(s)")
                if not page.more:
                    break
        if self.blobs is not None:
            for sha in unused_files(self.store, files):
                self.blobs.forget(sha)
        if seen is not None:
            dropped = drop_unseen(self.store, seen)
            report.removed += dropped
            if dropped:
                report.changed_tables.update(ORDERED)
        if bulk:
            with self.store.session() as session:
                search.rebuild_index(session.connection())
                state.set_int(session, INDEX_STALE, 0)
        return False

    # --- blobs ----------------------------------------------------------------

    def _upload_blobs(self, entries, report: SyncReport) -> None:
        """Send the contents of new attachments the server lacks, read from
        disk a chunk at a time."""
        for entry in entries:
            if entry.table_name != "attachments" or entry.op != "insert":
                continue
            sha = (entry.fields.get("sha256") or [None, None])[1]
            if not blobs.is_name(sha) or not self.blobs.exists(sha):
                continue
            if self._request("HEAD", f"/blobs/{sha}").status_code == 200:
                continue
            path = self.blobs.path(sha)
            self._request("PUT", f"/blobs/{sha}", content=blobs.FileChunks(path),
                          headers={"Content-Length": str(path.stat().st_size)})
            report.blobs_up += 1

    def _fetch_blobs(self, report: SyncReport, note: Progress) -> None:
        with self.store.session() as session:
            wanted = set(session.scalars(select(Attachment.sha256).where(Attachment.deleted.is_(False))))
        for sha in sorted(s for s in wanted if blobs.is_name(s)):
            if not self.blobs.exists(sha) and self._download(sha, report, note):
                report.blobs_down += 1

    def _download(self, sha: str, report: SyncReport, note: Progress) -> bool:
        """Fetch one blob into its `.part`, going on from where an earlier try
        stopped, and move it into place once it hashes to its name. A resumed
        file that does not match is fetched again whole; a whole one that does
        not match is dropped and tried again next sync."""
        part = self.blobs.partial(sha)
        while True:
            resumed = part.size > 0
            if not self._stream_into(part):
                return False
            try:
                part.finish()
                return True
            except blobs.WrongContent:
                report.blobs_discarded += 1
                note(f"an attachment download did not match its hash ({sha[:12]}…): discarded")
                if not resumed:
                    return False

    def _stream_into(self, part: blobs.Partial) -> bool:
        """Append the rest of a blob to its `.part` (False: the server has none
        for us). A transfer cut off keeps what arrived and goes on from there
        at once; cut off again, the next sync goes on."""
        try:
            return self._receive(part)
        except httpx.TimeoutException as exc:
            raise Offline(offline_reason(exc)) from exc
        except httpx.TransportError:
            pass
        try:
            return self._receive(part)
        except httpx.TransportError as exc:
            raise Offline(offline_reason(exc)) from exc

    def _receive(self, part: blobs.Partial) -> bool:
        offset = part.size
        response = self._request("GET", f"/blobs/{part.sha}", stream=True,
                                 headers={"Range": f"bytes={offset}-"} if offset else None)
        try:
            if response.status_code == 404:
                return False
            if response.status_code == 416:
                return True  # nothing after `offset`: the .part is whole (or wrong, which finish tells)
            start = _range_start(response) if response.status_code == 206 else 0  # 200: all of it
            if start > offset:
                raise SyncError(f"the server sent an attachment from byte {start}, not {offset}")
            part.write_from(start, response.iter_bytes(blobs.CHUNK))
            return True
        finally:
            response.close()

    def close(self) -> None:
        self.http.close()


def run_sync(store: Store, server_url: str, token: str, progress: Progress | None = None, *,
             blobs_dir: Path | None = None, attempts: int = 4) -> SyncReport:
    """One headless sync (`rep-tui sync`), retrying transient failures with
    backoff. Never raises: the report carries the error."""
    from rep_tui.sync.loop import backoff

    client = SyncClient(store, server_url, token, blobs_dir=blobs_dir)
    try:
        for attempt in range(attempts):
            try:
                return client.sync(progress)
            except TransientError as exc:
                if attempt == attempts - 1:
                    break
                delay = backoff(attempt)
                if progress:
                    progress(f"{exc}; trying again in {delay:.0f} s")
                time.sleep(delay)
            except SyncError:
                break
        return client.report
    finally:
        client.close()
