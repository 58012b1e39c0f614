"""The table of training records is written in its records' order, with each row's country,
place and status labelled as the store labels them, whether its rows are given by an import
or carried from the index a build replaces."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyoxigraph as ox

from imet_kg.namespaces import BASE, SKOS
from imet_kg.search.training import COLUMNS, training_row, write_training

LABEL = ox.NamedNode(f"{SKOS}prefLabel")
PLACE = f"{BASE}id/school/drmi"


def labelled_store(country: str, place: str, status: str) -> ox.Store:
    store = ox.Store()
    graph = ox.NamedNode(f"{BASE}graph/test")
    for iri, label in (
        (f"{BASE}id/country/PK", country),
        (PLACE, place),
        (f"{BASE}id/row-kind/line-item", status),
    ):
        store.add(ox.Quad(ox.NamedNode(iri), LABEL, ox.Literal(label, language="en"), graph))
    # a label in another language is not the one shown
    store.add(ox.Quad(ox.NamedNode(PLACE), LABEL, ox.Literal("Institut", language="fr"), graph))
    return store


def row(record: str, country: str, place: str, status: str) -> tuple[object, ...]:
    return training_row(
        f"{BASE}id/record/{record}",
        country=country,
        region="South Asia",
        year="2005",
        edition="fmtr-2005-2006",
        page="12",
        course="STAFF COURSE",
        programme="IMET",
        place=place,
        location="MONTEREY, CA",
        students=2,
        cost="1000",
        start_date="2005-01-03",
        end_date="2005-02-03",
        status=status,
        student_unit="",
        us_unit="",
    )


ROWS = [
    row("c", "PK", PLACE, "line-item"),
    row("a", "EG", "", "proposed"),  # no label for Egypt, no place, no label for the status
    row("b", "PK", f"{BASE}id/place/unlabelled", "line-item"),
]


def labels(connection: sqlite3.Connection) -> list[tuple[object, ...]]:
    return connection.execute(
        "SELECT record, country_label, place_label, status_label FROM training"
    ).fetchall()


def test_given_rows_are_written_in_order_with_the_stores_labels() -> None:
    connection = sqlite3.connect(":memory:")
    store = labelled_store("Pakistan", "Defense Resources Management Institute", "line item")
    assert write_training(connection, store, rows=ROWS) == 3
    assert labels(connection) == [
        (f"{BASE}id/record/a", "EG", "", "proposed"),
        (f"{BASE}id/record/b", "Pakistan", "", "line item"),
        (f"{BASE}id/record/c", "Pakistan", "Defense Resources Management Institute", "line item"),
    ]
    others = [c for c in COLUMNS if not c.endswith("_label")]
    listed = ", ".join(others)
    kept = connection.execute(f"SELECT {listed} FROM training ORDER BY record").fetchall()
    assert kept == sorted(tuple(r[COLUMNS.index(c)] for c in others) for r in ROWS)


def test_carried_rows_are_labelled_again_from_the_new_store(tmp_path: Path) -> None:
    old = sqlite3.connect(tmp_path / "old.sqlite")
    write_training(old, labelled_store("Pakistan (old)", "DRMI (old)", "item (old)"), rows=ROWS)
    old.commit()
    old.close()
    connection = sqlite3.connect(":memory:")
    connection.execute("ATTACH DATABASE ? AS previous", (str(tmp_path / "old.sqlite"),))
    store = labelled_store("Pakistan", "Defense Resources Management Institute", "line item")
    assert write_training(connection, store, previous="previous") == 3
    assert labels(connection) == [
        (f"{BASE}id/record/a", "EG", "", "proposed"),
        (f"{BASE}id/record/b", "Pakistan", "", "line item"),
        (f"{BASE}id/record/c", "Pakistan", "Defense Resources Management Institute", "line item"),
    ]
