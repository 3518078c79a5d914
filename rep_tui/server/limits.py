"""Request bodies bounded before anything reads them.

Each route has its own limit (a push carries up to a thousand mutations, a
login a name and a password); a request over it is answered 413 naming the
limit, before authentication and without holding the body: by its
Content-Length when it has one, else by counting the bytes as they stream
in. A plain ASGI middleware, so it sits in front of FastAPI's body parsing."""

from __future__ import annotations

import json
import re

from starlette.exceptions import HTTPException

KB, MB = 1024, 1024 * 1024
#: (method, path pattern, limit in bytes), first match wins. Blob uploads
#: are bounded by the blob store's own limit (given to the middleware).
ROUTE_LIMITS: list[tuple[str, re.Pattern[str], int]] = [
    ("POST", re.compile(r"^/sync/push$"), 32 * MB),
    ("POST", re.compile(r"^/auth/login$"), 16 * KB),
    ("PUT", re.compile(r"^/blobs/[^/]*$"), -1),  # -1: the blob limit
]
#: Every other request (GET, HEAD, logout...) carries next to nothing.
DEFAULT_LIMIT = 16 * KB


class BodyTooLarge(HTTPException):
    """Raised while a body streams in; an HTTPException so that FastAPI's own
    body parsing lets it through (it turns other errors into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The body may be at most {_words(limit)} on this route.")


def _words(size: int) -> str:
    return f"{size // MB} MB" if size >= MB and size % MB == 0 else (
        f"{size // KB} KB" if size >= KB and size % KB == 0 else f"{size} bytes")


def limit_for(method: str, path: str, blob_limit: int) -> int:
    for route_method, pattern, limit in ROUTE_LIMITS:
        if method == route_method and pattern.match(path):
            return blob_limit if limit < 0 else limit
    return DEFAULT_LIMIT


class BodyLimit:
    """Answers 413 to a request whose body is bigger than its route allows."""

    def __init__(self, app, blob_limit: int) -> None:
        self.app = app
        self.blob_limit = blob_limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["method"], scope["path"], self.blob_limit)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                await _answer(send, 400, "Content-Length is not a number.")
                return
            if too_big:
                await _answer(send, 413, f"The body may be at most {_words(limit)} on this route.")
                return
        received = 0
        started = False

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as exc:
            if not started:
                await _answer(send, 413, exc.detail)


async def _answer(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
