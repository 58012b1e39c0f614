"""The search benchmark's measurements on a small store: one row per search, each with its
results and times, and the worst p50 taken over them."""

from __future__ import annotations

from pathlib import Path

from benchmarks.search import SEARCHES, markdown, run


def test_every_search_is_measured(sliced_store: Path) -> None:
    report = run(sliced_store, repeat=3)
    figures = report["figures"]
    assert isinstance(figures, dict)
    rows = figures["searches"]
    assert [row["search"] for row in rows] == [words for words, _ in SEARCHES]
    assert all(float(row["p95_ms"]) >= float(row["p50_ms"]) > 0 for row in rows)
    assert figures["search p50 ms"] == max(float(row["p50_ms"]) for row in rows)
    assert next(row for row in rows if row["search"] == "guards bde")["first"] == "GUARDS BRIGADE"
    assert "| `lackland` |" in markdown(report)
