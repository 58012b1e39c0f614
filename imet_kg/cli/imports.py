"""The `import` commands: bring outside data into the persistent store."""

from __future__ import annotations

import json
from pathlib import Path

import click

from imet_kg.cli.support import (
    CommandError,
    library_errors,
    project_layout,
    project_store,
    say,
)
from imet_kg.errors import EXIT_VIOLATIONS

PLACE_COLUMNS = {"location": "locations", "us_unit": "US units", "course_title": "course titles"}
ROW_KINDS = {
    "line-item": "training line items",
    "reported-total": "reported total lines",
    "proposed": "proposed, not provided",
}


def _counted(label: str, parts: dict[str, str]) -> str:
    return f"  {label}: " + ", ".join(parts.values())


@click.group("import")
def import_group() -> None:
    """Import outside data into the persistent store.

    Example:

    \b
        imet-kg import fmtr
    """


@import_group.command("fmtr")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--top", default=15, show_default=True, help="Unmatched names to list.")
@click.option("--format", "report_format", type=click.Choice(("text", "json")), default="text")
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Replace the records in the store even with far fewer (below the floor of 90%).",
)
@click.option(
    "--totals",
    type=click.Path(dir_okay=False, exists=True),
    help="The official program totals (default: fmtr_imet_program_totals.tsv beside the records).",
)
@click.option(
    "--unresolved",
    type=click.Path(dir_okay=False),
    help="Where to write the locations that resolved to no place, with their rows and "
    "students (default: unresolved-locations.tsv beside the store).",
)
@click.pass_context
def import_fmtr_command(
    context: click.Context,
    path: str | None,
    top: int,
    report_format: str,
    allow_shrink: bool,
    totals: str | None,
    unresolved: str | None,
) -> None:
    """Import the IMET training records of the Foreign Military Training Reports (default:
    ../shared/data/fmtr/fmtr_imet_training_records.tsv) with the official program totals
    beside them, and print the coverage and how the line items compare with the totals.

    Examples:

    \b
        imet-kg import fmtr
        imet-kg import fmtr records.tsv --totals totals.tsv --unresolved places.tsv
    """
    from rich.progress import Progress

    from imet_kg.sources.fmtr.importer import ImportViolations, import_fmtr
    from imet_kg.sources.fmtr.records import default_records_path, write_unresolved
    from imet_kg.validation.formats import render_text

    layout = project_layout(context)
    records = Path(path) if path else default_records_path(layout)
    if not records.is_file():
        raise CommandError(
            f"{records}: no training records here; give the path to fmtr_imet_training_records.tsv"
        )
    with records.open("rb") as stream:  # counted as bytes: the import checks the encoding
        total = sum(1 for _ in stream) - 1
    with library_errors():
        try:
            with Progress(transient=True) as progress:
                task = progress.add_task("Importing training records", total=total)
                summary = import_fmtr(
                    layout,
                    records,
                    project_store(context),
                    allow_shrink=allow_shrink,
                    totals=Path(totals) if totals else None,
                    progress=lambda n: progress.advance(task, n),
                    report=say,
                )
        except ImportViolations as error:
            click.echo(render_text(error.report), err=True, nl=False)
            click.echo("Import failed: the store was left as it was.", err=True)
            context.exit(EXIT_VIOLATIONS)
    report_path = (
        Path(unresolved) if unresolved else summary.store.parent / "unresolved-locations.tsv"
    )
    with library_errors():
        write_unresolved(summary.coverage, report_path)
    coverage = summary.coverage.as_dict(top)
    if report_format == "json":
        click.echo(
            json.dumps(
                {
                    **coverage,
                    "triples": summary.triples,
                    "store": str(summary.store),
                    "previous_records": summary.previous_records,
                    "unresolved_locations_file": str(report_path),
                    "floor": summary.floor,
                },
                indent=2,
            )
        )
        return
    rows, students = int(str(coverage["rows"])), int(str(coverage["students"]))
    click.echo(
        f"Imported {rows} training records ({students} students, {summary.triples} triples) "
        f"into {summary.store}"
    )
    if summary.previous_records:
        click.echo(
            f"  replacing {summary.previous_records} records; the floor was {summary.floor} rows"
            + (" (overridden by --allow-shrink)" if allow_shrink else "")
        )
    printed_rows = int(str(coverage["rows_printing_a_location"]))
    printed_students = int(str(coverage["students_printing_a_location"]))
    placed_rows = int(str(coverage["printed_locations_placed_rows"]))
    placed_students = int(str(coverage["printed_locations_placed_students"]))
    click.echo(
        f"  print a location: {printed_rows} rows, {printed_students} students; placed at a "
        f"school, installation, locality or in-country: {placed_rows} rows "
        f"({100 * placed_rows / max(printed_rows, 1):.1f}%), {placed_students} students "
        f"({100 * placed_students / max(printed_students, 1):.1f}%); naming no place "
        f"(VARIOUS, N/A): {coverage['rows_naming_no_place']} rows"
    )
    for label, row_key, student_key in (
        ("matched to a country", "rows_with_country", "students_with_country"),
        ("matched to a place", "rows_with_location", "students_with_location"),
        ("at a named school", "rows_at_a_school", "students_at_a_school"),
    ):
        row_count, student_count = int(str(coverage[row_key])), int(str(coverage[student_key]))
        click.echo(
            f"  {label}: {row_count} rows ({100 * row_count / max(rows, 1):.1f}%), "
            f"{student_count} students ({100 * student_count / max(students, 1):.1f}%)"
        )
    via = coverage["rows_placed_by_column"]
    assert isinstance(via, dict)
    click.echo(
        _counted(
            "places read from",
            {column: f"{via.get(column, 0)} {label}" for column, label in PLACE_COLUMNS.items()},
        )
        + f"; {coverage['rows_in_country']} rows of in-country training"
    )
    kinds, kind_students = coverage["rows_by_kind"], coverage["students_by_kind"]
    assert isinstance(kinds, dict)
    assert isinstance(kind_students, dict)
    click.echo(
        _counted(
            "rows by kind",
            {
                kind: f"{kinds.get(kind, 0)} {label} ({kind_students.get(kind, 0)} students)"
                for kind, label in ROW_KINDS.items()
            },
        )
        + "; the figures count line items only"
    )
    statuses = coverage["country_years_by_status"]
    assert isinstance(statuses, dict)
    if coverage["official_totals_file"]:
        click.echo(
            f"  official program totals: {coverage['official_totals']} printed totals "
            f"(from {coverage['official_totals_file']} and the editions' total lines)"
        )
    else:
        click.echo(
            f"  official program totals: none beside {records}; only the editions' total lines "
            f"({coverage['official_totals']}) can check the line items (pass --totals)"
        )
    click.echo(
        "  country-years by status: "
        + ", ".join(
            f"{statuses.get(kind, 0)} {kind.replace('-', ' ')}"
            for kind in (
                "complete",
                "short",
                "exceeds",
                "no-official-total",
                "no-data",
                "none-reported",
            )
        )
    )
    for label, key in (("student units", "student_units"), ("US units", "us_units")):
        units = coverage[key]
        assert isinstance(units, dict)
        click.echo(
            f"  {label}: {units['printed_strings']} printed names became {units['units']} units "
            f"(graph/units/); {units['rows_linked_to_a_unit']} of {units['rows_printing_a_unit']} "
            f"rows printing one link to it, {units['rows_naming_no_unit']} name none, "
            f"{units['rows_without_a_country']} have no country"
        )
    click.echo(
        f"  dates kept as printed (unreadable): {coverage['rows_with_unreadable_dates']} rows"
    )
    click.echo(f"  all {summary.validated_records} records checked against the shapes: valid")
    click.echo(f"  unresolved locations with their rows and students: {report_path}")
    for kind in ("unmatched_countries", "unmatched_locations"):
        entries = coverage[kind]
        assert isinstance(entries, dict)
        if entries:
            click.echo(f"  {kind.replace('_', ' ')} (rows):")
            for name, count in entries.items():
                click.echo(f"    {count:6d}  {name}")
