"""The search index: an SQLite FTS5 table of the store's documents (`documents`), with the
table of training records the record browser reads (`training`), written into
the store's folder while the store is being written, so that it is swapped in with the store
and never describes another. Words are found by prefix (type-ahead), with case and accents
folded by the tokenizer; `lookup` ranks what they find."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox

from imet_kg.fileio import sync
from imet_kg.search.documents import Document, read_courses, read_entities, read_records
from imet_kg.search.training import insert_training, label_training, write_training

SEARCH_FILE = "imet-kg-search.sqlite"
SCHEMA_VERSION = "5"
# How much a match of each kind weighs beside the others, words being equal: an entity named
# by the words comes before the records that print them.
BOOSTS = {
    "country": 6.0,
    "school": 6.0,
    "agency": 6.0,
    "act": 4.0,
    "programme": 4.0,
    "place": 4.0,
    "unit": 2.5,
    "source": 2.0,
    "event": 2.0,
    "claim": 1.5,
    "course": 1.5,
    "record": 1.0,
}


def name_key(text: str) -> str:
    """A country's name as the index keeps it: runs of white space as one space, case folded
    (as the store's index of names keeps names)."""
    return " ".join(text.split()).casefold()


SCHEMA = """
CREATE VIRTUAL TABLE search USING fts5(
    label, names, text, kind, country,
    iri UNINDEXED, context UNINDEXED, boost UNINDEXED, origin UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
CREATE TABLE countries (key TEXT PRIMARY KEY, code TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE about (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE expansions (word TEXT PRIMARY KEY, expansion TEXT NOT NULL) WITHOUT ROWID;
"""


COLUMNS = "label, names, text, kind, country, iri, context, boost, origin"
# What the documents of an import come from: the import writes them as it reads its rows, and
# a build that keeps the import copies them from the index it replaces.
IMPORTED = "import"


# The import's documents are written ahead of the entities (see IndexWriter), under row
# numbers from here: a search reads matches in row order, entities first.
IMPORTED_ROWS = 1 << 40


def write_index(
    store: ox.Store,
    folder: Path,
    *,
    imported: Iterable[Document] | None = None,
    previous: Path | None = None,
    expansions: Mapping[str, tuple[str, ...]] | None = None,
    training: Iterable[tuple[object, ...]] | None = None,
) -> int:
    """Write the search index of `store` into `folder` (the store's own, before it is swapped
    in); the number of documents. Entities are read from the store; the documents of the
    imported records and courses are `imported` when an import gives them, else those of the
    `previous` store's index (the same records, carried over), else read from the store (the
    slowest way). `expansions` are the abbreviations a search widens a word by. The table of
    training records is `training` (the rows an import gives), else copied from the
    `previous` index, else read from the store. Written under a temporary name and renamed."""
    writer = IndexWriter(folder)
    writer.add_imported(imported, training)
    return writer.finish(store, previous=previous, expansions=expansions)


class IndexWriter:
    """A search index being written into a store's folder, in two steps: the documents and
    table rows of an import, which need no store (written while the store writes its last
    statements: for the full import, 0.8 s of CPU for the documents, 0.6 s for the rows),
    then what the store gives. Opened under a temporary name; renamed when finished; `close`
    leaves the temporary file to the folder's fate."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / SEARCH_FILE
        self.partial = folder / f"{SEARCH_FILE}.partial"
        self.partial.unlink(missing_ok=True)
        # The steps may run on different threads, one after the other.
        self.connection = sqlite3.connect(self.partial, check_same_thread=False)
        # A file no one reads until it is renamed: no journal, no sync on each commit, a
        # larger page cache for the indexes; it is synced once, before the rename.
        self.connection.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -131072;"
        )
        self.connection.executescript(SCHEMA)
        # FTS5 merges its segments as rows go in, and the final optimize merges them all
        # again: with merging held off until a merge would take 64 segments, the full
        # import's documents go in with 1.19 s of CPU against 1.6 s, into the same index.
        self.connection.executescript(
            "INSERT INTO search (search, rank) VALUES ('automerge', 0);"
            "INSERT INTO search (search, rank) VALUES ('crisismerge', 64);"
        )
        self.imported: int | None = None
        self.records: int | None = None

    def add_imported(
        self,
        documents: Iterable[Document] | None,
        training: Iterable[tuple[object, ...]] | None = None,
    ) -> None:
        """The documents of what is imported, numbered after any entity, and the rows of the
        table of training records, to be labelled from the store (none given: `finish`
        carries them from the index replaced, else reads them from the store)."""
        if documents is not None:
            self.imported = _insert(self.connection, documents, IMPORTED, IMPORTED_ROWS)
        if training is not None:
            self.records = insert_training(self.connection, training)

    def finish(
        self,
        store: ox.Store,
        *,
        previous: Path | None = None,
        expansions: Mapping[str, tuple[str, ...]] | None = None,
    ) -> int:
        """The entities of `store` and the rest (see `write_index`); the documents in all."""
        connection = self.connection
        try:
            count = _insert(connection, read_entities(store), "store", 1)
            carried = _previous_index(previous) if self.imported is None else None
            if self.imported is not None:
                count += self.imported
            elif carried is not None:
                connection.execute(
                    "ATTACH DATABASE ? AS previous", (f"{carried.as_uri()}?mode=ro",)
                )
                copied = connection.execute(
                    f"INSERT INTO search ({COLUMNS}) SELECT {COLUMNS} FROM previous.search "
                    "WHERE origin = ?",
                    (IMPORTED,),
                )
                count += copied.rowcount
                connection.commit()
                connection.execute("DETACH DATABASE previous")
            else:
                count += _insert(connection, read_courses(store), IMPORTED)
                count += _insert(connection, read_records(store), IMPORTED)
            connection.executemany(
                "INSERT INTO countries VALUES (?, ?)", sorted(_country_keys(connection).items())
            )
            connection.executemany(
                "INSERT INTO expansions VALUES (?, ?)",
                sorted((word, " ".join(words)) for word, words in (expansions or {}).items()),
            )
            if self.records is not None:
                records = self.records
                label_training(connection, store)
            elif carried is not None:
                connection.execute(
                    "ATTACH DATABASE ? AS previous", (f"{carried.as_uri()}?mode=ro",)
                )
                records = write_training(connection, store, previous="previous")
                connection.commit()
                connection.execute("DETACH DATABASE previous")
            else:
                records = write_training(connection, store)
            connection.executemany(
                "INSERT INTO about VALUES (?, ?)",
                [("schema", SCHEMA_VERSION), ("documents", str(count)), ("records", str(records))],
            )
            connection.execute("INSERT INTO search (search) VALUES ('optimize')")
            connection.commit()
        finally:
            connection.close()
        sync(self.partial)
        self.partial.replace(self.path)
        return count

    def close(self) -> None:
        self.connection.close()


def _insert(
    connection: sqlite3.Connection,
    documents: Iterable[Document],
    origin: str,
    first: int | None = None,
) -> int:
    """Write `documents`; numbered from `first` when given, else after the last row."""
    count = 0
    batch: list[tuple[object, ...]] = []
    numbered = first is not None
    sql = (
        f"INSERT INTO search ({'rowid, ' if numbered else ''}{COLUMNS}) "
        f"VALUES ({'?, ' if numbered else ''}?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    row = first or 0
    for document in documents:
        if numbered:
            batch.append((row, *document, BOOSTS[document.kind], origin))
            row += 1
        else:
            batch.append((*document, BOOSTS[document.kind], origin))
        count += 1
        if len(batch) >= 5000:
            connection.executemany(sql, _ordered(batch))
            batch.clear()
    connection.executemany(sql, _ordered(batch))
    return count


def _ordered(batch: list[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """Rows in the order of COLUMNS, from (iri, kind, label, names, text, context, country,
    boost, origin), each after its row number when it has one."""
    for row in batch:
        *number, iri, kind, label, names, text, context, country, boost, origin = row
        yield (*number, label, names, text, kind, country, iri, context, boost, origin)


def _country_keys(connection: sqlite3.Connection) -> dict[str, str]:
    """Every name and code of each country, as a key, with its ISO code."""
    keys: dict[str, str] = {}
    rows = connection.execute("SELECT label, names, country FROM search WHERE kind = 'country'")
    for label, names, code in rows:
        if code:
            for name in (label, *str(names).splitlines(), code):
                keys.setdefault(name_key(str(name)), str(code))
    return keys


def _previous_index(store: Path | None) -> Path | None:
    """The index of the store being replaced, when it is one this version can copy from."""
    if store is None or not (store / SEARCH_FILE).is_file():
        return None
    path = store / SEARCH_FILE
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            about = dict(connection.execute("SELECT name, value FROM about"))
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return path.resolve() if about.get("schema") == SCHEMA_VERSION else None
