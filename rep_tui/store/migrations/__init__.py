"""One schema history for both kinds of database (README.md): a `domain`
branch for the tables device and server share, and a `client` and a `server`
branch for the tables only one of them has. Each kind runs the domain branch
and its own, so a domain migration is one file that both run.

Importing this is cheap: whether a database is current is read from the
migration files, and Alembic is loaded only when there is work to do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import Connection, Engine, MetaData

HERE = Path(__file__).parent


class SchemaRefused(RuntimeError):
    """This database cannot be opened as this kind by this rep-tui; nothing was changed."""


class SchemaTooNew(SchemaRefused):
    """The database was written by a newer rep-tui than this one."""


class WrongKind(SchemaRefused):
    """A server database opened as a device store, or the other way round."""


def _client_tables() -> tuple[list[MetaData], set[str]]:
    from rep_tui.store import client_models  # noqa: F401  (registers the client tables)
    from rep_tui.store.models import Base

    return [Base.metadata], set(Base.metadata.tables)


def _server_tables() -> tuple[list[MetaData], set[str]]:
    from rep_tui.server.models import ServerBase
    from rep_tui.store.models import SYNCED_TABLES, Base

    domain = set(SYNCED_TABLES) | {"change_history"}
    return [Base.metadata, ServerBase.metadata], domain | set(ServerBase.metadata.tables)


@dataclass(frozen=True)
class Kind:
    """One kind of database and the part of the history it runs."""

    name: str
    #: The version directories it runs: the domain branch and its own.
    locations: tuple[Path, ...]
    #: The models it holds, and the names of its tables (others in the same metadata are not its).
    declared: Callable[[], tuple[list[MetaData], set[str]]]
    #: A table only this kind has, to tell a device store from a server database.
    own_table: str
    #: Before one history, client and server numbered their own trees 0001..0006
    #: (client 0003 = server 0002). Each old revision, and the revisions of this
    #: history that build the same schema (those another needs go without
    #: saying: client_0001 needs domain_0001): a database still at one is re-stamped.
    legacy: dict[str, tuple[str, ...]]
    #: What a person calls it.
    noun: str


CLIENT = Kind(
    "client", (HERE / "domain", HERE / "client"), _client_tables, "outbox",
    {
        "0001": ("client_0001",),  # initial schema
        "0002": ("client_0002",),  # sync quarantine
        "0003": ("domain_0002", "client_0002"),  # attachment engagement
        "0004": ("domain_0003", "client_0002"),  # office time zone
        "0005": ("domain_0004", "client_0002"),  # change history version
        "0006": ("domain_0005", "client_0002"),  # customer status (written into both before they were joined)
    },
    "device store",
)
SERVER = Kind(
    "server", (HERE / "domain", HERE / "server"), _server_tables, "server_counter",
    {
        "0001": ("server_0001",),  # server schema
        "0002": ("domain_0002", "server_0001"),  # attachment engagement
        "0003": ("domain_0003", "server_0001"),  # office time zone
        "0004": ("domain_0004", "server_0001"),  # change history version
        "0005": ("domain_0004", "server_0002"),  # blob uploads
        "0006": ("domain_0005", "server_0002"),  # customer status (written into both before they were joined)
    },
    "server database",
)

_FIELD = re.compile(r"^(revision|down_revision|depends_on)\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)  # typed or not


def _history(kind: Kind) -> dict[str, set[str]]:
    """Each revision this kind runs and the revisions it needs first (its
    down_revision and depends_on), read from the files without importing
    Alembic (which costs a fifth of a second at start)."""
    needs = {}
    for location in kind.locations:
        for path in location.glob("*.py"):
            found = dict(_FIELD.findall(path.read_text()))
            before = f"{found.get('down_revision', '')} {found.get('depends_on', '')}"
            needs[found["revision"].strip("'\" ")] = set(re.findall(r"\w+", before)) - {"None"}
    return needs


def is_current(stamped: set[str], kind: Kind) -> bool:
    """Whether the revisions stamped in a database, and all they needed,
    are exactly this kind's history. (Alembic leaves out a head that another
    depends on, so the stamped set alone is not the heads.)"""
    needs = _history(kind)
    applied, todo = set(), list(stamped)
    while todo:
        if (revision := todo.pop()) not in applied:
            applied.add(revision)
            todo.extend(needs.get(revision, ()))
    return applied == needs.keys()


def _stamped(conn: Connection) -> set[str]:
    if not conn.dialect.has_table(conn, "alembic_version"):
        return set()
    return {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}


def alembic_config(engine: Engine, kind: Kind):
    from alembic.config import Config

    def option(path: Path) -> str:
        return str(path).replace("%", "%%")  # the ini parser would read % as interpolation

    cfg = Config()
    cfg.set_main_option("script_location", option(HERE))
    cfg.set_main_option("path_separator", "newline")  # paths may hold spaces
    cfg.set_main_option("version_locations", "\n".join(option(path) for path in kind.locations))
    cfg.attributes["engine"] = engine
    cfg.attributes["kind"] = kind
    return cfg


def migrate(engine: Engine, kind: Kind) -> None:
    """Bring a database of this kind to this app's schema: build a new one,
    upgrade an older one in place (also one the separate trees wrote),
    refuse a newer one or one of the other kind without changing it."""
    with engine.connect() as conn:
        stamped = _stamped(conn)
        if is_current(stamped, kind):
            return
        if stamped and not conn.dialect.has_table(conn, kind.own_table):
            other = SERVER if kind is CLIENT else CLIENT
            if conn.dialect.has_table(conn, other.own_table):
                raise WrongKind(f"This is a rep-tui {other.noun}, not a {kind.noun}: nothing was changed.")
            raise WrongKind(
                f"This database is not a rep-tui {kind.noun} (it has no {kind.own_table} table); "
                "nothing was changed."
            )
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config(engine, kind)
    if len(stamped) == 1 and (old := next(iter(stamped))) in kind.legacy:
        command.stamp(cfg, list(kind.legacy[old]), purge=True)
    else:
        known = {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}
        if unknown := sorted(stamped - known):
            raise SchemaTooNew(
                f"This database was created by a newer rep-tui (schema {unknown[0]}). "
                "Upgrade rep-tui to open it; nothing was changed."
            )
    command.upgrade(cfg, "heads")
