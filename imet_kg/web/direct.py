"""The SPARQL endpoint's most frequent request, a query in the URL (GET /sparql?query=...),
answered by the innermost middleware, before the router: the same parameters, limits,
negotiation and refusals as the routed endpoint, and the same headers, since the security
and CORS middleware wrap it as they wrap the routes. Every other request goes on to the
router."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from imet_kg.errors import ImetKgError
from imet_kg.web.problems import problem_response
from imet_kg.web.protocol import protocol_parameters, query_response


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
        request = Request(scope, receive)
        site = scope["app"].state.site
        try:
            parameters = await protocol_parameters(request, site)
            if not parameters.get("query"):
                await self.app(scope, receive, send)  # the service description or the page
                return
            response = await query_response(site, request, parameters)
        except ImetKgError as error:  # the router's exception handler does not reach here
            response = await problem_response(request, error)
        await response(scope, receive, send)
