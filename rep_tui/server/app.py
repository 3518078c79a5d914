"""The HTTP face of the server: thin routes over auth, push, pull and blobs."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rep_tui import __version__
from rep_tui.server import auth
from rep_tui.server.blobs import BlobError, BlobStore, may_read
from rep_tui.server.db import make_engine, migrate, read_only
from rep_tui.server.pull import pull
from rep_tui.server.push import push
from rep_tui.sync.protocol import LoginRequest, LoginResponse, PullPage, PushRequest, PushResponse

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
    blobs = BlobStore(Path(blobs_dir), max_blob_bytes)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield
        engine.dispose()

    app = FastAPI(title="rep-tui server", version=__version__, lifespan=lifespan)
    app.state.engine = engine
    bearer = HTTPBearer(auto_error=False)
    recent = auth.RecentTokens()

    @app.exception_handler(auth.AuthError)
    async def _auth_error(_request: Request, exc: auth.AuthError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=headers)

    @app.exception_handler(BlobError)
    async def _blob_error(_request: Request, exc: BlobError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    def principal(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> auth.Principal:
        if creds is None:
            raise auth.AuthError(401, "Sign in first.")

        def look_up() -> auth.Principal:
            with reader.connect() as conn:
                return auth.authenticate(conn, creds.credentials)

        return recent.principal(creds.credentials, look_up)

    @app.get("/health")
    def health() -> dict:
        return {"ok": True, "version": __version__}

    @app.post("/auth/login", response_model=LoginResponse)
    def login(body: LoginRequest, request: Request) -> LoginResponse:
        ip = request.client.host if request.client else "unknown"
        failure = None
        with engine.begin() as conn:
            try:
                user, token, expires = auth.login(conn, body.username, body.password, ip, token_ttl)
            except auth.AuthError as exc:
                failure = exc  # raised after the commit, so the failure is counted
        if failure:
            raise failure
        return LoginResponse(token=token, expires_at=expires, user_id=user.id, username=user.username,
                             full_name=user.full_name, role=user.role)

    @app.post("/auth/logout", status_code=204)
    def logout(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Response:
        if creds is not None:
            with engine.begin() as conn:
                auth.revoke(conn, creds.credentials)
            recent.forget(creds.credentials)
        return Response(status_code=204)

    @app.get("/auth/me")
    def me(user: auth.Principal = Depends(principal)) -> dict:
        return {"id": str(user.id), "username": user.username, "full_name": user.full_name, "role": user.role}

    @app.post("/sync/push", response_model=PushResponse)
    def push_route(body: PushRequest, user: auth.Principal = Depends(principal)) -> Response:
        return Response(push(engine, user, body).model_dump_json(), media_type="application/json")

    @app.get("/sync/pull", response_model=PullPage)
    def pull_route(
        cursor: int = Query(0, ge=0),
        client_id: str = Query("", max_length=64),
        limit: int = Query(2000, ge=1),
        user: auth.Principal = Depends(principal),
    ) -> Response:
        page = pull(reader, user, cursor, client_id, limit)
        return Response(page.model_dump_json(), media_type="application/json")

    @app.put("/blobs/{sha}", status_code=201)
    async def put_blob(sha: str, request: Request, user: auth.Principal = Depends(principal)) -> Response:
        blobs.path(sha)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > blobs.max_bytes:
                raise BlobError(413, f"a blob may be at most {blobs.max_bytes} bytes")
            chunks.append(chunk)
        created = await run_in_threadpool(blobs.put, sha, chunks)
        return Response(status_code=201 if created else 200)

    @app.head("/blobs/{sha}", operation_id="head_blob")
    @app.get("/blobs/{sha}", operation_id="get_blob")
    def get_blob(sha: str, user: auth.Principal = Depends(principal)) -> FileResponse:
        path = blobs.path(sha)
        with reader.connect() as conn:
            allowed = may_read(conn, user, sha)
        if not allowed or not path.exists():
            raise HTTPException(404, "no such blob")
        return FileResponse(path, media_type="application/octet-stream")

    return app
