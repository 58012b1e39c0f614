"""What keeps the public server answering under hostile clients: response headers that
confine what a browser does with our pages, a cap on each client address's concurrent
queries, and an HTTP protocol that drops a client too slow to send its request."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

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
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _HEADERS if name not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PAGE_POLICY.encode()))
                message = {**message, "headers": headers}
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
                await asyncio.wait_for(semaphore.acquire(), self.seconds)
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


def deadline_protocol(seconds: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol, with a deadline for each request: a client has `seconds` from
    the first byte of a request (or from connecting) to send all of it, line, headers and
    body; one that has not is disconnected. Waiting for the answer does not count."""

    class DeadlineProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._deadline is None and not self._reading_request():
                self._arm()  # the first bytes of the next request on a kept-alive connection
            super().data_received(data)
            if self._deadline is not None and self._request_read():
                self._deadline.cancel()
                self._deadline = None

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._deadline = self.loop.call_later(seconds, self._too_slow)

        def _reading_request(self) -> bool:
            return self.cycle is not None and not self.cycle.response_complete

        def _request_read(self) -> bool:
            return (
                self.cycle is not None
                and not self.cycle.response_complete
                and not self.cycle.more_body
            )

        def _too_slow(self) -> None:
            self._deadline = None
            if self._request_read() or self.transport.is_closing():
                return
            if self.cycle is not None and not self.cycle.response_complete:
                self.cycle.disconnected = True
                self.cycle.message_event.set()
            self.transport.close()

    return DeadlineProtocol
