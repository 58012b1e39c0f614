"""The push benchmark on a store of the curated graph: each engine loaded both ways, checked
to hold the same triples per graph, the ratio recorded against its target."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.push import TARGET, markdown, run
from benchmarks.report import targets_table
from imet_kg import KnowledgeGraph, Layout
from imet_kg.store.persistent import write_store

from ..remote.engines import require


def test_push_and_each_engine_s_bulk_load_are_measured_alike(
    graph: KnowledgeGraph, layout: Layout, tmp_path: Path
) -> None:
    require("virtuoso")
    store = tmp_path / "store"
    write_store(store, graph, layout, {})
    report = run(store, ["oxigraph", "virtuoso"])
    assert report["quads"] == len(graph.store)
    for engine in ("oxigraph", "virtuoso"):
        figures = report[engine]
        assert figures["anchor seconds"] > 0
        assert figures["push seconds"] > 0
        assert figures["ratio"] == round(
            figures["push seconds"] / max(figures["anchor seconds"], 1e-3), 2
        )
        assert figures["target"] == TARGET
    table = markdown(report)
    assert "| oxigraph |" in table
    assert "| virtuoso |" in table
    results = tmp_path / "results"
    results.mkdir()
    (results / "push-2026-01-01.json").write_text(json.dumps(report), encoding="utf-8")
    assert "`push` into virtuoso" in targets_table(results)
