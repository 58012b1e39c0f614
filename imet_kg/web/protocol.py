"""The SPARQL 1.1 Protocol endpoint, the saved-query API with its OpenAPI document, and the
VoID/DCAT description. Every refusal is an HTTP status with a plain message."""

from __future__ import annotations

import functools
import json
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from imet_kg.errors import ImetKgError
from imet_kg.media import DATASET, GRAPH, RESULTS, dump_files
from imet_kg.namespaces import DCAT, RDF_TYPE, SD, VOID, prefixes
from imet_kg.query.results import serialise_result
from imet_kg.sparql import internal_query
from imet_kg.store.graph import Answer
from imet_kg.web.negotiation import PAGE, Choice, answer_format, negotiate
from imet_kg.web.pages import rdf_response
from imet_kg.web.problems import Problem
from imet_kg.web.processes import Written
from imet_kg.web.site import Site


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Problem(413, f"the request body is larger than the {limit}-byte limit")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Problem(413, f"the request body is larger than the {limit}-byte limit")
    return body


def url_parameters(query_string: bytes, limit: int) -> dict[str, list[str]]:
    """The protocol's parameters in a request's URL; 414 when the query is longer than the
    body limit, 403 for an update."""
    if len(query_string) > 3 * limit:  # a 64 KiB text, %-encoded
        raise Problem(414, f"the query string is longer than a query may be ({limit} bytes)")
    parameters = parse_qs(query_string.decode("utf-8", errors="replace"), keep_blank_values=True)
    for value in parameters.get("query", []):
        if len(value.encode("utf-8", errors="surrogatepass")) > limit:
            raise Problem(414, f"the query is longer than the {limit}-byte limit")
    if "update" in parameters:
        raise Problem(403, "this endpoint is read-only: SPARQL Update is refused")
    return parameters


async def protocol_parameters(request: Request, site: Site) -> dict[str, list[str]]:
    """The protocol's parameters from the URL, a form body, or a direct query body. The body
    limit holds for a query in the URL too (414 past it)."""
    parameters = url_parameters(request.scope.get("query_string", b""), site.limits.body_bytes)
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await read_body(request, site.limits.body_bytes)
        text = body.decode("utf-8", errors="replace")
        if kind == "application/sparql-update":
            raise Problem(403, "this endpoint is read-only: SPARQL Update is refused")
        if kind == "application/x-www-form-urlencoded":
            for key, values in parse_qs(text, keep_blank_values=True).items():
                parameters.setdefault(key, []).extend(values)
        elif kind == "application/sparql-query":
            parameters.setdefault("query", []).append(text)
        else:
            raise Problem(
                415,
                "POST a query as application/sparql-query or as a form "
                "(application/x-www-form-urlencoded)",
            )
    if "update" in parameters:
        raise Problem(403, "this endpoint is read-only: SPARQL Update is refused")
    return parameters


@dataclass(frozen=True)
class Ready:
    """An answer a query process has written, with the format it was written in."""

    written: Written
    choice: Choice


async def run_with_limits(site: Site, request: Request, sparql: str, **options: object) -> Response:
    """The answer from a query process (see `evaluate`) as a response."""
    client = request.client.host if request.client else "unknown"
    wanted = request.query_params.get("format")
    outcome = await evaluate(site, client, wanted, request.headers.get("accept"), sparql, **options)
    if isinstance(outcome, Ready):
        return Response(
            outcome.written.data, media_type=outcome.choice.media_type, headers={"Vary": "Accept"}
        )
    return answer_response(site, request, outcome)


async def evaluate(
    site: Site,
    client: str,
    wanted: str | None,
    accept: str | None,
    sparql: str,
    *,
    remember: Hashable | None = None,
    **options: object,
) -> Ready | Answer:
    """The answer from a query process, which is ended if the query runs past the limit; the
    client's address waits for one of its slots first. With `remember` (what identifies the
    request, for a saved query: its name and values), a written answer is kept in the site's
    answer cache and a repeated request is answered from there. The worker writes the answer in the
    format negotiated for its kind (from `wanted`, ?format=, and `accept`), returned with that
    choice (`Ready`); an answer of a kind no offered format suits comes back unwritten, for
    `answer_response` to refuse (406)."""
    choices = _choices(wanted, accept)
    formats = {kind: choice.format.name for kind, choice in choices.items() if choice}
    key = (remember, tuple(sorted(formats.items()))) if remember is not None else None
    kept = site.answers.get(key) if key is not None else None
    if kept is not None:
        answer: Answer | Written = Written(*kept)
    else:
        async with site.client_slots.slot(client):
            answer = await site.processes.run(sparql, formats=formats, **options)  # type: ignore[arg-type]
        if key is not None and isinstance(answer, Written):
            site.answers.put(key, answer.data, answer.kind)
    if isinstance(answer, Written):
        choice = choices[answer.kind]
        assert choice is not None
        return Ready(answer, choice)
    return answer


@functools.lru_cache(maxsize=1024)
def _choices(wanted: str | None, accept: str | None) -> Mapping[str, Choice | None]:
    """The format for each kind of answer, or None where no offered format suits it
    (remembered for the next request that sends the same two)."""
    choices: dict[str, Choice | None] = {}
    for kind, kinds in (("results", (RESULTS,)), ("graph", (GRAPH, DATASET))):
        try:
            choices[kind] = negotiate(wanted, accept, kinds)
        except Problem:
            choices[kind] = None
    return choices


def answer_response(site: Site, request: Request, answer: Answer) -> Response:
    """The answer in the format the request asks for (?format= or Accept): results for
    SELECT and ASK, RDF for CONSTRUCT and DESCRIBE; 406 naming the formats on offer."""
    if isinstance(answer, list):
        return rdf_response(site, answer, answer_format(request, (GRAPH, DATASET)))
    choice = answer_format(request, (RESULTS,))
    data = serialise_result(answer, choice.format.name)
    return Response(data, media_type=choice.media_type, headers={"Vary": "Accept"})


async def sparql(request: Request) -> Response:
    site: Site = request.app.state.site
    parameters = await protocol_parameters(request, site)
    queries = parameters.get("query", [])
    if not queries:
        return service_or_page(site, request)
    return await query_response(site, request, parameters)


async def query_response(
    site: Site, request: Request, parameters: dict[str, list[str]]
) -> Response:
    """The answer to the protocol's query operation, with its dataset parameters."""
    queries = parameters.get("query", [])
    if len(queries) != 1:
        raise Problem(400, "give exactly one 'query' parameter")
    return await run_with_limits(
        site,
        request,
        queries[0],
        default_graphs=parameters.get("default-graph-uri", []),
        named_graphs=parameters.get("named-graph-uri", []),
    )


def service_or_page(site: Site, request: Request) -> Response:
    choice = answer_format(request, (GRAPH, DATASET), page=True)
    endpoint = site.base(request) + "sparql"
    if choice.format is PAGE:
        queries = list(site.saved_queries.values())
        return site.page(
            request,
            "query.html",
            endpoint=endpoint,
            limits=site.limits,
            examples=queries,
            examples_json=json.dumps(site.starting_points).replace("</", "<\\/"),
            default_query=_with_prefixes(site, internal_query("query-page-default")),
        )
    description = site.graph.query(
        internal_query("service-description"),
        substitutions={
            "_endpoint": ox.NamedNode(endpoint),
            "_dataset": ox.NamedNode(site.base(request) + ".well-known/void"),
        },
    )
    assert isinstance(description, list)
    return rdf_response(site, description + named_graph_triples(site, request), choice)


def _with_prefixes(site: Site, sparql: str) -> str:
    """The editor's first query: its opening comment, the project's prefixes, its text."""
    names = prefixes(site.layout.context_file)
    comment, _, rest = sparql.partition("\n")
    declared = "".join(f"PREFIX {name}: <{names[name]}>\n" for name in sorted(names))
    return f"{comment}\n{declared}{rest}"


def named_graph_triples(site: Site, request: Request) -> list[ox.Triple]:
    """sd:namedGraph entries for every graph in the store (one per source file and rule)."""
    dataset = ox.NamedNode(site.base(request) + ".well-known/void")
    triples = []
    for graph in site.graph.graphs():
        entry = ox.BlankNode()
        triples += [
            ox.Triple(dataset, ox.NamedNode(f"{SD}namedGraph"), entry),
            ox.Triple(
                entry,
                ox.NamedNode(RDF_TYPE),
                ox.NamedNode(f"{SD}NamedGraph"),
            ),
            ox.Triple(entry, ox.NamedNode(f"{SD}name"), ox.NamedNode(graph)),
        ]
    return triples


async def saved_query_list(request: Request) -> Response:
    site: Site = request.app.state.site
    queries = list(site.saved_queries.values())
    return JSONResponse(
        [
            {**query.describe(), "url": f"{site.base(request)}api/queries/{query.name}"}
            for query in queries
        ]
    )


async def saved_query(request: Request) -> Response:
    from imet_kg.query.binding import bind_parameters

    site: Site = request.app.state.site
    name = request.path_params["name"]
    try:
        query = site.saved_query(name)
    except ImetKgError as error:
        raise Problem(404, str(error)) from None
    values: dict[str, str] = {}
    for key, items in parse_qs(request.url.query, keep_blank_values=True).items():
        if len(items) > 1:
            raise Problem(400, f"parameter {key!r} is given {len(items)} times")
        if key != "format":  # the answer's format, not the query's
            values[key] = items[0]
    bindings = await run_in_threadpool(
        bind_parameters, site.graph, query, values, prefixes(site.layout.context_file)
    )
    return await run_with_limits(
        site,
        request,
        query.sparql,
        substitutions=bindings,
        origin=str(query.path),
        hide_parameters=True,
        remember=("saved", name, tuple(sorted(values.items()))),
    )


async def openapi(request: Request) -> Response:
    from importlib.metadata import version

    from imet_kg.web.openapi import openapi_document

    site: Site = request.app.state.site
    document = openapi_document(
        list(site.saved_queries.values()),
        site.base(request).rstrip("/"),
        version("imet-kg"),
    )
    return JSONResponse(document)


# The VoID description is computed once (its counts read the whole store) with this stand-in
# for the site's address, then given each request's address: the Host header is the
# client's to choose, so nothing is kept per address.
VOID_BASE = "urn:imet-kg:site/"


def void(request: Request) -> Response:
    """A plain function, so that it runs in the thread pool: the first request counts the
    store; every later one rewrites the description to its own address."""
    site: Site = request.app.state.site
    base = site.base(request)
    choice = answer_format(request, (GRAPH, DATASET))
    if site.void_template is None:
        site.void_template = void_description(site)
    triples = [_rebased(triple, base) for triple in site.void_template]
    return rdf_response(site, triples, choice)


def void_description(site: Site) -> list[ox.Triple]:
    """The VoID triples, with VOID_BASE where the site's address goes; one dump (a DCAT
    distribution) per RDF format of the table of formats."""
    dataset = ox.NamedNode(VOID_BASE + ".well-known/void")
    description = site.graph.query(
        internal_query("void"),
        substitutions={"_dataset": dataset, "_endpoint": ox.NamedNode(VOID_BASE + "sparql")},
    )
    assert isinstance(description, list)
    files = dump_files()
    listed = [(file, entry.media_type, False) for file, entry in files.items()]
    listed += [(f"{file}.gz", entry.media_type, True) for file, entry in files.items()]
    for file, media_type, packed in listed:
        dump = ox.NamedNode(f"{VOID_BASE}dumps/{file}")
        description += [
            ox.Triple(dataset, ox.NamedNode(f"{VOID}dataDump"), dump),
            ox.Triple(dataset, ox.NamedNode(f"{DCAT}distribution"), dump),
            ox.Triple(dump, ox.NamedNode(RDF_TYPE), ox.NamedNode(f"{DCAT}Distribution")),
            ox.Triple(dump, ox.NamedNode(f"{DCAT}downloadURL"), dump),
            ox.Triple(dump, ox.NamedNode(f"{DCAT}mediaType"), ox.Literal(media_type)),
        ]
        if packed:  # DCAT 2: the content's media type, and the compression around it
            description.append(
                ox.Triple(
                    dump,
                    ox.NamedNode(f"{DCAT}compressFormat"),
                    ox.NamedNode("http://www.iana.org/assignments/media-types/application/gzip"),
                )
            )
    return description


def _rebased(triple: ox.Triple, base: str) -> ox.Triple:
    def term(node: Any) -> Any:
        if isinstance(node, ox.NamedNode) and node.value.startswith(VOID_BASE):
            return ox.NamedNode(base + node.value.removeprefix(VOID_BASE))
        return node

    return ox.Triple(term(triple.subject), triple.predicate, term(triple.object))
