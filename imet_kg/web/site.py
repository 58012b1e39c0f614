"""What the web routes share: the loaded graph, the limits, templates, and the mapping of the
canonical base (https://w3id.org/imet-kg/) onto the address the server answers at."""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse

from imet_kg.errors import ImetKgError
from imet_kg.layout import Layout
from imet_kg.namespaces import BASE
from imet_kg.query.saved import SavedQuery, load_saved_queries
from imet_kg.sparql import internal_query
from imet_kg.store.dumps import DUMPS_FOLDER
from imet_kg.store.graph import KnowledgeGraph
from imet_kg.terms import term_text, typed
from imet_kg.web.caching import AnswerCache, code_version
from imet_kg.web.endpoint import Limits
from imet_kg.web.processes import QueryProcesses
from imet_kg.web.protection import ClientSlots

if TYPE_CHECKING:
    from imet_kg.search.lookup import SearchIndex
    from imet_kg.search.training import TrainingTable
    from imet_kg.web.downloads import Downloads
    from imet_kg.web.tables import Source


@dataclass
class Site:
    graph: KnowledgeGraph
    layout: Layout
    limits: Limits
    public_base: str | None = None
    query_processes: int = 2
    client_queries: int = 1
    cache: dict[str, bytes] = field(default_factory=dict)
    answers: AnswerCache = field(default_factory=AnswerCache)
    started: float = field(default_factory=time.time)
    void_template: list[ox.Triple] | None = None
    _coverage: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict, repr=False)
    _scratch: tempfile.TemporaryDirectory[str] | None = field(default=None, init=False, repr=False)

    @cached_property
    def processes(self) -> QueryProcesses:
        """Where the endpoint's queries run (started with the application)."""
        return QueryProcesses(self.graph, self.limits, self.query_processes, self.layout)

    @cached_property
    def search_index(self) -> SearchIndex | None:
        """The search index beside the served store; None when there is none."""
        from imet_kg.search.lookup import SearchIndex

        if self.graph.location is None:
            return None
        try:
            return SearchIndex(self.graph.location)
        except ImetKgError:
            return None

    @cached_property
    def training(self) -> TrainingTable | None:
        """The table of training records beside the served store; None when there is none."""
        from imet_kg.search.index import SEARCH_FILE
        from imet_kg.search.training import open_training

        if self.graph.location is None or not (self.graph.location / SEARCH_FILE).is_file():
            return None
        return open_training(self.graph.location / SEARCH_FILE)

    @cached_property
    def version(self) -> str:
        """The served data and code: the store's version directory (a new one at every build
        or import) with a digest of the site's code; a graph held in memory is a version of
        its own for the server's life."""
        if self.graph.location is not None:
            data = self.graph.location.resolve().name
        else:
            data = f"memory-{self.started:.6f}"
        return f"{data}-{code_version()}"

    @cached_property
    def modified(self) -> float:
        """When the served store was written (seconds since the epoch)."""
        if self.graph.location is not None:
            return self.graph.location.resolve().stat().st_mtime
        return self.started

    @cached_property
    def downloads(self) -> Downloads:
        from imet_kg.web.downloads import Downloads

        return Downloads()

    @cached_property
    def client_slots(self) -> ClientSlots:
        """How many of those one client address may hold at once."""
        return ClientSlots(self.client_queries, self.limits.seconds)

    @cached_property
    def templates(self) -> Any:
        from jinja2 import Environment, PackageLoader, select_autoescape

        return Environment(
            loader=PackageLoader("imet_kg.web", "templates"),
            autoescape=select_autoescape(["html"]),
        )

    @cached_property
    def dump_dir(self) -> Path:
        """Where the dumps are: the store's version directory's folder, where the build or
        import that wrote the version writes them (they are that version's, kept for the next
        server and removed with the version) and this server writes any still missing; for a
        graph held in memory or a folder that cannot be written, a scratch folder removed at
        close."""
        if self.graph.location is not None:
            folder = self.graph.location.resolve() / DUMPS_FOLDER
            try:
                folder.mkdir(exist_ok=True)
            except OSError:
                pass
            else:
                return folder
        self._scratch = tempfile.TemporaryDirectory(prefix="imet-kg-dumps-")
        return Path(self._scratch.name)

    def close(self) -> None:
        """End the query processes, close the search index and remove the scratch folder, if
        any."""
        self.processes.close()
        index = self.__dict__.pop("search_index", None)
        if index is not None:
            index.close()
        training = self.__dict__.pop("training", None)
        if training is not None:
            training.close()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None
            self.__dict__.pop("dump_dir", None)

    @cached_property
    def saved_queries(self) -> dict[str, SavedQuery]:
        """The saved queries, parsed once: the server reads no file per request."""
        return {query.name: query for query in load_saved_queries(self.layout.queries_dir)}

    @cached_property
    def starting_points(self) -> dict[str, str]:
        """Each saved query as the SPARQL editor offers it (see `editor`), made once."""
        from imet_kg.namespaces import prefixes
        from imet_kg.web.editor import starting_point

        names = prefixes(self.layout.context_file)
        return {
            name: starting_point(self.graph, query, names)
            for name, query in self.saved_queries.items()
        }

    @cached_property
    def sources(self) -> dict[str, Source]:
        """Every source by file name, as pages show it (read once)."""
        from imet_kg.network.chart_data import source_titles
        from imet_kg.web.tables import Source

        return {
            file: Source(
                entry["title"], entry["iri"], entry["publisher"], entry["caveats"], entry["ai"]
            )
            for file, entry in source_titles(self.graph).items()
        }

    @cached_property
    def triples(self) -> int:
        """Counted once: the served graph does not change."""
        return len(self.graph)

    @cached_property
    def programme_chart(self) -> dict[str, Any] | None:
        """The home page's chart of the programme's totals by year, computed once; None
        when no training records have been imported."""
        from imet_kg.network.chart_data import programme_training

        chart = programme_training(self.graph)
        return chart if chart["years"] else None

    @cached_property
    def entity_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The home page's index, read once: each kind of entity with its (IRI, label) pairs,
        sorted by kind and label."""
        groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
        seen: set[str] = set()
        for row in self.graph.select(internal_query("entity-types")).dicts():
            entity, label, kind = row["entity"], row["label"], row["typeLabel"]
            if isinstance(entity, ox.NamedNode) and entity.value not in seen:
                seen.add(entity.value)
                groups[kind.value if kind else "other"].append(
                    (entity.value, label.value if label else entity.value)
                )
        return sorted((kind, sorted(items, key=lambda i: i[1])) for kind, items in groups.items())

    def placement_coverage(self, first: str, last: str) -> tuple[int, int]:
        """Over the fiscal years `first` to `last`: the line items that print a location, and
        those whose location resolves to no place; kept per span, since the served graph
        does not change (every school page asks, for the years it trained in)."""
        if (first, last) not in self._coverage:
            rows = self.graph.select(
                internal_query("placement-coverage"),
                substitutions={"_first": typed(first, "integer"), "_last": typed(last, "integer")},
            ).dicts()
            self._coverage[(first, last)] = (
                (int(term_text(rows[0]["locatedItems"])), int(term_text(rows[0]["unplacedItems"])))
                if rows
                else (0, 0)
            )
        return self._coverage[(first, last)]

    def saved_query(self, name: str) -> SavedQuery:
        if name not in self.saved_queries:
            known = ", ".join(self.saved_queries)
            raise ImetKgError(f"no saved query named {name!r}; known queries: {known}")
        return self.saved_queries[name]

    def base(self, request: Request) -> str:
        """Where this server answers: --base when given, else the request's own address."""
        if self.public_base:
            return self.public_base.rstrip("/") + "/"
        return str(request.base_url)

    def local(self, request: Request, iri: str) -> str:
        """A canonical IRI as a link on this server; other IRIs are left as they are."""
        if iri.startswith(BASE):
            return self.base(request) + iri[len(BASE) :]
        return iri

    def page(
        self, request: Request, template: str, status: int = 200, **values: Any
    ) -> HTMLResponse:
        html = self.templates.get_template(template).render(
            site=self.base(request), local=lambda iri: self.local(request, iri), **values
        )
        return HTMLResponse(html, status_code=status)
