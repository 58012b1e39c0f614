"""`push` into each server engine against that engine's own bulk load of the same quads.

For each engine (Oxigraph's server; Virtuoso when it is installed), on the store's N-Quads
dump, each side into a fresh server of its own:

- anchor: the engine's own way of loading a dataset (Oxigraph's server: one `POST /store`
  of the N-Quads; Virtuoso: its bulk loader, `ld_dir` and `rdf_loader_run`, then a
  checkpoint);
- push: `imet-kg`'s push through the Graph Store Protocol, as the command runs it.

Both sides are checked to hold the same triples per named graph. The ratio push / anchor is
recorded against the target of 2.

    python -m benchmarks.push [--store DIR] [--engines oxigraph,virtuoso]
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.engines import ENGINES, VIRTUOSO, Engine, VirtuosoServer
from benchmarks.record import header, save
from imet_kg import default_layout
from imet_kg.remote.client import RemoteGraph
from imet_kg.remote.pushing import push
from imet_kg.sparql import internal_query
from imet_kg.store.dumps import DUMPS_FOLDER, NQUADS_DUMP, ensure_dump
from imet_kg.store.persistent import open_store

TARGET = 2.0


def graph_sizes(engine: Engine, names: set[str]) -> dict[str, int]:
    result = RemoteGraph(engine.query_endpoint).select(internal_query("graph-sizes"))
    return {
        row[0].value: int(row[1].value)
        for row in result.rows
        if row[0] is not None and row[1] is not None and row[0].value in names
    }


def anchor_load(engine: Engine, quads: Path) -> None:
    if isinstance(engine, VirtuosoServer):
        local = engine.folder / quads.name
        shutil.copyfile(quads, local)
        engine.bulk_load(local)
        return
    with quads.open("rb") as body:
        request = urllib.request.Request(
            f"{engine.base}/store",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/n-quads",
                "Content-Length": str(quads.stat().st_size),
            },
        )
        with urllib.request.urlopen(request, timeout=3600) as response:
            response.read()


def run(store: Path, engines: list[str]) -> dict[str, Any]:
    layout = default_layout()
    graph = open_store(store, layout)
    expected = dict.fromkeys(graph.graphs(), 0)
    for quad in graph.store:
        expected[quad.graph_name.value] += 1
    packed = ensure_dump(graph, store.resolve() / DUMPS_FOLDER, NQUADS_DUMP, layout)
    report: dict[str, Any] = {
        **header("push"),
        "store": str(store),
        "quads": sum(expected.values()),
    }
    with tempfile.TemporaryDirectory(prefix="imet-kg-push-") as scratch:
        quads = Path(scratch) / "imet-kg.nq"
        with gzip.open(packed, "rb") as source, quads.open("wb") as target:
            shutil.copyfileobj(source, target, 1 << 22)
        for name in engines:
            if name == "virtuoso" and VIRTUOSO is None:
                report[name] = {"skipped": "virtuoso-t is not installed"}
                continue
            figures: dict[str, Any] = {}
            for side in ("anchor", "push"):
                engine = ENGINES[name](Path(scratch) / f"{name}-{side}")
                engine.start()
                try:
                    started = time.perf_counter()
                    if side == "anchor":
                        anchor_load(engine, quads)
                    else:
                        sent = push(graph, engine.graph_store)
                        figures["push mode"] = (
                            f"{'whole graphs' if sent.whole_graphs else 'in batches'}, "
                            f"{sent.concurrent} at once, {sent.requests} requests"
                        )
                    figures[f"{side} seconds"] = round(time.perf_counter() - started, 3)
                    print(f"{name} {side}: {figures[f'{side} seconds']} s", flush=True)
                    loaded = graph_sizes(engine, set(expected))
                    if loaded != expected:
                        missing = {
                            g: (expected[g], loaded.get(g))
                            for g in expected
                            if loaded.get(g) != expected[g]
                        }
                        raise SystemExit(f"{name} {side}: graphs differ from the store: {missing}")
                finally:
                    engine.stop()
            figures["ratio"] = round(
                figures["push seconds"] / max(figures["anchor seconds"], 1e-3), 2
            )
            figures["target"] = TARGET
            figures["quads per second, push"] = round(report["quads"] / figures["push seconds"])
            report[name] = figures
    return report


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Push against each engine's bulk load, {report['date']}",
        "",
        f"Machine: {report['machine']}. Store: {report['store']}, {report['quads']:,} quads.",
        "",
        "| engine | bulk load s | push s | ratio | target | push quads/s | push mode |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in ENGINES:
        figures = report.get(name)
        if not figures:
            continue
        if "skipped" in figures:
            lines.append(f"| {name} | {figures['skipped']} | | | | | |")
            continue
        lines.append(
            f"| {name} | {figures['anchor seconds']} | {figures['push seconds']} | "
            f"{figures['ratio']} | {figures['target']} | {figures['quads per second, push']:,} | "
            f"{figures.get('push mode', '')} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--store", type=Path, default=Path(".imet-kg/store"))
    parser.add_argument("--engines", default="oxigraph,virtuoso")
    arguments = parser.parse_args()
    report = run(arguments.store, arguments.engines.split(","))
    save("push", report, markdown(report))


if __name__ == "__main__":
    main()
