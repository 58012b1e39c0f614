"""One benchmark run on the full graph (curated plus the imported training records):
import, store opening, build, validation, every saved query beside raw pyoxigraph on the same
store and text, projections, exports, and cold starts. Writes benchmarks/results/run-DATE.*.

    python -m benchmarks [--records PATH]

rdflib's own engine is measured on the curated graph only: over the 1.75 M imported triples
its load alone takes about a minute and its aggregates several (see ../shared/DESIGN.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import rdflib

from benchmarks.record import machine, save
from imet_kg import KnowledgeGraph, Layout, build, default_layout, load_graph, validate
from imet_kg.binding import bind_parameters
from imet_kg.exporting import export
from imet_kg.fmtr import default_records_path
from imet_kg.importing import import_fmtr
from imet_kg.namespaces import prefixes
from imet_kg.persistent import open_store
from imet_kg.pipeline import assemble
from imet_kg.projections import project, projection_queries
from imet_kg.querying import run_saved_query
from imet_kg.saved_queries import SavedQuery, load_saved_queries
from imet_kg.terms import OxTerm, rdflib_graph, to_rdflib

TARGETS = {
    "saved query ratio to raw pyoxigraph": 1.5,
    "import seconds": 60.0,
    "store open seconds": 0.5,
    "--help seconds": 0.3,
}


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    """The median wall-clock seconds of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold(command: list[str], repeat: int) -> float:
    return timed(lambda: subprocess.run(command, capture_output=True, check=True), repeat)


def run(records: Path) -> dict[str, object]:
    layout = default_layout()
    work = Path(tempfile.mkdtemp(prefix="imet-kg-bench-"))
    figures: dict[str, object] = {}
    try:
        store = work / "store"
        figures["import seconds"] = round(timed(lambda: import_fmtr(layout, records, store)), 2)
        figures["store open seconds"] = round(timed(lambda: open_store(store, layout), 5), 3)
        graph = load_graph(layout, store)
        figures["quads"] = len(graph.store)
        figures["build seconds (curated: load, rules, validation, 5 exports)"] = round(
            timed(lambda: build(layout, work / "dist")), 2
        )
        curated, _ = assemble(layout)
        figures["validation seconds (curated graph, pySHACL)"] = round(
            timed(lambda: validate(curated, layout)), 2
        )
        figures["queries"] = queries(graph, curated, layout)
        figures["projections seconds"] = {
            name: round(timed(lambda n=name: project(graph, layout, n)), 3)  # type: ignore[misc]
            for name in projection_queries(layout)
        }
        figures["exports seconds (full store)"] = {
            fmt: round(timed(lambda f=fmt: export(graph, f, work / f"all.{f}", layout)), 2)  # type: ignore[misc]
            for fmt in ("nt", "ttl", "trig", "jsonld")
        }
        cli = [sys.executable, "-m", "imet_kg.cli"]
        figures["--help seconds"] = round(cold([*cli, "--help"], 5), 3)
        figures["cold saved query seconds (who-administers, fresh process, store)"] = round(
            cold([*cli, "--store", str(store), "query", "who-administers", "--format", "csv"], 3), 3
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "benchmark": "run",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "records": str(records),
        "figures": figures,
        "targets": TARGETS,
    }


def queries(
    graph: KnowledgeGraph, curated: KnowledgeGraph, layout: Layout
) -> list[dict[str, object]]:
    """Each saved query through imet-kg and as raw pyoxigraph on the same store and text;
    rdflib's engine on the curated graph."""
    local = rdflib_graph(curated.triples())
    names = prefixes(layout.context_file)
    return [
        measure(graph, local, layout, query, names)
        for query in load_saved_queries(layout.queries_dir)
    ]


def measure(
    graph: KnowledgeGraph,
    local: rdflib.Graph,
    layout: Layout,
    query: SavedQuery,
    names: dict[str, str],
) -> dict[str, object]:
    values = {p.name: p.example for p in query.parameters if p.required and p.example}
    bindings = bind_parameters(graph, query, values, names)
    substitutions: dict[ox.Variable, OxTerm | ox.Triple] = {
        ox.Variable(k): v for k, v in bindings.items()
    }

    def raw() -> None:
        answer = graph.store.query(
            query.sparql, use_default_graph_as_union=True, substitutions=substitutions or None
        )
        if not isinstance(answer, ox.QueryBoolean):
            list(answer)

    ours = timed(lambda: run_saved_query(graph, layout, query.name, values), 3)
    oxigraph = timed(raw, 3)
    initial = {name: to_rdflib(term) for name, term in bindings.items()}
    rdflib_seconds = timed(lambda: list(local.query(query.sparql, initBindings=initial)))
    return {
        "query": query.name,
        "imet-kg seconds": round(ours, 4),
        "raw pyoxigraph seconds": round(oxigraph, 4),
        "ratio to raw pyoxigraph": round(ours / oxigraph, 2) if oxigraph else None,
        "rdflib seconds (curated graph only)": round(rdflib_seconds, 4),
    }


def markdown(report: dict[str, object]) -> str:
    figures = report["figures"]
    assert isinstance(figures, dict)
    lines = [
        f"# Benchmark run, {report['date']}",
        "",
        f"Machine: {json.dumps(report['machine'])}.",
        "",
    ]
    lines += ["| figure | value | target |", "| --- | ---: | ---: |"]
    for key, value in figures.items():
        if isinstance(value, int | float):
            target = TARGETS.get(key)
            lines.append(f"| {key} | {value} | {target if target is not None else ''} |")
    for key in ("projections seconds", "exports seconds (full store)"):
        for name, value in figures[key].items():
            lines.append(f"| {key}: {name} | {value} | |")
    lines += [
        "",
        "| saved query | imet-kg (s) | raw pyoxigraph (s) | ratio | rdflib, curated only (s) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in figures["queries"]:
        lines.append(
            f"| {row['query']} | {row['imet-kg seconds']} | {row['raw pyoxigraph seconds']} | "
            f"{row['ratio to raw pyoxigraph']} | {row['rdflib seconds (curated graph only)']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="One benchmark run on the full graph.")
    parser.add_argument("--records", type=Path, default=default_records_path(default_layout()))
    arguments = parser.parse_args()
    report = run(arguments.records)
    save("run", report, markdown(report))


if __name__ == "__main__":
    main()
