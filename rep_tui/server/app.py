"""The HTTP face of the server: thin routes over auth, push, pull and blobs."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path

import anyio.from_thread
from fastapi import Depends, FastAPI, HTTPException, Path as PathParam, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Route

from rep_tui import __version__, blobs as blob_store
from rep_tui.server import auth, webform
from rep_tui.server.blobs import http_status, may_read, record_upload
from rep_tui.server.db import make_engine, migrate, read_only, write_transaction
from rep_tui.server.limits import BodyLimit
from rep_tui.server.pull import pull_json
from rep_tui.domain.rules import printable as _printable
from rep_tui.server.push import SequenceOutOfRange, push
from rep_tui.domain.permissions import Permission
from rep_tui.store.models import User
from rep_tui.sync.protocol import (
    CLIENT_ID, LoginRequest, LoginResponse, PasswordHashRequest, PullPage, PushRequest, PushResponse,
)

DEFAULT_MAX_BLOB = 25 * 1024 * 1024
#: Threads for the routes (anyio's default is 40). A few keep every request's
#: turns at the interpreter lock short; more only queue for it and the database.
THREADS = 8


class Problem(BaseModel):
    """Why a request was refused, in a sentence."""

    detail: str


class Health(BaseModel):
    ok: bool
    version: str


class Me(BaseModel):
    id: str
    username: str
    full_name: str
    role: str


class CommissionLineOut(BaseModel):
    """One job of the commission report (`store.commissions.CommissionLine`); money in cents."""

    rep: str
    job_number: int | None
    customer: str
    sold_on: str | None
    sale_cents: int
    commission_cents: int
    commission_paid_cents: int
    commission_due_cents: int
    customer_paid_cents: int
    customer_paid_pct: int
    balance_cents: int


class CommissionReportOut(BaseModel):
    from_: str = Field(alias="from")
    to: str
    lines: list[CommissionLineOut]
    totals: dict[str, int]


class MergeRequest(BaseModel):
    """Two customers to make one (`server.admin_merge.merge`), by PID or id."""

    survivor: str = Field(max_length=40)
    loser: str = Field(max_length=40)
    #: Fields whose loser's value wins (else the survivor's, the loser's where it is empty).
    take: list[str] = Field(default=[], max_length=40)
    as_family: bool = False
    dry_run: bool = False


class MergeOut(BaseModel):
    merge_id: int | None
    dry_run: bool
    survivor: int | None
    loser: int | None
    as_family: bool
    moved: dict[str, int]
    #: {field: {"before": value, "after": value}} of the survivor.
    fields: dict[str, dict]


class DuplicateOut(BaseModel):
    sureness: str
    pids: list[int]
    names: list[str]
    shared: list[str]


#: The refusals a route can answer, as documented in the OpenAPI (each with a
#: `Problem` body; 422 is FastAPI's list of problems, documented by FastAPI).
REFUSALS: dict[int, str] = {
    400: "The content does not match its SHA-256.",
    401: "No token, or one that is unknown, expired or revoked: sign in (again).",
    403: "The user's permissions do not include this function.",
    404: "No such blob, or none the user may read through an attachment.",
    409: "A sequence number jumps too far past the last one this device sent (they count up one by one).",
    413: "The body is over this route's limit, which the answer names.",
    429: "Too many failed sign-ins for this name or address: wait Retry-After seconds.",
}
#: Headers that come with a refusal.
REFUSAL_HEADERS: dict[int, dict] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}},
    429: {"Retry-After": {"schema": {"type": "integer"}, "required": True, "description": "seconds"}},
}


#: A blob is named by its content's SHA-256, in lowercase hex.
BLOB_NAME = PathParam(pattern=f"^{blob_store.NAME_PATTERN}$", description="The content's SHA-256 in lowercase hex.")


def _refusals(*codes: int, why: dict[int, str] | None = None) -> dict:
    """`responses=` for the routes' refusals; `why` words one differently for a route."""
    why = {**REFUSALS, **(why or {})}
    return {code: {"model": Problem, "description": why[code], "headers": REFUSAL_HEADERS.get(code, {})}
            for code in codes}


def create_app(
    db_url: str,
    *,
    blobs_dir: Path,
    token_ttl: timedelta = timedelta(days=30),
    max_blob_bytes: int = DEFAULT_MAX_BLOB,
) -> FastAPI:
    """The server for one database; migrations run here, before it serves."""
    engine = make_engine(db_url)
    migrate(engine)
    reader = read_only(engine)
    blobs = blob_store.BlobStore(Path(blobs_dir), max_blob_bytes)
    blobs.sweep_partials()  # uploads a killed server left; any still being written are younger

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield
        engine.dispose()

    # Every route bounds its body (BodyLimit) before anything else.
    app = FastAPI(title="rep-tui server", version=__version__, lifespan=lifespan, responses=_refusals(413))
    app.state.engine = engine
    app.add_middleware(BodyLimit, blob_limit=max_blob_bytes)
    bearer = HTTPBearer(auto_error=False)

    @app.exception_handler(auth.AuthError)
    async def _auth_error(_request: Request, exc: auth.AuthError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _problems(exc.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:  # Starlette names only the first route's methods (PUT of /blobs/{sha})
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(_methods_at(app, request.url.path))}
        return await http_exception_handler(request, exc)

    @app.exception_handler(blob_store.Refused)
    async def _blob_refused(_request: Request, exc: blob_store.Refused) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=http_status(exc))

    def principal(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> auth.Principal:
        """Looked up on every request (one indexed read), so a token revoked by
        any worker or by `rep-tui admin` stops working at once everywhere."""
        if creds is None:
            raise auth.AuthError(401, "Sign in first.")
        with reader.connect() as conn:
            return auth.authenticate(conn, creds.credentials)

    @app.get("/health", response_model=Health)
    def health() -> dict:
        return {"ok": True, "version": __version__}

    @app.post("/auth/login", response_model=LoginResponse,
              responses=_refusals(400, 401, 429, why={400: "The body is not UTF-8 text.", 401: auth.WRONG}))
    def login(body: LoginRequest, request: Request) -> LoginResponse:
        ip = request.client.host if request.client else "unknown"
        user, token, expires = auth.sign_in(engine, body.username, body.password, ip, token_ttl)
        return LoginResponse(token=token, expires_at=expires, user_id=user.id, username=user.username,
                             full_name=user.full_name, role=user.role)

    @app.post("/auth/logout", status_code=204, response_class=Response, responses={
        204: {"description": "The token is revoked (or was not valid anyway: signing out twice is no error)."},
        **_refusals(401, why={401: "No token to sign out."})})
    def logout(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Response:
        if creds is None:
            raise auth.AuthError(401, "Sign in first.")
        with engine.begin() as conn:
            auth.revoke(conn, creds.credentials)
        return Response(status_code=204)

    @app.get("/auth/me", response_model=Me, responses=_refusals(401))
    def me(user: auth.Principal = Depends(principal)) -> dict:
        return {"id": str(user.id), "username": user.username, "full_name": user.full_name, "role": user.role}

    @app.put("/users/{user_id}/password", status_code=204, response_class=Response, responses={
        204: {"description": "The user signs in with the new password from now on."},
        **_refusals(400, 401, 403, 404, why={400: "The body is not UTF-8 text.",
                                             404: "No such user on the server (yet)."}),
        422: {**_NOT_VALID, "description": "Not an argon2id hash as strong as the server's: what is wrong."}})
    def set_password_route(user_id: uuid.UUID, body: PasswordHashRequest,
                           user: auth.Principal = Depends(principal)) -> Response:
        """Set a user's password, hashed on the device of the user who reset it
        (who needs "Manage users"; only an admin resets an admin's)."""
        from rep_tui.domain.passwords import weak_hash
        from rep_tui.server.scoping import promotion_refusal

        auth.require(user, Permission.MANAGE_USERS)
        if (why := weak_hash(body.password_hash)) is not None:
            return JSONResponse({"detail": _problem(f"That is {why}.")}, status_code=422)
        with write_transaction(engine) as conn:
            role = conn.scalar(select(User.role).where(User.id == user_id, User.deleted.is_(False)))
            if role is None:
                raise auth.AuthError(404, "There is no such user on the server (yet): sync first.")
            if (refusal := promotion_refusal("users", {}, user, {"role": role})) is not None:
                raise auth.AuthError(403, f"You may not do this: {refusal}.")
            auth.set_password(conn, user_id, hashed=body.password_hash)
        return Response(status_code=204)

    @app.post("/sync/push", response_model=PushResponse, openapi_extra=_json_body(PushRequest),
              responses={**_refusals(401, 409), 422: _NOT_VALID})
    async def push_route(request: Request, user: auth.Principal = Depends(principal)) -> Response:
        # The body is read only now, after the token was checked (and bounded by BodyLimit).
        raw = await request.body()
        return await run_in_threadpool(_push_json, raw, user)

    def _push_json(raw: bytes, user: auth.Principal) -> Response:
        try:
            body = PushRequest.model_validate(json.loads(raw))
        except (ValueError, UnicodeDecodeError) as exc:  # pydantic's ValidationError is a ValueError
            problems = _problems(exc.errors()) if isinstance(exc, ValidationError) else _problem(str(exc))
            return JSONResponse({"detail": problems}, status_code=422)
        try:
            answer = push(engine, user, body)
        except SequenceOutOfRange as exc:  # a fine number, but not after what this device sent
            return JSONResponse({"detail": str(exc)}, status_code=409)
        return Response(answer.model_dump_json(), media_type="application/json")

    @app.get("/sync/pull", response_model=PullPage, responses=_refusals(401))
    def pull_route(
        cursor: int = Query(0, ge=0),
        client_id: str = Query("", pattern=CLIENT_ID + "|^$"),
        limit: int = Query(2000, ge=1),
        user: auth.Principal = Depends(principal),
    ) -> Response:
        return Response(pull_json(reader, user, cursor, client_id, limit), media_type="application/json")

    @app.get("/reports/commissions", response_model=CommissionReportOut, response_model_by_alias=True,
             responses=_refusals(401, 403))
    def commissions_route(
        start: date = Query(alias="from", description="First sale day (YYYY-MM-DD)."),
        end: date = Query(alias="to", description="Last sale day (YYYY-MM-DD)."),
        user: auth.Principal = Depends(principal),
    ) -> dict:
        """The commission report of the jobs sold in the period, of the reps whose leads the user sees."""
        from rep_tui.server.scoping import visible_reps
        from rep_tui.store.commissions import commission_report

        auth.require(user, Permission.SEE_COMMISSIONS)
        reps = visible_reps(user)
        with reader.connect() as conn:
            rep_ids = None if reps is None else list(conn.execute(reps).scalars())
            return commission_report(conn, start, end, rep_ids).as_dict()

    merge_refusals = _refusals(401, 403, 404, 409, why={
        404: "No such customer or merge, or none the user sees.",
        409: "Not as asked: the answer says why (the same customer twice, an unknown field, a later change "
             "undo would lose)."})

    @app.get("/merges/duplicates", response_model=list[DuplicateOut], responses=_refusals(401, 403))
    def duplicates_route(user: auth.Principal = Depends(principal)) -> list[dict]:
        """Pairs of the user's customers that look like one person, surest first (needs "Merge customers")."""
        from rep_tui.server import admin_merge

        auth.require(user, Permission.MERGE)
        return [pair.as_json() for pair in admin_merge.find_duplicates(reader, user)]

    @app.post("/merges", response_model=MergeOut, responses={
        **merge_refusals, **_refusals(400, why={400: "The body is not UTF-8 text."})})
    def merge_route(body: MergeRequest, user: auth.Principal = Depends(principal)) -> dict:
        """Combine two customers the user sees (needs "Merge customers"); `dry_run` writes nothing."""
        from rep_tui.server import admin_merge

        auth.require(user, Permission.MERGE)
        return _merged(lambda: admin_merge.merge(engine, body.survivor, body.loser, take=body.take,
                                                 as_family=body.as_family, dry_run=body.dry_run, user=user))

    @app.post("/merges/{merge_id}/undo", response_model=MergeOut, responses=merge_refusals)
    def undo_merge_route(merge_id: int = PathParam(ge=1, le=2**31 - 1),
                         user: auth.Principal = Depends(principal)) -> dict:
        """Put back both customers of a merge (needs "Merge customers")."""
        from rep_tui.server import admin_merge

        auth.require(user, Permission.MERGE)
        return _merged(lambda: admin_merge.undo(engine, merge_id, user))

    @app.put("/blobs/{sha}", status_code=201, response_class=Response, openapi_extra=_BLOB_BODY, responses={
        200: {"description": "The server had it already (and the content matched its name)."},
        201: {"description": "Stored."}, **_refusals(400, 401)})
    async def put_blob(request: Request, sha: str = BLOB_NAME, user: auth.Principal = Depends(principal)) -> Response:
        blobs.path(sha)
        try:
            stored = await run_in_threadpool(blobs.write, _blocking(request.stream()), sha)
        except ClientDisconnect:  # gone mid-upload (nothing was kept): no one to answer, nothing to log
            return Response(status_code=400)
        await run_in_threadpool(_record_upload, user, sha)
        return Response(status_code=201 if stored.created else 200)

    @app.head("/blobs/{sha}", operation_id="head_blob", response_class=FileResponse, responses=_BLOB_ANSWERS)
    @app.get("/blobs/{sha}", operation_id="get_blob", response_class=FileResponse, responses=_BLOB_ANSWERS)
    def get_blob(sha: str = BLOB_NAME, user: auth.Principal = Depends(principal)) -> FileResponse:
        path = blobs.path(sha)
        with reader.connect() as conn:
            allowed = may_read(conn, user, sha)
        if not allowed or not blobs.exists(sha):
            raise HTTPException(404, "no such blob")
        return FileResponse(path, media_type="application/octet-stream")  # answers Range requests (206)

    webform.add_routes(app, engine)
    _with_body_schemas(app, PushRequest)

    def _record_upload(user: auth.Principal, sha: str) -> None:
        with engine.begin() as conn:
            record_upload(conn, user.id, sha)

    return app


_BINARY = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
_BLOB_BODY = {"requestBody": {"required": True, "content": _BINARY}}
_BLOB_ANSWERS = {200: {"description": "The blob's content.", "content": _BINARY}, **_refusals(401, 404)}
_NOT_VALID = {"description": "Not a push request: what is wrong, where.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}


def _merged(run) -> dict:
    """A merge's (or undo's) report, or its refusal as 404/409 in words."""
    from rep_tui.server.admin import AdminError
    from rep_tui.server.admin_merge import NotFound

    try:
        return run().as_json()
    except NotFound as exc:
        raise auth.AuthError(404, str(exc)) from None
    except AdminError as exc:
        raise auth.AuthError(409, str(exc)) from None


def _methods_at(app: FastAPI, path: str) -> list[str]:
    """Every method some route answers at `path` (for a 405's Allow)."""
    return sorted({method for route in app.routes if isinstance(route, Route) and route.path_regex.match(path)
                   for method in route.methods or ()})


def _blocking(stream: AsyncIterator[bytes]) -> Iterator[bytes]:
    """An async request body read chunk by chunk from a worker thread, so the
    blob store writes an upload as it arrives instead of holding it."""
    while True:
        try:
            yield anyio.from_thread.run(stream.__anext__)
        except StopAsyncIteration:
            return


def _problems(errors: list[dict]) -> list[dict]:
    """Validation errors in FastAPI's shape (loc, msg, type), without the
    offending input: it may not even encode (a lone surrogate)."""
    return [{"loc": [_printable(str(part)) for part in e.get("loc", ())], "msg": _printable(str(e.get("msg", ""))),
             "type": str(e.get("type", "value_error"))} for e in errors]


def _problem(message: str) -> list[dict]:
    return _problems([{"loc": ["body"], "msg": message}])


def _json_body(model) -> dict:
    """The OpenAPI description of a body a route reads itself (its models are
    added to the components by `_with_body_schemas`)."""
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}}


def _with_body_schemas(app: FastAPI, *models) -> None:
    """Put the schemas of bodies read by hand into the OpenAPI document."""
    plain = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = plain()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                found = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(found.pop("$defs", {}))
                components[model.__name__] = found
        return app.openapi_schema or schema

    app.openapi = openapi  # type: ignore[method-assign]
