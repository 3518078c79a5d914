"""Messages that cross screens: any widget may ask the app to open a lead or
result an appointment; they bubble up to `RepApp`, which does it. And the one
way a screen hears that a sync changed the rows it shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass
class OpenLead(Message):
    """Show this lead's Customer Information."""

    lead_id: uuid.UUID


@dataclass
class ResultAppointment(Message):
    """Open the Result dialog for this appointment."""

    appointment_id: uuid.UUID


@dataclass
class RowsChanged(Message):
    """A sync wrote rows of these local tables (posted from the sync thread),
    or a quick write in place did (a table's toggle); the app passes it on to
    the screens through `RepApp.rows_changed_signal`."""

    tables: frozenset[str]


def reload_when_synced(screen: Screen, tables: set[str], reload: Callable[[], object]) -> None:
    """Call `reload()` when a sync changed rows of `tables` while `screen` is
    shown. A screen that is not shown reloads on resume, as it already does.
    The signal holds the screen until it unsubscribes: a screen that closes
    (not a main screen) does so in `on_unmount`."""

    def heard(changed: frozenset[str]) -> None:
        if changed & tables and screen.is_current:
            reload()

    signal = getattr(screen.app, "rows_changed_signal", None)
    if signal is not None:
        signal.subscribe(screen, heard)
