"""The `rep-tui` command. Heavy modules are imported inside each command so
`rep-tui --version` and the app's first paint stay fast."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from rep_tui import __version__
from rep_tui.domain.safe_text import json_text, visible


def _store(*, exclusive: bool = False):
    """The local store. `exclusive` for commands that write or sync: they take
    the instance lock (see `health.InstanceLock`) for as long as the command
    runs. Failures reach `_Main.invoke`, which puts them in one sentence."""
    from rep_tui.store.db import open_store
    from rep_tui.store.health import check_writable

    if not exclusive:
        return open_store()
    _store_lock()
    store = open_store()
    check_writable(store)
    return store


def _store_lock() -> None:
    """Hold the instance lock until the command ends (refused: `in_use`)."""
    from rep_tui.store.health import InstanceLock

    ctx = click.get_current_context()
    if "instance_lock" not in ctx.meta:
        ctx.meta["instance_lock"] = ctx.with_resource(InstanceLock(_store_path()))


def _app_store():
    """The app's store. A damaged one is offered a repair first when someone
    is at the terminal to answer; otherwise its sentence ends the command."""
    try:
        return _store(exclusive=True)
    except Exception as exc:
        from rep_tui.store.health import diagnose

        problem = diagnose(exc, _store_path())
        if problem is None or problem.kind != "damaged" or not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise
        if not click.confirm(f"{problem.sentence}\nRepair it now?", default=True):
            raise click.ClickException(problem.sentence) from None
        _repair(force=True)
        return _store(exclusive=True)


def _store_path():
    from rep_tui.config import load_settings

    return load_settings().paths.database


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
    silent when stderr is not a terminal (cron). With `lines`, each message
    on a line of its own, terminal or not (the demo says what it is doing)."""

    def __init__(self, *, lines: bool = False) -> None:
        self.shown = False
        self.lines = lines

    def __call__(self, message: str) -> None:
        if self.lines:
            click.echo(message, err=True)
        elif sys.stderr.isatty():
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


class _Main(click.Group):
    """The `rep-tui` group: a local store that cannot be used (damaged,
    read-only, full disk, busy, open elsewhere, too new) ends any command
    with one sentence saying what to do and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort, click.ClickException):
            raise
        except Exception as exc:
            from rep_tui.store.health import diagnose

            problem = diagnose(exc, _store_path())
            if problem is None:
                raise
            raise click.ClickException(problem.sentence) from None


@click.group(cls=_Main, invoke_without_command=True)
@click.version_option(__version__, prog_name="rep-tui")
@click.pass_context
def main(ctx: click.Context) -> None:
    """A sales rep's day in the terminal: appointments, leads, results, stats."""
    if ctx.invoked_subcommand is None:
        store = _app_store()
        with _linked(store) as (target, _report):
            _run_app(store, target)


@main.command()
@click.option("--leads", default=3000, show_default=True, help="How many leads the demo company has.")
@click.option("--seed", default=7, show_default=True, help="Same seed, same company.")
@click.option("--open/--no-open", "open_app", default=True, help="Open the app afterwards.")
@click.option("--as", "username", metavar="USERNAME",
              help="Sign in as demo-manager to watch a team (or as any user of the demo company) "
                   "[default: the demo rep, demo].")
def demo(leads: int, seed: int, open_app: bool, username: str | None) -> None:
    """Make a demo company on its own server database (once), start that
    server, sign in as the demo rep (or `--as` another user), sync, and open the app."""
    import time

    from rep_tui.config import load_settings
    from rep_tui.demo.names import rep_count
    from rep_tui.device_link import build_demo_server, demo_server_exists

    paths = load_settings().paths
    progress = _Progress(lines=True)
    if demo_server_exists(paths):
        click.echo(f"Demo data already in {paths.data_dir}")
    else:
        if paths.database.exists():  # opening the store takes a moment: only when there is something to check
            _refuse_data_not_from_the_demo(_store(exclusive=True))
        progress(f"Building the demo company ({rep_count()} reps, {leads:,} leads)…")
        started = time.perf_counter()
        build_demo_server(paths, leads=leads, seed=seed, progress=progress)
        click.echo(f"Demo company with {leads:,} leads made on its server in {time.perf_counter() - started:.1f} s "
                   f"({paths.data_dir}).")
    store = _store(exclusive=True)
    started = time.perf_counter()
    with _linked(store, demo=True, username=username, progress=progress) as (target, report):
        progress.done()
        with store.session() as session:
            user = _signed_in(session)
        click.echo(f"Synced in {time.perf_counter() - started:.1f} s ({report.pulled:,} rows); "
                   f"signed in as {user.full_name} ({user.username}).")
        if open_app:
            _run_app(store, target)


def _refuse_data_not_from_the_demo(store) -> None:
    with store.session() as session:
        if _current_user(session) is not None:
            raise click.ClickException(
                f"{store.path} already holds data that did not come from the demo's server (an older demo?): "
                "remove that directory, or point REP_TUI_HOME elsewhere, and run the demo again.")


_db_option = click.option(
    "--db", "db_url", metavar="URL", help="SQLAlchemy URL of the server database, e.g. "
    "postgresql+psycopg://user:pw@host/rep_tui  [default: SQLite in the data directory]")
_blobs_option = click.option(
    "--blobs", "blobs_dir", type=click.Path(file_okay=False), help="Where attachment contents are kept "
    "[default: server-blobs in the data directory].")


@main.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, help="Port to listen on.")
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False), help="TLS certificate (PEM).")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), help="TLS private key (PEM).")
@click.option("--workers", default=1, show_default=True, help="Worker processes (use several cores).")
@_blobs_option
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


@main.group()
@_db_option
@click.pass_context
def admin(ctx: click.Context, db_url: str | None) -> None:
    """Run the company on the server database itself (on the server's box):
    users, teams, importing and assigning leads, clean-up. Devices get every
    change on their next sync."""
    ctx.obj = {"db_url": db_url}


@contextmanager
def _server_db(*, defaults: bool = True):
    """The admin's server database while the block runs (with the default
    groups and job statuses unless not `defaults`); bad input as clean errors."""
    try:
        from rep_tui.server import admin as server_admin
        from rep_tui.server.embedded import default_db_url
    except ImportError as exc:
        raise click.ClickException(f"Admin needs the server's extras: pip install 'rep-tui[server]' ({exc}).") \
            from None
    try:
        engine = server_admin.open_server(click.get_current_context().obj["db_url"] or default_db_url(),
                                          defaults=defaults)
        try:
            yield server_admin, engine
        finally:
            engine.dispose()
    except server_admin.AdminError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def _progress(label: str, *, quiet: bool = False):
    """A progress callback for a long admin write: a bar on stderr when it is
    a terminal (stdout stays the command's answer, for a pipe or --json);
    silence otherwise (scripts, logs) or when `quiet`."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    bar = None

    def advance(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr).__enter__()
        bar.update(done - bar.pos)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _say(text: str) -> None:
    """Print text that holds data (names, reasons, file names) with its control characters shown, not obeyed."""
    click.echo(visible(text, lines=True))


def _echo_lines(lines: list[str], empty: str) -> None:
    _say("\n".join(lines) if lines else empty)


_password_stdin_option = click.option("--password-stdin", is_flag=True,
                                      help="Read the password from the first line of stdin (for scripts).")


@admin.group("users")
def admin_users() -> None:
    """Who may sign in, with which role and team."""


@admin_users.command("list")
def users_list() -> None:
    """Every user: username, name, role, team, and whether disabled."""
    with _server_db() as (server_admin, engine):
        users = server_admin.list_users(engine)
    _echo_lines([f"{u.username:<16.16} {u.full_name:<24.24} {u.role:<8} {u.team:<16.16} {u.group:<16.16}"
                 f"{'' if u.active else ' disabled'}".rstrip() for u in users],
                "No users yet: add one with `rep-tui admin users add USERNAME --role admin`.")


@admin_users.command("add")
@click.argument("username")
@click.option("--name", "full_name", help="Full name as shown in the app [default: the username].")
@click.option("--role", type=click.Choice(["rep", "manager", "admin"]), default="rep", show_default=True)
@click.option("--team", help="Name of the user's team (see `admin teams list`).")
@click.option("--group", help="Name of the user's group (see `admin groups list`) [default: the role's].")
@_password_stdin_option
def users_add(username: str, full_name: str | None, role: str, team: str | None, group: str | None,
              password_stdin: bool) -> None:
    """Add a user who signs in with USERNAME and a password (asked for, not echoed)."""
    with _server_db() as (server_admin, engine):
        server_admin.add_user(engine, username, _new_password(password_stdin), full_name=full_name, role=role,
                              team=team, group=group)
    click.echo(f"Added {username} ({role}{f', team {team}' if team else ''}{f', group {group}' if group else ''}).")


@admin_users.command("set-group")
@click.argument("username")
@click.argument("group", required=False)
def users_set_group(username: str, group: str | None) -> None:
    """Put USERNAME in GROUP (without GROUP: in no group, so their role's defaults apply).
    Their devices learn it on their next sync; the server applies it at once."""
    with _server_db() as (server_admin, engine):
        server_admin.set_user_group(engine, username, group)
    _say(f"{username} is now in {f'group {group}' if group else 'no group (the role’s defaults apply)'}.")


@admin_users.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Stop USERNAME signing in and sign them out on every device. Their leads stay theirs until assigned."""
    with _server_db() as (server_admin, engine):
        was_active, revoked = server_admin.disable_user(engine, username)
    click.echo(f"{'Disabled' if was_active else 'Already disabled:'} {username}; {revoked} sign-in(s) revoked.")


@admin_users.command("password")
@click.argument("username")
@_password_stdin_option
def users_password(username: str, password_stdin: bool) -> None:
    """Set a new password for USERNAME (their devices stay signed in)."""
    with _server_db() as (server_admin, engine):
        server_admin.set_user_password(engine, username, _new_password(password_stdin))
    click.echo(f"New password set for {username}.")


@admin.group("teams")
def admin_teams() -> None:
    """Teams of reps and the manager who sees their leads."""


@admin_teams.command("list")
def teams_list() -> None:
    """Every team: name, office, manager, number of members."""
    with _server_db() as (server_admin, engine):
        teams = server_admin.list_teams(engine)
    _echo_lines([f"{t.name:<20.20} {t.office:<16.16} {t.manager or '(no manager)':<16.16} {t.members} member(s)"
                 for t in teams], "No teams yet: add one with `rep-tui admin teams add NAME`.")


@admin_teams.command("add")
@click.argument("name")
@click.option("--manager", help="Username of the team's manager.")
@click.option("--office", help="Name of an existing office.")
def teams_add(name: str, manager: str | None, office: str | None) -> None:
    """Add a team; put users in it with `admin users add --team`."""
    with _server_db() as (server_admin, engine):
        server_admin.add_team(engine, name, manager=manager, office=office)
    click.echo(f"Added team {name}.")


@admin.group("groups")
def admin_groups() -> None:
    """User groups and the permissions each grants (a user's group replaces their role's defaults)."""


@admin_groups.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def groups_list(as_json: bool) -> None:
    """Every group: name, what it grants, its members."""
    with _server_db() as (server_admin, engine):
        groups = server_admin.list_groups(engine)
    if as_json:
        click.echo(json_text([{"name": g.name, "description": g.description, "permissions": g.permissions,
                               "members": g.members} for g in groups]))
        return
    _echo_lines([f"{g.name:<20.20} {len(g.members):>3} member(s)  {', '.join(g.permissions) or '(nothing)'}"
                 for g in groups], "No groups yet: add one with `rep-tui admin groups add NAME`.")


@admin_groups.command("add")
@click.argument("name")
@click.option("--description", help="What the group is for.")
@click.argument("permissions", nargs=-1)
def groups_add(name: str, description: str | None, permissions: tuple[str, ...]) -> None:
    """Add a group NAME granting PERMISSIONS (names like delete_leads; see `admin groups list`)."""
    with _server_db() as (server_admin, engine):
        server_admin.add_group(engine, name, description=description, permissions=permissions)
    _say(f"Added group {name}.")


@admin_groups.command("grant")
@click.argument("name")
@click.argument("permissions", nargs=-1, required=True)
def groups_grant(name: str, permissions: tuple[str, ...]) -> None:
    """Let the members of group NAME use PERMISSIONS too."""
    with _server_db() as (server_admin, engine):
        now = server_admin.change_grant(engine, name, grant=permissions)
    _say(f"Group {name} grants: {', '.join(now) or 'nothing'}.")


@admin_groups.command("revoke")
@click.argument("name")
@click.argument("permissions", nargs=-1, required=True)
def groups_revoke(name: str, permissions: tuple[str, ...]) -> None:
    """Take PERMISSIONS away from the members of group NAME."""
    with _server_db() as (server_admin, engine):
        now = server_admin.change_grant(engine, name, revoke=permissions)
    _say(f"Group {name} grants: {', '.join(now) or 'nothing'}.")


@admin.group("reminders")
def admin_reminders() -> None:
    """Reminders on leads: who is to do what, by when."""


@admin_reminders.command("list")
@click.option("--user", "username", help="Only this user's reminders (a username).")
@click.option("--due-by", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only those due on or before this day "
              "(YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def reminders_list(username: str | None, due_by, as_json: bool) -> None:
    """Reminders by due date, done or not: when, what, for whom, on which customer."""
    with _server_db() as (server_admin, engine):
        lines = server_admin.list_reminders(engine, user=username, due_by=due_by.date() if due_by else None)
    if as_json:
        click.echo(json_text([line.as_json() for line in lines]))
        return
    _echo_lines([f"{line.due_on.isoformat()}  {'done' if line.done_at else 'open'}  {line.assignee:<12.12} "
                 f"{line.body:<32.32} {line.customer:<20.20} {line.phone}".rstrip() for line in lines],
                "No reminders" + (f" for {username}" if username else "") + (" due by then." if due_by else "."))


@admin.group("custom-fields")
def admin_custom_fields() -> None:
    """Customer fields the office defines: shown on Customer Information,
    edited in Edit Customer, searched, imported (a CSV column per field, by label or key)."""


def _definition_json(d) -> dict:
    return {"key": d.key, "label": d.label, "kind": d.kind, "choices": list(d.choices), "required": d.required,
            "sort_order": d.sort_order, "active": d.active}


def _field_done(definition, as_json: bool, said: str) -> None:
    if as_json:
        click.echo(json_text(_definition_json(definition)))
    else:
        _say(said)


_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


@admin_custom_fields.command("list")
@_json_option
def custom_fields_list(as_json: bool) -> None:
    """Every field: key, label, kind, choices, required, and whether deactivated, in the office's order."""
    from rep_tui.server import custom_fields

    with _server_db() as (_admin, engine):
        found = custom_fields.list_fields(engine)
    if as_json:
        click.echo(json_text([_definition_json(d) for d in found]))
        return
    _echo_lines([f"{d.key:<20.20} {d.label:<24.24} {d.kind:<7}{' required' if d.required else ''}"
                 f"{'' if d.active else ' deactivated'}{': ' + ', '.join(d.choices) if d.choices else ''}".rstrip()
                 for d in found], "No custom fields yet: add one with `rep-tui admin custom-fields add LABEL`.")


@admin_custom_fields.command("add")
@click.argument("label")
@click.option("--kind", type=click.Choice(["text", "number", "date", "choice", "yes-no"]), default="text",
              show_default=True)
@click.option("--key", help="Its stable name in data and CSV files [default: from the label, like roof_age].")
@click.option("--choices", help="A choice field's choices, comma-separated: \"Cedar, Vinyl, Brick\".")
@click.option("--required", is_flag=True, help="Edit Customer and imports cannot leave it empty.")
@click.option("--order", "sort_order", type=int, help="Where it sits among the fields [default: last].")
@_json_option
def custom_fields_add(label: str, kind: str, key: str | None, choices: str | None, required: bool,
                      sort_order: int | None, as_json: bool) -> None:
    """Define a field named LABEL; devices get it on their next sync."""
    from rep_tui.domain.custom_fields import parse_choices
    from rep_tui.domain.validation import Invalid
    from rep_tui.server import custom_fields

    with _server_db() as (server_admin, engine):
        try:
            listed = parse_choices(choices or "")
        except Invalid as exc:
            raise server_admin.AdminError(f"--choices: {exc}") from None
        added = custom_fields.add_field(engine, label, kind, key=key, choices=listed, required=required,
                                        sort_order=sort_order)
    _field_done(added, as_json, f"Added custom field {added.label} ({added.key}, {added.kind}).")


@admin_custom_fields.command("set-choices")
@click.argument("key")
@click.argument("choices")
@_json_option
def custom_fields_set_choices(key: str, choices: str, as_json: bool) -> None:
    """Replace the choices of the choice field KEY (comma-separated). Leads
    keep a value that is no longer a choice until it is changed."""
    from rep_tui.domain.custom_fields import parse_choices
    from rep_tui.domain.validation import Invalid
    from rep_tui.server import custom_fields

    with _server_db() as (server_admin, engine):
        try:
            listed = parse_choices(choices)
        except Invalid as exc:
            raise server_admin.AdminError(str(exc)) from None
        changed = custom_fields.change_field(engine, key, choices=listed)
    _field_done(changed, as_json, f"{changed.label}: {', '.join(changed.choices)}.")


@admin_custom_fields.command("deactivate")
@click.argument("key")
@_json_option
def custom_fields_deactivate(key: str, as_json: bool) -> None:
    """Stop showing and offering the field KEY; leads keep their values (shown again if it is reactivated)."""
    from rep_tui.server import custom_fields

    with _server_db() as (_admin, engine):
        changed = custom_fields.change_field(engine, key, active=False)
    _field_done(changed, as_json, f"Deactivated {changed.label} ({changed.key}).")


@admin.group("result-codes")
def admin_result_codes() -> None:
    """The codes reps pick in the Result dialog, and the flags that decide every stat."""


#: --issued/--no-issued … : the flags of a code, as options (None: left as it is).
_FLAG_OPTIONS = {"counts_as_issued": "issued", "counts_as_demo": "demo", "counts_as_sale": "sale",
                 "needs_sale": "needs-sale", "needs_follow_up": "needs-follow-up", "reschedules": "reschedules"}


def _result_code_options(command):
    """--label, --key, --order, --active/--inactive and a --FLAG/--no-FLAG per flag."""
    from rep_tui.domain.result_codes import FLAGS

    for column, name in reversed(list(_FLAG_OPTIONS.items())):
        command = click.option(f"--{name}/--no-{name}", column, default=None, help=FLAGS[column] + ".")(command)
    command = click.option("--active/--inactive", default=None,
                           help="Offered in the Result dialog (never deleted: old appointments keep it).")(command)
    command = click.option("--order", "sort_order", type=int, help="Place in the Result dialog (lower first).")(command)
    command = click.option("--key", help="The one key that picks it in the Result dialog.")(command)
    return click.option("--label", help="What a rep reads.")(command)


@admin_result_codes.command("list")
@click.option("--json", "as_json", is_flag=True, help="As JSON, for scripts.")
def result_codes_list(as_json: bool) -> None:
    """Every code in order, with its key, flags and whether it is offered."""
    from rep_tui.domain.result_codes import FLAG_HEADS, FLAGS

    with _server_db() as (server_admin, engine):
        codes = server_admin.list_result_codes(engine)
    if as_json:
        click.echo(json_text(codes))
        return
    _echo_lines([f"{c['sort_order']:>3} {c['key']} {c['code']:<12} {c['label']:<24} "
                 + " ".join(head for head, flag in zip(FLAG_HEADS, FLAGS) if c[flag])
                 + ("" if c["active"] else "  (not offered)") for c in codes],
                "No result codes yet: add one with `rep-tui admin result-codes add CODE --label ... --key ...`.")


@admin_result_codes.command("set")
@click.argument("code")
@_result_code_options
def result_codes_set(code: str, **changes) -> None:
    """Change a code's label, key, order or flags; devices get it on their next sync."""
    with _server_db() as (server_admin, engine):
        saved = server_admin.save_result_code(engine, code, {k: v for k, v in changes.items() if v is not None})
    click.echo(f"Saved result code {saved}.")


@admin_result_codes.command("add")
@click.argument("code")
@_result_code_options
def result_codes_add(code: str, **values) -> None:
    """Add a code (flags not given are off; it is offered unless --inactive)."""
    with _server_db() as (server_admin, engine):
        saved = server_admin.save_result_code(engine, None, {"code": code, **{k: v for k, v in values.items()
                                                                              if v is not None}})
    click.echo(f"Added result code {saved}.")


@admin.group("job-statuses")
def admin_job_statuses() -> None:
    """The statuses a job is set to (Sold, Ordered, Installed, …), with what each counts as."""


def _job_status_options(command):
    """--label, --order and a --FLAG/--no-FLAG per flag (None: left as it is)."""
    from rep_tui.domain.job_statuses import FLAGS

    for column in reversed(list(FLAGS)):
        name = column.removeprefix("counts_as_")
        command = click.option(f"--{name}/--no-{name}", column, default=None, help=FLAGS[column] + ".")(command)
    command = click.option("--order", "sort_order", type=int, help="Place in the list (lower first).")(command)
    return click.option("--label", help="What a rep reads (the code if not given).")(command)


@admin_job_statuses.command("list")
@click.option("--json", "as_json", is_flag=True, help="As JSON, for scripts.")
def job_statuses_list(as_json: bool) -> None:
    """Every status in order, with its flags and whether it is offered."""
    from rep_tui.domain.job_statuses import FLAG_HEADS, FLAGS
    from rep_tui.server.admin_jobs import list_job_statuses

    with _server_db() as (_admin, engine):
        statuses = list_job_statuses(engine)
    if as_json:
        click.echo(json_text(statuses))
        return
    _echo_lines([f"{s['sort_order']:>3} {s['code']:<16} {s['label']:<24} "
                 + " ".join(head for head, flag in zip(FLAG_HEADS, FLAGS) if s[flag])
                 + ("" if s["active"] else "  (not offered)") for s in statuses],
                "No job statuses yet: add one with `rep-tui admin job-statuses add CODE`.")


@admin_job_statuses.command("add")
@click.argument("code")
@_job_status_options
def job_statuses_add(code: str, **values) -> None:
    """Add a status: CODE is what jobs store (fixed once made); flags not given are off."""
    from rep_tui.server.admin_jobs import save_job_status

    with _server_db() as (_admin, engine):
        saved = save_job_status(engine, None, {"code": code, **{k: v for k, v in values.items() if v is not None}})
    click.echo(f"Added job status {saved}.")


@admin_job_statuses.command("edit")
@click.argument("code")
@_job_status_options
@click.option("--active/--inactive", default=None, help="Offered on the Job tab (never deleted: jobs keep it).")
def job_statuses_edit(code: str, **changes) -> None:
    """Change a status's label, order, flags or whether it is offered; devices get it on their next sync."""
    from rep_tui.server.admin_jobs import save_job_status

    with _server_db() as (_admin, engine):
        saved = save_job_status(engine, code, {k: v for k, v in changes.items() if v is not None})
    click.echo(f"Saved job status {saved}.")


@admin_job_statuses.command("deactivate")
@click.argument("code")
def job_statuses_deactivate(code: str) -> None:
    """Stop offering a status (jobs keep it; `edit CODE --active` offers it again)."""
    from rep_tui.server.admin_jobs import save_job_status

    with _server_db() as (_admin, engine):
        saved = save_job_status(engine, code, {"active": False})
    click.echo(f"Job status {saved} is no longer offered.")


@admin.group("import")
def admin_import() -> None:
    """Bring rows in from files."""


@admin_import.command("leads")
@click.argument("csv_file", metavar="FILE.csv", type=click.File("r", encoding="utf-8-sig"))
@click.option("--rep", help="Username who gets the leads (a rep column, where filled, wins).")
@click.option("--skip-bad", is_flag=True, help="Write the good lines even when some are bad.")
@click.option("--skip-duplicates", is_flag=True, help="Leave out leads sharing a phone or email with an earlier one.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (and no progress bar).")
def import_leads(csv_file, rep: str | None, skip_bad: bool, skip_duplicates: bool, as_json: bool) -> None:
    """Import leads from a CSV file with a header row (first_name, last_name,
    address, city, state, zip, home_phone, cell_phone, work_phone, email,
    source, ..., rep, notes). Every line is checked; by default nothing is
    written if any line is bad. A progress bar shows on a terminal (stderr).
    Exits 1 when lines were bad."""
    with _server_db() as (_admin, engine), _progress("Importing leads", quiet=as_json) as progress:
        from rep_tui.server import admin_bulk

        report = admin_bulk.import_leads(engine, csv_file, rep=rep, skip_bad=skip_bad,
                                         skip_duplicates=skip_duplicates, progress=progress)
    if as_json:
        click.echo(json_text(report.as_json()))
    else:
        _say(report.text())
    if report.bad_lines:
        sys.exit(1)


@admin_import.command("zip")
@click.argument("zip_file", metavar="FILE.zip", type=click.Path(dir_okay=False))
@_blobs_option
@click.option("--json", "as_json", is_flag=True, help="Print the rows and blobs imported as JSON.")
def import_zip(zip_file: str, blobs_dir: str | None, as_json: bool) -> None:
    """Restore a company from a zip `rep-tui admin export --zip` wrote, into
    a new, empty server database (and its attachment store). Every file is
    checked against the manifest first; if one is wrong, nothing is written."""
    with _server_db(defaults=False) as (_admin, engine):
        from rep_tui.server import admin_export

        report = admin_export.import_zip(engine, _server_blobs(blobs_dir), zip_file)
    _report(report, as_json)


@admin.command("export")
@click.option("--zip", "zip_file", metavar="FILE.zip", type=click.Path(dir_okay=False), required=True,
              help="The zip to write (replaced if it exists, only once the export is whole).")
@_blobs_option
@click.option("--json", "as_json", is_flag=True, help="Print the rows and blobs exported as JSON.")
def export(zip_file: str, blobs_dir: str | None, as_json: bool) -> None:
    """All of the company's data in one zip: a CSV per table (deleted rows
    and sync bookkeeping too), the attachments, and a manifest. It holds the
    password hashes: keep it as safe as the database. `admin import zip`
    restores it into a new server."""
    with _server_db(defaults=False) as (_admin, engine):
        from rep_tui.server import admin_export

        report = admin_export.export_zip(engine, _server_blobs(blobs_dir), zip_file)
    _report(report, as_json)


def _server_blobs(blobs_dir: str | None):
    from pathlib import Path

    from rep_tui.server.embedded import default_blobs_dir

    return Path(blobs_dir) if blobs_dir else default_blobs_dir()


def _report(report, as_json: bool) -> None:
    """A report with `as_json()` and `text()`, as the command's answer."""
    if as_json:
        click.echo(json_text(report.as_json()))
    else:
        _say(report.text())


@admin.command("assign")
@click.option("--lead", "pid", type=int, help="PID of the lead to give away.")
@click.option("--from", "from_user", metavar="USERNAME", help="Give away all of this user's leads.")
@click.option("--to", "to_user", metavar="USERNAME", required=True, help="Who gets the leads.")
def assign(pid: int | None, from_user: str | None, to_user: str) -> None:
    """Give leads to another rep, with their open appointments: they leave
    the old rep's devices and arrive on the new rep's on the next sync."""
    with _server_db() as (_admin, engine), _progress("Moving leads") as progress:
        from rep_tui.server import admin_bulk

        moved = admin_bulk.assign(engine, to_user, pid=pid, from_user=from_user, progress=progress)
    click.echo(f"{moved} lead(s) assigned to {to_user}.")


@admin.command("duplicates")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
def duplicates(as_json: bool) -> None:
    """Pairs of customers that look like one person (same phone, same email,
    or same name at the same address), surest first: high, medium, low."""
    with _server_db() as (_admin, engine):
        from rep_tui.server import admin_merge

        pairs = admin_merge.find_duplicates(engine)
    if as_json:
        click.echo(json_text([pair.as_json() for pair in pairs]))
        return
    _echo_lines([pair.text() for pair in pairs], "No duplicates found.")


@admin.command("merge")
@click.argument("survivor", required=False)
@click.argument("loser", required=False)
@click.option("--take", "take", multiple=True, metavar="FIELD=loser",
              help="Keep the loser's value of FIELD (repeatable); by default the survivor's, the loser's where it is empty.")
@click.option("--as-family", is_flag=True, help="Keep the loser as a family member (contact) of the survivor.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--undo", "undo_id", type=int, metavar="MERGE_ID", help="Put back both customers of an earlier merge.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def merge(survivor: str | None, loser: str | None, take: tuple[str, ...], as_family: bool, dry_run: bool,
          undo_id: int | None, as_json: bool) -> None:
    """Combine customer LOSER into SURVIVOR (PIDs or ids): its jobs,
    appointments, notes, comments, attachments, contacts, reminders and
    history move to the survivor, and the loser is deleted. Undo with --undo."""
    if (undo_id is None) == (survivor is None or loser is None):
        raise click.UsageError("Give SURVIVOR and LOSER, or --undo MERGE_ID.")
    fields = []
    for item in take:
        name, _eq, side = item.partition("=")
        if side.strip().lower() != "loser":
            raise click.BadParameter(f"{item!r}: write FIELD=loser", param_hint="--take")
        fields.append(name.strip())
    with _server_db() as (_admin, engine):
        from rep_tui.server import admin_merge

        report = admin_merge.undo(engine, undo_id) if undo_id is not None else admin_merge.merge(
            engine, survivor, loser, take=fields, as_family=as_family, dry_run=dry_run)
    if as_json:
        click.echo(json_text(report.as_json()))
    elif undo_id is not None:
        _say(f"Merge {undo_id} undone: PID {report.loser_pid} is back, with its "
             f"{sum(report.moved.values())} row(s); PID {report.survivor_pid}'s fields are as before.")
    else:
        _say(report.text())


@admin.group("cleanup", invoke_without_command=True)
@click.option("--list", "list_runs", is_flag=True, help="Show past clean-up runs, newest first.")
@click.option("--undo", "undo_id", type=int, metavar="RUN_ID", help="Put back what an earlier run changed.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def admin_cleanup(ctx: click.Context, list_runs: bool, undo_id: int | None, as_json: bool) -> None:
    """Clean-up utilities, each previewed with --dry-run and undone with
    `cleanup --undo RUN_ID`: duplicate-phones, area-code, stale-leads."""
    if ctx.invoked_subcommand is not None:
        if list_runs or undo_id is not None:
            raise click.UsageError("--list and --undo go without a utility.")
        return
    if list_runs == (undo_id is not None):
        raise click.UsageError("Give a utility (see --help), --list, or --undo RUN_ID.")
    with _cleanup_db() as (cleanup, engine):
        found = cleanup.list_runs(engine) if list_runs else [cleanup.undo(engine, undo_id)]
    if as_json:
        click.echo(json_text([line.as_json() for line in found] if list_runs else found[0].as_json()))
    elif list_runs:
        _echo_lines([line.text() for line in found], "No clean-up runs yet.")
    else:
        _say(f"Clean-up run {undo_id} undone: {found[0].rows} row(s) put back as they were.")


@contextmanager
def _cleanup_db():
    """`_server_db` for the clean-up utilities (`server/admin_cleanup.py`)."""
    with _server_db() as (_server_admin, engine):
        from rep_tui.server import admin_cleanup

        yield admin_cleanup, engine


def _cleanup_options(command):
    command = click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (every row).")(command)
    return click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")(command)


def _cleanup_report(report, as_json: bool) -> None:
    if as_json:
        click.echo(json_text(report.as_json()))
    else:
        _say(report.text())


@admin_cleanup.command("duplicate-phones")
@click.option("--lead", "pid", type=int, help="Only the customer with this PID.")
@_cleanup_options
def cleanup_duplicate_phones(pid: int | None, dry_run: bool, as_json: bool) -> None:
    """Clear a number held twice on a customer.

    A number held in two of a customer's phone fields stays in the first
    (home, cell, work); the others are cleared."""
    with _cleanup_db() as (cleanup, engine):
        _cleanup_report(cleanup.duplicate_phones(engine, pid=pid, dry_run=dry_run), as_json)


@admin_cleanup.command("area-code")
@click.option("--from", "old", required=True, metavar="AREA", help="The area code to replace, like 630.")
@click.option("--to", "new", required=True, metavar="AREA", help="The new area code, like 331.")
@click.option("--city", "cities", multiple=True, metavar="NAME", help="Customers in this city (repeatable).")
@click.option("--zip", "zips", multiple=True, metavar="ZIP", help="Customers in this ZIP (repeatable).")
@_cleanup_options
def cleanup_area_code(old: str, new: str, cities: tuple[str, ...], zips: tuple[str, ...], dry_run: bool,
                      as_json: bool) -> None:
    """Change an area code in some cities or ZIPs.

    Every phone with area code --from of the customers in those cities or
    ZIPs gets the area code --to; a number that would not be valid is
    listed and left alone."""
    with _cleanup_db() as (cleanup, engine):
        _cleanup_report(cleanup.change_area_code(engine, old, new, cities=cities, zips=zips, dry_run=dry_run),
                        as_json)


@admin_cleanup.command("stale-leads")
@click.option("--older-than", "days", type=int, required=True, metavar="DAYS",
              help="Created more than this many days ago.")
@_cleanup_options
def cleanup_stale_leads(days: int, dry_run: bool, as_json: bool) -> None:
    """Delete old customers nobody worked.

    The customers with no job and no appointment created more than DAYS
    days ago are deleted as a rep's delete is: devices drop them; undo
    brings them back."""
    with _cleanup_db() as (cleanup, engine):
        _cleanup_report(cleanup.stale_leads(engine, days, dry_run=dry_run), as_json)


@admin.group("targets")
def admin_targets() -> None:
    """Reps' monthly targets (net sales $, units sold, issued), shown on their My Stats."""


@admin_targets.command("set")
@click.argument("username")
@click.option("--month", required=True, help="The month: 2026-12, 12/2026 or Dec 2026.")
@click.option("--sales", help="Net sales target in dollars, like 60000 or 60,000.")
@click.option("--units", help="Units sold target.")
@click.option("--issued", help="Issued appointments target.")
def targets_set(username: str, month: str, sales: str | None, units: str | None, issued: str | None) -> None:
    """Set a rep's targets for a month; a target not given keeps its value (0 for a new month)."""
    with _server_db() as (server_admin, engine):
        line = server_admin.set_target(engine, username, month, sales=sales, units=units, issued=issued)
    _say(f"Targets of {line.full_name} for {line.month:%B %Y}: {_target_text(line)}.")


def _target_text(line) -> str:
    from rep_tui.domain.validation import format_money

    return f"net sales {format_money(line.sales_cents)}, {line.units} units, {line.issued} issued"


@admin_targets.command("list")
@click.option("--month", help="Only this month: 2026-12, 12/2026 or Dec 2026.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def targets_list(month: str | None, as_json: bool) -> None:
    """Every rep's targets, newest month first."""
    from rep_tui.domain.dates import parse_month
    from rep_tui.domain.validation import Invalid

    try:
        first = parse_month(month) if month else None
    except Invalid as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None
    with _server_db() as (server_admin, engine):
        lines = server_admin.list_targets(engine, first)
    if as_json:
        click.echo(json_text([line.as_json() for line in lines]))
        return
    _echo_lines([f"{line.month:%Y-%m}  {line.username:<16.16} {_target_text(line)}" for line in lines],
                "No targets yet: set one with `rep-tui admin targets set USERNAME --month 2026-12 --sales 60000`.")
@contextmanager
def _money_db():
    """`_server_db` for the office's money commands (`server/admin_money.py`)."""
    with _server_db() as (_server_admin, engine):
        from rep_tui.server import admin_money

        yield admin_money, engine


@admin.group("catalogue")
def admin_catalogue() -> None:
    """The invoice item catalogue: what jobs' items are chosen from."""


@admin_catalogue.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def catalogue_list(as_json: bool) -> None:
    """Every item: SKU, name, price, whether it is still sold."""
    from rep_tui.domain.validation import format_money

    with _money_db() as (money, engine):
        items = money.list_catalogue(engine)
    if as_json:
        click.echo(json_text([{"sku": i.sku, "name": i.name, "price_cents": i.price_cents, "active": i.active}
                              for i in items]))
        return
    _echo_lines([f"{i.sku:<14.14} {i.name:<40.40} {format_money(i.price_cents):>12}{'' if i.active else '  not sold'}"
                 for i in items], "The catalogue is empty: add an item with `rep-tui admin catalogue add`.")


@admin_catalogue.command("add")
@click.argument("sku")
@click.argument("name")
@click.argument("price")
def catalogue_add(sku: str, name: str, price: str) -> None:
    """Add an item (or change the one with this SKU): PRICE as typed, like 649 or 1,299.50."""
    with _money_db() as (money, engine):
        money.add_catalogue_item(engine, sku, name, price)
    click.echo(f"Saved {sku.upper()}.")


@admin_catalogue.command("import")
@click.argument("csv_file", metavar="FILE.csv", type=click.File("r", encoding="utf-8-sig"))
def catalogue_import(csv_file) -> None:
    """Items from a CSV with a header row: sku, name, price. Known SKUs are
    updated. Nothing is written when a line is bad."""
    with _money_db() as (money, engine):
        added, updated = money.import_catalogue(engine, csv_file)
    click.echo(f"{added} item(s) added, {updated} updated.")


@contextmanager
def _vendors_db():
    """`_server_db` for the vendor directory's commands (`server/admin_vendors.py`)."""
    with _server_db() as (_server_admin, engine):
        from rep_tui.server import admin_vendors

        yield admin_vendors, engine


@admin.group("vendor-types")
def admin_vendor_types() -> None:
    """The contact types vendors are filed under (installer, supplier, ...)."""


@admin_vendor_types.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def vendor_types_list(as_json: bool) -> None:
    """Every contact type: code, label, whether it is in use."""
    with _vendors_db() as (vendors, engine):
        types = vendors.list_types(engine)
    if as_json:
        click.echo(json_text([{"code": t.code, "label": t.label, "active": t.active} for t in types]))
        return
    _echo_lines([f"{t.code:<20.20} {t.label}{'' if t.active else '  (retired)'}" for t in types],
                "No contact types yet: add one with `rep-tui admin vendor-types add CODE LABEL`.")


@admin_vendor_types.command("add")
@click.argument("code")
@click.argument("label")
def vendor_types_add(code: str, label: str) -> None:
    """Add a contact type: CODE is one word (installer), LABEL what people read (Installer)."""
    with _vendors_db() as (vendors, engine):
        stored = vendors.add_type(engine, code, label)
    _say(f"Added contact type {stored}.")


@admin.group("vendors")
def admin_vendors_group() -> None:
    """The vendor directory: outside companies and whom to call there."""


@admin_vendors_group.command("list")
@click.option("--type", "type_code", help="Only vendors of this contact type (its code).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def vendors_list(type_code: str | None, as_json: bool) -> None:
    """Every vendor by company: type, contact, phone, email."""
    with _vendors_db() as (vendors, engine):
        lines = vendors.list_vendors(engine, type_code)
    if as_json:
        click.echo(json_text([line.as_json() for line in lines]))
        return
    _echo_lines([f"{v.values['company']:<28.28} {v.type_label or '':<14.14} {v.values['contact_name'] or '':<18.18} "
                 f"{v.values['phone'] or '':<16.16} {v.values['email'] or ''}" for v in lines],
                "No vendors" + (f" of type {type_code}" if type_code else "") +
                ": add one with `rep-tui admin vendors add COMPANY`.")


@admin_vendors_group.command("add")
@click.argument("company")
@click.option("--type", "type_code", help="Its contact type (a code from `rep-tui admin vendor-types list`).")
@click.option("--contact", help="Whom to ask for.")
@click.option("--phone")
@click.option("--alt-phone")
@click.option("--email")
@click.option("--address")
@click.option("--note")
def vendors_add(company: str, type_code: str | None, contact: str | None, phone: str | None, alt_phone: str | None,
                email: str | None, address: str | None, note: str | None) -> None:
    """Add a vendor (or give the one with this company name these values)."""
    cells = {"company": company, "type": type_code, "contact_name": contact, "phone": phone, "alt_phone": alt_phone,
             "email": email, "address": address, "note": note}
    with _vendors_db() as (vendors, engine):
        added = vendors.add_vendor(engine, {k: v or "" for k, v in cells.items()})
    _say(f"{'Added' if added else 'Updated'} {company.strip()}.")


@admin_vendors_group.command("import")
@click.argument("csv_file", metavar="FILE.csv", type=click.File("r", encoding="utf-8-sig"))
def vendors_import(csv_file) -> None:
    """Vendors from a CSV with a header row: company, and any of contact_name,
    type, phone, alt_phone, email, address, note. Known companies are
    updated. Nothing is written when a line is bad."""
    with _vendors_db() as (vendors, engine):
        added, updated = vendors.import_vendors(engine, csv_file)
    click.echo(f"{added} vendor(s) added, {updated} updated.")


@admin.group("checklist")
def admin_checklist() -> None:
    """The installer checklist ticked off on each service job."""


@admin_checklist.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a list.")
def checklist_list(as_json: bool) -> None:
    """The checklist's items in order, and whether each is still used."""
    with _server_db() as (_server_admin, engine):
        from rep_tui.server.admin_checklist import list_items

        found = list_items(engine)
    if as_json:
        click.echo(json_text([{"label": i.label, "order": i.sort_order, "active": i.active} for i in found]))
        return
    _echo_lines([f"{n:>3}. {i.label}{'' if i.active else '  (retired)'}" for n, i in enumerate(found, start=1)],
                "The checklist is empty: add an item with `rep-tui admin checklist add LABEL`.")


@admin_checklist.command("add")
@click.argument("label")
def checklist_add(label: str) -> None:
    """Add an item at the end of the checklist."""
    with _server_db() as (_server_admin, engine):
        from rep_tui.server.admin_checklist import add_item

        stored = add_item(engine, label)
    _say(f"Added {stored!r} to the checklist.")


@admin.command("report")
@click.option("--period", "kind", type=click.Choice(["day", "week", "month", "year", "custom"]), default="month",
              show_default=True, help="How long a period (a week starts on Monday).")
@click.option("--on", help="Which one: 2026-11-24 (a day, or any day of its week), 2026-W48, 2026-11, 2026.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="A custom range's first day, YYYY-MM-DD.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="A custom range's last day, YYYY-MM-DD.")
@click.option("--by", type=click.Choice(["rep", "team", "office", "product", "source"]), default="rep",
              show_default=True, help="A row per what.")
@click.option("--tz", "tz_name", help="Read days in this time zone [default: the offices'].")
@click.option("--csv", "csv_file", type=click.File("w", encoding="utf-8"), help="Write the report as CSV to FILE (- for stdout).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def report(kind: str, on: str | None, start, end, by: str, tz_name: str | None, csv_file, as_json: bool) -> None:
    """Sales by period: issued, demos, sales, closing ratio, volume and
    average sale per rep, team, office, product or source, and the total;
    the same figures as the app's Reports and My Stats."""
    from rep_tui.store.reports import COLUMNS, MARGIN_UNKNOWN

    with _server_db() as (_admin, engine):
        from rep_tui.server import admin_reports

        period = admin_reports.period_of(kind, on, start and start.date(), end and end.date())
        found = admin_reports.report(engine, period, by, tz_name)
    if as_json:
        click.echo(json_text(found.as_dict()))
        return
    if csv_file is not None:
        found.write_csv(csv_file)
        return
    click.echo(f"{found.label} by {by} ({found.time_zone})")
    _echo_lines([f"{by.capitalize():<20} " + " ".join(f"{h:>10}" for h in COLUMNS.values())]
                + [f"{cells[0]:<20.20} " + " ".join(f"{c:>10}" for c in cells[1:])
                   for cells in (row.cells() for row in [*found.rows, found.total])], "")
    click.echo(MARGIN_UNKNOWN)


@admin.command("commissions")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First sale day, YYYY-MM-DD.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last sale day, YYYY-MM-DD.")
@click.option("--user", "username", help="Only this user's commissions.")
@click.option("--csv", "csv_file", type=click.File("w", encoding="utf-8"), help="Write the report as CSV to FILE (- for stdout).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def commissions_report(start, end, username: str | None, csv_file, as_json: bool) -> None:
    """Commission per job sold in the period and user on it: their role and
    share, the sale, the commission, what of it is payable now (in the share
    of the job the customer has paid) and what was paid, and what the customer
    has paid of the job."""
    from rep_tui.domain.money import pct_text
    from rep_tui.domain.validation import format_money
    from rep_tui.store.commissions import HEADINGS, TOTALLED

    with _money_db() as (money, engine):
        report = money.commissions(engine, start.date(), end.date(), username)
    if as_json:
        click.echo(json_text(report.as_dict()))
        return
    if csv_file is not None:
        report.write_csv(csv_file)
        return
    _echo_lines([f"{line.rep:<18.18} {line.role:<12.12} {pct_text(line.share_pct):>5}% {line.job_number or '-':>7} "
                 f"{line.customer:<20.20} {format_money(line.sale_cents):>11} {format_money(line.commission_cents):>10} "
                 f"payable {format_money(line.payable_cents):>10} paid {format_money(line.commission_paid_cents):>10} "
                 f"{line.customer_paid_pct:>3}% cust."
                 for line in report.lines], f"No commissions on jobs sold {start.date()} to {end.date()}.")
    if report.lines:
        totals = report.totals
        click.echo("Totals: " + ", ".join(f"{HEADINGS[name]} {format_money(totals[name])}" for name in TOTALLED))


@admin.command("prune")
@click.option("--older-than", "days", type=click.IntRange(min=0), default=30, show_default=True, metavar="DAYS",
              help="Remove tokens that expired or were revoked this many days ago.")
@_blobs_option
def prune(days: int, blobs_dir: str | None) -> None:
    """Remove bookkeeping nobody needs: old expired or revoked tokens, stale
    failed sign-ins, blob files no attachment names (older than a day), and
    uploads cut off a day ago and never finished."""
    from datetime import timedelta
    from pathlib import Path

    from rep_tui.server.embedded import default_blobs_dir

    with _server_db() as (server_admin, engine):
        report = server_admin.prune(engine, Path(blobs_dir) if blobs_dir else default_blobs_dir(),
                                    timedelta(days=days))
    _say(report.text())


@main.command()
@click.argument("server")
@click.option("--username", "-u", prompt="Username", help="Your user name on the server.")
@click.option("--password", prompt="Password", hide_input=True, help="Asked for when not given.")
def login(server: str, username: str, password: str) -> None:
    """Sign in to SERVER (e.g. https://sales.example.com), keep the token on
    this device, and pull your leads."""
    from rep_tui.device_link import LinkError, sign_in

    url = server if "://" in server else f"https://{server}"
    store = _store(exclusive=True)
    progress = _Progress()
    try:
        answer, report = sign_in(store, url.rstrip("/"), username, password, progress=progress)
    except LinkError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        progress.done()
    _say(f"Signed in as {answer.full_name} ({answer.role}).")
    _say(report.text())


@main.command()
@click.option("--force", is_flag=True, help="Sign out even though changes made here are not sent yet "
              "(they stay on this device and go after the next sign-in as the same user).")
def logout(force: bool) -> None:
    """Forget this device's sign-in (its token), once nothing is left unsent."""
    from rep_tui.sync import credentials, state

    saved = credentials.load()
    if saved is None:
        click.echo("This device is not signed in.")
        return
    with _store().session() as session:
        waiting = state.counts(session)["waiting"]
    if waiting and not force:
        raise click.ClickException(f"{waiting} change(s) made on this device are not sent yet: run `rep-tui sync` "
                                   "first, or `rep-tui logout --force` to sign out anyway (they stay here).")
    credentials.forget()
    click.echo(f"Signed out {saved.username} from {saved.server_url}: {_revoked_text(saved)}")
    if waiting:
        click.echo(f"{waiting} change(s) not sent stay on this device; sign in as {saved.username} to send them.")


def _revoked_text(saved) -> str:
    """Ask the server to revoke the token too, so a copy of it is worthless."""
    import httpx

    from rep_tui.device_link import EMBEDDED

    if saved.server_url == EMBEDDED:
        return "the demo's token is forgotten."
    try:
        httpx.post(f"{saved.server_url}/auth/logout", headers={"Authorization": f"Bearer {saved.token}"},
                   timeout=10).raise_for_status()
    except httpx.HTTPError:
        return f"the server could not be reached, so the token stays valid there until {saved.expires_at}."
    return "the token is revoked on the server."


@main.command("sync")
def sync_command() -> None:
    """Send this device's changes and fetch the server's, once (for cron).
    Exits non-zero when the sync failed."""
    store = _store(exclusive=True)
    progress = _Progress()
    with _linked(store, sync_first=True, progress=progress) as (target, report):
        progress.done()
        if target is None:
            raise click.ClickException("This device is not signed in to a server: run `rep-tui login SERVER`.")
        _say(report.text())
        if report.error:
            sys.exit(1)


@main.command()
@click.option("--force", is_flag=True, help="Rebuild the store even when SQLite finds nothing wrong with it.")
def repair(force: bool) -> None:
    """Rebuild a damaged local store: move it aside (renamed, never deleted),
    keep every change not yet sent that can still be read, and sync to fetch
    the rest from the server. Exits non-zero when the sync failed."""
    _repair(force=force)


def _repair(*, force: bool) -> None:
    from rep_tui.config import load_settings
    from rep_tui.store.repair import is_damaged, repair as rebuild
    from rep_tui.sync import credentials

    paths = load_settings().paths
    _store_lock()
    if not paths.database.exists():
        click.echo(f"There is no local store at {paths.database}: nothing to repair.")
        return
    if not force and not is_damaged(paths.database):
        click.echo(f"Your local store at {paths.database} is sound: nothing to repair "
                   "(`rep-tui repair --force` rebuilds it anyway).")
        return
    saved = credentials.load()
    report = rebuild(paths.database, paths.blobs_dir, signed_in_as=saved and saved.user_id)
    click.echo(report.text(linked=saved is not None))
    progress = _Progress()
    with _linked(_store(exclusive=True), sync_first=True, progress=progress) as (target, synced):
        progress.done()
        if synced is None:
            return
        click.echo(synced.text())
        if synced.error:
            raise click.ClickException("The sync failed: the changes kept stay queued and go with the next "
                                       "`rep-tui sync` (after `rep-tui login SERVER` if the sign-in was refused).")


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
        click.echo(json_text([
            {"lead_id": str(h.lead_id), "pid": h.pid, "name": h.name, "address": h.address, "city": h.city,
             "phone": h.phone, "email": h.email, "matched": h.matched, "rep": h.rep}
            for h in hits
        ]))
        return
    if not hits:
        click.echo(f"No lead matches {text!r}.")
        return
    for h in hits:
        name, city, phone = (visible(cell) for cell in (h.name, h.city, h.phone))  # one line each, whatever they hold
        _say(f"{h.pid or '-':>8}  {name:<28.28} {city:<16.16} {phone:<18.18} (matched {h.matched})")


@main.command("stats")
@click.option("--period", type=click.Choice(["day", "week", "month", "year"]), default="month", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats_command(period: str, as_json: bool) -> None:
    """The signed-in rep's numbers for a period, each with its formula."""
    from rep_tui.clock import local_today
    from rep_tui.config import load_settings
    from rep_tui.store.queries import period_bounds, stats_for, time_zone_of

    with _store().session() as session:
        user = _signed_in(session)
        tz = time_zone_of(session, user, load_settings().time_zone)
        start, end, label = period_bounds(period, local_today(tz), tz)
        figures = stats_for(session, [user.id], start, end)
    if as_json:
        click.echo(json_text({
            "rep": user.full_name, "period": period, "label": label,
            "figures": {k: {"label": f.label, "value": f.value, "display": f.display(),
                            "formula": f.formula, "inputs": f.inputs} for k, f in figures.items()},
        }))
        return
    _say(f"{user.full_name} — {label}")
    for f in figures.values():
        _say(f"  {f.label:<20} {f.display():>12}   {f.formula} = {f.inputs}")


@contextmanager
def _webform_db():
    """`_server_db` for the web lead form's settings (`server/admin_webform.py`)."""
    with _server_db() as (_server_admin, engine):
        from rep_tui.server import admin_webform

        yield admin_webform, engine


@admin.command("form-style")
@click.option("--name", help="The company's name: the form's heading.")
@click.option("--primary-colour", "primary", help="Heading and button colour, like #1f5fa8.")
@click.option("--background-colour", "background", help="Page colour, like #ffffff.")
@click.option("--text-colour", "text", help="Text colour, like #1a1a1a.")
@click.option("--json", "as_json", is_flag=True, help="Print the style as JSON.")
def form_style(name: str | None, primary: str | None, background: str | None, text: str | None,
               as_json: bool) -> None:
    """Show or change the web lead form's name and colours (/form/lead on the server)."""
    from dataclasses import asdict

    with _webform_db() as (webform, engine):
        changes = {"name": name, "primary": primary, "background": background, "text": text}
        shown = webform.set_style(engine, **changes) if any(changes.values()) else webform.style(engine)
    if as_json:
        click.echo(json_text(asdict(shown)))
        return
    _say(f"Name: {shown.name}\nPrimary colour: {shown.primary}\nBackground colour: {shown.background}\n"
         f"Text colour: {shown.text}")


@admin.group("referral-sources")
def admin_referral_sources() -> None:
    """The referral sources the web lead form offers ("How did you hear of us?")."""


@admin_referral_sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
def referral_sources_list(as_json: bool) -> None:
    """The sources, in the form's order."""
    with _webform_db() as (webform, engine):
        found = webform.sources(engine)
    if as_json:
        click.echo(json_text(found))
        return
    _echo_lines(found, "No sources: the form asks nothing. Add one with `rep-tui admin referral-sources add NAME`.")


@admin_referral_sources.command("add")
@click.argument("name")
def referral_sources_add(name: str) -> None:
    """Add a source at the end of the list."""
    with _webform_db() as (webform, engine):
        webform.add_source(engine, name)
    _say(f"Added {name.strip()}.")


@admin_referral_sources.command("remove")
@click.argument("name")
def referral_sources_remove(name: str) -> None:
    """Take a source off the list (leads that chose it keep it)."""
    with _webform_db() as (webform, engine):
        webform.remove_source(engine, name)
    _say(f"Removed {name.strip()}.")


@admin.command("data-search")
@click.option("--saved", help="Run this saved search (a user's: give --user).")
@click.option("--user", "username", help="Whose saved search.")
@click.option("--field", "fields", multiple=True, help="A field to show (repeat; keys like first_name, job.product, "
              "custom.roof_age, last_result).")
@click.option("--filter", "filters", multiple=True, help="FIELD OP VALUE, like 'state = IL' (repeat).")
@click.option("--per", type=click.Choice(["customer", "job"]), help="One row per customer or per job.")
@click.option("--sort", multiple=True, help="A field to sort by; -FIELD sorts down (repeat).")
@click.option("--format", "output", default="table", show_default=True,
              type=click.Choice(["table", "csv", "json", "labels", "postcards", "letters", "letters-text", "emails"]))
@click.option("--template", type=click.File("r", encoding="utf-8"),
              help="The letter's text (letters; a postcard's message).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to FILE (PDFs need one).")
@click.option("--json", "as_json", is_flag=True, help="With --out: print what was written as JSON; "
              "without: the rows as JSON.")
def data_search(saved, username, fields, filters, per, sort, output, template, out, as_json) -> None:
    """Find customers or jobs and write them out: a table, CSV, JSON, mailing
    labels (Avery 5160), postcards, letters from a template, or an email list."""
    with _server_db() as (_server_admin, engine):
        from rep_tui.server import admin_data_search

        asked = admin_data_search.Asked(saved, username, fields, filters, per, sort)
        output = "json" if as_json and out is None and output == "table" else output
        data, said = admin_data_search.run(engine, asked, output, template.read() if template else None)
    if out is None:
        from rep_tui.outputs import PDFS

        if output in PDFS:
            raise click.ClickException(f"{output} are a PDF: give --out FILE.pdf.")
        click.echo(data.decode("utf-8-sig"), nl=False)
        return
    from pathlib import Path

    Path(out).write_bytes(data)
    if as_json:
        click.echo(json_text({"format": output, "path": out, "written": said}))
    else:
        _say(f"{said} written to {out}.")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
