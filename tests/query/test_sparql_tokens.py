"""The lexer of the project's own SPARQL texts: what it takes as one token."""

from __future__ import annotations

import pytest

from imet_kg.sparql.tokens import declares_dataset, tokens


def _variable_characters() -> set[int]:
    """The code points the lexer takes inside a variable's name."""
    taken = set()
    for point in range(0x110000):
        if 0xD800 <= point <= 0xDFFF:
            continue
        text = f"?a{chr(point)}b"
        first = next(tokens(text))
        if first.kind == "variable" and first.text == text:
            taken.add(point)
    return taken


def test_a_variable_holds_what_sparql_names_may_in_the_basic_plane() -> None:
    """ASCII letters, digits and "_", U+00B7, and U+00C0 to U+FFFF."""
    expected = {
        *range(ord("0"), ord("9") + 1),
        *range(ord("A"), ord("Z") + 1),
        *range(ord("a"), ord("z") + 1),
        ord("_"),
        0xB7,
        *(point for point in range(0xC0, 0x10000) if not 0xD800 <= point <= 0xDFFF),
    }
    assert _variable_characters() == expected


@pytest.mark.parametrize(
    ("text", "declared"),
    [
        ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", True),
        ("select * from named <urn:g> { ?s ?p ?o }", True),
        ("# taken from the report\nSELECT * { ?s ?p 'from' }", False),
        ("SELECT ?from { ?s <urn:from> ?from }", False),
        ("SELECT ?éFROM { ?s ?p ?éFROM }", False),
        ('SELECT * { ?s ?p """a\nFROM <urn:g>""" }', False),
    ],
)
def test_a_dataset_is_declared_only_by_the_keyword(text: str, declared: bool) -> None:
    assert declares_dataset(text) is declared
