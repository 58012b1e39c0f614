"""HTTP for a SPARQL store elsewhere, as real servers answer it: a query sent by GET when it
is short and as a form-encoded POST when it is long (both every SPARQL 1.1 server answers;
a raw `application/sparql-query` body is only on request, since Virtuoso never answers one),
redirects followed with the query kept, a time limit, a refused connection told at once from
a server error retried with back-off, and an answer a server cut short told from a whole one.
"""

from __future__ import annotations

import shutil
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import IO

from imet_kg.errors import ImetKgError

RETRIES = 4
REDIRECTS = 5
METHODS = ("auto", "get", "post", "direct")
# The header by which Virtuoso says it cut an answer at its [SPARQL] ResultSetMaxRows.
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"


class RemoteError(ImetKgError):
    """The remote store could not be reached or refused a request (with the HTTP status it
    answered, when it answered)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Transport:
    """How queries travel: `method` auto (GET up to `get_limit` bytes of URL, else a form
    POST), get, post (form-encoded) or direct (the query as the POST body); `timeout`
    seconds for the server to answer."""

    method: str = "auto"
    timeout: float = 120.0
    get_limit: int = 2000

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; use one of {', '.join(METHODS)}")


@dataclass
class Reply:
    body: bytes
    headers: Message

    @property
    def content_type(self) -> str:
        return self.headers.get_content_type()

    def cap(self) -> int | None:
        """The row limit the server says it applied to this answer, if it says so."""
        value = self.headers.get(MAX_ROWS_HEADER)
        return int(value) if value is not None and value.strip().isdigit() else None


def ask(
    endpoint: str, sparql: str, accept: str, transport: Transport, into: Path | None = None
) -> Reply:
    """Send a query to a SPARQL Protocol endpoint by the transport's method."""
    form = urllib.parse.urlencode({"query": sparql})
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    method = transport.method
    if method == "auto":
        method = "get" if len(endpoint) + 1 + len(form) <= transport.get_limit else "post"
    headers = {"Accept": accept}
    if method == "get":
        return send(
            f"{endpoint}{separator}{form}", headers=headers, timeout=transport.timeout, into=into
        )
    if method == "post":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        data = form.encode("ascii")
    else:
        headers["Content-Type"] = "application/sparql-query"
        data = sparql.encode("utf-8")
    return send(
        endpoint, method="POST", data=data, headers=headers, timeout=transport.timeout, into=into
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers, so that `send` follows them with the query kept
    (urllib would drop a POST's body on 301-303 and refuse 307/308)."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def send(
    url: str,
    *,
    method: str = "GET",
    data: bytes | IO[bytes] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 120.0,
    into: Path | None = None,
) -> Reply:
    """One HTTP request, following redirects and retried with back-off on 5xx answers and on
    connections that were reset (not on an address where nothing listens or that does not
    resolve, nor on a server that gave no answer within `timeout`). With `into`, the answer
    is streamed to that file (rewritten on each attempt) and the reply's body is empty."""
    hops = 0
    attempt = 0
    while True:
        if data is not None and not isinstance(data, bytes):
            data.seek(0)  # a file's content, sent again from its start on a retry
        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                if into is not None:
                    with into.open("wb") as sink:
                        shutil.copyfileobj(response, sink, 1 << 20)
                    return Reply(b"", response.headers)
                return Reply(response.read(), response.headers)
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location")
            if error.code in (301, 302, 303, 307, 308) and location:
                hops += 1
                if hops > REDIRECTS:
                    raise RemoteError(f"{method} {url}: more than {REDIRECTS} redirects") from None
                url = urllib.parse.urljoin(url, location)
                if error.code == 303 and method == "POST":  # see other: ask it by GET
                    is_form = (headers or {}).get("Content-Type", "").endswith("urlencoded")
                    if is_form and isinstance(data, bytes):
                        url = f"{url}{'&' if '?' in url else '?'}{data.decode('ascii')}"
                    method, data = "GET", None
                continue
            detail = error.read().decode("utf-8", "replace").strip()
            if error.code < 500 or attempt == RETRIES - 1:
                raise RemoteError(
                    f"{method} {_short(url)}: HTTP {error.code}: {detail[:300]}", error.code
                ) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, ConnectionRefusedError | socket.gaierror):
                # Nothing listens there, or the name does not resolve: a wrong address, which
                # waiting will not mend (a reset connection may pass, and is retried).
                raise RemoteError(
                    f"{method} {_short(url)}: {reason}; is the address right and the store running?"
                ) from None
            if isinstance(reason, TimeoutError | socket.timeout):
                raise RemoteError(
                    f"{method} {_short(url)}: no answer within {timeout:g} s "
                    "(--endpoint-timeout sets the limit)"
                ) from None
            if attempt == RETRIES - 1:
                raise RemoteError(f"{method} {_short(url)}: {reason}") from None
        time.sleep(0.5 * 2**attempt)
        attempt += 1


def holds_graph(url: str, timeout: float = 60.0) -> bool:
    """Whether the Graph Store Protocol address of a graph finds it: answered 2xx (True) or
    404 (False) to a HEAD, or to a GET closed before its body is read where the server has
    no HEAD (Virtuoso answers 501); any other failure is raised."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"Accept": "*/*"})
        try:
            with _OPENER.open(request, timeout=timeout):
                return True
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return False
            if method == "HEAD" and error.code in (405, 501):
                continue
            raise RemoteError(f"{method} {_short(url)}: HTTP {error.code}", error.code) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise RemoteError(f"{method} {_short(url)}: {reason}") from None
    return False


def server_software(url: str, timeout: float = 30.0) -> str:
    """The `Server` header a HEAD of `url` is answered with, whatever its status; "" when
    there is none or no answer (the requests that follow report an unreachable store)."""
    request = urllib.request.Request(url, method="HEAD")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return str(response.headers.get("Server", ""))
    except urllib.error.HTTPError as error:
        return str(error.headers.get("Server", "")) if error.headers else ""
    except (urllib.error.URLError, OSError):
        return ""


def _short(url: str) -> str:
    """The address, without its query string when that is a long one (a whole query in a
    URL says nothing; a graph's name says which)."""
    parts = urllib.parse.urlsplit(url)
    if len(parts.query) <= 200:
        return url
    return urllib.parse.urlunsplit(parts._replace(query="query=...", fragment=""))
