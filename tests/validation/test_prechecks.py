"""Constraints proved as the quads are written are never a verdict: with them, the compiled
engine reports exactly what it reports without them, on stores that break each constraint
kind the prechecks prove in every place a break can hide (a second value in another graph, a
focus node typed only elsewhere, a subclass declared elsewhere, a blank focus node...), and
on the project's own shapes over real training records broken in every way the record
shape forbids. On a conforming store every claimed constraint is proved, so the engine
queries none of them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from imet_kg import KnowledgeGraph
from imet_kg.store.graph import parse_file
from imet_kg.store.loading import Statement
from imet_kg.terms import rdflib_graph
from imet_kg.validation.compiled import compiled_results
from imet_kg.validation.streamed import Prechecks

from ..conftest import DATA

HERE = DATA / "prechecks"
CASES = sorted((HERE / "cases").glob("*.trig"))
STREAM = "urn:graph:stream"
# Cases that break nothing: only a proof fails (a value stated twice, a form the quick test
# does not read), or the store's other graphs complete what the stream holds.
CONFORMING = {
    "same-count-twice",
    "kind-typed-elsewhere",
    "year-with-zone",
    "place-subclass-elsewhere",
}

Result = tuple[str, str, str, str, str]


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib_graph(parse_file(HERE / "shapes.ttl"))


def written(shapes: rdflib.Graph, *files: Path) -> tuple[KnowledgeGraph, Prechecks]:
    """The files' quads in a store, the stream graph's written through the prechecks after
    the rest, and the rest then read back, as an import does."""
    quads = [q for path in files for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)]
    prechecks = Prechecks(shapes)
    graph = KnowledgeGraph()
    graph.store.bulk_extend(q for q in quads if q.graph_name != ox.NamedNode(STREAM))
    stream = [q.triple for q in quads if q.graph_name == ox.NamedNode(STREAM)]
    graph.add(prechecks.watch(stream), STREAM)
    prechecks.read_rest(graph.store, {STREAM})
    return graph, prechecks


def results(graph: KnowledgeGraph, shapes: rdflib.Graph, cleared: set[object]) -> set[Result]:
    return {
        (str(r.focus), str(r.source_shape), str(r.component), str(r.path), str(r.value))
        for r in compiled_results(graph, shapes, cleared=cleared)  # type: ignore[arg-type]
    }


def test_a_conforming_store_has_every_claim_proved(shapes: rdflib.Graph) -> None:
    graph, prechecks = written(shapes, HERE / "base.trig")
    cleared = prechecks.cleared()
    assert len(prechecks.claims) >= 12
    assert cleared == {claim.key for claim in prechecks.claims}
    assert results(graph, shapes, set()) == set()
    # The shape with another kind of target is left to the engine.
    assert not any("CodedShape" in str(key[0]) for key in cleared)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_proved_constraints_change_no_result(shapes: rdflib.Graph, case: Path) -> None:
    graph, prechecks = written(shapes, HERE / "base.trig", case)
    cleared = prechecks.cleared()
    found = results(graph, shapes, set())
    assert results(graph, shapes, cleared) == found  # type: ignore[arg-type]
    assert bool(found) == (case.stem not in CONFORMING), found
    # A constraint with a result was never taken as proved.
    for root, shape, parameter, _ in cleared:
        name = str(parameter).removeprefix(str(SH))
        component = str(SH[f"{name[0].upper()}{name[1:]}ConstraintComponent"])
        assert (str(shape), component) not in {(r[1], r[2]) for r in found}, (root, shape)


def test_the_rest_must_be_read(shapes: rdflib.Graph) -> None:
    """Without the store's other graphs, a second value written there is unseen: the proof
    needs every quad, which is why the import reads the rest back before validating."""
    case = HERE / "cases" / "second-count-elsewhere.trig"
    quads = list(ox.parse(path=str(case), format=ox.RdfFormat.TRIG))
    base = list(ox.parse(path=str(HERE / "base.trig"), format=ox.RdfFormat.TRIG))
    prechecks = Prechecks(shapes)
    graph = KnowledgeGraph()
    graph.store.bulk_extend([*base, *quads])
    for _ in prechecks.watch(q.triple for q in base if q.graph_name == ox.NamedNode(STREAM)):
        pass
    hidden = prechecks.cleared()
    prechecks.read_rest(graph.store, {STREAM})
    assert any(key[2] == SH.maxCount for key in hidden - prechecks.cleared())
    assert results(graph, shapes, set()) != results(graph, shapes, hidden)  # type: ignore[arg-type]


def test_a_run_cut_short_is_still_counted(shapes: rdflib.Graph) -> None:
    """The counts of the last run of statements are kept when the statements are not read to
    their end (the consumer stops, or fails): a second value in it is never missed."""
    thing, count = ox.NamedNode("urn:ex:a"), ox.NamedNode("urn:ex:count")
    typed = (thing, ox.NamedNode(str(rdflib.RDF.type)), ox.NamedNode("urn:ex:Thing"))
    stream: list[Statement] = [typed, (thing, count, ox.Literal(1)), (thing, count, ox.Literal(2))]
    prechecks = Prechecks(shapes)
    watched = prechecks.watch(iter(stream))
    assert [next(watched) for _ in stream] == stream
    watched.close()
    cleared = prechecks.cleared()
    of_count = {c.parameter: c.key for c in prechecks.claims if c.predicate == count.value}
    assert of_count[SH.minCount] in cleared
    assert of_count[SH.maxCount] not in cleared


def test_what_is_proved_is_kept_only_once_nothing_more_is_watched(shapes: rdflib.Graph) -> None:
    """An import finds the proofs as soon as its last statement has passed and validation
    reads them after: they are kept, but not while statements may yet be recorded, and
    not once more have been."""
    a, b, count = ox.NamedNode("urn:ex:a"), ox.NamedNode("urn:ex:b"), ox.NamedNode("urn:ex:count")
    kind = (ox.NamedNode(str(rdflib.RDF.type)), ox.NamedNode("urn:ex:Thing"))
    prechecks = Prechecks(shapes)
    of_count = {c.parameter: c.key for c in prechecks.claims if c.predicate == count.value}
    first: list[Statement] = [(a, *kind), (a, count, ox.Literal(1)), (b, *kind)]
    watched = prechecks.watch(iter(first))
    next(watched)
    assert of_count[SH.maxCount] in prechecks.cleared()  # nothing counted yet
    next(watched)
    next(watched)  # a's run is over: one value
    assert of_count[SH.maxCount] in prechecks.cleared()
    for _ in watched:
        pass
    settled = prechecks.cleared()
    assert of_count[SH.minCount] not in settled  # b has no count
    assert prechecks.cleared() == settled
    second: list[Statement] = [(a, count, ox.Literal(2)), (b, count, ox.Literal(1))]
    paused = prechecks.watch(iter(second))
    next(paused)
    next(paused)  # a's second value counted, the watch not over
    assert of_count[SH.maxCount] not in prechecks.cleared()
    for _ in paused:
        pass
    assert of_count[SH.maxCount] not in prechecks.cleared()
    assert of_count[SH.minCount] in prechecks.cleared()
    for _ in prechecks.watch(iter(second[:0])):  # nothing recorded: what was found stands
        pass
    assert of_count[SH.minCount] in prechecks.cleared()
