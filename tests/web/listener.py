"""A loopback TCP listener that counts the connections made to it and answers each with an
HTTP response whose body is a marker, so that a test sees both whether anything reached it
and whether its answer leaked back."""

from __future__ import annotations

import socket
import threading
from types import TracebackType

MARKER = "internal-service-secret-7f3a"


class CountingListener:
    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = int(self.socket.getsockname()[1])
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def __enter__(self) -> CountingListener:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()

    def _accept(self) -> None:
        body = MARKER.encode()
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with connection:
                connection.settimeout(1)
                try:
                    connection.recv(65536)
                    connection.sendall(
                        b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                        + body
                    )
                except OSError:
                    pass
