"""The shapes compiled to SPARQL give the same results as pySHACL: on the curated graph, on
every shape test case, on SHACL Core components the project's shapes do not use yet, and on
a sample of real training records broken in every way the record shape forbids."""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from imet_kg import KnowledgeGraph, Layout, Violation
from imet_kg.namespaces import prefixes
from imet_kg.store.graph import parse_file
from imet_kg.terms import rdflib_graph
from imet_kg.validation.compiled import Engine, compiled_results, run_compiled
from imet_kg.validation.shape_compiler import (
    SET_CONSTRAINTS,
    VALUE_TESTS,
    UnsupportedShape,
)
from imet_kg.validation.shapes_pyshacl import run_shapes
from imet_kg.validation.streamed import Prechecks

from ..conftest import DATA, ROOT

COMPILER = DATA / "compiler"
SHAPE_CASES = sorted((DATA / "shapes").glob("*/*.ttl"))
RECORDS = ROOT.parent / "shared" / "data" / "fmtr" / "fmtr_imet_training_records.tsv"
IMET = "https://w3id.org/imet-kg/ontology#"
ID = "https://w3id.org/imet-kg/id/"

Key = tuple[str, str, str | None, str | None, str, str, str | None]


def keys(results: list[Violation], shapes: rdflib.Graph) -> set[Key]:
    """Results as comparable tuples; a message counts only where the shape wrote one (the two
    engines word their default messages differently)."""
    declared = {str(m) for m in shapes.objects(None, SH.message)}
    return {
        (
            r.focus,
            r.rule,
            r.path,
            r.value,
            r.severity,
            r.message if r.message in declared else "",
            r.component,
        )
        for r in results
    }


def both(graph: KnowledgeGraph, shapes: rdflib.Graph, names: dict[str, str]) -> set[Key]:
    reference = keys(run_shapes(graph, shapes, names), shapes)
    compiled = keys(run_compiled(graph, shapes, names), shapes)
    only_reference, only_compiled = sorted(reference - compiled), sorted(compiled - reference)
    assert compiled == reference, f"pySHACL only: {only_reference}\ncompiled: {only_compiled}"
    return compiled


@pytest.fixture(scope="module")
def shapes(layout: Layout) -> rdflib.Graph:
    return rdflib_graph(parse_file(layout.shapes_file))


@pytest.fixture(scope="module")
def names(layout: Layout) -> dict[str, str]:
    return prefixes(layout.context_file)


def test_every_project_shape_is_supported(shapes: rdflib.Graph) -> None:
    engine = Engine(KnowledgeGraph(), shapes, written=False)
    engine.check()
    assert set(engine.targeted()) == set(shapes.subjects(SH.targetClass, None)) | set(
        shapes.subjects(SH.targetObjectsOf, None)
    ) | set(shapes.subjects(SH.targetSubjectsOf, None))


def test_curated_graph_same_as_pyshacl(
    graph: KnowledgeGraph, shapes: rdflib.Graph, names: dict[str, str]
) -> None:
    assert both(graph, shapes, names) == set()


@pytest.mark.parametrize("case", SHAPE_CASES, ids=lambda path: f"{path.parent.name}-{path.stem}")
def test_shape_case_same_as_pyshacl(
    layout: Layout, shapes: rdflib.Graph, names: dict[str, str], case: Path
) -> None:
    graph = KnowledgeGraph()
    graph.load_file(layout.ontology_file, "urn:test:ontology")
    graph.load_file(DATA / "shapes" / "base.ttl", "urn:test:base")
    graph.load_file(case, "urn:test:case")
    found = both(graph, shapes, names)
    assert bool(found) == (case.parent.name == "invalid")


def test_other_core_components_same_as_pyshacl() -> None:
    shapes = rdflib_graph(parse_file(COMPILER / "shapes.ttl"))
    graph = KnowledgeGraph()
    graph.load_file(COMPILER / "data.ttl", "urn:test:data")
    found = both(graph, shapes, {"ex": "https://example.org/"})
    parameters = {p for p in shapes.predicates() if str(p).startswith(str(SH))}
    assert len(parameters & (VALUE_TESTS | SET_CONSTRAINTS)) >= 17
    good = [k for k in found if k[0] == "ex:good"]
    assert good == []
    assert len([k for k in found if k[0] == "ex:bad"]) >= 20
    special = (
        "ex:also",
        "ex:Special",
        None,
        None,
        "Violation",
        "",
        "sh:HasValueConstraintComponent",
    )
    assert special in found
    assert any(k[0] == "literal object" for k in found)  # an object of ex:link, not an IRI


def test_unsupported_constraint_is_refused_by_name() -> None:
    """Before any query runs: a SHACL term the engine does not know, named with its shape."""
    shapes = rdflib_graph(parse_file(COMPILER / "unsupported.ttl"))
    with pytest.raises(UnsupportedShape, match=r"UnknownShape.*minCout"):
        compiled_results(KnowledgeGraph(), shapes)


def test_ill_formed_year_is_caught_where_pyshacl_cannot_read_it(
    shapes: rdflib.Graph, names: dict[str, str], graph: KnowledgeGraph
) -> None:
    """rdflib does not parse xsd:gYear, so pySHACL passes "19x"^^xsd:gYear; the store casts
    the lexical form and the compiled validator reports it."""
    broken = KnowledgeGraph()
    broken.store.bulk_extend(graph.store)
    record = ox.NamedNode(f"{ID}training/broken")
    year = ox.Literal("19x", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
    broken.add(
        [
            ox.Triple(record, ox.NamedNode(f"{IMET}fiscalYear"), year),
            *record_basics(record),
        ],
        "urn:test:records",
    )
    about = str(record.value)
    reference = run_shapes(broken, shapes, names)
    assert [r for r in reference if r.focus == about] == []
    compiled = run_compiled(broken, shapes, names)
    assert [(r.focus, r.path, r.value) for r in compiled if r.focus == about] == [
        ("https://w3id.org/imet-kg/id/training/broken", "imet:fiscalYear", "19x")
    ]


LINE_ITEM = ox.NamedNode(f"{ID}row-kind/line-item")
RULE = ox.NamedNode(f"{ID}rule/fmtr-line-item")


def record_basics(record: ox.NamedNode) -> list[ox.Triple]:
    """What every record needs besides its fiscal year."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return [
        ox.Triple(record, rdf_type, ox.NamedNode(f"{IMET}TrainingRecord")),
        ox.Triple(
            record,
            ox.NamedNode("http://purl.org/dc/terms/source"),
            ox.NamedNode(f"{ID}source/fmtr-1999-2000"),
        ),
        ox.Triple(record, ox.NamedNode(f"{IMET}countryAsPrinted"), ox.Literal("Albania")),
        ox.Triple(record, ox.NamedNode(f"{IMET}programme"), ox.NamedNode(f"{ID}programme/imet")),
        ox.Triple(record, ox.NamedNode(f"{IMET}programmeCode"), ox.Literal("IMET")),
        ox.Triple(
            ox.NamedNode(f"{ID}source/fmtr-1999-2000"), rdf_type, ox.NamedNode(f"{IMET}Source")
        ),
        ox.Triple(record, ox.NamedNode(f"{IMET}rowKind"), LINE_ITEM),
        ox.Triple(record, ox.NamedNode(f"{IMET}classifiedBy"), RULE),
        ox.Triple(RULE, rdf_type, ox.NamedNode(f"{IMET}ClassificationRule")),
        ox.Triple(RULE, ox.NamedNode(f"{IMET}rowKind"), LINE_ITEM),
        ox.Triple(
            RULE,
            ox.NamedNode("http://purl.org/dc/terms/source"),
            ox.NamedNode(f"{ID}source/fmtr-1999-2000"),
        ),
    ]


@pytest.mark.skipif(not RECORDS.is_file(), reason="../shared/data/fmtr is not beside the checkout")
def test_broken_training_records_same_as_pyshacl(
    layout: Layout,
    graph: KnowledgeGraph,
    shapes: rdflib.Graph,
    names: dict[str, str],
    tmp_path: Path,
) -> None:
    from imet_kg.network.projections import node_info
    from imet_kg.sources.fmtr.records import Coverage, RecordsImport

    with RECORDS.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        rows = [row for number, row in enumerate(reader) if number % 250 == 0]
    column = {name: header.index(name) for name in header}
    rows[0][column["total_cost_usd"]] = "-12"
    sample = tmp_path / "sample.tsv"
    sample.write_text("\n".join("\t".join(row) for row in [header, *rows]) + "\n", encoding="utf-8")
    lines: dict[str, int] = {}
    triples = list(
        RecordsImport(
            sample,
            layout,
            known_entities=set(node_info(graph, {})),
            coverage=Coverage(),
            record_lines=lines,
        ).triples()
    )
    records = [ox.NamedNode(iri) for iri in sorted(lines, key=lines.__getitem__)]  # file order
    assert len(records) == len(rows) > 400

    def term(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri if "://" in iri else f"{IMET}{iri}")

    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    day = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    extra = [
        # ends before it starts: the importer never writes that, so it is added here
        ox.Triple(records[1], term("startDate"), ox.Literal("2005-03-01", datatype=day)),
        ox.Triple(records[1], term("endDate"), ox.Literal("2005-02-01", datatype=day)),
        ox.Triple(records[2], term("programme"), ox.NamedNode(f"{ID}programme/fmf")),
        ox.Triple(records[3], term("location"), ox.NamedNode(f"{ID}source/fmtr-1999-2000")),
        ox.Triple(records[4], term("students"), ox.Literal("many", datatype=integer)),
        ox.Triple(records[5], term("country"), ox.Literal("Albania")),
        ox.Triple(records[6], term("page"), ox.Literal("12")),
        ox.Triple(records[9], term("rowKind"), ox.NamedNode(f"{ID}row-kind/subtotal")),
    ]
    dropped = {
        (records[1], term("startDate")),
        (records[1], term("endDate")),
        (records[7], term("fiscalYear")),
        (records[8], term("countryAsPrinted")),
    }
    kept = [
        t.triple if isinstance(t, ox.Quad) else t
        for t in triples
        if (t.subject, t.predicate) not in dropped
    ]
    broken = KnowledgeGraph()
    broken.store.bulk_extend(graph.store)
    broken.add([*kept, *extra], "urn:test:records")
    found = both(broken, shapes, names)
    # The same results when the records are written through the prechecks, which prove the
    # constraints nothing broke, so that the engine queries only the others.
    prechecks = Prechecks(shapes)
    watched = KnowledgeGraph()
    watched.store.bulk_extend(graph.store)
    watched.add(prechecks.watch([*kept, *extra]), "urn:test:records")
    prechecks.read_rest(watched.store, {"urn:test:records"})
    cleared = prechecks.cleared()
    assert keys(run_compiled(watched, shapes, names, cleared), shapes) == found
    assert len(cleared) > 0.8 * len(prechecks.claims) > 150
    on_records = {k for k in found if k[1] == "imetsh:TrainingRecordShape"}
    focus = {k[0].rsplit("/", 1)[-1] for k in on_records}
    assert focus == {r.value.rsplit("/", 1)[-1] for r in records[:10]}
    # The negative cost of the first record also makes the sums that include it negative.
    on_sums = found - on_records
    assert {k[1] for k in on_sums} == {"imetsh:TrainingAggregateShape"}
    assert all("/aggregate/fmtr-" in k[0] for k in on_sums)


SMUGGLED = {
    "plain": "SERVICE <__URL__> { ?s ?p ?o }",
    "lower case": "service <__URL__> { ?s ?p ?o }",
    # Doubled for Turtle, so that the query itself holds the SPARQL escape for "S".
    "escaped": "\\\\u0053ERVICE <__URL__> { ?s ?p ?o }",
    "silent": "SERVICE SILENT <__URL__> { ?s ?p ?o }",
    "in EXISTS": "FILTER EXISTS { SERVICE <__URL__> { ?s ?p ?o } }",
    "in OPTIONAL": "OPTIONAL { SERVICE <__URL__> { ?s ?p ?o } }",
    "prefixed": "SERVICE remote:sparql { ?s ?p ?o }",
    "LOAD": "LOAD <__URL__>",
}


@pytest.mark.parametrize("form", SMUGGLED, ids=list(SMUGGLED))
def test_a_shape_cannot_reach_out_of_the_data(form: str) -> None:
    """SERVICE (or LOAD) in a SHACL-SPARQL constraint is refused before any query runs,
    however it is written; a listener on loopback receives nothing."""
    from ..web.listener import CountingListener

    with CountingListener() as listener:
        pattern = SMUGGLED[form].replace("__URL__", listener.url)
        text = (COMPILER / "reaching.ttl").read_text(encoding="utf-8")
        text = text.replace("__PATTERN__", pattern).replace("__NAMESPACE__", listener.url[:-6])
        shapes = rdflib.Graph().parse(data=text, format="turtle")
        graph = KnowledgeGraph()
        a = ox.NamedNode("https://example.org/a")
        graph.add([ox.Triple(a, a, a)], "urn:test:data")
        with pytest.raises(UnsupportedShape, match="Reaching"):
            compiled_results(graph, shapes)
    assert listener.connections == 0


def test_the_listener_would_see_a_service_call() -> None:
    """The control: the store itself does call a SERVICE it is given."""
    from ..web.listener import CountingListener

    with CountingListener() as listener:
        query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        with contextlib.suppress(OSError, SyntaxError, ValueError):
            list(ox.Store().query(query))  # type: ignore[arg-type]  # no SPARQL result back
        assert listener.connections >= 1
