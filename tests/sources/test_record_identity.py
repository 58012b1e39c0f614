"""A record's IRI comes from what it is: inserting rows into the source file and removing
others leaves the IRI of every other record as it was; exact duplicates, which are separate
line items, are numbered by occurrence."""

from __future__ import annotations

from pathlib import Path

import pytest

from imet_kg import Layout
from imet_kg.sources.fmtr.identity import RecordNames
from imet_kg.sources.fmtr.records import Coverage, RecordsImport

from ..conftest import ROOT

RECORDS = ROOT.parent / "shared" / "data" / "fmtr" / "fmtr_imet_training_records.tsv"
pytestmark = pytest.mark.skipif(not RECORDS.is_file(), reason="../shared/data/fmtr is absent")


def record_iris(layout: Layout, path: Path) -> list[str]:
    """The record IRIs an import of `path` makes, in file order."""
    lines: dict[str, int] = {}
    for _ in RecordsImport(
        path, layout, known_entities=set(), coverage=Coverage(), record_lines=lines
    ).triples():
        pass
    return sorted(lines, key=lines.__getitem__)


def test_inserted_and_removed_rows_leave_every_other_iri(layout: Layout, tmp_path: Path) -> None:
    with RECORDS.open(encoding="utf-8") as stream:
        header = next(stream)
        rows = [next(stream) for _ in range(600)]
    original = tmp_path / "original.tsv"
    original.write_text(header + "".join(rows), encoding="utf-8")
    removed = {10, 250, 599}
    inserted = [row.replace("\tIMET\t", "\tIMET\tCORRECTED ", 1) for row in (rows[3], rows[400])]
    changed_rows = [row for i, row in enumerate(rows) if i not in removed]
    changed_rows[100:100] = inserted[:1]  # a row added part-way
    changed_rows.insert(0, inserted[1])  # and one at the top, which shifts every row number
    changed = tmp_path / "changed.tsv"
    changed.write_text(header + "".join(changed_rows), encoding="utf-8")

    before = record_iris(layout, original)
    after = record_iris(layout, changed)
    assert len(before) == len(set(before)) == 600
    assert len(after) == len(set(after)) == 599
    gone = set(before) - set(after)
    new = set(after) - set(before)
    assert gone == {before[i] for i in removed}
    assert len(new) == 2
    assert [iri for iri in before if iri not in gone] == [iri for iri in after if iri not in new]
    assert all("/training/fmtr-1999-2000-p" in iri for iri in before)


def test_exact_duplicates_are_numbered_by_occurrence() -> None:
    row = {"report_fy": "2019-2020", "page_number": "223 224", "country": "Benin", "x": "1"}
    names = RecordNames()
    first, second, third = names.name(row), names.name(row), names.name(row)
    assert first.startswith("fmtr-2019-2020-p223-224-")
    assert (second, third) == (f"{first}-2", f"{first}-3")
    other = names.name({**row, "x": "2"})
    assert other != first
    assert not other.endswith("-2")
    moved = RecordNames().name({**row, "source_path": "elsewhere.xml"})
    assert moved == first  # where upstream's extraction kept the row is not what it is
