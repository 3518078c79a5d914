"""The wire format between the app and the server, declared once so the two
halves cannot drift. Row values are JSON values as made by
`rep_tui.store.serialize.to_json`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field

Op = Literal["insert", "update", "delete"]
PROTOCOL_VERSION = 1
#: The highest sequence number a device may use (JSON's exact integers): a
#: device's outbox counts up one by one from 1, far below it.
MAX_SEQ = 2 ** 53 - 1
#: A device id: printable ASCII, no spaces (a UUID in practice).
CLIENT_ID = r"^[!-~]{1,64}$"


def _valid_unicode(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("not valid Unicode (a lone surrogate)") from None
    return text


#: A string that can be stored and sent back: no lone surrogates.
ValidText = Annotated[str, AfterValidator(_valid_unicode)]


def _json_number(value: Any) -> Any:
    if isinstance(value, (bool, str)):
        raise ValueError("a sequence number is a JSON number, not true, false or text")
    return value


#: A sequence number: a whole JSON number (7 or 7.0), never `true` or "7".
Seq = Annotated[int, Field(ge=0, le=MAX_SEQ), BeforeValidator(_json_number)]


class LoginRequest(BaseModel):
    username: ValidText = Field(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f]*$")
    password: ValidText = Field(max_length=1024)


class PasswordHashRequest(BaseModel):
    """A user's new password, hashed by the device of the admin who set it (`domain.passwords`)."""

    password_hash: ValidText = Field(min_length=1, max_length=512, pattern=r"^\$argon2[a-z]*\$[!-~]*$")


class LoginResponse(BaseModel):
    token: str
    expires_at: datetime
    user_id: uuid.UUID
    username: str
    full_name: str
    role: str


class Mutation(BaseModel):
    """One outbox entry: `fields` maps a column to [base value, new value]."""

    seq: Seq = Field(gt=0)
    table: str
    row_id: uuid.UUID
    op: Op
    fields: dict[str, list[Any]] = Field(default_factory=dict)


MAX_BATCH = 1000


class PushRequest(BaseModel):
    client_id: str = Field(pattern=CLIENT_ID)
    #: The highest sequence this client holds as acknowledged; a server that
    #: remembers less was restored from a backup.
    acked_seq: Seq = 0
    #: The highest sequence this client's database had sent before this
    #: request. A server that has applied more from this client id is talking
    #: to an old copy of the database (restored from a backup): its new
    #: changes reuse numbers the original already sent, unless this request
    #: is a copy of the last push the server applied (sent twice at once).
    #: None: not known.
    sent_seq: Seq | None = None
    mutations: list[Mutation] = Field(max_length=MAX_BATCH)


class Conflict(BaseModel):
    """A field both sides changed: the server's value stayed, `lost` did not."""

    table: str
    row_id: uuid.UUID
    lead_id: uuid.UUID | None = None
    field: str
    lost: Any
    kept: Any


class MutationResult(BaseModel):
    seq: int
    status: Literal["applied", "duplicate", "rejected"]
    reason: str | None = None
    conflicts: list[Conflict] = Field(default_factory=list)


class PushResponse(BaseModel):
    #: The last sequence of this client the server has applied.
    last_seq: int
    #: True when the server knows less than the client says it acknowledged:
    #: the client must re-send every entry after `last_seq` it still holds.
    behind: bool = False
    #: True when this client id has sent the server more than the client's
    #: database ever sent (an old copy): nothing was applied; the client must
    #: carry on under a new client id.
    stale_copy: bool = False
    results: list[MutationResult] = Field(default_factory=list)


class Removal(BaseModel):
    """A row to drop from the device: deleted, or no longer the user's to see.
    Removing a lead removes everything hanging off it."""

    table: str
    id: uuid.UUID
    reason: Literal["deleted", "out_of_scope"]


class HistoryEntry(BaseModel):
    """One change another device or the office made to a lead the user sees
    (a `ChangeRecord` of kind "edit"; values as stored in the history)."""

    id: uuid.UUID
    table_name: str
    row_id: uuid.UUID
    lead_id: uuid.UUID
    field: str
    old_value: str | None = None
    new_value: str | None = None
    user_id: uuid.UUID | None = None
    user_name: str | None = None
    device_id: str | None = None
    at: datetime


class PullPage(BaseModel):
    """Changes after the asked cursor, up to `cursor`. `upserts` maps a table
    to its rows (all columns, JSON values); `more` says another page waits.
    `reset` asks the client to start over from cursor 0 (the server is
    behind the client's cursor, e.g. restored from a backup). `last_seq` is
    the last sequence of the asking device the server has applied: lower than
    the device's acknowledged one means the server lost some of its pushes.
    `history` holds the change records of the same version range made
    elsewhere (absent from older servers, ignored by older clients)."""

    cursor: int
    last_seq: int = 0
    more: bool = False
    reset: bool = False
    upserts: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    removals: list[Removal] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)
