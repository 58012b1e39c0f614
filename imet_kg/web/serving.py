"""Running the web application on a real HTTP server (uvicorn), with the limits that keep a
public server answering: a deadline for each request, a cap on open connections, and a cap on
a request's URL and head (see `protection.deadline_protocol`)."""

from __future__ import annotations

from starlette.applications import Starlette

from imet_kg.web.protection import deadline_protocol


def run_server(
    app: Starlette, *, host: str, port: int, request_timeout: float, max_connections: int
) -> None:
    """Serve `app` on host:port until interrupted."""
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=deadline_protocol(request_timeout),
        loop="uvloop",
        limit_concurrency=max_connections,
    )
