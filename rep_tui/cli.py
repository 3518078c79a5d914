"""The `rep-tui` command. Heavy modules are imported inside each command so
`rep-tui --version` and the app's first paint stay fast."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager

import click

from rep_tui import __version__


def _store():
    from rep_tui.store.db import SchemaTooNew, open_store

    try:
        return open_store()
    except SchemaTooNew as exc:
        raise click.ClickException(str(exc)) from None


def _current_user(session):
    from rep_tui.store.queries import current_user

    return current_user(session)


def _signed_in(session):
    user = _current_user(session)
    if user is None:
        raise click.ClickException("No user is signed in on this device: run `rep-tui demo` first.")
    return user


def _run_app(store, sync=None) -> None:
    from rep_tui.app import RepApp

    RepApp(store, sync=sync).run()


class _Progress:
    """Progress of a long sync on one terminal line, overwritten in place;
    silent when stderr is not a terminal (cron)."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, message: str) -> None:
        if sys.stderr.isatty():
            click.echo(f"\r\x1b[K{message}", err=True, nl=False)
            self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False)


@contextmanager
def _linked(store, demo: bool = False, **options):
    """The device's server link while the block runs (see `device_link`), its
    failures as clean command-line errors."""
    from rep_tui.device_link import LinkError, demo_link, linked

    try:
        with (demo_link(store, **options) if demo else linked(store, **options)) as link:
            yield link
    except LinkError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="rep-tui")
@click.pass_context
def main(ctx: click.Context) -> None:
    """A sales rep's day in the terminal: appointments, leads, results, stats."""
    if ctx.invoked_subcommand is None:
        store = _store()
        with _linked(store) as (target, _report):
            _run_app(store, target)


@main.command()
@click.option("--leads", default=3000, show_default=True, help="How many leads the demo company has.")
@click.option("--seed", default=7, show_default=True, help="Same seed, same company.")
@click.option("--open/--no-open", "open_app", default=True, help="Open the app afterwards.")
def demo(leads: int, seed: int, open_app: bool) -> None:
    """Make a demo company on its own server database (once), start that
    server, sign in as the demo rep, sync, and open the app."""
    import time

    from rep_tui.config import load_settings
    from rep_tui.device_link import build_demo_server, demo_server_exists

    paths = load_settings().paths
    store = _store()
    if demo_server_exists(paths):
        click.echo(f"Demo data already in {paths.data_dir}")
    else:
        with store.session() as session:
            if _current_user(session) is not None:
                raise click.ClickException(
                    f"{store.path} already holds data that did not come from the demo's server (an older demo?): "
                    "remove that directory, or point REP_TUI_HOME elsewhere, and run the demo again.")
        started = time.perf_counter()
        build_demo_server(paths, leads=leads, seed=seed)
        click.echo(f"Demo company with {leads:,} leads made on its server in {time.perf_counter() - started:.1f} s "
                   f"({paths.data_dir}).")
    progress = _Progress()
    started = time.perf_counter()
    with _linked(store, demo=True, progress=progress) as (target, report):
        progress.done()
        with store.session() as session:
            user = _signed_in(session)
        click.echo(f"Synced in {time.perf_counter() - started:.1f} s ({report.pulled:,} rows); "
                   f"signed in as {user.full_name} ({user.username}).")
        if open_app:
            _run_app(store, target)


@main.command()
@click.option("--db", "db_url", metavar="URL", help="SQLAlchemy URL of the server database, e.g. "
              "postgresql+psycopg://user:pw@host/rep_tui  [default: SQLite in the data directory]")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, help="Port to listen on.")
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False), help="TLS certificate (PEM).")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), help="TLS private key (PEM).")
@click.option("--workers", default=1, show_default=True, help="Worker processes (use several cores).")
@click.option("--blobs", "blobs_dir", type=click.Path(file_okay=False), help="Where attachment contents are kept "
              "[default: server-blobs in the data directory].")
def serve(db_url: str | None, host: str, port: int, tls_cert: str | None, tls_key: str | None, workers: int,
          blobs_dir: str | None) -> None:
    """Run the company's server (until Ctrl+C). Migrations run first."""
    from pathlib import Path

    try:
        from rep_tui.server.embedded import run
    except ImportError as exc:
        raise click.ClickException(f"The server needs its extras: pip install 'rep-tui[server]' ({exc}).") from None
    if bool(tls_cert) != bool(tls_key):
        raise click.UsageError("Give both --tls-cert and --tls-key, or neither.")
    if host not in ("127.0.0.1", "localhost", "::1") and not tls_cert:
        click.echo("Warning: serving without TLS on a network address; passwords and tokens travel in clear.",
                   err=True)
    run(db_url, host=host, port=port, tls_cert=tls_cert, tls_key=tls_key, workers=workers,
        blobs_dir=Path(blobs_dir) if blobs_dir else None)


@main.command()
@click.argument("server")
@click.option("--username", "-u", prompt="Username", help="Your user name on the server.")
@click.option("--password", prompt="Password", hide_input=True, help="Asked for when not given.")
def login(server: str, username: str, password: str) -> None:
    """Sign in to SERVER (e.g. https://sales.example.com), keep the token on
    this device, and pull your leads."""
    from rep_tui.device_link import LinkError, sign_in

    url = server if "://" in server else f"https://{server}"
    store = _store()
    progress = _Progress()
    try:
        answer, report = sign_in(store, url.rstrip("/"), username, password, progress=progress)
    except LinkError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        progress.done()
    click.echo(f"Signed in as {answer.full_name} ({answer.role}).")
    click.echo(report.text())


@main.command("sync")
def sync_command() -> None:
    """Send this device's changes and fetch the server's, once (for cron).
    Exits non-zero when the sync failed."""
    store = _store()
    progress = _Progress()
    with _linked(store, sync_first=True, progress=progress) as (target, report):
        progress.done()
        if target is None:
            raise click.ClickException("This device is not signed in to a server: run `rep-tui login SERVER`.")
        click.echo(report.text())
        if report.error:
            sys.exit(1)


@main.command("search")
@click.argument("text")
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def search_command(text: str, limit: int, as_json: bool) -> None:
    """Find leads by name, any phone format, address, PID, Job ID or email."""
    from rep_tui.store.search import search

    with _store().session() as session:
        hits = search(session, text, limit=limit)
    if as_json:
        click.echo(json.dumps([
            {"lead_id": str(h.lead_id), "pid": h.pid, "name": h.name, "address": h.address, "city": h.city,
             "phone": h.phone, "email": h.email, "matched": h.matched}
            for h in hits
        ], indent=2, ensure_ascii=False))
        return
    if not hits:
        click.echo(f"No lead matches {text!r}.")
        return
    for h in hits:
        click.echo(f"{h.pid or '-':>8}  {h.name:<28.28} {h.city:<16.16} {h.phone:<18.18} (matched {h.matched})")


@main.command("stats")
@click.option("--period", type=click.Choice(["day", "week", "month", "year"]), default="month", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats_command(period: str, as_json: bool) -> None:
    """The signed-in rep's numbers for a period, each with its formula."""
    from rep_tui.clock import local_today
    from rep_tui.config import load_settings
    from rep_tui.store.queries import period_bounds, stats_for

    tz = load_settings().time_zone
    with _store().session() as session:
        user = _signed_in(session)
        start, end, label = period_bounds(period, local_today(tz), tz)
        figures = stats_for(session, [user.id], start, end)
    if as_json:
        click.echo(json.dumps({
            "rep": user.full_name, "period": period, "label": label,
            "figures": {k: {"label": f.label, "value": f.value, "display": f.display(),
                            "formula": f.formula, "inputs": f.inputs} for k, f in figures.items()},
        }, indent=2, ensure_ascii=False))
        return
    click.echo(f"{user.full_name} — {label}")
    for f in figures.values():
        click.echo(f"  {f.label:<20} {f.display():>12}   {f.formula} = {f.inputs}")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
