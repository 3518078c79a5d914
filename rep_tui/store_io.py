"""The one way the UI (screens, dialogs, the palette) reads and writes the
local store: the work runs in a thread with its own session, never on the UI
thread, so a slow disk or a big query cannot freeze a key press.

- `in_store(node, what, work, then)` runs `work(session)` in a worker and
  calls `then(result)` back on the UI thread; awaiting the returned worker's
  `wait()` gives the result to async code (the palette).
- `after_typing(delay, work)` waits out fast typing first (a search as you type).
- `opens=True` for a read whose `then` opens a dialog: keys typed meanwhile
  wait for the dialog instead of going to the screen below (`ordered_keys`).
- A failure becomes a `StoreFailed` message, which bubbles to the app; the
  app tells the rep in words what could not be done. Nothing is retried
  silently and nothing half-written stays (each session is one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from textual.message import Message
from textual.worker import Worker, get_current_worker

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from textual.message_pump import MessagePump

T = TypeVar("T")


@dataclass
class StoreFailed(Message):
    """Reading or writing the store for `what` ("load this lead") failed."""

    what: str
    error: BaseException


def in_store(node: MessagePump, what: str, work: Callable[[Session], T],
             then: Callable[[T], Any] | None = None, *, group: str | None = None,
             exclusive: bool = True, opens: bool = False) -> Worker[T | None]:
    """Run `work` with a session in a thread of `node`; `then(result)` runs on
    the UI thread unless a newer call of the same group replaced this one.
    `what` names the job in words, for the rep if it fails."""
    app = node.app

    def run() -> T | None:
        try:
            with app.store.session() as session:
                result = work(session)
        except Exception as error:  # the rep is told; the session rolled back
            node.post_message(StoreFailed(what, error))
            return None
        if then is not None and not get_current_worker().is_cancelled and app.is_running:
            try:
                app.call_from_thread(then, result)
            except Exception as error:  # a bug in showing the result: loud, like any handler's
                app.call_from_thread(app._handle_exception, error)
        return result

    worker = node.run_worker(run, name=what, group=group or what, exclusive=exclusive, thread=True,
                             exit_on_error=False)
    if opens:
        app.keys_wait_for(worker)
    return worker


def after_typing(delay: float, work: Callable[[Session], T]) -> Callable[[Session], T | None]:
    """`work` for `in_store` that first waits out fast typing: a newer call of
    the same group cancels it meanwhile, and then it does nothing (and its
    `then` is not called)."""
    import time

    def wait_then(session: Session) -> T | None:
        if delay:
            time.sleep(delay)
        return None if get_current_worker().is_cancelled else work(session)

    return wait_then


def or_refusal(work: Callable[[Session], T], *kinds: type[Exception]) -> Callable[[Session], T | Exception]:
    """`work` for `in_store` that returns the refusal it raised (`FormErrors`,
    or one of `kinds`), its writes rolled back, instead of failing: a refusal
    for the dialog to show, not a fault."""
    from rep_tui.domain.forms import FormErrors

    refusals = kinds or (FormErrors,)

    def attempt(session: Session) -> T | Exception:
        try:
            return work(session)
        except refusals as refused:
            session.rollback()
            return refused

    return attempt
