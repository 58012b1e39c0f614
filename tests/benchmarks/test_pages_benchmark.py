"""The page benchmark's measurements through a real server on a small store: one row per
page, each answered, timed and revalidated with its ETag."""

from __future__ import annotations

from pathlib import Path

from benchmarks.pages import markdown, run

PAGES = ["/", "/id/country/PK", "/training?country=SA", "/queries/country-training?country=EG"]


def test_every_page_is_measured_and_revalidated(analyst_store: Path) -> None:
    report = run(analyst_store, repeat=2, pages=PAGES)
    figures = report["figures"]
    assert isinstance(figures, dict)
    rows = figures["pages"]
    assert [row["page"] for row in rows] == PAGES
    assert all(row["304"] for row in rows)
    assert all(float(row["p95_ms"]) >= float(row["p50_ms"]) > 0 for row in rows)
    assert figures["page p50 ms"] == max(float(row["p50_ms"]) for row in rows)
    assert "| `/training?country=SA` |" in markdown(report)
