"""rdflib's engine in a worker process: same answers as pyoxigraph on the same triples, and a
query past its time limit is stopped without stopping the run."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from benchmarks.rdflib_engine import RdflibWorker, oxigraph_rows
from imet_kg import KnowledgeGraph

COUNT_BY_TYPE = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type"
BOUND = "SELECT ?label WHERE { ?thing <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"
ENDLESS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_worker_answers_as_pyoxigraph_and_survives_a_time_limit(
    graph: KnowledgeGraph, tmp_path: Path
) -> None:
    dump = tmp_path / "graph.nt"
    ox.serialize(graph.triples(), dump, ox.RdfFormat.N_TRIPLES)
    worker = RdflibWorker(dump)
    try:
        assert worker.start() > 0
        answer = worker.ask(COUNT_BY_TYPE, {}, limit=60)
        assert answer is not None
        expected = oxigraph_rows(graph.store.query(COUNT_BY_TYPE, use_default_graph_as_union=True))
        assert answer["rows"] == expected > 10
        assert worker.ask(ENDLESS, {}, limit=1) is None
        assert worker.process is None
        dod = ox.NamedNode("https://w3id.org/imet-kg/id/agency/dod")
        bound = worker.ask(BOUND, {"thing": dod}, limit=60)
        assert bound is not None
        assert bound["rows"] == 1
    finally:
        worker.stop()
