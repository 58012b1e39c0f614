"""A SPARQL 1.1 store elsewhere: push the graph to it through the Graph Store Protocol, and
ask it the same queries as the embedded store through the SPARQL Protocol."""

from __future__ import annotations

import itertools
import json
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from imet_kg.errors import ImetKgError, SparqlError
from imet_kg.layout import Layout
from imet_kg.media import GRAPH, find
from imet_kg.remote.values import with_values
from imet_kg.sparql import internal_query
from imet_kg.store.graph import Answer, KnowledgeGraph, QueryResult
from imet_kg.terms import OxTerm

RETRIES = 4
NTRIPLES = find(GRAPH, "nt").media_type


class RemoteError(ImetKgError):
    """The remote store could not be reached or refused a request."""


def _request(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    into: Path | None = None,
) -> bytes:
    """One HTTP request, retried with back-off on 5xx answers and on connections that were
    reset or timed out (not on an address where nothing listens or that does not resolve). With
    `into`, the answer is streamed to that file (rewritten on each attempt) instead."""
    for attempt in range(RETRIES):
        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                if into is not None:
                    with into.open("wb") as sink:
                        shutil.copyfileobj(response, sink, 1 << 20)
                    return b""
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip()
            if error.code < 500 or attempt == RETRIES - 1:
                raise RemoteError(f"{method} {url}: HTTP {error.code}: {detail[:300]}") from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, ConnectionRefusedError | socket.gaierror):
                # Nothing listens there, or the name does not resolve: a wrong address, which
                # waiting will not mend (a reset or a time-out may pass, and is retried).
                raise RemoteError(
                    f"{method} {url}: {reason}; is the address right and the store running?"
                ) from None
            if attempt == RETRIES - 1:
                raise RemoteError(f"{method} {url}: {reason}") from None
        time.sleep(0.5 * 2**attempt)
    raise RemoteError(f"{method} {url}: no answer")


@dataclass
class PushReport:
    """What was written: triples per named graph, and the requests it took."""

    graphs: dict[str, int] = field(default_factory=dict)
    requests: int = 0

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def _batches(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    batch: list[ox.Triple] = []
    for triple in triples:
        batch.append(triple)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def push(
    graph: KnowledgeGraph,
    graph_store: str,
    *,
    batch_size: int = 50_000,
    progress: Callable[[int], None] | None = None,
) -> PushReport:
    """Replace every named graph of `graph` at the Graph Store Protocol endpoint: the first
    batch of a graph is a PUT (so a re-run after a failure starts that graph afresh), the rest
    are POSTs. A graph with blank nodes goes in one request, so that they keep their identity."""
    report = PushReport()
    for name in graph.graphs():
        node = ox.NamedNode(name)
        triples = [quad.triple for quad in graph.store.quads_for_pattern(None, None, None, node)]
        has_blank = any(
            isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
            for t in triples
        )
        size = len(triples) if has_blank else batch_size
        url = f"{graph_store}?{urllib.parse.urlencode({'graph': name})}"
        for index, batch in enumerate(_batches(triples, max(size, 1))):
            data = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
            _request(
                url,
                method="PUT" if index == 0 else "POST",
                data=data,
                headers={"Content-Type": "application/n-triples"},
            )
            report.requests += 1
            if progress is not None:
                progress(len(batch))
        report.graphs[name] = len(triples)
    return report


class RemoteGraph:
    """The embedded graph's query interface over a SPARQL 1.1 query endpoint. The default
    graph is taken to be the union of the named graphs (Oxigraph's --union-default-graph,
    Fuseki's unionDefaultGraph)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def _post(self, sparql: str, accept: str) -> bytes:
        return _request(
            self.endpoint,
            method="POST",
            data=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
        )

    def download(self, store: ox.Store, scratch: Path) -> None:
        """Copy every named graph of the remote store into `store`, each through one
        CONSTRUCT streamed to a file in `scratch`."""
        listed = self.select(internal_query("named-graphs"))
        for (name,) in listed.rows:
            if not isinstance(name, ox.NamedNode):
                continue
            body = scratch / "graph.nt"
            sparql = with_values(internal_query("graph-triples"), {"_graph": name})
            _request(
                self.endpoint,
                method="POST",
                data=sparql.encode("utf-8"),
                headers={"Content-Type": "application/sparql-query", "Accept": NTRIPLES},
                into=body,
            )
            store.bulk_load(path=body, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
            body.unlink()

    def query(
        self,
        sparql: str,
        *,
        origin: str = "query",
        substitutions: Mapping[str, OxTerm] | None = None,
        limit: int | None = None,
    ) -> Answer:
        """Any query form, as the embedded graph answers it; `limit` applies once the whole
        answer has arrived (the endpoint sets its own limits)."""
        text = with_values(sparql, substitutions or {})
        form = _form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            body = self._post(text, "application/n-triples")
            parsed = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            return [quad.triple for quad in itertools.islice(parsed, limit)]
        document = json.loads(self._post(text, "application/sparql-results+json"))
        if "boolean" in document:
            return bool(document["boolean"])
        variables = tuple(document["head"]["vars"])
        rows = tuple(
            tuple(_term(binding.get(name)) for name in variables)
            for binding in document["results"]["bindings"][:limit]
        )
        return QueryResult(variables, rows)

    def select(
        self,
        sparql: str,
        *,
        origin: str = "query",
        substitutions: Mapping[str, OxTerm] | None = None,
    ) -> QueryResult:
        answer = self.query(sparql, origin=origin, substitutions=substitutions)
        if not isinstance(answer, QueryResult):
            raise SparqlError(origin, "expected a SELECT query")
        return answer

    def contains_subject(self, node: ox.NamedNode) -> bool:
        return self.query(internal_query("is-subject"), substitutions={"_entity": node}) is True

    def label(self, node: ox.NamedNode) -> str | None:
        return None


def _form(sparql: str) -> str:
    from imet_kg.sparql.tokens import tokens

    for token in tokens(sparql):
        word = token.text.upper()
        if token.kind == "name" and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return word
    return "SELECT"


def _term(binding: Mapping[str, str] | None) -> OxTerm | None:
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


def export_remote(
    endpoint: str, export_format: str, output: Path, layout: Layout
) -> tuple[int, Path]:
    """Copy the remote store's named graphs into a scratch store and export that as the local
    store is exported; the quads written and the file."""
    from imet_kg.store.formats import export

    with tempfile.TemporaryDirectory(prefix="imet-kg-export-") as scratch:
        store = ox.Store(str(Path(scratch) / "store"))
        RemoteGraph(endpoint).download(store, Path(scratch))
        path = export(KnowledgeGraph.from_store(store, layout), export_format, output, layout)
        quads = len(store)
        del store
    return quads, path
