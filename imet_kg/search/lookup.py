"""A search of the index beside a store: the words a person typed, each matched as the start of
a word (so that "lack" finds Lackland as it is typed), all of them required, ranked by
BM25 (a match in a label weighs more than one in other names, and those more than one in
longer text) times the weight of the result's kind, half as much again for an exact label.
A word that matches more than RANKED documents (a letter typed alone, "army") ranks the first
RANKED: the index holds the weightiest kinds first, so these are entities before records.
The words are read into the index's own terms here, never passed to FTS5 as query syntax."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from imet_kg.errors import ImetKgError
from imet_kg.search.index import SCHEMA_VERSION, SEARCH_FILE, name_key
from imet_kg.search.kinds import DEFAULT_LIMIT, KINDS, MAX_LIMIT, MAX_WORDS

# How many matches a search ranks at most (each is scored; ranking them all for a common word
# costs tens of milliseconds).
RANKED = 1000
EXACT = 1.5  # how much more an exact label weighs
_WORD = re.compile(r"[^\W_]+")
# Label, other names, text (kind and country are filters): how much a match in each weighs.
_COLUMN_WEIGHTS = (10.0, 4.0, 1.0, 0.0, 0.0)


class Hit(NamedTuple):
    kind: str
    label: str
    context: str
    iri: str
    country: str
    score: float


def words_of(text: str) -> list[str]:
    """The terms of `text` as the index's tokenizer reads them: accents and case folded,
    split at everything that is not a letter or a digit."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _WORD.findall(folded)


def match_expression(
    words: Sequence[str],
    kinds: Sequence[str] = (),
    country: str | None = None,
    expansions: Mapping[str, str] | None = None,
) -> str:
    """An FTS5 query requiring each word as a prefix of a word of a document's label, names
    or text (or the words an abbreviation stands for, as a phrase), and the document's kind
    and country among those given: every term quoted, so that nothing a person types is read
    as FTS5 syntax (the terms hold letters and digits only; the kinds, codes and expansions
    are the index's own)."""
    terms = []
    for word in words:
        expansion = (expansions or {}).get(word)
        terms.append(f'("{word}"* OR "{expansion}")' if expansion else f'"{word}"*')
    expression = "{label names text} : (" + " AND ".join(terms) + ")"
    if kinds:
        expression += " AND kind : (" + " OR ".join(f'"{kind}"' for kind in kinds) + ")"
    if country is not None:
        expression += f' AND country : "{country.lower()}"'
    return expression


def index_path(store: Path) -> Path:
    path = store / SEARCH_FILE
    if not path.is_file():
        raise ImetKgError(
            f"{store}: no search index beside this store; run 'imet-kg build' (or import the "
            "records again) to write one"
        )
    return path


class SearchIndex:
    """The index of one store, opened read-only (the file never changes once the store is
    swapped in: a new store comes with a new index)."""

    def __init__(self, store: Path) -> None:
        path = index_path(store)
        self.connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        about = dict(self.connection.execute("SELECT name, value FROM about"))
        if about.get("schema") != SCHEMA_VERSION:
            raise ImetKgError(
                f"{path}: a search index of another version; run 'imet-kg build' to rewrite it"
            )
        self.size = int(about.get("documents", "0"))
        self.expansions = dict(self.connection.execute("SELECT word, expansion FROM expansions"))

    def close(self) -> None:
        self.connection.close()

    def country_code(self, name: str) -> str:
        """The ISO code of the country a name or code names; an error when none."""
        row = self.connection.execute(
            "SELECT code FROM countries WHERE key = ?", (name_key(name),)
        ).fetchone()
        if row is None:
            raise ImetKgError(f"no country named {name!r} (give its name or ISO code)")
        return str(row[0])

    def search(
        self,
        text: str,
        *,
        kinds: Sequence[str] = (),
        country: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> list[Hit]:
        """The best `limit` results for the words of `text`, of the given kinds (every kind
        when none) and of the country given by name or code."""
        words = words_of(text)
        if not words:
            raise ImetKgError("give a word to search for (letters or digits)")
        if len(words) > MAX_WORDS:
            raise ImetKgError(f"give at most {MAX_WORDS} words to search for")
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise ImetKgError(f"no kind {unknown[0]!r}; use one of {', '.join(KINDS)}")
        if not 1 <= limit <= MAX_LIMIT:
            raise ImetKgError(f"the limit is a number from 1 to {MAX_LIMIT}")
        code = self.country_code(country) if country is not None else None
        weights = ", ".join(str(weight) for weight in _COLUMN_WEIGHTS)
        exact = f"(CASE WHEN lower(label) = ? THEN {EXACT} ELSE 1 END)"
        sql = (
            "SELECT kind, label, context, iri, country, score FROM ("
            "SELECT kind, label, context, iri, country, "
            f"bm25(search, {weights}) * boost * {exact} AS score "
            f"FROM search WHERE search MATCH ? LIMIT {RANKED}) ORDER BY score LIMIT ?"
        )
        parameters = [
            " ".join(text.split()).lower(),
            match_expression(words, kinds, code, self.expansions),
            limit,
        ]
        rows = self.connection.execute(sql, parameters).fetchall()
        return [
            Hit(str(kind), str(label), str(context), str(iri), str(code), round(-float(score), 3))
            for kind, label, context, iri, code, score in rows
        ]
