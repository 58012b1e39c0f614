"""The synthetic records: shaped like the real ones, reproducible, importable, and the scaling
run that measures time and memory over them."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.scaling import growth, markdown
from benchmarks.scaling import run as run_scaling
from benchmarks.synthetic import generate, read_rows
from imet_kg import Layout
from imet_kg.sources.fmtr.importer import import_fmtr

from ..conftest import ROOT

RECORDS = ROOT.parent / "shared" / "data" / "fmtr" / "fmtr_imet_training_records.tsv"
pytestmark = pytest.mark.skipif(
    not RECORDS.is_file(), reason="../shared/data/fmtr is not beside the checkout"
)


@pytest.fixture(scope="module")
def real() -> list[dict[str, str]]:
    return read_rows(RECORDS)[1]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("synthetic") / "records.tsv"
    generate(RECORDS, 0.05, output)
    return output


def test_size_header_and_seed(synthetic: Path, real: list[dict[str, str]], tmp_path: Path) -> None:
    header, rows = read_rows(synthetic)
    assert header == read_rows(RECORDS)[0]
    assert len(rows) == round(len(real) * 0.05) == 5327
    again = tmp_path / "again.tsv"
    generate(RECORDS, 0.05, again)
    assert again.read_bytes() == synthetic.read_bytes()
    other = tmp_path / "other.tsv"
    generate(RECORDS, 0.05, other, seed=2)
    assert other.read_bytes() != synthetic.read_bytes()


def test_rows_are_new_combinations_of_real_parts(
    synthetic: Path, real: list[dict[str, str]]
) -> None:
    rows = read_rows(synthetic)[1]
    country_years = {(r["country"], r["training_fy"], r["report_fy"]) for r in real}
    courses = {(r["training_fy"], r["course_title"], r["location"]) for r in real}
    assert all((r["country"], r["training_fy"], r["report_fy"]) in country_years for r in rows)
    assert all((r["training_fy"], r["course_title"], r["location"]) in courses for r in rows)
    whole = {tuple(r.values()) for r in real}
    new = sum(tuple(r.values()) not in whole for r in rows)
    assert new > 0.9 * len(rows)


@pytest.mark.parametrize("column", ["country", "training_fy", "location", "course_title"])
def test_frequencies_follow_the_real_ones(
    synthetic: Path, real: list[dict[str, str]], column: str
) -> None:
    """The ten commonest values of the real column keep their shares within 1.5 points."""
    rows = read_rows(synthetic)[1]
    real_counts, synthetic_counts = (
        Counter(r[column] for r in real),
        Counter(r[column] for r in rows),
    )
    for value, count in real_counts.most_common(10):
        real_share = count / len(real)
        synthetic_share = synthetic_counts[value] / len(rows)
        assert abs(real_share - synthetic_share) < 0.015, (value, real_share, synthetic_share)


def test_synthetic_records_import_and_validate(
    synthetic: Path, layout: Layout, tmp_path: Path
) -> None:
    summary = import_fmtr(layout, synthetic, tmp_path / "store")
    assert summary.validated_records == summary.coverage.rows == 5327
    assert summary.coverage.country_rows == 5327


def test_bad_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale must be positive"):
        generate(RECORDS, 0, tmp_path / "none.tsv")


def test_scaling_run_measures_each_size() -> None:
    report = run_scaling(RECORDS, [0.005, 0.02])
    sizes = report["sizes"]
    assert isinstance(sizes, list)
    assert [size["rows"] for size in sizes] == [533, 2131]
    for size in sizes:
        assert size["records"] == size["rows"]
        assert size["import peak memory MiB"] > 50
        assert size["full validation seconds"] > 0
        assert size["query seconds: country-training"] > 0
    # the records' triples grow with the rows; the figures per country and year are a grid
    # of the countries and years the rows name, which grows more slowly
    assert sizes[1]["triples"] > 1.5 * sizes[0]["triples"]
    found = report["growth"]
    assert isinstance(found, dict)
    assert {"import seconds", "triples", "import peak memory MiB"} <= set(found)
    assert found["triples"]["linear"] is True
    table = markdown(report)
    assert "| triples |" in table
    assert "| 0.005 x |" in table


def test_growth_tells_linear_from_quadratic() -> None:
    sizes: list[dict[str, object]] = [
        {"scale": 1, "rows": 100, "a seconds": 1.0, "b seconds": 1.0},
        {"scale": 10, "rows": 1000, "a seconds": 10.5, "b seconds": 100.0},
    ]
    found = growth(sizes)
    assert found["a seconds"] == {"exponent": 1.02, "linear": True}
    assert found["b seconds"] == {"exponent": 2.0, "linear": False}


def test_synthetic_file_reads_as_the_real_one(synthetic: Path) -> None:
    with synthetic.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
        widths = {len(row) for row in reader}
    assert widths == {18}
