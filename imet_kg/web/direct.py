"""The SPARQL endpoint's most frequent request, a query in the URL (GET /sparql?query=...),
answered straight from the ASGI scope: the same parameters, limits, negotiation, refusals
and headers as the routed application, without its routing and middleware layers, which
cost the server more than the hand-off to a query process. Every other request goes to the
application."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import Message, Receive, Scope, Send

from imet_kg.errors import ImetKgError
from imet_kg.web.problems import Problem
from imet_kg.web.protection import secured
from imet_kg.web.protocol import protocol_parameters, query_response
from imet_kg.web.site import Site


class DirectQueries:
    """An ASGI application: GET /sparql with a query answered here, the rest by `app`."""

    def __init__(self, app: Starlette, site: Site) -> None:
        self.app = app
        self.site = site

    @property
    def state(self) -> State:
        """The application's state (its `site`)."""
        return self.app.state

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
        try:
            parameters = await protocol_parameters(request, self.site)
            if not parameters.get("query"):
                await self.app(scope, receive, send)  # the service description or the page
                return
            response = await query_response(self.site, request, parameters)
        except Problem as problem:
            response = PlainTextResponse(problem.detail + "\n", problem.status, problem.headers)
        except ImetKgError as error:
            response = PlainTextResponse(f"{error}\n", 400)
        crossing = b"origin" in {name for name, _ in scope["headers"]}

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = secured(message.get("headers", []))
                if crossing:  # as the CORS middleware answers a simple cross-origin request
                    headers.append((b"access-control-allow-origin", b"*"))
                message = {**message, "headers": headers}
            await send(message)

        await response(scope, receive, send_secured)
