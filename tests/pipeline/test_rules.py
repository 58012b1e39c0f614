"""The derivation rules: the short triples they add, where they put them, and their fixed point."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from imet_kg import KnowledgeGraph, Layout, RuleReport, apply_rules, load_rules
from imet_kg.namespaces import derived_graph

from ..conftest import value

ID = "https://w3id.org/imet-kg/id/"
IMET = "https://w3id.org/imet-kg/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def triple(s: str, p: str, o: str | ox.Literal) -> ox.Triple:
    obj = o if isinstance(o, ox.Literal) else ox.NamedNode(o)
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), obj)


DERIVED = [
    ("construct-roles", triple(f"{ID}agency/dod", f"{IMET}administers", f"{ID}programme/imet")),
    ("construct-roles", triple(f"{ID}agency/pm", f"{IMET}administers", f"{ID}programme/imet")),
    ("construct-roles", triple(f"{ID}agency/pm", f"{IMET}directsPolicyOf", f"{ID}programme/imet")),
    ("construct-roles", triple(f"{ID}agency/dsca", f"{IMET}oversees", f"{ID}programme/imet")),
    ("construct-roles", triple(f"{ID}act/pl-94-329", f"{IMET}establishes", f"{ID}programme/imet")),
    (
        "construct-roles",
        triple(f"{ID}act/pl-87-195-section-541", f"{IMET}authorises", f"{ID}programme/imet"),
    ),
    (
        "construct-coordination",
        triple(f"{ID}agency/us-embassies", f"{IMET}coordinates", f"{ID}programme/imet"),
    ),
    ("construct-amendments", triple(f"{ID}act/pl-94-329", f"{ELI}amends", f"{ID}act/pl-87-195")),
    (
        "construct-amendments",
        triple(f"{ID}act/pl-87-195", f"{ELI}amended_by", f"{ID}act/pl-94-329"),
    ),
    (
        "construct-sub-organisations",
        triple(f"{ID}agency/pm", f"{ORG}subOrganizationOf", f"{ID}agency/dos"),
    ),
    (
        "construct-former-names",
        triple(
            f"{ID}school/whinsec",
            f"{SKOS}altLabel",
            ox.Literal("U.S. Army School of the Americas", language="en"),
        ),
    ),
    (
        "construct-teaching",
        triple(f"{ID}school/navsciatts", f"{IMET}teachesInLanguage", f"{ID}language/es"),
    ),
    (
        "construct-participation",
        triple(f"{ID}country/PK", f"{IMET}participatesIn", f"{ID}programme/imet"),
    ),
    (
        "construct-comparisons",
        triple(
            f"{ID}programme/imet", f"{IMET}comparableTo", f"{ID}programme/un-peacekeeping-training"
        ),
    ),
    (
        "construct-programme-kinds",
        triple(f"{ID}programme/imet", f"{IMET}programmeKind", f"{ID}kind/student-exchange"),
    ),
]


@pytest.mark.parametrize(("rule", "expected"), DERIVED, ids=lambda value: str(value)[:60])
def test_rule_derives_triple_into_its_graph(
    graph: KnowledgeGraph, rule: str, expected: ox.Triple
) -> None:
    in_graph = graph.store.quads_for_pattern(
        expected.subject, expected.predicate, expected.object, ox.NamedNode(derived_graph(rule))
    )
    assert list(in_graph), f"{rule} did not derive {expected}"


def test_every_rule_contributes(assembled: tuple[KnowledgeGraph, RuleReport]) -> None:
    _, report = assembled
    assert report.added
    assert all(count > 0 for count in report.added.values()), report.added


def test_rules_reach_a_fixed_point(layout: Layout, graph: KnowledgeGraph) -> None:
    before = len(graph)
    again = apply_rules(graph, load_rules(layout.rules_dir))
    assert again.total == 0
    assert again.rounds == 1
    assert len(graph) == before


def test_participation_covers_every_country_with_events(graph: KnowledgeGraph) -> None:
    matches = graph.store.quads_for_pattern(
        None, ox.NamedNode(f"{IMET}participatesIn"), ox.NamedNode(f"{ID}programme/imet")
    )
    codes = sorted({value(quad.subject).rsplit("/", 1)[1] for quad in matches})
    assert codes == ["AF", "EG", "ML", "PK", "SA", "SN"]
