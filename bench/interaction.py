"""How quickly the app answers a rep, against pushing a bare screen (Header,
Static, Footer) in the same run: opening Customer Information, Edit
Customer and the Result dialog, and switching among the six main screens,
headless (App.run_test) at 100,000 and 1,500 leads, so growth with data
shows. Then the app's peak memory (demo device with its server in-process;
device signed in to a server in another process) and its first paint
against a bare Textual app (bench/first_paint.py).

Every figure is printed beside its goal. An interaction ends when the screen
is idle: the workers of the screen on top finished and every message they
caused was handled (workers of the screens underneath are not waited for).

    .venv/bin/python bench/interaction.py [--leads 100000 1500] [--reps 15] [--no-rss] [--no-first-paint]
    .venv/bin/python bench/interaction.py --leads      # only memory and first paint
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_data import NOW, copy_home, demo_home  # noqa: E402

SIZE = (120, 40)
GOALS = {  # ratio to the bare push (first paint: to the bare app); RSS in MB
    "Customer Information": 1.5, "Edit Customer": 1.5, "Result dialog": 1.5, "switch main screen": 1.2,
}
RSS_GOAL_MB = 150


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


# --- waiting for idle --------------------------------------------------------------


async def _drain(app) -> None:
    """Wait until the app and every node of the current screen handled what was queued when called."""
    nodes = _screen_nodes(app)
    done = asyncio.Event()
    pending = 0

    def one_done() -> None:
        nonlocal pending
        pending -= 1
        if not pending:
            done.set()

    for node in nodes:
        if node.call_later(one_done):
            pending += 1
    if pending:
        await done.wait()


def _screen_nodes(app) -> list:
    return [app, *app.screen.walk_children(with_self=True)]


def _screen_workers(app) -> list:
    """Unfinished workers of the screen on top (not the sync's, nor those of screens underneath)."""
    from textual.worker import WorkerState

    nodes = set(_screen_nodes(app)[1:])
    return [w for w in app.workers if w.node in nodes and w.state in (WorkerState.PENDING, WorkerState.RUNNING)]


def _busy(app) -> bool:
    return bool(_screen_workers(app)) or any(node._message_queue.qsize() for node in _screen_nodes(app))


async def until_idle(app) -> None:
    """Until the screen on top has no worker running and no message waits on it (or the app)."""
    while True:
        await _drain(app)
        for worker in _screen_workers(app):
            try:
                await worker.wait()
            except Exception:  # a failed or cancelled worker has finished too
                pass
        await _drain(app)
        if not _busy(app):
            return


async def timed(app, act) -> tuple[float, float]:
    """Milliseconds from `act()` until the app is idle again: wall clock, and
    CPU of the process (all its threads; steadier than the wall clock when the
    machine is shared, since waiting for a core does not count)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = act()
    if asyncio.iscoroutine(result):
        await result
    await until_idle(app)
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000


# --- the interactions ----------------------------------------------------------------


def bare_screen():
    from textual.screen import Screen
    from textual.widgets import Footer, Header, Static

    class BareScreen(Screen):
        def compose(self):
            yield Header()
            yield Static("Hello")
            yield Footer()

    return BareScreen()


def sample_of(store, reps: int, seed: int = 3) -> tuple[list, list]:
    """Leads of the signed-in rep (with a job) and appointments of theirs to result."""
    from sqlalchemy import select

    from rep_tui.store.models import Appointment, Job, Lead
    from rep_tui.store.queries import current_user

    rng = random.Random(seed)
    with store.session() as s:
        user = current_user(s)
        leads = list(s.scalars(select(Lead.id).where(Lead.rep_id == user.id, Lead.deleted.is_(False),
                                                      Lead.id.in_(select(Job.lead_id))).order_by(Lead.pid)))
        appointments = list(s.scalars(select(Appointment.id).where(
            Appointment.rep_id == user.id, Appointment.deleted.is_(False)).order_by(Appointment.starts_at)))
    return rng.sample(leads, min(reps, len(leads))), rng.sample(appointments, min(reps, len(appointments)))


async def measure_interactions(store, reps: int) -> dict[str, list[tuple[float, float]]]:
    from rep_tui.app import MAIN_SCREENS, RepApp
    from rep_tui.messages import ResultAppointment

    leads, appointments = sample_of(store, reps + 1)
    modes = [mode for mode, *_ in MAIN_SCREENS]
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in ("bare push", *GOALS, "first visit of a main screen")}
    app = RepApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await until_idle(app)
        for mode in modes[1:] + modes[:1]:  # every screen built once (its imports paid): the cold figures
            times["first visit of a main screen"].append(await timed(app, lambda m=mode: app.switch_mode(m)))

        async def one_round(lead_id, appointment_id, keep: bool) -> None:
            bare = await timed(app, lambda: app.push_screen(bare_screen()))
            await app.pop_screen()
            await until_idle(app)
            opened = await timed(app, lambda: app.open_lead(lead_id))
            edit = await timed(app, lambda: app.screen.action_edit_customer())
            await app.pop_screen()
            await app.pop_screen()
            await until_idle(app)
            result = await timed(app, lambda: app.post_message(ResultAppointment(appointment_id)))
            await app.pop_screen()
            await until_idle(app)
            switches = [await timed(app, lambda m=mode: app.switch_mode(m)) for mode in modes[1:] + modes[:1]]
            if keep:
                times["bare push"].append(bare)
                times["Customer Information"].append(opened)
                times["Edit Customer"].append(edit)
                times["Result dialog"].append(result)
                times["switch main screen"] += switches

        await one_round(leads[-1], appointments[-1], keep=False)  # warm-up: first imports of each screen
        for lead_id, appointment_id in zip(leads[:-1], appointments[:-1]):
            await one_round(lead_id, appointment_id, keep=True)
        await pilot.pause()
    return times


def interaction_figures(leads: int, reps: int) -> dict[str, list[tuple[float, float]]]:
    """Run the interactions on a private copy of the cached demo company of `leads` leads."""
    from rep_tui.config import reset_settings_cache
    from rep_tui.store.db import Store

    source = demo_home(leads)
    with tempfile.TemporaryDirectory() as scratch:
        home = copy_home(source, Path(scratch))
        os.environ["REP_TUI_HOME"] = str(home)
        reset_settings_cache()
        store = Store(home / "data" / "rep-tui.sqlite3")
        try:
            return asyncio.run(measure_interactions(store, reps))
        finally:
            store.close()


def print_interactions(by_leads: dict[int, dict[str, list[tuple[float, float]]]]) -> None:
    """Each figure as wall-clock p50/p95 and CPU p50, each against the bare push of its run."""
    print(f"{'interaction':<30}{'leads':>8}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'p50 ×bare':>11}{'p95 ×bare':>11}"
          f"{'cpu p50':>9}{'cpu ×bare':>11}{'goal':>8}")

    def column(times: dict, kind: str, which: int) -> list[float]:
        return [took[which] for took in times[kind]]

    for kind in ("bare push", *GOALS, "first visit of a main screen"):
        for leads, times in by_leads.items():
            values, bare = column(times, kind, 0), column(times, "bare push", 0)
            cpu, bare_cpu = column(times, kind, 1), column(times, "bare push", 1)
            ratio50 = statistics.median(values) / statistics.median(bare)
            ratio95 = percentile(values, 95) / percentile(bare, 95)
            cpu_ratio = statistics.median(cpu) / statistics.median(bare_cpu)
            goal = f"≤{GOALS[kind]}×" if kind in GOALS else ""
            verdict = "" if not goal else ("  ok" if ratio50 <= GOALS[kind] else "  over")
            print(f"{kind:<30}{leads:>8,}{len(values):>4}{statistics.median(values):>9.1f}"
                  f"{percentile(values, 95):>9.1f}{ratio50:>10.2f}×{ratio95:>10.2f}×"
                  f"{statistics.median(cpu):>9.1f}{cpu_ratio:>10.2f}×{goal:>8}{verdict}")
    if len(by_leads) > 1:  # ratios to each run's own bare push, so a machine busier in one run does not show
        (big, most), (small, least) = sorted(by_leads.items(), reverse=True)[:2]

        def ratio(times: dict, kind: str) -> float:
            return statistics.median(column(times, kind, 0)) / statistics.median(column(times, "bare push", 0))

        print(f"growth from {small:,} to {big:,} leads (p50 ×bare at {big:,} / at {small:,}; goal ≈1, not growing):  "
              + ",  ".join(f"{kind} {ratio(most, kind) / ratio(least, kind):.2f}×" for kind in GOALS))


# --- peak memory ---------------------------------------------------------------------


async def _visit_everything(leads: int) -> None:
    """In the RSS child: open the app as `rep-tui` does, wait for a sync, visit
    every screen and ten customers, then print the peak RSS."""
    from rep_tui.app import MAIN_SCREENS, RepApp
    from rep_tui.cli import _store
    from rep_tui.device_link import linked
    from rep_tui.messages import ResultAppointment

    store = _store()
    lead_ids, appointments = sample_of(store, leads)
    with linked(store) as (target, _report):
        app = RepApp(store, sync=target)
        async with app.run_test(size=SIZE) as pilot:
            for mode, *_ in MAIN_SCREENS:
                await app.switch_mode(mode)
                await until_idle(app)
            for lead_id in lead_ids:
                app.open_lead(lead_id)
                await until_idle(app)
                for tab in ("notes", "comments", "documents", "pictures", "related", "contacts", "engagements",
                            "history", "job"):
                    app.screen.action_show_tab(tab)
                    await until_idle(app)
                app.screen.action_edit_customer()
                await until_idle(app)
                await app.pop_screen()
                await app.pop_screen()
            app.post_message(ResultAppointment(appointments[0]))
            await until_idle(app)
            await app.pop_screen()
            for action in ("help", "sync_status"):
                await app.run_action(action)
                await until_idle(app)
                await app.pop_screen()
            for _ in range(600):  # a sync has run (a demo device's server started in this process)
                if app.sync_status is not None and app.sync_status.state != "syncing":
                    break
                await pilot.pause(0.1)
            state = app.sync_status.state if app.sync_status else "none"
    store.close()
    status = Path("/proc/self/status").read_text()
    peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    print(json.dumps({"peak_mb": peak_kb / 1024, "sync": state}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_of(home: Path) -> dict:
    env = {**os.environ, "REP_TUI_HOME": str(home), "REP_TUI_NOW": NOW}
    out = subprocess.run([sys.executable, __file__, "--rss-child"], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_memory() -> dict[str, dict]:
    """Peak RSS of the demo device (server in-process) and of a device signed
    in to `rep-tui serve` running the same demo company in another process."""
    import httpx

    base = {**os.environ, "REP_TUI_NOW": NOW}
    with tempfile.TemporaryDirectory() as scratch:
        demo, remote, server_home = (Path(scratch) / n for n in ("demo", "remote", "server"))
        subprocess.run([sys.executable, "-m", "rep_tui", "demo", "--no-open"], check=True, capture_output=True,
                       env={**base, "REP_TUI_HOME": str(demo)})
        figures = {"demo device (server in-process)": _rss_of(demo)}
        port = _free_port()
        data = demo / "data"
        server = subprocess.Popen(
            [sys.executable, "-m", "rep_tui", "serve", "--db", f"sqlite:///{data / 'server.sqlite3'}",
             "--port", str(port), "--blobs", str(data / "server-blobs")],
            env={**base, "REP_TUI_HOME": str(server_home)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            sign_in = ("from rep_tui.device_link import sign_in, DEMO_PASSWORD; from rep_tui.cli import _store; "
                       f"sign_in(_store(), {url!r}, 'demo', DEMO_PASSWORD)")
            subprocess.run([sys.executable, "-c", sign_in], check=True, capture_output=True,
                           env={**base, "REP_TUI_HOME": str(remote)})
            figures["device signed in to a remote server"] = _rss_of(remote)
        finally:
            server.terminate()
            server.wait()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, nargs="*", default=[100_000, 1_500], help="none: skip the interactions")
    parser.add_argument("--reps", type=int, default=15, help="repetitions of each interaction")
    parser.add_argument("--no-rss", action="store_true")
    parser.add_argument("--no-first-paint", action="store_true")
    parser.add_argument("--first-paint-runs", type=int, default=7)
    parser.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        asyncio.run(_visit_everything(10))
        return
    os.environ["REP_TUI_NOW"] = NOW
    if args.leads:
        by_leads = {leads: interaction_figures(leads, args.reps) for leads in args.leads}
        print(f"Interactions, headless {SIZE[0]}×{SIZE[1]}, each against pushing a bare screen in the same run:")
        print_interactions(by_leads)
    if not args.no_rss:
        print("Peak RSS after visiting every screen and opening ten customers (3,000-lead demo company):")
        for name, figure in peak_memory().items():
            goal = f"goal ≤ {RSS_GOAL_MB} MB" if "remote" in name else "no goal"
            print(f"  {name:<40}{figure['peak_mb']:7.0f} MB   ({goal}; sync: {figure['sync']})")
    if not args.no_first_paint:
        from first_paint import print_first_paint

        print_first_paint(args.first_paint_runs)


if __name__ == "__main__":
    main()
