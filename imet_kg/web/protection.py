"""What keeps the public server answering under hostile clients: response headers that
confine what a browser does with our pages, a cap on each client address's concurrent
queries, and an HTTP protocol that drops a client too slow to send its request."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from typing import Any, cast

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from imet_kg.web.coalescing import CoalescedWrites
from imet_kg.web.guard import QueryRefused

# Pages load their scripts and styles from the server itself; only the network views, which
# inline their bundled library so that a saved page works offline, need inline scripts.
# Framing only by the site itself (a resource page frames the agency network view).
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
INLINE_SCRIPT_POLICY = PAGE_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"cross-origin"),
]
_PAGE_POLICY = PAGE_POLICY.encode()


def security_headers(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A response's headers with the security headers it does not set itself, and the page
    policy when it sets no Content-Security-Policy."""
    headers = list(headers)
    names = {name.lower() for name, _ in headers}
    headers += [(name, value) for name, value in _HEADERS if name not in names]
    if b"content-security-policy" not in names:
        headers.append((b"content-security-policy", _PAGE_POLICY))
    return headers


def open_to_origins(
    headers: Iterable[tuple[bytes, bytes]], origin: bool
) -> list[tuple[bytes, bytes]]:
    """A response's headers as the CORS middleware leaves them for the site's settings (any
    origin, no credentials): Origin added to Vary, and any origin allowed when the request
    came from one (`origin`)."""
    headers = list(headers)
    vary = [value for name, value in headers if name == b"vary"]
    kept = [(name, value) for name, value in headers if name != b"vary"]
    if origin:
        kept = [(n, v) for n, v in kept if n != b"access-control-allow-origin"]
        kept.append((b"access-control-allow-origin", b"*"))
    kept.append((b"vary", b", ".join([*vary, b"Origin"])))
    return kept


class SecurityHeaders:
    """Adds the security headers to every response, and the page policy to any response
    that sets no Content-Security-Policy of its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": security_headers(message.get("headers", []))}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ClientSlots:
    """At most `per_client` queries evaluated at once for each client address; a client's
    further queries wait their turn, for at most `seconds`, and are then refused (429), so
    that one client cannot hold every query process while others wait."""

    def __init__(self, per_client: int, seconds: float) -> None:
        self.per_client = per_client
        self.seconds = seconds
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._users: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def slot(self, client: str) -> AsyncIterator[None]:
        semaphore = self._slots.setdefault(client, asyncio.Semaphore(self.per_client))
        self._users[client] = self._users.get(client, 0) + 1
        try:
            try:
                if semaphore.locked():
                    await asyncio.wait_for(semaphore.acquire(), self.seconds)
                else:
                    await semaphore.acquire()  # free: no timer needed
            except TimeoutError:
                raise QueryRefused(
                    429,
                    f"your address already has {self.per_client} queries running; "
                    "wait for them before sending more",
                ) from None
            try:
                yield
            finally:
                semaphore.release()
        finally:
            self._users[client] -= 1
            if not self._users[client]:  # forget idle clients, so the table stays small
                del self._users[client], self._slots[client]


# The request line and headers of one request, and the URL within them (the HTTP parser
# reads URLs of up to 64 KiB; a longer query is POSTed).
MAX_HEAD_BYTES = 256 * 1024
MAX_URL_BYTES = 65_535


def _refusal(status: bytes, message: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
        b"connection: close\r\ncontent-length: "
        + str(len(message)).encode()
        + b"\r\n\r\n"
        + message
    )


_HEAD_TOO_LARGE = _refusal(
    b"431 Request Header Fields Too Large",
    b"the request line and headers are longer than 256 KiB",
)
_URL_TOO_LONG = _refusal(
    b"414 URI Too Long",
    b"the URL is longer than 64 KiB; POST a long query, as application/sparql-query or as "
    b"a form (application/x-www-form-urlencoded)",
)


def deadline_protocol(seconds: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol, with a deadline for each request: a client has `seconds`
    from the first byte of a request (or from connecting) to send all of it, line, headers
    and body; one that has not is disconnected. Waiting for the answer does not count. A
    URL longer than MAX_URL_BYTES is refused (414), and a request line and headers longer
    than MAX_HEAD_BYTES (431)."""

    class DeadlineProtocol(HttpToolsProtocol):
        _deadline: asyncio.TimerHandle | None = None
        _reading = False  # from a request's first byte to its last
        _head = 0
        _url = 0

        def connection_made(self, transport: Any) -> None:
            # A response's head and body go out together (`coalescing`): a transport in all
            # it does, though not one by class (what it does not do itself, the transport does).
            super().connection_made(cast(asyncio.Transport, CoalescedWrites(transport, self.loop)))
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self.transport.is_closing():
                return  # refused: what follows is not read
            if self._deadline is None and not self._reading:
                self._arm()  # the first bytes of the next request on a kept-alive connection
            super().data_received(data)

        def on_message_begin(self) -> None:
            self._reading = True
            self._head = self._url = 0
            super().on_message_begin()

        def on_url(self, url: bytes) -> None:
            self._url += len(url)
            if self._url > MAX_URL_BYTES:
                self._refuse(_URL_TOO_LONG)
            self._count(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._count(len(name) + len(value))
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            if not self.transport.is_closing():
                super().on_headers_complete()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._reading = False
            self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _count(self, size: int) -> None:
            self._head += size
            if self._head > MAX_HEAD_BYTES:
                self._refuse(_HEAD_TOO_LARGE)

        def _refuse(self, answer: bytes) -> None:
            if not self.transport.is_closing():
                self._disarm()
                self.transport.write(answer)
                self.transport.close()

        def _arm(self) -> None:
            self._deadline = self.loop.call_later(seconds, self._too_slow)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if not self._reading and self.cycle is not None and not self.cycle.response_complete:
                return  # the request is read and its answer is being computed
            if self.transport.is_closing():
                return
            if self.cycle is not None and not self.cycle.response_complete:
                self.cycle.disconnected = True
                self.cycle.message_event.set()
            self.transport.close()

    return DeadlineProtocol
