"""A connection's writes in one turn of the event loop sent as one: uvicorn writes a
response's status line and headers, then its body, each at once, so that a small answer
costs two system calls and two TCP segments where one would do. The writes are joined and
sent when the loop turns (or before the connection is closed), in the order written."""

from __future__ import annotations

import asyncio
from typing import Any


class CoalescedWrites:
    """The transport `transport`, its writes held until `loop` turns; everything else is the
    transport's own."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))

    def flush(self) -> None:
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)
