"""Reading each entity's country for the search index: a predicate read whole or looked up
subject by subject gives the same values."""

from __future__ import annotations

from pathlib import Path

import pytest

from imet_kg import Layout
from imet_kg.search import documents
from imet_kg.store.persistent import open_store


@pytest.mark.parametrize(
    ("predicates", "least"),
    [(("unitOf", "countryOfBody", "country"), 1000), (("country",), 10)],  # units; claims
)
def test_scans_and_lookups_find_the_same_first_values(
    sliced_store: Path,
    layout: Layout,
    monkeypatch: pytest.MonkeyPatch,
    predicates: tuple[str, ...],
    least: int,
) -> None:
    store = open_store(sliced_store, layout).store
    reader = documents._Reader(store)
    entities = list(reader._kinds())
    monkeypatch.setattr(documents, "SCANNED_PER_LOOKUP", 0)
    looked_up = reader._first_of(entities, predicates)
    monkeypatch.setattr(documents, "SCANNED_PER_LOOKUP", 10**9)
    scanned = reader._first_of(entities, predicates)
    assert len(looked_up) > least
    assert scanned == looked_up
