"""What delivering keys in order costs (rep_tui/ordered_keys.py).

Posts bursts of keys at once, as tmux or SSH deliver them, to the app as it
is and to the same app with Textual's own key routing (the baseline, in the
same run): 60 letters typed into the Search box, and 40 Down then 40 Up in
the Be Backs table. Prints the median time until every key was handled, and
the ratio. Typing should cost about what Textual costs; moving in a table
costs more, because each key is followed until what it set off is done.

    .venv/bin/python bench/keys.py [--leads 1500] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from demo_data import copy_home, demo_home  # noqa: E402


def apps():
    from textual import events
    from textual.app import App

    import rep_tui.app
    from rep_tui.app import RepApp

    class TextualRouting(RepApp):
        """The app with Textual's own key routing: each key forwarded as it is read."""

        CSS_PATH = str(Path(rep_tui.app.__file__).parent / RepApp.CSS_PATH)

        async def on_event(self, event: events.Event) -> None:
            await App.on_event(self, event)

        @property
        def keys_pending(self) -> bool:
            return False

    return {"Textual's routing": TextualRouting, "in order": RepApp}


async def burst(app_class, store, task: str) -> float:
    from textual import events

    app = app_class(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2" if task == "typing" else "3")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        target = app.focused
        start_row = getattr(target, "cursor_row", None)
        started = time.perf_counter()
        if task == "typing":
            for char in "abcdefghij" * 6:
                app.post_message(events.Key(char, char))
        else:
            for key in ["down"] * 40 + ["up"] * 40:
                app.post_message(events.Key(key, None))
        pumps = [app, *app.screen.walk_children(with_self=True)]
        while app.keys_pending or not all(pump._message_queue.empty() for pump in pumps) or (
                task == "typing" and len(target.value) < 60):
            await asyncio.sleep(0.001)
        elapsed = time.perf_counter() - started
        assert task == "typing" or target.cursor_row == start_row, "every arrow must have moved the cursor"
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    source = demo_home(args.leads)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["REP_TUI_HOME"] = str(copy_home(source, Path(tmp)))
        from rep_tui.config import resolve_paths
        from rep_tui.store.db import Store

        store = Store(resolve_paths().database)
        for task, what in (("typing", "60 letters into Search"), ("table", "80 arrows in Be Backs")):
            medians = {}
            for name, app_class in apps().items():
                times = [asyncio.run(burst(app_class, store, task)) for _ in range(args.rounds)]
                medians[name] = statistics.median(times)
            base, ordered = medians["Textual's routing"], medians["in order"]
            print(f"{what:24} Textual's routing {base * 1000:6.0f} ms   in order {ordered * 1000:6.0f} ms"
                  f"   ratio {ordered / base:4.2f}")
        store.close()


if __name__ == "__main__":
    main()
