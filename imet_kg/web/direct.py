"""The SPARQL endpoint's most frequent request, a query in the URL (GET /sparql?query=...),
answered by the outermost of the site's middleware, before the router and the middleware
that add headers: the same parameters, limits, negotiation and refusals as the routed
endpoint (`protocol`), and the same headers, which it adds itself with the functions the
security and CORS middleware apply (`protection`); a test holds the two paths to the same
answer and headers. Every other request goes on to the application."""

from __future__ import annotations

import functools

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from imet_kg.errors import ImetKgError
from imet_kg.web.problems import Problem, problem_response
from imet_kg.web.protection import open_to_origins, security_headers
from imet_kg.web.protocol import Ready, answer_response, evaluate, url_parameters


class DirectQueries:
    """Middleware: GET /sparql with a query answered here, the rest by `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"] != "/sparql"
            or b"query=" not in scope["query_string"]
        ):
            await self.app(scope, receive, send)
            return
        site = scope["app"].state.site
        accept: str | None = None
        origin = False
        for name, value in scope["headers"]:
            if name == b"accept" and accept is None:
                accept = value.decode("latin-1")
            elif name == b"origin":
                origin = True
        try:
            parameters = _parameters(scope["query_string"], site.limits.body_bytes)
            queries = parameters.get("query")
            if not queries:
                await self.app(scope, receive, send)  # the service description or the page
                return
            if len(queries) != 1:
                raise Problem(400, "give exactly one 'query' parameter")
            wanted = parameters["format"][-1] if parameters.get("format") else None
            client = scope["client"][0] if scope.get("client") else "unknown"
            outcome = await evaluate(
                site,
                client,
                wanted,
                accept,
                queries[0],
                default_graphs=parameters.get("default-graph-uri", []),
                named_graphs=parameters.get("named-graph-uri", []),
            )
            if not isinstance(outcome, Ready):
                await _respond(answer_response(site, Request(scope, receive), outcome), origin)(
                    scope, receive, send
                )
                return
        except ImetKgError as error:  # the router's exception handler does not reach here
            response = await problem_response(Request(scope, receive), error)
            await _respond(response, origin)(scope, receive, send)
            return
        written = outcome.written
        media_type = outcome.choice.media_type
        if media_type.startswith("text/") and "charset=" not in media_type.lower():
            media_type += "; charset=utf-8"  # as a response declares a text type
        headers = [
            (b"content-length", str(len(written.data)).encode()),
            (b"content-type", media_type.encode("latin-1")),
            (b"vary", b"Accept"),
        ]
        start = {
            "type": "http.response.start",
            "status": 200,
            "headers": security_headers(open_to_origins(headers, origin)),
        }
        await send(start)
        await send({"type": "http.response.body", "body": written.data})


# URLs up to this long have their parameters kept: clients repeat their queries, and reading
# a URL's parameters (%-decoding the query) was a sixth of the server's work a request.
KEPT_URL_BYTES = 4096


def _parameters(query_string: bytes, limit: int) -> dict[str, list[str]]:
    """The URL's parameters (see `url_parameters`), not to be changed by the caller."""
    if len(query_string) > KEPT_URL_BYTES:
        return url_parameters(query_string, limit)
    return _kept_parameters(query_string, limit)


@functools.lru_cache(maxsize=256)
def _kept_parameters(query_string: bytes, limit: int) -> dict[str, list[str]]:
    return url_parameters(query_string, limit)


def _respond(response: Response, origin: bool) -> Response:
    """The response with the headers the site's middleware would have added."""
    response.raw_headers = security_headers(open_to_origins(response.raw_headers, origin))
    return response
