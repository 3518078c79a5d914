"""`rep-tui admin data-search` on the server's box: a user's saved search, or
one given by options, run on the server database (`store.data_search`) and
written out (`rep_tui.outputs`). The office's box holds every lead, so it
answers for the whole company."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from rep_tui.server.admin import AdminError, _user
from rep_tui.store import data_search as ds


@dataclass(frozen=True)
class Asked:
    """What the command line asked for (options left out are None or empty)."""

    saved: str | None = None
    username: str | None = None
    fields: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    per: str | None = None
    sort: tuple[str, ...] = ()


def query_of(engine: Engine, asked: Asked) -> tuple[ds.Query, str | None]:
    """The query to run and its saved name: the saved one (options given beside it replace its parts)."""
    base = ds.Query()
    if asked.saved:
        if not asked.username:
            raise AdminError("A saved search is a user's: give --user USERNAME with --saved.")
        with Session(engine) as session:
            user = _user(session.connection(), asked.username)
            row = ds.find_saved(ds.saved(session, user.id), asked.saved)
            if row is None:
                names = ", ".join(r.name for r in ds.saved(session, user.id)) or "none yet"
                raise AdminError(f"{asked.username} has no saved search {asked.saved!r} (saved: {names}).")
            base = ds.Query.from_json(row.query)
    try:
        filters = ds.parse_filters(";".join(asked.filters))
    except ds.DataSearchError as exc:
        raise AdminError(str(exc)) from None
    return ds.Query(asked.fields or base.fields, filters or base.filters, asked.per or base.per,
                    ds.parse_sort(",".join(asked.sort)) or base.sort), asked.saved


def run(engine: Engine, asked: Asked, output: str, template: str | None = None) -> tuple[bytes, str]:
    """The output's bytes and what they hold, in words."""
    from rep_tui.outputs import render

    query, _name = query_of(engine, asked)
    try:
        with engine.connect() as conn:
            return render(ds.run(conn, query), output, template)
    except ds.DataSearchError as exc:
        raise AdminError(str(exc)) from None
