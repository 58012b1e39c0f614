"""Row classification: every row is kept, each with the rule (data in graph/fmtr/) that says
whether it is a training line item, a reported total line or proposed training; figures
count line items only. Checked on rows chosen by hand from the real file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from imet_kg.cli.commands import cli
from imet_kg.errors import ImetKgError
from imet_kg.sources.fmtr.records import RECORD_COLUMNS
from imet_kg.sources.fmtr.row_kinds import RowClassifier

from ..conftest import ROOT

RECORDS = ROOT.parent / "shared" / "data" / "fmtr" / "fmtr_imet_training_records.tsv"
RULES = ROOT / "graph" / "fmtr" / "row-kinds.tsv"

# (edition, fiscal year, country, course title as printed, students): the kind it must get.
CHOSEN = [
    ("1999-2000", "1999", "Albania", "ADV TOPOGRAPHIC ANALYSIS", "1", "line-item"),
    ("1999-2000", "2000", "Albania", "", "", "proposed"),
    ("2000-2001", "2000", "Albania", "", "", "line-item"),
    ("2000-2001", "2001", "Albania", "", "", "proposed"),
    ("2001-2002", "2001", "Albania", "", "", "line-item"),
    ("2007-2008", "2007", "Afghanistan", "", "56", "reported-total"),
    ("2007-2008", "2007", "Afghanistan", "AIR COMD & STAFF COLLEGE", "1", "line-item"),
]

pytestmark = pytest.mark.skipif(not RECORDS.is_file(), reason="../shared/data/fmtr is absent")


def find(edition: str, year: str, country: str, course: str, students: str) -> dict[str, str]:
    """The first row of the real file with these values (an empty course: any course,
    except for the total line, whose course is empty)."""
    with RECORDS.open(encoding="utf-8") as stream:
        header = next(stream).rstrip("\n").split("\t")
        for line in stream:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=True))
            if (row["report_fy"], row["training_fy"], row["country"]) != (edition, year, country):
                continue
            if students and row["quantity"] != students:
                continue
            if course and row["course_title"] != course:
                continue
            if not course and students and row["course_title"]:
                continue
            return row
    raise AssertionError(f"no row {edition} {year} {country} {course!r}")


@pytest.mark.parametrize(("edition", "year", "country", "course", "students", "kind"), CHOSEN)
def test_rows_chosen_by_hand_get_their_kind(
    edition: str, year: str, country: str, course: str, students: str, kind: str
) -> None:
    classifier = RowClassifier(RULES, RECORD_COLUMNS.all)
    assert classifier.classify(find(edition, year, country, course, students)).kind == kind


def test_the_rules_file_is_checked(tmp_path: Path) -> None:
    table = tmp_path / "rules.tsv"
    header = "rule\tkind\treport_fy\ttraining_fy\tempty\tdescription\n"
    table.write_text(header + "a\tsubtotal\t*\t*\t-\tx\n")
    with pytest.raises(ImetKgError, match="kind 'subtotal' is not one of"):
        RowClassifier(table, RECORD_COLUMNS.all)
    table.write_text(header + "a\tproposed\t1999-2000\t2000\t-\tx\n")
    with pytest.raises(ImetKgError, match="the last rule must match every row"):
        RowClassifier(table, RECORD_COLUMNS.all)
    table.write_text(header + "a\treported-total\t*\t*\tcourse\tx\nb\tline-item\t*\t*\t-\tx\n")
    with pytest.raises(ImetKgError, match="no column 'course' in the records"):
        RowClassifier(table, RECORD_COLUMNS.all)


def test_a_total_line_is_kept_but_not_added(tmp_path: Path) -> None:
    """Afghanistan's 2007-2008 rows: the total line (56 students) and the 51 line items it
    totals. The figures count the 56 students once; the row-kinds query shows both."""
    with RECORDS.open(encoding="utf-8") as stream:
        header = next(stream)
        chosen = [
            line
            for line in stream
            if line.startswith("2007-2008\t2007\t") and "\tAfghanistan\t" in line
        ]
    (tmp_path / "af.tsv").write_text(header + "".join(chosen), encoding="utf-8")
    store = ["--store", str(tmp_path / "store")]
    imported = CliRunner().invoke(cli, [*store, "import", "fmtr", str(tmp_path / "af.tsv")])
    assert imported.exit_code == 0, imported.output
    assert (
        "rows by kind: 51 training line items (56 students), 1 reported total lines "
        "(56 students), 0 proposed, not provided (0 students)"
    ) in imported.output
    training = CliRunner().invoke(
        cli, [*store, "query", "country-training", "-p", "country=AF", "--format", "csv"]
    )
    assert training.exit_code == 0, training.output
    [fy2007] = [line for line in training.output.splitlines() if line.startswith("2007,")]
    # year, status, line-item students, cost, official students: the total line is the
    # official total the line items are checked against, not students to add to them
    assert fy2007.split(",")[:5] == ["2007", "complete", "56", fy2007.split(",")[3], "56"]
    kinds = CliRunner().invoke(
        cli, [*store, "query", "row-kinds", "-p", "country=AF", "--format", "csv"]
    )
    assert kinds.exit_code == 0, kinds.output
    rows = kinds.output.splitlines()
    assert any(",reported total line,row rule total-lines-2007-2008," in r for r in rows)
    assert any(",training line item,row rule line-item," in r for r in rows)
