"""The HTTP face of the server: thin routes over auth, push, pull and blobs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import anyio.from_thread
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from starlette.requests import ClientDisconnect

from rep_tui import __version__, blobs as blob_store
from rep_tui.server import auth
from rep_tui.server.blobs import http_status, may_read, record_upload
from rep_tui.server.db import make_engine, migrate, read_only
from rep_tui.server.limits import BodyLimit
from rep_tui.server.pull import pull, page_json
from rep_tui.domain.rules import printable as _printable
from rep_tui.server.push import SequenceOutOfRange, push
from rep_tui.sync.protocol import CLIENT_ID, LoginRequest, LoginResponse, PullPage, PushRequest, PushResponse

DEFAULT_MAX_BLOB = 25 * 1024 * 1024
#: Threads for the routes (anyio's default is 40). A few keep every request's
#: turns at the interpreter lock short; more only queue for it and the database.
THREADS = 8


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

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield
        engine.dispose()

    app = FastAPI(title="rep-tui server", version=__version__, lifespan=lifespan)
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

    @app.get("/health")
    def health() -> dict:
        return {"ok": True, "version": __version__}

    @app.post("/auth/login", response_model=LoginResponse)
    def login(body: LoginRequest, request: Request) -> LoginResponse:
        ip = request.client.host if request.client else "unknown"
        user, token, expires = auth.sign_in(engine, body.username, body.password, ip, token_ttl)
        return LoginResponse(token=token, expires_at=expires, user_id=user.id, username=user.username,
                             full_name=user.full_name, role=user.role)

    @app.post("/auth/logout", status_code=204)
    def logout(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Response:
        if creds is not None:
            with engine.begin() as conn:
                auth.revoke(conn, creds.credentials)
        return Response(status_code=204)

    @app.get("/auth/me")
    def me(user: auth.Principal = Depends(principal)) -> dict:
        return {"id": str(user.id), "username": user.username, "full_name": user.full_name, "role": user.role}

    @app.post("/sync/push", response_model=PushResponse, openapi_extra=_json_body(PushRequest))
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
        except SequenceOutOfRange as exc:
            return JSONResponse({"detail": _problem(str(exc))}, status_code=422)
        return Response(answer.model_dump_json(), media_type="application/json")

    @app.get("/sync/pull", response_model=PullPage)
    def pull_route(
        cursor: int = Query(0, ge=0),
        client_id: str = Query("", pattern=CLIENT_ID + "|^$"),
        limit: int = Query(2000, ge=1),
        user: auth.Principal = Depends(principal),
    ) -> Response:
        page = pull(reader, user, cursor, client_id, limit)
        return Response(page_json(page), media_type="application/json")

    @app.put("/blobs/{sha}", status_code=201)
    async def put_blob(sha: str, request: Request, user: auth.Principal = Depends(principal)) -> Response:
        blobs.path(sha)
        try:
            stored = await run_in_threadpool(blobs.write, _blocking(request.stream()), sha)
        except ClientDisconnect:  # gone mid-upload (nothing was kept): no one to answer, nothing to log
            return Response(status_code=400)
        await run_in_threadpool(_record_upload, user, sha)
        return Response(status_code=201 if stored.created else 200)

    @app.head("/blobs/{sha}", operation_id="head_blob")
    @app.get("/blobs/{sha}", operation_id="get_blob")
    def get_blob(sha: str, user: auth.Principal = Depends(principal)) -> FileResponse:
        path = blobs.path(sha)
        with reader.connect() as conn:
            allowed = may_read(conn, user, sha)
        if not allowed or not blobs.exists(sha):
            raise HTTPException(404, "no such blob")
        return FileResponse(path, media_type="application/octet-stream")  # answers Range requests (206)

    _with_body_schemas(app, PushRequest)

    def _record_upload(user: auth.Principal, sha: str) -> None:
        with engine.begin() as conn:
            record_upload(conn, user.id, sha)

    return app


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
