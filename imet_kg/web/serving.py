"""Running the web application on a real HTTP server (uvicorn), with the limits that keep a
public server answering: a deadline for each request, a cap on open connections, and room
for a 64 KiB query in the request line."""

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
        limit_concurrency=max_connections,
        # room for a 64 KiB query in the request line, percent-encoded
        h11_max_incomplete_event_size=256 * 1024,
    )
