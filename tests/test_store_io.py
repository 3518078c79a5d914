"""The UI reads and writes the store only off the UI thread (store_io.in_store):
a rep's day through the keyboard opens no session on the thread that runs
the app's event loop."""

from __future__ import annotations

import asyncio
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from customer_leads import sale_lead
from rep_pilot import palette_answered, settle
from sqlalchemy import select
from textual._context import active_app

import rep_tui
from rep_tui.app import RepApp
from rep_tui.store.db import Store
from rep_tui.store.models import Comment

pytestmark = pytest.mark.anyio

PACKAGE = Path(rep_tui.__file__).parent
#: Code that may open sessions on any thread: the store itself (its callers are what is checked).
STORE = PACKAGE / "store"


def _ui_caller() -> str | None:
    """Where the UI opened a session on the event loop's thread, or None when
    it did not: the first frame outside the store, when it is the package's
    code (not a test's) running for a running app (its message handlers,
    workers and palette searches; not its __init__, before it runs)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None  # a thread's session
    app = active_app.get(None)
    if app is None or not app.is_running:
        return None
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.name != "contextlib.py" and STORE not in path.parents:
            break
        frame = frame.f_back
    if frame is None or PACKAGE not in path.parents:
        return None
    return f"{path.relative_to(PACKAGE.parent)}:{frame.f_lineno} {frame.f_code.co_name}"


@pytest.fixture
def ui_thread_sessions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each session the UI opens on the UI thread."""
    found: list[str] = []
    session = Store.session

    @contextmanager
    def watched(self):
        where = _ui_caller()
        if where:
            found.append(where)
        with session(self) as opened:
            yield opened

    monkeypatch.setattr(Store, "session", watched)
    return found


async def _palette(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*text)
    await palette_answered(pilot)  # every provider has searched (in the background) and answered
    await pilot.press("escape")
    await settle(pilot)


async def test_a_reps_day_opens_no_session_on_the_ui_thread(store, ui_thread_sessions):
    with store.session() as session:
        lead_id = sale_lead(session)
    app = RepApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key in ("f2", "f3", "f4", "f5", "f6", "f1"):
            await pilot.press(key)
            await settle(pilot)
        await _palette(pilot, "Result")  # appointments to result
        await _palette(pilot, "Reyes")  # a lead by name
        app.open_lead(lead_id)
        await settle(pilot)
        for key in "jncdplogh":  # every tab
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("c", "a", *"Bring samples", "ctrl+s")  # a write
        await settle(pilot)
        await pilot.press("g", "v")  # an engagement's changes
        await settle(pilot)
        await pilot.press("escape", "X")  # cancel the open appointment: look it up, then "No"
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    assert ui_thread_sessions == []
    with store.session() as session:  # the walk did write, off the UI thread
        assert session.scalar(select(Comment.id).where(Comment.lead_id == lead_id, Comment.body == "Bring samples"))


async def test_a_bug_in_showing_a_result_is_not_swallowed(store):
    """`then` runs on the UI thread for the worker; if it raises, the app
    fails loudly (as any handler's bug does) instead of the worker dying quietly."""
    from rep_tui.app import RepApp
    from rep_tui.store_io import in_store

    def show(_result) -> None:
        raise ZeroDivisionError("a show method's bug")

    app = RepApp(store)
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=(80, 24)) as pilot:
            await in_store(app.screen, "read nothing", lambda session: 1, show).wait()
            await pilot.pause()


#: The UI layer: everything a running app calls that is not the store, sync, server or domain code.
UI_LAYER = ("screens", "dialogs", "widgets", "commands.py", "app.py", "messages.py", "ordered_keys.py")
#: Sessions the UI layer may open itself, and why.
OWN_SESSIONS = {("app.py", "__init__")}  # who signed in, before the app runs: nothing to freeze yet


def _sessions_opened(path: Path) -> list[tuple[str, int]]:
    """(enclosing function, line) of each `….session()` call in a module."""
    import ast

    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                    and child.func.attr == "session"):
                found.append((name, child.lineno))
            visit(child, name)

    visit(ast.parse(path.read_text()), "<module>")
    return found


def test_the_ui_layer_opens_sessions_only_through_in_store():
    """Every store read and write of a screen, dialog, widget or the palette
    goes through `store_io.in_store` (one worker, one way back, one failure
    message): a new `with app.store.session()` in the UI layer fails here."""
    modules = [path for part in UI_LAYER for path in
               ((PACKAGE / part).rglob("*.py") if (PACKAGE / part).is_dir() else [PACKAGE / part])
               if path.exists()]
    assert len(modules) > 40, "the UI layer was not found"
    outside = [f"{path.relative_to(PACKAGE)}:{line} in {function}" for path in modules
               for function, line in _sessions_opened(path)
               if (str(path.relative_to(PACKAGE)), function) not in OWN_SESSIONS]
    assert outside == [], "sessions opened outside store_io.in_store:\n" + "\n".join(outside)
