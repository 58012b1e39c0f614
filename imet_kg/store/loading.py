"""Writing millions of statements into a new store.

An import builds its statements as plain (subject, predicate, object) tuples of pyoxigraph
terms: building a pyoxigraph triple costs microseconds when its object is a literal (the
term's kind is found by trying each in turn), and turning that triple into the quad the store
takes costs as much again. Here each statement becomes its quad once, in the graph it is
given under, and the quads stream into one bulk load (never all in memory, and the load's
closing work done once rather than once a graph): the curated graphs first, then the
imports, then the index of names gathered from them as they passed. Each further bulk load
of the same store adds files the store's background compaction must merge (after the full
import's load, it keeps a core busy for about 7 s).

Measured on the full import (3.04 M statements, 2 cores): building the statements 11.5 s,
the load with them about 40 s, against 43 s when they were triples turned into quads. A
thread writing N-Quads text into a pipe that the store bulk-loads (its parser runs outside
Python's lock) took 41 s and more CPU: the store's own loading is most of the time either
way."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

import pyoxigraph as ox

from imet_kg.store.distinct import GraphSubjects
from imet_kg.store.names import INDEX_GRAPH, KEY, NAMING, NameIndex

Subject = ox.NamedNode | ox.BlankNode | ox.Triple
Object = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
# A statement: a (subject, predicate, object) tuple, or a triple, or a quad (whose own graph
# is not used: a statement goes into the graph it is given under).
Statement = tuple[Subject, ox.NamedNode, Object] | ox.Triple | ox.Quad


def load_statements(
    store: ox.Store,
    graphs: Mapping[str, Iterable[Statement]],
    *,
    first: Iterable[ox.Quad] = (),
    names: NameIndex | None = None,
    see: Callable[[Iterable[ox.Quad]], Iterable[ox.Quad]] = iter,
    subjects: GraphSubjects | None = None,
    passed: Callable[[], object] | None = None,
) -> dict[str, int]:
    """Bulk-load `first` (quads in their own graphs), then each graph's statements, one graph
    after the other, into `store`; the statements written to each graph. `names`, when
    given, sees every naming statement as it passes, and its index is loaded last, in the
    same load. `see` is handed the quads of `first` and of the index as they pass (the
    graphs' statements are the caller's to watch). `subjects` notes the subjects of every
    graph (see `distinct_triples`). `passed`, when given, is called once every quad has been
    handed to the store, before the store has written the last of them: the store's loading
    threads go on while it runs (the load's end waits for them, holding Python's lock, for
    seconds). Not a transaction: a store being written is thrown away when anything fails."""
    counts = dict.fromkeys(graphs, 0)
    noted = subjects if subjects is not None else GraphSubjects()

    def quads() -> Iterator[ox.Quad]:
        if names is None:
            yield from noted.note(see(first))
        else:
            for quad in noted.note(see(first)):
                if quad.predicate in NAMING:
                    names.see(quad.subject, quad.predicate, quad.object)
                yield quad
        for name, statements in graphs.items():
            graph = ox.NamedNode(name)
            count = 0
            stated, last = noted.of(graph), None
            for statement in statements:
                count += 1
                if isinstance(statement, tuple):
                    subject, predicate, value = statement
                else:
                    subject, predicate, value = (
                        statement.subject,
                        statement.predicate,
                        statement.object,
                    )
                if subject is not last:  # a run of statements about one subject, noted once
                    stated.add(subject)
                    last = subject
                if names is not None and predicate in NAMING:
                    names.see(subject, predicate, value)
                yield ox.Quad(subject, predicate, value, graph)
            counts[name] = count
        if names is not None:
            noted.sole_predicate(ox.NamedNode(INDEX_GRAPH), ox.NamedNode(KEY))
            yield from noted.note(see(names.quads()))
        if passed is not None:
            passed()

    store.bulk_extend(quads())
    return counts
