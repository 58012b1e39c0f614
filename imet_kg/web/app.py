"""The web application, built by a factory from a loaded graph: linked-data pages and
resources, the SPARQL endpoint, the saved-query API, VoID and dumps. `serve` only runs it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette_compress import CompressMiddleware

from imet_kg.errors import ImetKgError
from imet_kg.layout import Layout
from imet_kg.store.graph import KnowledgeGraph
from imet_kg.web import pages, protocol, query_pages, search, training
from imet_kg.web.caching import HttpCaching, compressed_types
from imet_kg.web.direct import DirectQueries
from imet_kg.web.endpoint import Limits
from imet_kg.web.problems import problem_response
from imet_kg.web.protection import SecurityHeaders
from imet_kg.web.site import Site


async def _not_found(request: Request, _error: Exception) -> Response:
    site: Site = request.app.state.site
    path = request.url.path.lstrip("/").removeprefix("id/")
    return await run_in_threadpool(pages.not_found, site, request, path)


def create_app(
    graph: KnowledgeGraph,
    layout: Layout,
    *,
    limits: Limits | None = None,
    public_base: str | None = None,
    query_processes: int | None = None,
    client_queries: int | None = None,
) -> Starlette:
    """The ASGI application serving `graph`. `public_base` is the address clients use when
    it differs from the one requests arrive at (behind a proxy). SPARQL and saved queries run
    in `query_processes` worker processes (one per core by default), ended past the limit;
    one client address may have `client_queries` of them running at once (by default half
    the processes, at least one), and its further queries wait."""
    processes = query_processes or os.cpu_count() or 1
    site = Site(
        graph,
        layout,
        limits or Limits(),
        public_base,
        processes,
        client_queries or max(1, processes // 2),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await site.processes.start()
        if site.training is not None:  # the record browser's first view, counted meanwhile
            site.training.warm_in_background()
        try:
            yield
        finally:
            site.close()

    compressed_types()
    static = Path(str(resources.files("imet_kg.web").joinpath("static")))
    app = Starlette(
        routes=[
            Route("/", pages.home),
            Route("/id/{path:path}", pages.resource),
            Route("/ontology", pages.ontology),
            Route("/ontology.{ext}", pages.ontology),
            Route("/sparql", protocol.sparql, methods=["GET", "POST"]),
            Route("/training", training.training_page),
            Route("/training.{extension}", training.training_download),
            Route("/queries", query_pages.query_index),
            Route("/queries/{name}", query_pages.query_page),
            Route("/api/queries", protocol.saved_query_list),
            Route("/api/queries/{name}", protocol.saved_query),
            Route("/openapi.json", protocol.openapi),
            Route("/search", search.search_page),
            Route("/api/search", search.search_api),
            Route("/.well-known/void", protocol.void),
            Route("/dumps/{name}", pages.dump),
            Route("/network/{name}", pages.network_view),
            Mount("/static", StaticFiles(directory=static), name="static"),
        ],
        middleware=[
            # Text answers compressed, by zstd, brotli or gzip as the client accepts (small
            # ones are not); a dump already compressed is sent as it is.
            Middleware(CompressMiddleware, minimum_size=1024, remove_accept_encoding=False),
            # GET queries skip the router and add the headers themselves.
            Middleware(DirectQueries),
            # Validators and Cache-Control; 304 before anything is computed.
            Middleware(HttpCaching, version=site.version, modified=site.modified),
            Middleware(SecurityHeaders),
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_credentials=False,  # open for reading, never with the user's cookies
                allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                allow_headers=["Accept", "Content-Type"],
            ),
        ],
        exception_handlers={404: _not_found, ImetKgError: problem_response},
        lifespan=lifespan,
    )
    app.state.site = site
    return app
