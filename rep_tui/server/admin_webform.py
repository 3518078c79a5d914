"""The web lead form's settings from the server's box: the company's name
and colours on the form, and the referral sources it offers. Server-only
settings (`server.webform`): only the form uses them, and a lead keeps its
source as text, so removing one from the list changes no lead."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Engine

from rep_tui.domain.rules import check_text
from rep_tui.domain.validation import Invalid
from rep_tui.server.admin import AdminError
from rep_tui.server.webform import SOURCES_KEY, FormStyle, read_style, referral_sources, save_setting, save_style
from rep_tui.store.models import Lead

#: A source is stored in `leads.referral`: no longer than it holds.
SOURCE_LENGTH = Lead.__table__.c.referral.type.length


def style(engine: Engine) -> FormStyle:
    with engine.connect() as conn:
        return read_style(conn)


def set_style(engine: Engine, **changes: str | None) -> FormStyle:
    """Change the given parts of the style (None: keep); returns the style as saved."""
    wanted = replace(style(engine), **{k: v for k, v in changes.items() if v is not None})
    try:
        return save_style(engine, wanted)
    except Invalid as exc:
        raise AdminError(f"Nothing was changed: {exc}") from None


def sources(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return referral_sources(conn)


def add_source(engine: Engine, name: str) -> list[str]:
    try:
        name = check_text(name.strip(), max_length=SOURCE_LENGTH, long=False)
    except Invalid as exc:
        raise AdminError(f"Not added: {exc}") from None
    if not name:
        raise AdminError("Not added: give the source's name.")
    known = sources(engine)
    if name.casefold() in (s.casefold() for s in known):
        raise AdminError(f"{name!r} is on the list already.")
    save_setting(engine, SOURCES_KEY, [*known, name])
    return [*known, name]


def remove_source(engine: Engine, name: str) -> list[str]:
    known = sources(engine)
    kept = [s for s in known if s.casefold() != name.strip().casefold()]
    if len(kept) == len(known):
        raise AdminError(f"No source {name!r} on the list (it has: {', '.join(known) or 'none'}).")
    save_setting(engine, SOURCES_KEY, kept)
    return kept
