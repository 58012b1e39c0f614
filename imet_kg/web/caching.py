"""HTTP caching as peers do it. The served graph does not change while the server runs, so
every page and API answer is a function of the store's version, the site's code, and the
request (its URL, the address it was made to, and the formats it accepts). From these the
middleware makes a weak ETag and a Last-Modified before the route runs: a client that sends
a matching If-None-Match (or, without one, an If-Modified-Since not before the version) gets
304 without anything being computed. Answers of saved queries are also kept, by the request
that asked for them, in a cache bounded in bytes (`AnswerCache`), so that a repeated saved
query costs milliseconds. The SPARQL endpoint is left alone: a query may ask for NOW() or
RAND()."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from email.utils import formatdate, parsedate_to_datetime
from importlib import resources
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# How long a browser or proxy may reuse a response without asking again, by path.
PAGE_AGE = 60
STATIC_AGE = 3600
DUMP_AGE = 3600
# The most bytes of answers kept, and the largest answer kept.
ANSWER_BYTES = 128 * 1024 * 1024
LARGEST_ANSWER = 8 * 1024 * 1024


class AnswerCache:
    """Answers by the request that asked for them, the least recently used dropped first
    once the total passes `capacity` bytes. Safe across threads."""

    def __init__(self, capacity: int = ANSWER_BYTES, largest: int = LARGEST_ANSWER) -> None:
        self.capacity = capacity
        self.largest = largest
        self._kept: OrderedDict[Hashable, tuple[bytes, str]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[bytes, str] | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key: Hashable, data: bytes, kind: str) -> None:
        if len(data) > self.largest:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._size -= len(old[0])
            self._kept[key] = (data, kind)
            self._size += len(data)
            while self._size > self.capacity:
                _, (dropped, _) = self._kept.popitem(last=False)
                self._size -= len(dropped)

    def __len__(self) -> int:
        return len(self._kept)


def code_version() -> str:
    """A digest of the site's templates, scripts and styles with the package's version: a
    page changes when they do, even over the same store."""
    from importlib.metadata import version

    digest = hashlib.sha256(version("imet-kg").encode())
    root = Path(str(resources.files("imet_kg.web")))
    for folder in ("templates", "static"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_control(path: str) -> bytes | None:
    """The Cache-Control for a path; None for the endpoint and its refusals."""
    if path == "/sparql":
        return None
    if path.startswith("/static/"):
        return f"public, max-age={STATIC_AGE}".encode()
    if path.startswith("/dumps/"):
        return f"public, max-age={DUMP_AGE}".encode()
    return f"public, max-age={PAGE_AGE}".encode()


class HttpCaching:
    """Middleware: validators and Cache-Control on successful GET and HEAD answers, 304 for
    a client whose copy is current. `version` names the store and code; `modified` is when
    the store was written (seconds since the epoch)."""

    def __init__(self, app: ASGIApp, version: str, modified: float) -> None:
        self.app = app
        self.version = version
        self.modified = int(modified)
        self.last_modified = formatdate(self.modified, usegmt=True).encode()

    def etag(self, scope: Scope) -> bytes:
        digest = hashlib.sha256(self.version.encode())
        digest.update(scope["path"].encode("utf-8", "surrogateescape"))
        digest.update(b"?" + scope.get("query_string", b""))
        for name, value in scope["headers"]:
            if name in (b"host", b"accept", b"x-forwarded-host", b"x-forwarded-proto"):
                digest.update(name + b":" + value + b"\n")
        digest.update(scope.get("scheme", "http").encode())
        return b'W/"' + digest.hexdigest()[:32].encode() + b'"'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        control = _cache_control(scope.get("path", "")) if scope["type"] == "http" else None
        if control is None or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/static/"):  # the files carry their own validators
            await self.app(scope, receive, _adding(send, [(b"cache-control", control)]))
            return
        etag = self.etag(scope)
        if self._fresh(scope["headers"], etag):
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [
                        (b"etag", etag),
                        (b"last-modified", self.last_modified),
                        (b"cache-control", control),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [
            (b"etag", etag),
            (b"last-modified", self.last_modified),
            (b"cache-control", control),
        ]
        await self.app(scope, receive, _adding(send, headers))

    def _fresh(self, headers: Iterable[tuple[bytes, bytes]], etag: bytes) -> bool:
        """Whether the client's copy is this version: If-None-Match names the ETag (weakly
        compared), or, when there is no If-None-Match, If-Modified-Since is not before the
        store's time."""
        matches = since = None
        for name, value in headers:
            if name == b"if-none-match":
                matches = value
            elif name == b"if-modified-since":
                since = value
        if matches is not None:
            tags = {tag.strip().removeprefix(b"W/") for tag in matches.split(b",")}
            return etag.removeprefix(b"W/") in tags
        if since is not None:
            try:
                when = parsedate_to_datetime(since.decode("latin-1"))
            except (TypeError, ValueError, IndexError):
                return False
            return when.timestamp() >= self.modified
        return False


def _adding(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    """`send` with the headers put on a successful answer in place of any it has of the
    same names (an error is never cached)."""
    names = {name for name, _ in headers}

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 200:
            kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
            message = {**message, "headers": [*kept, *headers]}
        elif message["type"] == "http.response.start":
            message = {
                **message,
                "headers": [*message.get("headers", []), (b"cache-control", b"no-store")],
            }
        await send(message)

    return sending


def compressed_types() -> None:
    """Register the text types the site answers in that the compression middleware does not
    know (RDF, SPARQL results, CSV and TSV) as worth compressing."""
    from starlette_compress import add_compress_type

    from imet_kg.media import DATASET, GRAPH, RESULTS, media_types

    for media in {*media_types(GRAPH), *media_types(DATASET), *media_types(RESULTS)}:
        add_compress_type(media.split(";")[0].strip())
    add_compress_type("application/n-quads")
