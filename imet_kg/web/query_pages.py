"""Saved queries as pages: /queries lists them; /queries/NAME shows a form with a field per
parameter and, once its values are given, the answer as a sortable table of pages with labels
beside IRIs and links to each entity's page, a permalink, and downloads of the whole answer
(/queries/NAME.csv, .tsv, .json, streamed as the rows arrive). The page's answer comes from
the query processes, under the endpoint's limits, and is kept in the answer cache: sorting
and paging run the query once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlencode

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from imet_kg.errors import ImetKgError
from imet_kg.namespaces import ONTOLOGY, prefixes
from imet_kg.query.binding import ParameterError, bind_parameters
from imet_kg.query.saved import Parameter, SavedQuery
from imet_kg.search.kinds import FAMILIES
from imet_kg.terms import OxTerm, compact
from imet_kg.web.guard import QueryRefused
from imet_kg.web.problems import Problem
from imet_kg.web.protocol import Ready, evaluate
from imet_kg.web.site import Site
from imet_kg.web.tables import Cell, Table, table

# The downloads of an answer: file extension, result format, media type.
DOWNLOADS = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "tsv": ("tsv", "text/tab-separated-values; charset=utf-8"),
    "json": ("json", "application/sparql-results+json"),
}
# The page's own parameters, beside the query's.
VIEW = ("_sort", "_desc", "_page")
_INPUTS = {
    "year": "number",
    "integer": "number",
    "decimal": "number",
    "date": "text",
    "string": "text",
    "entity": "text",
    "iri": "text",
}


class Field(NamedTuple):
    """A form field for a parameter."""

    name: str
    type: str  # the parameter's type
    input: str  # the <input> type, or "select" for a boolean
    value: str
    required: bool
    example: str
    description: str
    kind: str  # the search kind the type-ahead offers ("" for any), for entities and IRIs


def _search_kind(parameter: Parameter) -> str:
    if parameter.class_name is None:
        return ""
    local = parameter.class_name.rsplit(":", 1)[-1].removeprefix(ONTOLOGY)
    return FAMILIES.get(local, "")


def fields(query: SavedQuery, values: Mapping[str, str]) -> list[Field]:
    return [
        Field(
            p.name,
            p.type,
            "select" if p.type == "boolean" else _INPUTS.get(p.type, "text"),
            values.get(p.name, ""),
            p.required and p.default is None,
            p.example or p.default or "",
            p.description,
            _search_kind(p) if p.type in ("entity", "iri") else "",
        )
        for p in query.parameters
    ]


def read_values(request: Request, query: SavedQuery) -> tuple[dict[str, str], dict[str, str]]:
    """The query's values and the view's (sort, order, page) from the URL; 400 naming a
    parameter given twice or one the query does not declare. An empty value is no value."""
    values: dict[str, str] = {}
    view: dict[str, str] = {}
    declared = {p.name for p in query.parameters}
    for key, items in parse_qs(request.url.query, keep_blank_values=True).items():
        if len(items) > 1:
            raise Problem(400, f"parameter {key!r} is given {len(items)} times")
        if key in VIEW:
            view[key] = items[0]
        elif key in declared:
            if items[0].strip():
                values[key] = items[0].strip()
        else:
            known = ", ".join(sorted(declared)) or "none"
            raise Problem(400, f"{query.name}: unknown parameter {key!r} (declared: {known})")
    return values, view


def _page_number(view: Mapping[str, str]) -> int:
    text = view.get("_page", "1") or "1"
    if not text.isdigit() or len(text) > 6:
        raise Problem(400, f"parameter '_page' takes a page number, not {text[:20]!r}")
    return max(int(text), 1)


def _ordered(query: SavedQuery, values: Mapping[str, str]) -> list[tuple[str, str]]:
    """The values in the order the query declares them (a permalink is one URL)."""
    return [(p.name, values[p.name]) for p in query.parameters if p.name in values]


def query_index(request: Request) -> Response:
    site: Site = request.app.state.site
    queries = sorted(site.saved_queries.values(), key=lambda q: q.name)
    tags = sorted({tag for query in queries for tag in query.tags})
    return site.page(request, "queries.html", queries=queries, tags=tags)


async def query_page(request: Request) -> Response:
    site: Site = request.app.state.site
    name: str = request.path_params["name"]
    stem, _, extension = name.rpartition(".")
    if stem and extension in DOWNLOADS:
        return await download(site, request, stem, extension)
    query = site.saved_queries.get(name)
    if query is None:
        known = ", ".join(sorted(site.saved_queries))
        raise Problem(404, f"no saved query named {name[:80]!r}; known queries: {known}")
    values, view = read_values(request, query)
    ordered = _ordered(query, values)
    shown: dict[str, Any] = {
        "query": query,
        "fields": fields(query, values),
        "values": ordered,
        "example": urlencode(
            [(p.name, p.example) for p in query.parameters if p.example is not None]
        ),
        "downloads": [],
        "answer": None,
        "problem": "",
        "limits": site.limits,
        "permalink": "",
    }
    missing = [f for f in shown["fields"] if f.required and not f.value]
    if missing:
        return site.page(request, "saved_query.html", **shown)
    encoded = urlencode(ordered)
    base = f"{site.base(request)}queries/{query.name}"
    shown["downloads"] = [
        (extension.upper(), f"{base}.{extension}" + (f"?{encoded}" if encoded else ""))
        for extension in DOWNLOADS
    ]
    try:
        bindings = await run_in_threadpool(
            bind_parameters, site.graph, query, values, prefixes(site.layout.context_file)
        )
        page = _page_number(view)
        client = request.client.host if request.client else "unknown"
        outcome = await evaluate(
            site,
            client,
            "json",
            None,
            query.sparql,
            substitutions=bindings,
            origin=str(query.path),
            hide_parameters=True,
            remember=("saved", query.name, tuple(sorted(values.items()))),
        )
    except QueryRefused as refused:
        shown["problem"] = refused.detail
        return site.page(request, "saved_query.html", status=refused.status, **shown)
    except (ParameterError, Problem) as error:
        shown["problem"] = str(error)
        return site.page(request, "saved_query.html", status=400, **shown)
    assert isinstance(outcome, Ready)  # every saved query is a SELECT
    answer = json.loads(outcome.written.data)
    sort = view.get("_sort") or None
    descending = view.get("_desc", "") not in ("", "0", "false")
    names = prefixes(site.layout.context_file)
    labels: dict[str, str] = {}

    def label(iri: str) -> str:
        if iri not in labels:
            labels[iri] = site.graph.label(ox.NamedNode(iri)) or compact(iri, names)
        return labels[iri]

    result = await run_in_threadpool(
        table,
        answer["head"]["vars"],
        answer["results"]["bindings"],
        sort=sort,
        descending=descending,
        page=page,
        label=label,
        link=lambda iri: site.local(request, iri),
        sources={
            file: source._replace(href=site.local(request, source.href))
            for file, source in site.sources.items()
        },
    )
    result = result._replace(rows=_records_behind(site, request, query, bindings, result))

    def view_link(**changes: str) -> str:
        state = {"_sort": result.sort or "", "_desc": "1" if result.descending else ""}
        state["_page"] = str(result.page) if result.page > 1 else ""
        state.update(changes)
        extra = [(key, state[key]) for key in VIEW if state.get(key)]
        return f"{base}?{urlencode(ordered + extra)}"

    shown.update(
        answer=result,
        view_link=view_link,
        permalink=view_link(),
        sources=_sources(result.columns),
    )
    return site.page(request, "saved_query.html", **shown)


def _records_behind(
    site: Site, request: Request, query: SavedQuery, bindings: Mapping[str, OxTerm], table: Table
) -> list[list[Cell]]:
    """The rows, each fiscal year of an answer about one country linked to that country's
    records of the year in the record browser (when the store has them)."""
    country = next(
        (
            bindings.get(p.variable)
            for p in query.parameters
            if p.class_name == "imet:Country" and isinstance(bindings.get(p.variable), ox.NamedNode)
        ),
        None,
    )
    if site.training is None or country is None or "year" not in table.columns:
        return table.rows
    code = str(country.value).rsplit("/", 1)[-1]
    at = table.columns.index("year")
    base = f"{site.base(request)}training?"

    def linked(row: list[Cell]) -> list[Cell]:
        year = row[at].text
        if not (year.isdigit() and len(year) == 4):
            return row
        href = base + urlencode({"country": code, "year": year})
        return [*row[:at], row[at]._replace(href=href, iri=""), *row[at + 1 :]]

    return [linked(row) for row in table.rows]


def _sources(columns: tuple[str, ...]) -> str:
    """The column that names each row's sources, if the answer has one."""
    for name in ("sources", "source", "editions", "edition"):
        if name in columns:
            return name
    return ""


async def download(site: Site, request: Request, name: str, extension: str) -> Response:
    """The saved query's whole answer in CSV, TSV or SPARQL JSON, streamed as rows arrive."""
    query = site.saved_queries.get(name)
    if query is None:
        raise Problem(404, f"no saved query named {name[:80]!r}")
    values, view = read_values(request, query)
    if view:
        raise Problem(400, f"parameter {next(iter(view))!r} is for the page, not a download")
    try:
        bindings: dict[str, OxTerm] = await run_in_threadpool(
            bind_parameters, site.graph, query, values, prefixes(site.layout.context_file)
        )
    except ImetKgError as error:
        raise Problem(400, str(error)) from None
    result_format, media_type = DOWNLOADS[extension]
    chunks = await site.downloads.stream(
        site.graph,
        query.sparql,
        bindings,
        result_format,
        origin=str(query.path),
        wait=site.limits.seconds,
    )
    suffix = "-".join(value for _, value in _ordered(query, values))
    filename = "".join(c if c.isalnum() or c in "-_." else "_" for c in f"{name}-{suffix}")
    return StreamingResponse(
        chunks,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename.strip("-_")}.{extension}"'
        },
    )
