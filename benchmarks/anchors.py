"""imet-kg's own commands against raw pyoxigraph doing the same work, each as a ratio in one
run: the import against a bulk load of the same quads (wall and CPU, with the import's
split), a saved query from a fresh process against a raw script (with what the command
imports), saved queries given words against raw pyoxigraph given the IRIs, and the peak
memory of full validation against the same queries replayed raw.

    python -m benchmarks.anchors [--records PATH] [--repeat 5]

Each command runs in a process of its own; wall time, CPU time and peak memory are read from
that process's resource usage (os.wait4).
"""

from __future__ import annotations

import argparse
import compileall
import csv
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import imet_kg
from benchmarks.record import header, save
from imet_kg import Layout, default_layout
from imet_kg.namespaces import prefixes
from imet_kg.pipeline.building import assemble
from imet_kg.query.binding import bind_parameters
from imet_kg.query.run import run_saved_query
from imet_kg.query.saved import load_saved_queries
from imet_kg.sources.fmtr.graphs import FMTR_GRAPHS
from imet_kg.sources.fmtr.importer import (
    check_store,
    country_labels,
    curated_entities,
    school_sites,
)
from imet_kg.sources.fmtr.records import (
    Coverage,
    RecordsImport,
    default_records_path,
    totals_beside,
)
from imet_kg.store.persistent import graph_to_validate, open_store
from imet_kg.validation.run import shapes_graph
from imet_kg.validation.streamed import Prechecks

TARGETS = {
    "import wall ratio to bulk load": 2.0,
    "import CPU ratio to bulk load": 2.0,
    "fresh-process query ratio to raw script": 2.0,
    "saved query with words, ratio to raw pyoxigraph with the IRI (worst)": 1.5,
    "validation peak memory ratio to its queries run raw": 1.5,
}
RAW_QUERY = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
bound = {ox.Variable(a.split("=", 1)[0]): ox.NamedNode(a.split("=", 1)[1]) for a in sys.argv[3:]}
answer = store.query(
    open(sys.argv[2]).read(), use_default_graph_as_union=True, substitutions=bound or None
)
sys.stdout.buffer.write(answer.serialize(format=ox.QueryResultsFormat.CSV))
"""
BULK_LOAD = """
import sys, pyoxigraph as ox
ox.Store(sys.argv[1]).bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
"""
REPLAY = """
import pickle, sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
for sparql, options in pickle.load(open(sys.argv[2], "rb")):
    answer = store.query(sparql, **options)
    if not isinstance(answer, ox.QueryBoolean):
        for _ in answer:
            pass
"""


def measured(command: list[str]) -> dict[str, float]:
    """Wall seconds, CPU seconds and peak resident MiB of one command's process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        assert child.stderr is not None
        raise RuntimeError(f"{command[:4]} failed: {child.stderr.read()[-2000:]!r}")
    if child.stderr is not None:
        child.stderr.close()
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
    }


def medians_of(
    ours: list[str], theirs: list[str], repeat: int
) -> tuple[dict[str, float], dict[str, float]]:
    """The median figures of two commands run in turn, so that the machine's drift during
    the runs weighs on both alike."""
    runs = interleaved(lambda: measured(ours), lambda: measured(theirs), repeat)
    return _median_figures(runs[0]), _median_figures(runs[1])


def _median_figures(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(statistics.median(r[key] for r in runs), 3) for key in runs[0]}


def interleaved(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int
) -> tuple[list[Any], list[Any]]:
    """`repeat` results of each of two measurements, taken one of each in turn."""
    firsts, seconds = [], []
    for _ in range(repeat):
        firsts.append(first())
        seconds.append(second())
    return firsts, seconds


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def import_against_bulk_load(records: Path, work: Path, repeat: int) -> dict[str, object]:
    """The import in a process of its own against a raw bulk load of the quads it wrote, taken
    in turn `repeat` times each (medians); and the import's split, measured stage by stage in
    this process."""
    cli = [sys.executable, "-m", "imet_kg.cli.commands"]

    def imported(index: int) -> dict[str, float]:
        target = work / f"imported-{index}"
        figures = measured([*cli, "--store", str(target), "import", "fmtr", str(records)])
        if index > 0:
            shutil.rmtree(target.with_name(f"{target.name}.versions"), ignore_errors=True)
            target.unlink(missing_ok=True)
        return figures

    def loaded(index: int) -> dict[str, float]:
        target = work / f"raw-store-{index}"
        figures = measured([sys.executable, "-c", BULK_LOAD, str(target), str(dump)])
        shutil.rmtree(target, ignore_errors=True)
        return figures

    ours_runs = [imported(0)]
    store = work / "imported-0"
    layout = default_layout()
    graph = open_store(store, layout)
    quads = len(graph.store)
    dump = work / "all.nq"
    graph.store.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    raw_runs = []
    for index in range(repeat):
        raw_runs.append(loaded(index))
        if index + 1 < repeat:
            ours_runs.append(imported(index + 1))
    ours, raw = _median_figures(ours_runs), _median_figures(raw_runs)
    return {
        "quads": quads,
        "runs": repeat,
        "imet-kg import": ours,
        "raw bulk load": raw,
        "import wall ratio to bulk load": round(ours["wall_s"] / raw["wall_s"], 2),
        "import CPU ratio to bulk load": round(ours["cpu_s"] / raw["cpu_s"], 2),
        "split seconds": import_split(records, store, layout, ours["wall_s"]),
    }


def import_split(records: Path, store: Path, layout: Layout, wall: float) -> dict[str, float]:
    """The import's stages, each timed alone in this process: the rest of the import's wall
    time is the writing (the store's bulk load, the index of names, the search index and the
    count of distinct triples, which run beside validation)."""
    split: dict[str, float] = {}
    with records.open(encoding="utf-8", newline="") as handle:
        split["parse (reading the TSV's rows)"] = timed(
            lambda: sum(1 for _ in csv.DictReader(handle, delimiter="\t"))
        )
    curated: Any = None

    def load_curated() -> None:
        nonlocal curated
        curated, _ = assemble(layout)

    split["curated graph assembled"] = timed(load_curated)

    def statements() -> dict[str, Iterator[Any]]:
        return RecordsImport(
            records,
            layout,
            known_entities=curated_entities(curated),
            coverage=Coverage(),
            totals_path=totals_beside(records),
            known_labels=country_labels(curated),
            school_sites=school_sites(curated, layout),
        ).graphs()

    def generate() -> None:
        for graph in statements().values():
            for _ in graph:
                pass

    prechecks = Prechecks(shapes_graph(layout))

    def watched() -> None:
        for graph in statements().values():
            for _ in prechecks.watch(graph):
                pass

    built = timed(generate)
    split["resolve and build (rows to statements, figures)"] = (
        built - split["parse (reading the TSV's rows)"]
    )
    split["prove (the commonest constraints, as the statements pass)"] = timed(watched) - built
    new = open_store(store, layout)
    prechecks.read_rest(new.store, seen_graphs=FMTR_GRAPHS)
    split["validate (compiled shapes, the constraints not proved)"] = timed(
        lambda: check_store(new, layout, records, {}, prechecks)
    )
    split["write (the rest of the import's wall time)"] = wall - sum(split.values())
    return {key: round(value, 2) for key, value in split.items()}


def fresh_process(store: Path, work: Path, repeat: int) -> dict[str, object]:
    """`imet-kg query NAME --format csv` against a raw script answering the same text, each
    in a fresh process; and what the command imports. The package's modules are compiled
    first, as an installed package's are (where PYTHONDONTWRITEBYTECODE is set, every run
    would otherwise compile them again), and the command starts from its console script."""
    layout = default_layout()
    compileall.compile_dir(str(Path(imet_kg.__file__).parent), quiet=1)
    script = Path(sys.executable).parent / "imet-kg"
    cli = [sys.executable, str(script), "--store", str(store)]
    rows: list[dict[str, object]] = []
    graph = open_store(store, layout)
    names = prefixes(layout.context_file)
    for name, parameters in (("who-administers", {}), ("country-timeline", {"country": "PK"})):
        query = next(q for q in load_saved_queries(layout.queries_dir) if q.name == name)
        bound = bind_parameters(graph, query, parameters, names)
        iris = [f"{k}={t.value}" for k, t in bound.items() if isinstance(t, ox.NamedNode)]
        text_file = work / f"{name}.rq"
        text_file.write_text(query.sparql, encoding="utf-8")
        given = [arg for key, value in parameters.items() for arg in ("--param", f"{key}={value}")]
        ours, raw = medians_of(
            [*cli, "query", name, *given, "--format", "csv"],
            [sys.executable, "-c", RAW_QUERY, str(store), str(text_file), *iris],
            repeat,
        )
        rows.append(
            {
                "query": name,
                "parameters": parameters,
                "imet-kg": ours,
                "raw script": raw,
                "ratio": round(ours["wall_s"] / raw["wall_s"], 2),
            }
        )
    traced = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            *cli[1:],
            "query",
            "who-administers",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    modules = [line.split("|")[-1].strip() for line in traced.splitlines() if "|" in line]
    return {
        "queries": rows,
        "modules imported": len(modules),
        "rdflib imported": any(m.split(".")[0] == "rdflib" for m in modules),
        "pyshacl imported": any(m.split(".")[0] == "pyshacl" for m in modules),
    }


def words_against_iris(store: Path) -> list[dict[str, object]]:
    """Every saved query with required parameters, given the words of its examples, against
    raw pyoxigraph given the IRIs those words name (the median of five runs each)."""
    layout = default_layout()
    graph = open_store(store, layout)
    names = prefixes(layout.context_file)
    rows = []
    for query in load_saved_queries(layout.queries_dir):
        words = {p.name: p.example for p in query.parameters if p.required and p.example}
        if not words:
            continue
        bound = bind_parameters(graph, query, words, names)
        substitutions = {ox.Variable(k): v for k, v in bound.items()}

        def raw(text: str = query.sparql, values: Any = substitutions) -> None:
            for _ in graph.store.query(text, use_default_graph_as_union=True, substitutions=values):  # type: ignore[union-attr]
                pass

        raw()
        ours_runs, raw_runs = interleaved(
            lambda n=query.name, w=words: timed(lambda: run_saved_query(graph, layout, n, w)),  # type: ignore[misc]
            lambda: timed(raw),
            9,
        )
        ours, theirs = statistics.median(ours_runs), statistics.median(raw_runs)
        rows.append(
            {
                "query": query.name,
                "words": words,
                "imet-kg seconds": round(ours, 4),
                "raw pyoxigraph seconds (IRI given)": round(theirs, 4),
                "ratio": round(ours / theirs, 2),
            }
        )
    return rows


class _Recording:
    """A store that writes down every query asked of it, with its options."""

    def __init__(self, store: ox.Store, log: list[tuple[str, dict[str, Any]]]) -> None:
        self._store = store
        self._log = log

    def query(self, sparql: str, **options: Any) -> Any:
        self._log.append((sparql, options))
        return self._store.query(sparql, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def __len__(self) -> int:
        return len(self._store)


def validation_memory(store: Path, work: Path) -> dict[str, object]:
    """`imet-kg validate` on the store, against the queries it asks replayed by a raw script."""
    from imet_kg.validation.run import validate

    layout = default_layout()
    cli = [sys.executable, "-m", "imet_kg.cli.commands", "--store", str(store)]
    ours = measured([*cli, "validate"])
    graph, _ = graph_to_validate(store, layout, assemble)
    asked: list[tuple[str, dict[str, Any]]] = []
    graph.store = _Recording(graph.store, asked)  # type: ignore[assignment]
    validate(graph, layout, engine="compiled")
    if graph.location is None:
        raise SystemExit("validation copied the store into memory; rebuild the store first")
    log = work / "queries.pickle"
    log.write_bytes(pickle.dumps(asked))
    raw = measured([sys.executable, "-c", REPLAY, str(store), str(log)])
    return {
        "queries": len(asked),
        "imet-kg validate": ours,
        "its queries replayed raw": raw,
        "validation peak memory ratio to its queries run raw": round(
            ours["peak_mib"] / raw["peak_mib"], 2
        ),
    }


def run(records: Path, store: Path, repeat: int, import_repeat: int = 3) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="imet-kg-anchors-"))
    try:
        figures: dict[str, object] = {
            "import": import_against_bulk_load(records, work, import_repeat),
            "fresh process": fresh_process(store, work, repeat),
            "words against IRIs": words_against_iris(store),
            "validation memory": validation_memory(store, work),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {**header("anchors"), "records": str(records), "figures": figures, "targets": TARGETS}


def markdown(report: dict[str, Any]) -> str:
    figures = report["figures"]
    imported, fresh = figures["import"], figures["fresh process"]
    words, memory = figures["words against IRIs"], figures["validation memory"]
    worst = max(words, key=lambda row: row["ratio"])
    fresh_ratio = max(row["ratio"] for row in fresh["queries"])
    lines = [
        f"# Anchored run, {report['date']}",
        "",
        f"Machine: {json.dumps(report['machine'])}.",
        "",
        "| figure | imet-kg | raw pyoxigraph | ratio | target |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| import of {imported['quads']:,} quads (median of {imported.get('runs', 1)} runs "
        f"each, in turn), wall s | {imported['imet-kg import']['wall_s']} "
        f"| {imported['raw bulk load']['wall_s']} | {imported['import wall ratio to bulk load']} "
        f"| {TARGETS['import wall ratio to bulk load']} |",
        f"| import, CPU s | {imported['imet-kg import']['cpu_s']} | "
        f"{imported['raw bulk load']['cpu_s']} | {imported['import CPU ratio to bulk load']} | "
        f"{TARGETS['import CPU ratio to bulk load']} |",
    ]
    for row in fresh["queries"]:
        lines.append(
            f"| fresh-process `query {row['query']}` (CSV), wall s | {row['imet-kg']['wall_s']} | "
            f"{row['raw script']['wall_s']} | {row['ratio']} | "
            f"{TARGETS['fresh-process query ratio to raw script']} |"
        )
    for row in words:
        lines.append(
            f"| `{row['query']}` given words ({', '.join(row['words'].values())}), s | "
            f"{row['imet-kg seconds']} | {row['raw pyoxigraph seconds (IRI given)']} | "
            f"{row['ratio']} | {TARGETS[next(k for k in TARGETS if 'words' in k)]} |"
        )
    lines.append(
        f"| full validation, peak MiB | {memory['imet-kg validate']['peak_mib']} | "
        f"{memory['its queries replayed raw']['peak_mib']} | "
        f"{memory['validation peak memory ratio to its queries run raw']} | "
        f"{TARGETS['validation peak memory ratio to its queries run raw']} |"
    )
    lines += ["", "| import stage | seconds |", "| --- | ---: |"]
    lines += [f"| {stage} | {value} |" for stage, value in imported["split seconds"].items()]
    lines += [
        "",
        f"A fresh `imet-kg query` imports {fresh['modules imported']} modules; rdflib "
        f"{'is' if fresh['rdflib imported'] else 'is not'} among them, pyshacl "
        f"{'is' if fresh['pyshacl imported'] else 'is not'}. Worst words-to-IRI ratio: "
        f"{worst['query']} ({worst['ratio']}); worst fresh-process ratio: {fresh_ratio}. "
        f"Validation asked {memory['queries']} queries.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=Path, default=default_records_path(default_layout()))
    parser.add_argument("--store", type=Path, default=Path(".imet-kg/store"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--import-repeat", type=int, default=3)
    arguments = parser.parse_args()
    report = run(
        arguments.records, arguments.store.resolve(), arguments.repeat, arguments.import_repeat
    )
    save("anchors", report, markdown(report))


if __name__ == "__main__":
    main()
