"""uvicorn's HTTP protocol with Nagle's algorithm off on every connection.

With several workers uvicorn binds the listening socket itself, without the
TCP protocol number, so asyncio does not set TCP_NODELAY on the connections
it accepts: each small reply then waits for the client's delayed ACK (about
40 ms per request on Linux)."""

from __future__ import annotations

import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
