"""One benchmark run on the full graph (curated plus the imported training records):
import, store opening, build, full validation, every saved query beside raw pyoxigraph on the
same store and text and beside rdflib's engine on the same triples, projections, exports, and
cold starts. Writes benchmarks/results/run-DATE.*.

    python -m benchmarks [--records PATH] [--rdflib-limit SECONDS]

rdflib answers in a worker process that loads the full N-Triples export; a query it has not
finished within the limit (300 s by default) is stopped and reported as over the limit.
"""

from __future__ import annotations

import argparse
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

from benchmarks.rdflib_engine import RdflibWorker, oxigraph_rows
from benchmarks.record import header, save
from imet_kg import KnowledgeGraph, Layout, build, default_layout, load_graph, validate
from imet_kg.namespaces import prefixes
from imet_kg.network.projections import project, projection_queries
from imet_kg.pipeline.building import assemble
from imet_kg.query.binding import bind_parameters
from imet_kg.query.run import run_saved_query
from imet_kg.query.saved import SavedQuery, load_saved_queries
from imet_kg.sources.fmtr.importer import import_fmtr
from imet_kg.sources.fmtr.records import default_records_path
from imet_kg.store.formats import export
from imet_kg.store.persistent import add_imports, open_store
from imet_kg.terms import OxTerm

TARGETS = {
    "saved query ratio to raw pyoxigraph": 1.5,
    "import seconds": 60.0,
    "full validation seconds (curated + records, shapes compiled to SPARQL, and checks)": 60.0,
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


def run(records: Path, rdflib_limit: float) -> dict[str, object]:
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
        figures[
            "full validation seconds (curated + records, shapes compiled to SPARQL, and checks)"
        ] = round(timed(lambda: validate_full(layout, store)), 2)
        figures["exports seconds (full store)"] = {
            fmt: round(timed(lambda f=fmt: export(graph, f, work / f"all.{f}", layout)), 2)  # type: ignore[misc]
            for fmt in ("nt", "ttl", "trig", "jsonld")
        }
        worker = RdflibWorker(work / "all.nt")
        figures["rdflib load seconds (full graph, N-Triples)"] = round(worker.start(), 2)
        try:
            figures["queries"] = queries(graph, worker, layout, rdflib_limit)
        finally:
            worker.stop()
        figures["projections seconds"] = {
            name: round(timed(lambda n=name: project(graph, layout, n)), 3)  # type: ignore[misc]
            for name in projection_queries(layout)
        }
        cli = [sys.executable, "-m", "imet_kg.cli.commands"]
        figures["--help seconds"] = round(cold([*cli, "--help"], 5), 3)
        figures["cold saved query seconds (who-administers, fresh process, store)"] = round(
            cold([*cli, "--store", str(store), "query", "who-administers", "--format", "csv"], 3), 3
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        **header("run"),
        "records": str(records),
        "rdflib limit seconds": rdflib_limit,
        "figures": figures,
        "targets": TARGETS,
    }


def validate_full(layout: Layout, store: Path) -> None:
    """What `imet-kg validate` does with a store of records: the curated files assembled, the
    records added, and everything validated."""
    graph, _ = assemble(layout)
    add_imports(graph, store)
    report = validate(graph, layout, engine="compiled")
    if not report.conforms:
        raise SystemExit("the full graph does not validate")


def queries(
    graph: KnowledgeGraph, worker: RdflibWorker, layout: Layout, limit: float
) -> list[dict[str, object]]:
    """Each saved query through imet-kg, as raw pyoxigraph on the same store and text, and
    through rdflib's engine on the same triples."""
    names = prefixes(layout.context_file)
    return [
        measure(graph, worker, layout, query, names, limit)
        for query in load_saved_queries(layout.queries_dir)
    ]


def measure(
    graph: KnowledgeGraph,
    worker: RdflibWorker,
    layout: Layout,
    query: SavedQuery,
    names: dict[str, str],
    limit: float,
) -> dict[str, object]:
    values = {p.name: p.example for p in query.parameters if p.required and p.example}
    bindings = bind_parameters(graph, query, values, names)
    substitutions: dict[ox.Variable, OxTerm | ox.Triple] = {
        ox.Variable(k): v for k, v in bindings.items()
    }
    rows = 0

    def raw() -> None:
        nonlocal rows
        answer = graph.store.query(
            query.sparql, use_default_graph_as_union=True, substitutions=substitutions or None
        )
        rows = oxigraph_rows(answer)

    raw()  # once untimed, so that neither side pays for reading the store into the cache
    ours = timed(lambda: run_saved_query(graph, layout, query.name, values), 3)
    oxigraph = timed(raw, 3)
    answer = worker.ask(query.sparql, dict(bindings), limit)
    rdflib_seconds = round(answer["seconds"], 4) if answer else None
    return {
        "query": query.name,
        "rows": rows,
        "imet-kg seconds": round(ours, 4),
        "raw pyoxigraph seconds": round(oxigraph, 4),
        "ratio to raw pyoxigraph": round(ours / oxigraph, 2) if oxigraph else None,
        "rdflib seconds": rdflib_seconds if answer else f"over {limit:g}",
        "rdflib rows": int(answer["rows"]) if answer else None,
        "rdflib time over imet-kg time": round(answer["seconds"] / ours, 1) if answer else None,
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
        "| saved query | rows | imet-kg (s) | raw pyoxigraph (s) | ratio | rdflib (s) "
        "| rdflib / imet-kg |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in figures["queries"]:
        rows = row["rows"]
        if row["rdflib rows"] not in (None, rows):
            rows = f"{rows} (rdflib: {row['rdflib rows']})"
        lines.append(
            f"| {row['query']} | {rows} | {row['imet-kg seconds']} | "
            f"{row['raw pyoxigraph seconds']} | {row['ratio to raw pyoxigraph']} | "
            f"{row['rdflib seconds']} | {row['rdflib time over imet-kg time'] or ''} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="One benchmark run on the full graph.")
    parser.add_argument("--records", type=Path, default=default_records_path(default_layout()))
    parser.add_argument(
        "--rdflib-limit", type=float, default=300.0, help="Seconds rdflib may take per query."
    )
    arguments = parser.parse_args()
    report = run(arguments.records, arguments.rdflib_limit)
    save("run", report, markdown(report))


if __name__ == "__main__":
    main()
