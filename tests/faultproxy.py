"""A TCP proxy on 127.0.0.1 that makes HTTP/1.1 between devices and the
server misbehave, on purpose and reproducibly.

Each route (one per device) listens on its own port and draws a fault for
every request it carries from its own `random.Random`, so a route's faults
come in the same order whenever its device makes the same requests: a run's
seed replays them. A fault may drop, delay, duplicate (send the request to
the server a second time, on another connection), truncate or reset the
request or the response, or ask the caller to kill the device or the server
(hooks, so this module knows nothing of rep-tui).

Knows just enough HTTP to find where each message ends (Content-Length or
chunked), so keep-alive connections carry several requests and each gets
its own fault.

    python tests/faultproxy.py --upstream 127.0.0.1:8765 --listen 8766 --seed 7
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import struct
import threading
from dataclasses import dataclass, field
from typing import Callable

PASS = "pass"
#: Fault name → weight when the proxy is faulty. Names say where the fault hits.
FAULTS: dict[str, float] = {
    PASS: 50,
    "delay_request": 8,
    "delay_response": 8,
    "long_delay": 1,  # longer than a device waits: it times out while the server may still apply
    "drop_request": 4,  # the connection closes before the server sees anything
    "drop_response": 6,  # the server applied it; the device never hears
    "duplicate": 3,  # the server gets the request again once the original is answered
    "racing_duplicate": 3,  # ... or side by side with the original (a retry racing it)
    "truncate_request": 4,
    "truncate_response": 4,
    "reset_request": 3,
    "reset_response": 3,
    "kill_client": 2,
    "kill_server_before": 0.7,
    "kill_server_after": 0.7,  # while the server works on the request
}
LONG_DELAY = 4.0


class MessageError(Exception):
    """The peer closed or sent something that is not an HTTP/1.1 message."""


async def read_message(reader: asyncio.StreamReader, *, response_to: bytes | None = None) -> bytes | None:
    """One whole HTTP/1.1 message as raw bytes; None at a clean end of stream.
    `response_to` is the request's method when reading a response."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise MessageError("the stream ended inside a message head") from None
    except (asyncio.LimitOverrunError, ConnectionError) as exc:
        raise MessageError(str(exc)) from None
    lines = head.split(b"\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip().lower()
    status = int(lines[0].split()[1]) if response_to is not None else 0
    try:
        if response_to is not None and (response_to == b"HEAD" or status in (204, 304) or status < 200):
            return head
        if headers.get(b"transfer-encoding", b"").endswith(b"chunked"):
            body = b""
            while True:
                size_line = await reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                body += size_line
                if size == 0:
                    while (trailer := await reader.readuntil(b"\r\n")) != b"\r\n":
                        body += trailer
                    return head + body + b"\r\n"
                body += await reader.readexactly(size + 2)
        if b"content-length" in headers:
            return head + await reader.readexactly(int(headers[b"content-length"]))
        if response_to is not None:
            return head + await reader.read()
        return head
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError) as exc:
        raise MessageError(f"broken message: {exc!r}") from None


def _closes(message: bytes) -> bool:
    head = message.split(b"\r\n\r\n", 1)[0].lower()
    return b"\r\nconnection: close" in head


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST instead of a FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


@dataclass
class Route:
    """One device's way to the server, with its own stream of faults."""

    name: str
    rng: random.Random
    port: int = 0
    requests: int = 0
    log: list[tuple[int, str]] = field(default_factory=list)

    def draw(self, faulty: bool) -> tuple[str, float]:
        """The next request's fault and a number in [0, 1) to size it (delay, cut)."""
        self.requests += 1
        if not faulty:
            return PASS, 0.0
        fault = self.rng.choices(list(FAULTS), weights=list(FAULTS.values()))[0]
        amount = self.rng.random()
        if fault != PASS:
            self.log.append((self.requests, fault))
        return fault, amount


class FaultProxy:
    """Routes on 127.0.0.1 to one upstream, run by an asyncio loop in a thread.
    `faulty` switches faults on and off; `kill_client(name)` and `kill_server()`
    are called for the kill faults (they must not block for long)."""

    def __init__(self, upstream_port: int, *, kill_client: Callable[[str], None] = lambda _name: None,
                 kill_server: Callable[[], None] = lambda: None, max_delay: float = 0.25) -> None:
        self.upstream_port = upstream_port
        self.kill_client, self.kill_server = kill_client, kill_server
        self.max_delay = max_delay
        self.faulty = False
        #: Racing duplicates in flight: asyncio keeps only weak references to tasks.
        self._racing: set[asyncio.Task] = set()
        self.routes: dict[str, Route] = {}
        self._servers: dict[str, asyncio.base_events.Server] = {}
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="faultproxy", daemon=True)
        self._thread.start()

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def add_route(self, name: str, rng: random.Random, port: int = 0) -> Route:
        """Listen for `name` on `port` (0: a free one), kept when the route is re-seeded."""
        route = Route(name, rng)

        async def start():
            return await asyncio.start_server(lambda r, w: self._connection(route, r, w), "127.0.0.1", port)

        server = self._call(start())
        route.port = server.sockets[0].getsockname()[1]
        self.routes[name], self._servers[name] = route, server
        return route

    def reseed(self, name: str, rng: random.Random) -> None:
        route = self.routes[name]
        route.rng, route.requests, route.log = rng, 0, []

    def close(self) -> None:
        async def stop():
            for server in self._servers.values():
                server.close()
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self._call(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()

    async def _upstream(self):
        return await asyncio.open_connection("127.0.0.1", self.upstream_port)

    async def _duplicate(self, request: bytes, method: bytes, wait: float) -> None:
        """The same request again on a connection of its own; its answer is thrown away."""
        await asyncio.sleep(wait)
        try:
            reader, writer = await self._upstream()
        except OSError:
            return
        try:
            writer.write(request)
            await writer.drain()
            await read_message(reader, response_to=method)
        except (MessageError, OSError):
            pass
        finally:
            writer.transport.abort()

    async def _connection(self, route: Route, creader: asyncio.StreamReader, cwriter: asyncio.StreamWriter) -> None:
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while True:
                try:
                    request = await read_message(creader)
                except MessageError:
                    break
                if request is None:
                    break
                method = request.split(b" ", 1)[0]
                fault, amount = route.draw(self.faulty)
                cut = max(1, int(len(request) * amount))
                if fault == "drop_request":
                    break
                if fault == "reset_request":
                    _reset(cwriter)
                    break
                if fault == "kill_client":
                    self.kill_client(route.name)
                    _reset(cwriter)
                    break
                if fault == "kill_server_before":
                    self.kill_server()
                if fault == "delay_request":
                    await asyncio.sleep(amount * self.max_delay)
                if upstream is None:
                    try:
                        upstream = await self._upstream()
                    except OSError:
                        _reset(cwriter)
                        break
                ureader, uwriter = upstream
                if fault == "truncate_request":
                    uwriter.write(request[:cut])
                    await uwriter.drain()
                    _reset(uwriter)
                    upstream = None
                    _reset(cwriter)
                    break
                if fault == "racing_duplicate":  # either copy may reach the server first
                    twin = asyncio.ensure_future(self._duplicate(request, method, amount * 0.05))
                    self._racing.add(twin)
                    twin.add_done_callback(self._racing.discard)
                    await asyncio.sleep((1 - amount) * 0.05)
                try:
                    uwriter.write(request)
                    await uwriter.drain()
                    if fault == "kill_server_after":
                        await asyncio.sleep(amount * 0.05)
                        self.kill_server()
                    response = await read_message(ureader, response_to=method)
                except (MessageError, OSError):
                    response = None
                if response is None:
                    _reset(cwriter)
                    break
                if fault == "duplicate":
                    await self._duplicate(request, method, 0)
                cut = max(1, int(len(response) * amount))
                if fault == "drop_response":
                    break
                if fault in ("truncate_response", "reset_response"):
                    cwriter.write(response[:cut])
                    await cwriter.drain()
                    if fault == "reset_response":
                        _reset(cwriter)
                    break
                if fault == "delay_response":
                    await asyncio.sleep(amount * self.max_delay)
                if fault == "long_delay":
                    await asyncio.sleep(LONG_DELAY)
                cwriter.write(response)
                await cwriter.drain()
                if _closes(response) or _closes(request):
                    break
        except (ConnectionError, OSError, asyncio.CancelledError):  # cancelled: the proxy is closing
            pass
        finally:
            if upstream is not None:
                upstream[1].transport.abort()
            cwriter.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="HOST:PORT of the server (127.0.0.1 only)")
    parser.add_argument("--listen", type=int, action="append", required=True, help="a port to listen on")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    print(f"seed {seed}", flush=True)
    proxy = FaultProxy(int(args.upstream.rsplit(":", 1)[1]))
    proxy.faulty = True
    for n, port in enumerate(args.listen):
        route = proxy.add_route(f"route{n}", random.Random(f"{seed}:{n}"), port)
        print(f"127.0.0.1:{route.port} → {args.upstream}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        proxy.close()


if __name__ == "__main__":
    main()
