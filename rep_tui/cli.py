"""The `rep-tui` command. Heavy modules are imported inside each command so
`rep-tui --version` and the app's first paint stay fast."""

from __future__ import annotations

import json
import sys

import click

from rep_tui import __version__


def _store():
    from rep_tui.store.db import SchemaTooNew, open_store

    try:
        return open_store()
    except SchemaTooNew as exc:
        raise click.ClickException(str(exc)) from None


def _signed_in(session):
    from rep_tui.store.queries import current_user

    user = current_user(session)
    if user is None:
        raise click.ClickException("No user is signed in on this device: run `rep-tui demo` first.")
    return user


def _run_app(store) -> None:
    from rep_tui.app import RepApp

    RepApp(store).run()


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="rep-tui")
@click.pass_context
def main(ctx: click.Context) -> None:
    """A sales rep's day in the terminal: appointments, leads, results, stats."""
    if ctx.invoked_subcommand is None:
        _run_app(_store())


@main.command()
@click.option("--leads", default=3000, show_default=True, help="How many leads the demo company has.")
@click.option("--seed", default=7, show_default=True, help="Same seed, same company.")
@click.option("--open/--no-open", "open_app", default=True, help="Open the app afterwards.")
def demo(leads: int, seed: int, open_app: bool) -> None:
    """Make a demo company (once) and open the app signed in as its demo rep."""
    store = _store()
    with store.session() as session:
        from rep_tui.store.queries import current_user

        exists = current_user(session) is not None
    if exists:
        click.echo(f"Demo data already in {store.path}")
    else:
        import time

        from rep_tui.demo import build_demo

        started = time.perf_counter()
        summary = build_demo(store, leads=leads, seed=seed)
        click.echo(f"Demo company with {leads:,} leads made in {time.perf_counter() - started:.1f} s "
                   f"({store.path}); signed in as {summary.demo_rep}.")
    if open_app:
        _run_app(store)


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
