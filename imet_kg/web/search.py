"""Search on the server: `/search?q=` as a page (results grouped by kind, each linking to its
page) and `/api/search?q=` as JSON for programs and the pages' type-ahead. Every parameter is
checked and a bad one named in a 400; a server without a search index (serving the curated
files, or a store written before there were indexes) answers 503 saying how to write one."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from imet_kg.errors import ImetKgError
from imet_kg.search.kinds import DEFAULT_LIMIT, KINDS, MAX_LIMIT
from imet_kg.search.lookup import Hit, SearchIndex
from imet_kg.web.problems import Problem
from imet_kg.web.site import Site

MAX_QUERY = 200  # characters of words a search may give
PARAMETERS = {"q", "type", "country", "limit", "format"}
# What each kind is called in a page's headings, in the order the page shows them.
HEADINGS = {
    "country": "Countries",
    "agency": "Agencies and bodies",
    "school": "Schools",
    "place": "Places",
    "unit": "Units",
    "act": "Acts",
    "programme": "Programmes",
    "source": "Sources",
    "event": "Events",
    "claim": "Claims",
    "course": "Courses",
    "record": "Training records",
}


class SearchRequest:
    """The parameters of a search, checked."""

    def __init__(self, request: Request, *, page: bool) -> None:
        given = parse_qs(request.url.query, keep_blank_values=True)
        unknown = sorted(set(given) - PARAMETERS)
        if unknown:
            raise Problem(400, f"unknown parameter {unknown[0]!r}; use q, type, country, limit")
        for name in ("q", "country", "limit"):
            if len(given.get(name, [])) > 1:
                raise Problem(400, f"parameter {name!r} is given more than once")
        self.words = given.get("q", [""])[0]
        if len(self.words) > MAX_QUERY:
            raise Problem(400, f"parameter 'q' is longer than {MAX_QUERY} characters")
        if not self.words.strip() and not page:
            raise Problem(400, "parameter 'q' is required: the words to search for")
        self.kinds = [kind for kind in given.get("type", []) if kind]
        wrong = [kind for kind in self.kinds if kind not in KINDS]
        if wrong:
            raise Problem(400, f"parameter 'type': no kind {wrong[0]!r}; use {', '.join(KINDS)}")
        self.country = given.get("country", [""])[0].strip() or None
        limit = given.get("limit", [str(DEFAULT_LIMIT if not page else 100)])[0]
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
            raise Problem(400, f"parameter 'limit' is a number from 1 to {MAX_LIMIT}")
        self.limit = int(limit)

    def run(self, index: SearchIndex) -> list[Hit]:
        try:
            return index.search(
                self.words, kinds=self.kinds, country=self.country, limit=self.limit
            )
        except ImetKgError as error:
            raise Problem(400, str(error)) from None


def _index(site: Site) -> SearchIndex:
    if site.search_index is None:
        raise Problem(
            503,
            "this server has no search index: serve a store written by 'imet-kg build' or "
            "'imet-kg import fmtr' (each writes one beside the store)",
        )
    return site.search_index


async def search_api(request: Request) -> Response:
    site: Site = request.app.state.site
    asked = SearchRequest(request, page=False)
    hits = await run_in_threadpool(asked.run, _index(site))
    results = [{**hit._asdict(), "url": site.local(request, hit.iri)} for hit in hits]
    return JSONResponse({"query": asked.words, "results": results})


async def search_page(request: Request) -> Response:
    site: Site = request.app.state.site
    asked = SearchRequest(request, page=True)
    hits: list[Hit] = []
    problem = ""
    if asked.words.strip():
        try:
            hits = await run_in_threadpool(asked.run, _index(site))
        except Problem as error:
            problem = error.detail
    groups = [
        (kind, heading, [hit for hit in hits if hit.kind == kind])
        for kind, heading in HEADINGS.items()
    ]
    return site.page(
        request,
        "search.html",
        status=400 if problem else 200,
        words=asked.words,
        kinds=asked.kinds,
        country=asked.country or "",
        all_kinds=list(HEADINGS.items()),
        groups=[group for group in groups if group[2]],
        count=len(hits),
        problem=problem,
    )
