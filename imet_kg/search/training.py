"""The training records as a table beside the store, for browsing them by facets: one row per
record of the training reports (line items, proposed training and the reports' own total
lines alike, each with its status), written into the search index's file when the store is
written, so that it is swapped in with the store. `TrainingTable` answers a filtered view:
its rows in pages, its totals, and the counts of each facet's values."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from imet_kg.namespaces import BASE, DCTERMS, ONTOLOGY, RDF_TYPE
from imet_kg.search.documents import first_values, preferred_labels

SCHEMA = """
CREATE TABLE training (
    record TEXT PRIMARY KEY,
    country TEXT NOT NULL, country_label TEXT NOT NULL, region TEXT NOT NULL,
    year INTEGER, edition TEXT NOT NULL, page INTEGER,
    course TEXT NOT NULL, programme TEXT NOT NULL,
    place TEXT NOT NULL, place_label TEXT NOT NULL, location TEXT NOT NULL,
    students INTEGER, cost TEXT NOT NULL, cost_value REAL,
    start_date TEXT NOT NULL, end_date TEXT NOT NULL,
    status TEXT NOT NULL, status_label TEXT NOT NULL,
    student_unit TEXT NOT NULL, us_unit TEXT NOT NULL
) WITHOUT ROWID;
"""
# Made once the rows are in (an index built at once is quicker than one kept through every
# insert): first those of the columns the labels leave alone, then, once the labels are in,
# those of the labels.
INDEXES = """
CREATE INDEX training_year ON training (year);
CREATE INDEX training_course ON training (course);
CREATE INDEX training_region ON training (region);
CREATE INDEX training_programme ON training (programme);
"""
LABEL_INDEXES = """
CREATE INDEX training_country ON training (country, country_label, year);
CREATE INDEX training_place ON training (place, place_label, year);
CREATE INDEX training_status ON training (status, status_label);
"""
COLUMNS = (
    "record",
    "country",
    "country_label",
    "region",
    "year",
    "edition",
    "page",
    "course",
    "programme",
    "place",
    "place_label",
    "location",
    "students",
    "cost",
    "cost_value",
    "start_date",
    "end_date",
    "status",
    "status_label",
    "student_unit",
    "us_unit",
)


class Facet(NamedTuple):
    """A column records are filtered by: its URL parameter, its heading, the column of its
    values and the column of their labels."""

    parameter: str
    heading: str
    column: str
    label: str


FACETS = (
    Facet("country", "Country", "country", "country_label"),
    Facet("region", "Region (as printed)", "region", "region"),
    Facet("year", "Fiscal year", "year", "year"),
    Facet("place", "School or place", "place", "place_label"),
    Facet("course", "Course", "course", "course"),
    Facet("programme", "Programme code", "programme", "programme"),
    Facet("status", "Record status", "status", "status_label"),
)
FACET_BY_PARAMETER = {facet.parameter: facet for facet in FACETS}
# The value that asks for records without a value in the facet's column.
NONE = "-"
# Columns a view may be sorted by, and what a person reads for each.
SORTABLE = {
    "year": "fiscal year",
    "country_label": "country",
    "course": "course",
    "place_label": "school or place",
    "students": "students",
    "cost_value": "reported cost (USD)",
    "start_date": "start",
    "edition": "report edition",
    "status": "status",
}
DEFAULT_ORDER = ("year", "country_label", "edition", "page", "record")
# Values of a facet listed at most.
FACET_VALUES = 40


def _imet(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ONTOLOGY}{name}")


def training_row(
    record: str,
    *,
    country: str,
    region: str,
    year: str,
    edition: str,
    page: str,
    course: str,
    programme: str,
    place: str,
    location: str,
    students: int | None,
    cost: str,
    start_date: str,
    end_date: str,
    status: str,
    student_unit: str,
    us_unit: str,
) -> tuple[object, ...]:
    """A record's row in the order of COLUMNS, its labels left for `label_training`."""
    return (
        record,
        country,
        "",
        region,
        int(year) if year.isdigit() else None,
        edition,
        int(page) if page.isdigit() else None,
        course,
        programme,
        place,
        "",
        location,
        students,
        cost,
        float(cost) if cost else None,
        start_date,
        end_date,
        status,
        "",
        student_unit,
        us_unit,
    )


def read_training(store: ox.Store) -> Iterator[tuple[object, ...]]:
    """One row per training record of the store, read from it (the slow way: an import gives
    its rows as it reads them, and a build copies them from the index it replaces)."""
    records = sorted(
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), _imet("TrainingRecord"))
        if isinstance(q.subject, ox.NamedNode)
    )
    if not records:
        return
    codes = first_values(store, _imet("isoCode"))
    value = {
        name: first_values(store, _imet(name))
        for name in (
            "country",
            "regionAsPrinted",
            "fiscalYear",
            "page",
            "courseTitle",
            "programmeCode",
            "location",
            "locationAsPrinted",
            "students",
            "reportedCostUSD",
            "startDate",
            "endDate",
            "rowKind",
            "studentUnitAsPrinted",
            "usUnitAsPrinted",
        )
    }
    sources = first_values(store, ox.NamedNode(f"{DCTERMS}source"))
    for record in records:

        def get(name: str, record: str = record) -> str:
            return value[name].get(record, "")

        students = get("students")
        yield training_row(
            record,
            country=codes.get(get("country"), ""),
            region=get("regionAsPrinted"),
            year=get("fiscalYear"),
            edition=sources.get(record, "").rsplit("/fmtr-", 1)[-1],
            page=get("page"),
            course=get("courseTitle"),
            programme=get("programmeCode"),
            place=get("location"),
            location=get("locationAsPrinted"),
            students=int(students) if students.lstrip("-").isdigit() else None,
            cost=get("reportedCostUSD"),
            start_date=get("startDate"),
            end_date=get("endDate"),
            status=get("rowKind").rsplit("/", 1)[-1],
            student_unit=get("studentUnitAsPrinted"),
            us_unit=get("usUnitAsPrinted"),
        )


def write_training(
    connection: sqlite3.Connection,
    store: ox.Store,
    *,
    rows: Iterable[tuple[object, ...]] | None = None,
    previous: str | None = None,
) -> int:
    """Write the table of the store's training records; how many rows. The rows are `rows`
    when an import gives them, else those of the `previous` index (a database attached under
    that name), else read from the store; their labels are then read from the store."""
    if rows is None and previous is not None:
        connection.executescript(SCHEMA)
        columns = ", ".join(COLUMNS)
        connection.execute(f"INSERT INTO training SELECT {columns} FROM {previous}.training")
        connection.executescript(INDEXES)
        count = int(connection.execute("SELECT COUNT(*) FROM training").fetchone()[0])
    else:
        count = insert_training(connection, read_training(store) if rows is None else rows)
    label_training(connection, store)
    return count


def insert_training(connection: sqlite3.Connection, rows: Iterable[tuple[object, ...]]) -> int:
    """The table, with `rows` in their records' order (the table's key: inserted in its order,
    its pages are filled one after the other rather than split, 0.35 s against 0.77 s for the
    full import's) and the indexes of the columns their labels leave alone; how many rows.
    The labels are `label_training`'s (an import inserts its rows before the store that
    labels them is written)."""
    connection.executescript(SCHEMA)
    ordered = sorted(rows, key=itemgetter(0))
    columns = ", ".join(COLUMNS)
    placeholders = ", ".join("?" for _ in COLUMNS)
    connection.executemany(f"INSERT INTO training ({columns}) VALUES ({placeholders})", ordered)
    connection.executescript(INDEXES)
    return len(ordered)


def label_training(connection: sqlite3.Connection, store: ox.Store) -> None:
    """Each row's country, place and status labels, as the store gives them (a country
    without one is labelled by its code, a status by its name, a place not at all), and the
    indexes of the labels."""
    connection.execute("CREATE TEMP TABLE labels (key TEXT PRIMARY KEY, label TEXT NOT NULL)")
    keys = {
        f"{BASE}id/country/{code}": code
        for (code,) in connection.execute("SELECT DISTINCT country FROM training")
    }
    places = [place for (place,) in connection.execute("SELECT DISTINCT place FROM training")]
    statuses = {
        f"{BASE}id/row-kind/{status}": status
        for (status,) in connection.execute("SELECT DISTINCT status FROM training")
    }
    # A few hundred labels of the store's tens of thousands: each looked up.
    labels = preferred_labels(store, [*keys, *(p for p in places if p), *statuses])
    entries = [(code, labels[iri]) for iri, code in keys.items() if iri in labels]
    entries += [(place, labels[place]) for place in places if place in labels]
    entries += [(f"status:{s}", labels[iri]) for iri, s in statuses.items() if iri in labels]
    connection.executemany("INSERT INTO labels VALUES (?, ?)", entries)
    connection.execute(
        "UPDATE training SET "
        "country_label = COALESCE((SELECT label FROM labels WHERE key = country), country), "
        "place_label = COALESCE((SELECT label FROM labels WHERE key = place), ''), "
        "status_label = COALESCE("
        "(SELECT label FROM labels WHERE key = 'status:' || status), status)"
    )
    connection.execute("DROP TABLE labels")
    connection.executescript(LABEL_INDEXES)


class View(NamedTuple):
    """A filtered, sorted view of the records: each facet's chosen values, the sort column
    and order, and the page (from 1)."""

    filters: tuple[tuple[str, tuple[str, ...]], ...]
    sort: str | None = None
    descending: bool = False
    page: int = 1

    def chosen(self, parameter: str) -> tuple[str, ...]:
        return dict(self.filters).get(parameter, ())


class Totals(NamedTuple):
    records: int
    line_items: int
    students: int
    cost: Decimal


def _place_key(iri: str) -> str:
    """A place's IRI as its URL value: the part after /id/."""
    return iri.removeprefix(f"{BASE}id/")


def _condition(facet: Facet, values: Sequence[str]) -> tuple[str, list[object]]:
    """The SQL condition for a facet's chosen values (any of them)."""
    parts: list[str] = []
    parameters: list[object] = []
    for text in values:
        if text == NONE:
            parts.append(f"{facet.column} IS NULL OR {facet.column} = ''")
        elif facet.parameter == "year":
            parts.append("year = ?")
            parameters.append(int(text))
        elif facet.parameter == "place":
            parts.append("place = ?")
            parameters.append(f"{BASE}id/{text}")
        else:
            parts.append(f"{facet.column} = ?")
            parameters.append(text)
    return "(" + " OR ".join(parts) + ")", parameters


def _where(view: View, leave_out: str | None = None) -> tuple[str, list[object]]:
    conditions: list[str] = []
    parameters: list[object] = []
    for parameter, values in view.filters:
        if parameter == leave_out or not values:
            continue
        condition, more = _condition(FACET_BY_PARAMETER[parameter], values)
        conditions.append(condition)
        parameters += more
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), parameters


class FacetValue(NamedTuple):
    value: str  # as the URL gives it
    label: str
    records: int
    chosen: bool


class TrainingTable:
    """The table in a store's search index file, read-only; a connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[sqlite3.Connection] = []
        self._facets: dict[tuple[View, str], tuple[list[FacetValue], int]] = {}
        self._closing = threading.Event()
        self._warming: threading.Thread | None = None
        self.size = self._connection().execute("SELECT COUNT(*) FROM training").fetchone()[0]

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
                uri=True,
                check_same_thread=False,
            )
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def totals(self, view: View) -> Totals:
        """How many records the view holds, and the students and reported cost of its line
        items (proposed training and the reports' total lines are not added)."""
        where, parameters = _where(view)
        line = "status = 'line-item'"
        row = (
            self._connection()
            .execute(
                f"SELECT COUNT(*), SUM({line}), SUM(CASE WHEN {line} THEN students END), "
                f"SUM(CASE WHEN {line} THEN cost_value END) FROM training{where}",
                parameters,
            )
            .fetchone()
        )
        return Totals(
            int(row[0]),
            int(row[1] or 0),
            int(row[2] or 0),
            Decimal(str(round(row[3] or 0, 2))).normalize(),
        )

    def facet(self, view: View, facet: Facet) -> tuple[list[FacetValue], int]:
        """The facet's values with their counts under the view's other filters, most first
        (years in order), at most FACET_VALUES of them with the chosen ones always listed;
        and how many values there are in all. Remembered per view: the table never changes."""
        key = (view._replace(sort=None, descending=False, page=1), facet.parameter)
        with self._lock:
            if key in self._facets:
                return self._facets[key]
        where, parameters = _where(view, leave_out=facet.parameter)
        order = "value DESC" if facet.parameter == "year" else "count DESC, label"
        rows = (
            self._connection()
            .execute(
                f"SELECT {facet.column} AS value, MIN({facet.label}) AS label, COUNT(*) AS count "
                f"FROM training{where} GROUP BY {facet.column} ORDER BY {order}",
                parameters,
            )
            .fetchall()
        )
        chosen = set(view.chosen(facet.parameter))
        values = []
        for value, label, count in rows:
            if value is None or value == "":
                shown, text = NONE, "(none)"
            elif facet.parameter == "place":
                shown, text = _place_key(str(value)), str(label or value)
            else:
                shown, text = str(value), str(label)
            values.append(FacetValue(shown, text, int(count), shown in chosen))
        listed = list(values[:FACET_VALUES]) + [v for v in values[FACET_VALUES:] if v.chosen]
        answer = (listed, len(values))
        with self._lock:
            if len(self._facets) > 4096:
                self._facets.clear()
            self._facets[key] = answer
        return answer

    def rows(self, view: View, size: int) -> list[dict[str, object]]:
        """The view's page of `size` rows."""
        where, parameters = _where(view)
        offset = (max(view.page, 1) - 1) * size
        cursor = self._connection().execute(
            f"SELECT {', '.join(COLUMNS)} FROM training{where} ORDER BY {_order(view)} "
            "LIMIT ? OFFSET ?",
            [*parameters, size, offset],
        )
        return [dict(zip(COLUMNS, row, strict=True)) for row in cursor]

    def all_rows(self, view: View) -> Iterator[tuple[object, ...]]:
        """Every row of the view in its order, read as they are written (for a download, in
        the thread that writes it)."""
        where, parameters = _where(view)
        connection = sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True
        )
        try:
            yield from connection.execute(
                f"SELECT {', '.join(COLUMNS)} FROM training{where} ORDER BY {_order(view)}",
                parameters,
            )
        finally:
            connection.close()

    def labels(self, parameter: str, values: Mapping[str, str] | Sequence[str]) -> list[str]:
        """What a person reads for chosen values of a facet."""
        facet = FACET_BY_PARAMETER[parameter]
        shown = []
        for value in values:
            if value == NONE:
                shown.append("(none)")
                continue
            key: object = f"{BASE}id/{value}" if parameter == "place" else value
            if parameter == "year" and str(value).isdigit():
                key = int(value)
            row = (
                self._connection()
                .execute(
                    f"SELECT {facet.label} FROM training WHERE {facet.column} = ? LIMIT 1", (key,)
                )
                .fetchone()
            )
            shown.append(str(row[0]) if row else str(value))
        return shown

    def warm(self) -> None:
        """Count the facets of the unfiltered view, the one every visit starts from; stops
        early when the table is being closed."""
        view = View(())
        self.totals(view)
        for facet in FACETS:
            if self._closing.is_set():
                return
            self.facet(view, facet)

    def warm_in_background(self) -> None:
        """`warm` in a thread of its own, which `close` waits for."""
        self._warming = threading.Thread(target=self.warm, name="imet-kg-warm", daemon=True)
        self._warming.start()

    def close(self) -> None:
        """Close every thread's connection, once the warming thread (if any) has stopped:
        a connection closed under a running count would fail it."""
        self._closing.set()
        if self._warming is not None:
            self._warming.join()
        with self._lock:
            for connection in self._opened:
                connection.close()
            self._opened.clear()


def open_training(path: Path) -> TrainingTable | None:
    """The table in the index file at `path`; None when the file has none (an index written
    before the table was)."""
    try:
        return TrainingTable(path)
    except sqlite3.Error:
        return None


def _order(view: View) -> str:
    if view.sort in SORTABLE:
        direction = "DESC" if view.descending else "ASC"
        rest = ", ".join(column for column in DEFAULT_ORDER if column != view.sort)
        return f"{view.sort} IS NULL, {view.sort} {direction}, {rest}"
    return ", ".join(DEFAULT_ORDER)
