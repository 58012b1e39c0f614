"""Constraints shown to hold while the data is written, so that the compiled engine need not
query for them: a proof of absence, never a verdict.

An import writes millions of quads, and checking the commonest constraints (sh:minCount 1,
sh:maxCount 1, sh:datatype, sh:class, sh:or of classes, sh:nodeKind and numeric bounds, on a
shape that targets classes or on its properties with a predicate path) costs the store one
query each over every focus node. The same facts can be gathered in one pass as the quads go
by: which predicates each subject has once and more than once, which
datatype tests a literal fails, which values a class constraint must check, and every
subject's classes. `Prechecks.cleared` then names the constraints that provably have no
violation over the whole store. Every other constraint, and every constraint whose proof
fails for any reason (a second value, an unusual literal, a value whose class is not known),
is left to the compiled engine, which reports exactly as it would have; so a store that
breaks the shapes gets the same report, only a conforming one gets it sooner.

The proof holds only when every quad of the store has been seen: the import's graphs as they
are written (`watch`), then every other graph read back from the new store (`read_rest`).
Counting triples where SHACL counts distinct values only errs towards "not proved"."""

from __future__ import annotations

import datetime
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Generator, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from imet_kg.store.loading import Statement

# Any term the store holds, RDF-star triples included.
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

Passing = TypeVar("Passing", bound=Statement)

# (root shape, shape, parameter, argument): one constraint task as the compiled engine runs it
# over the focus nodes of a targeted root shape (the shape itself or one of its properties).
Key = tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]

_TYPE = str(RDF.type)
_SUBCLASS = str(RDFS.subClassOf)
_OTHER_TARGETS = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_IS_TYPE, _IS_SUBCLASS = 1, 2


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(text: str) -> bool:
    """A day written YYYY-MM-DD that the calendar has (no zone: others go to the engine)."""
    if not _DAY.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


# Lexical forms proved valid by a quick test, for the datatypes whose casts the compiled
# engine tests; a form the test does not accept is left to the engine.
_LEXICAL: dict[str, Callable[[str], bool]] = {
    str(XSD.string): lambda _text: True,
    # Digits the store's numbers hold (a 64-bit integer; a decimal of 18 digits either side
    # of the point): a longer form may fail the store's cast, and goes to the engine.
    str(XSD.integer): re.compile(r"[+-]?[0-9]{1,18}").fullmatch,  # type: ignore[dict-item]
    str(XSD.decimal): re.compile(  # type: ignore[dict-item]
        r"[+-]?([0-9]{1,18}(\.[0-9]{0,18})?|\.[0-9]{1,18})"
    ).fullmatch,
    str(XSD.gYear): re.compile(r"[1-9][0-9]{3}").fullmatch,  # type: ignore[dict-item]
    str(XSD.boolean): {"true", "false", "1", "0"}.__contains__,
    str(XSD.date): _date,
    str(XSD.anyURI): lambda _text: True,
}


@dataclass
class _Rule:
    """What to record for one predicate."""

    bit: int = 0  # its bit in the once/twice masks, when a count is claimed for it
    tests: list[tuple[int, Callable[[Term], bool]]] = field(default_factory=list)
    classed: bool = False  # a class constraint needs its distinct values
    failed: dict[Term, tuple[int, ...]] = field(default_factory=dict)  # tests each value fails


@dataclass(frozen=True)
class _Claim:
    key: Key
    predicate: str
    parameter: rdflib.term.Node
    argument: rdflib.term.Node
    test: int = -1
    classes: tuple[str, ...] = ()  # sh:or: the classes of which a value is to be one


class Prechecks:
    """The facts the claimed constraints need, gathered from the quads that pass."""

    def __init__(self, shapes: rdflib.Graph) -> None:
        self.shapes = shapes
        self.roots: dict[rdflib.term.Node, set[str]] = {}  # root shape -> target classes
        self.claims: list[_Claim] = []
        self.tests: list[Callable[[Term], bool]] = []
        self._indexes: dict[tuple[rdflib.term.Node, rdflib.term.Node], int] = {}
        self.rules: dict[str, _Rule] = {}
        self._plan()
        self.once: dict[Term, int] = {}
        self.twice: dict[Term, int] = {}
        self.failing: dict[int, list[Term]] = defaultdict(list)
        self.values: dict[str, set[Term]] = defaultdict(set)
        self.instances: dict[str, list[Term]] = defaultdict(list)
        self.superclasses: dict[str, set[str]] = defaultdict(set)
        self._seen: dict[ox.NamedNode, tuple[str, _Rule | None, int]] = {}
        # What `cleared` found, kept while no statement has been watched since.
        self._proved: set[Key] | None = None
        self._watching = 0

    # -- which constraints can be proved ------------------------------------------------

    def _plan(self) -> None:
        shapes = self.shapes
        roots = set(shapes.subjects(SH.targetClass, None))
        for kind in (RDFS.Class, OWL.Class):
            roots |= {s for s in shapes.subjects(RDF.type, kind) if isinstance(s, rdflib.URIRef)}
        bits: dict[str, int] = {}
        for root in sorted(roots, key=str):
            if any(shapes.value(root, t) is not None for t in _OTHER_TARGETS):
                continue
            classes = {_name(c) for c in shapes.objects(root, SH.targetClass)}
            if (root, RDF.type, RDFS.Class) in shapes or (root, RDF.type, OWL.Class) in shapes:
                classes.add(_name(root))
            self.roots[root] = classes
            if shapes.value(root, SH.path) is None:
                # A node shape: tests of the focus nodes themselves, and its property shapes,
                # which share its focus nodes (a property shape's own are nested, not claimed).
                self._plan_focus(root)
                members = sorted(shapes.objects(root, SH.property), key=str)
            else:
                members = [root]
            for shape in members:
                path = shapes.value(shape, SH.path)
                if isinstance(path, rdflib.URIRef):
                    self._plan_property(root, shape, str(path), bits)

    def _plan_property(
        self, root: rdflib.term.Node, shape: rdflib.term.Node, predicate: str, bits: dict[str, int]
    ) -> None:
        for parameter, argument in sorted(self.shapes.predicate_objects(shape), key=str):
            key = (root, shape, parameter, argument)
            test = _value_test(parameter, argument)
            index = -1
            if parameter in (SH.minCount, SH.maxCount):
                if _integer(argument) != 1:
                    continue
                self._rule(predicate).bit = bits.setdefault(predicate, 1 << len(bits))
            elif parameter == SH["class"]:
                self._rule(predicate).classed = True
            elif parameter == SH["or"]:
                classes = self._class_alternatives(argument)
                if classes is None:
                    continue
                self._rule(predicate).classed = True
                self.claims.append(_Claim(key, predicate, parameter, argument, classes=classes))
                continue
            elif test is not None:
                index = self._test_index(parameter, argument, test)
                rule = self._rule(predicate)
                if all(known != index for known, _ in rule.tests):
                    rule.tests.append((index, self.tests[index]))
            else:
                continue
            self.claims.append(_Claim(key, predicate, parameter, argument, index))

    def _class_alternatives(self, head: rdflib.term.Node) -> tuple[str, ...] | None:
        """The classes of an sh:or whose every member is a blank node stating one sh:class
        and nothing else; None for any other list (the engine's)."""
        shapes = self.shapes
        classes: list[str] = []
        seen: set[rdflib.term.Node] = set()
        node = head
        while node != RDF.nil:
            firsts, rests = (
                list(shapes.objects(node, RDF.first)),
                list(shapes.objects(node, RDF.rest)),
            )
            if node in seen or len(firsts) != 1 or len(rests) != 1:
                return None  # a cycle, or not a list
            seen.add(node)
            first, rest = firsts[0], rests[0]
            stated = list(shapes.predicate_objects(first))
            if not isinstance(first, rdflib.BNode) or len(stated) != 1:
                return None
            [(parameter, cls)] = stated
            if parameter != SH["class"] or isinstance(cls, rdflib.Literal):
                return None
            classes.append(_name(cls))
            node = rest
        return tuple(classes) if classes else None

    def _plan_focus(self, root: rdflib.term.Node) -> None:
        for parameter, argument in sorted(self.shapes.predicate_objects(root), key=str):
            test = _value_test(parameter, argument)
            if test is not None:
                key = (root, root, parameter, argument)
                index = self._test_index(parameter, argument, test)
                self.claims.append(_Claim(key, "", parameter, argument, index))

    def _test_index(
        self, parameter: rdflib.term.Node, argument: rdflib.term.Node, test: Callable[[Term], bool]
    ) -> int:
        """One test for each value constraint, however many shapes state it."""
        if (parameter, argument) not in self._indexes:
            self._indexes[parameter, argument] = len(self.tests)
            self.tests.append(test)
        return self._indexes[parameter, argument]

    def _rule(self, predicate: str) -> _Rule:
        return self.rules.setdefault(predicate, _Rule())

    # -- gathering ------------------------------------------------------------------------

    def watch(self, statements: Iterable[Passing]) -> Generator[Passing, None, None]:
        """The statements (tuples, triples or quads) as they are, recording what the claims
        need as each passes. The predicates a subject has are counted over each run of
        statements about it and added to the counts when the run ends (or the statements
        do): a subject's statements mostly come together."""
        failing, values = self.failing, self.values
        instances, superclasses = self.instances, self.superclasses
        seen = self._seen
        current: Term | None = None
        mask = again = 0
        self._watching += 1
        statement: Passing | None = None
        try:
            for statement in statements:
                if isinstance(statement, tuple):
                    subject, named, obj = statement
                else:
                    subject, named, obj = statement.subject, statement.predicate, statement.object
                entry = seen.get(named)
                if entry is None:
                    entry = seen[named] = self._entry(named)
                predicate, rule, kind = entry
                # Classes are recorded whatever else a shape asks of rdf:type or subClassOf.
                if kind and not isinstance(obj, ox.Literal):
                    if kind == _IS_TYPE:
                        instances[str(obj)].append(subject)
                    else:
                        superclasses[str(subject)].add(str(obj))
                if rule is not None:
                    bit = rule.bit
                    if bit:
                        if subject is not current:
                            if current is not None:
                                self._count(current, mask, again)
                            current, mask, again = subject, 0, 0
                        if mask & bit:
                            again |= bit
                        else:
                            mask |= bit
                    if rule.tests:
                        # Values repeat (a count, a year, a title): each tested once a predicate.
                        failed = rule.failed.get(obj)
                        if failed is None:
                            failed = rule.failed[obj] = tuple(
                                i for i, test in rule.tests if not test(obj)
                            )
                        for index in failed:
                            failing[index].append(subject)
                    if rule.classed:
                        values[predicate].add(obj)
                yield statement  # recorded before it is handed on
        finally:
            if current is not None:
                self._count(current, mask, again)
            self._watching -= 1
            if statement is not None:  # something was recorded: what was proved may not hold
                self._proved = None

    def _entry(self, named: ox.NamedNode) -> tuple[str, _Rule | None, int]:
        """What `watch` does with a statement of this predicate: its IRI, its rule, and
        whether it states a class."""
        predicate = named.value
        kind = _IS_TYPE if predicate == _TYPE else _IS_SUBCLASS if predicate == _SUBCLASS else 0
        return predicate, self.rules.get(predicate), kind

    def _count(self, subject: Term, mask: int, again: int) -> None:
        """A run of statements about `subject` had the predicates of `mask`, those of `again`
        more than once."""
        before = self.once.get(subject, 0)
        repeated = (before & mask) | again
        self.once[subject] = before | mask
        if repeated:
            self.twice[subject] = self.twice.get(subject, 0) | repeated

    def read_rest(self, store: ox.Store, seen_graphs: Collection[str]) -> None:
        """Every quad of the store outside the graphs already watched, read back."""
        for graph in [ox.DefaultGraph(), *store.named_graphs()]:
            if isinstance(graph, ox.NamedNode) and graph.value in seen_graphs:
                continue
            quads = store.quads_for_pattern(None, None, None, graph)
            for _ in self.watch(quads):
                pass

    # -- proving --------------------------------------------------------------------------

    def cleared(self) -> set[Key]:
        """The claimed constraints that no focus node of their root shape breaks; found once
        for the statements watched (an import finds them as soon as its last statement has
        passed, while the store writes the last of them, and validation reads them after)."""
        if self._watching:
            return self._prove()  # statements may yet be recorded: nothing kept
        if self._proved is None:
            self._proved = self._prove()
        return set(self._proved)

    def _prove(self) -> set[Key]:
        ancestors = self._ancestors()
        closure: dict[str, set[str]] = defaultdict(set)
        for cls, above in ancestors.items():
            for ancestor in above:
                closure[ancestor].add(cls)
        focus_of: dict[rdflib.term.Node, _Focus] = {}
        types_of: dict[Term, set[str]] = defaultdict(set)
        wanted = set().union(*self.values.values()) if self.values else set()
        for cls, nodes in self.instances.items():
            for node in wanted.intersection(nodes):  # a million typed nodes, read in C
                types_of[node].add(cls)
        proved = set()
        for claim in self.claims:
            root = claim.key[0]
            if root not in focus_of:
                classes = set().union(*(closure.get(c, {c}) for c in self.roots[root]))
                focus_of[root] = _Focus(set().union(*(self.instances.get(c, ()) for c in classes)))
            if self._holds(claim, focus_of[root], types_of, ancestors):
                proved.add(claim.key)
        return proved

    def _holds(
        self,
        claim: _Claim,
        focus: _Focus,
        types_of: dict[Term, set[str]],
        ancestors: dict[str, set[str]],
    ) -> bool:
        parameter = claim.parameter
        if parameter == SH.minCount:
            return bool(focus.masks(self)[0] & self.rules[claim.predicate].bit)
        if parameter == SH.maxCount:
            return not focus.masks(self)[1] & self.rules[claim.predicate].bit
        if not claim.predicate:
            return all(map(self.tests[claim.test], focus.nodes))
        if claim.test >= 0:
            return focus.nodes.isdisjoint(self.failing.get(claim.test, ()))
        if claim.classes:
            # sh:or of classes: every value of the predicate, of any subject, is an instance
            # of one of them.
            return all(
                any(
                    not ancestors.get(t, {t}).isdisjoint(claim.classes)
                    for t in types_of.get(value, ())
                )
                for value in self.values.get(claim.predicate, ())
            )
        # sh:class: every value of the predicate, of any subject, is an instance of the class.
        wanted = _name(claim.argument)
        return all(
            any(wanted in ancestors.get(t, {t}) for t in types_of.get(value, ()))
            for value in self.values.get(claim.predicate, ())
        )

    def _ancestors(self) -> dict[str, set[str]]:
        """Each class with every class it is a subclass of, itself included (a cycle of
        subclasses included whole)."""
        found: dict[str, set[str]] = {}
        for cls in {*self.superclasses, *self.instances}:
            reached = {cls}
            pending = [cls]
            while pending:
                for parent in self.superclasses.get(pending.pop(), ()):
                    if parent not in reached:
                        reached.add(parent)
                        pending.append(parent)
            found[cls] = reached
        return found


class _Focus:
    """The focus nodes of one root shape, with the predicates every one of them has and those
    any one of them has more than once (found once, in one pass)."""

    def __init__(self, nodes: set[Term]) -> None:
        self.nodes = nodes
        self._masks: tuple[int, int] | None = None

    def masks(self, prechecks: Prechecks) -> tuple[int, int]:
        if self._masks is None:
            every, repeated = -1, 0
            once, twice = prechecks.once, prechecks.twice
            for node in self.nodes:
                every &= once.get(node, 0)
                repeated |= twice.get(node, 0)
            self._masks = (every, repeated)
        return self._masks


def _name(node: rdflib.term.Node) -> str:
    """A class of the shapes graph as the store's terms print (<iri>, _:id)."""
    return f"<{node}>" if isinstance(node, rdflib.URIRef) else f"_:{node}"


def _integer(argument: rdflib.term.Node) -> int | None:
    value = argument.toPython() if isinstance(argument, rdflib.Literal) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_NODE_KINDS: dict[rdflib.term.Node, tuple[type, ...]] = {
    SH.IRI: (ox.NamedNode,),
    SH.BlankNode: (ox.BlankNode,),
    SH.Literal: (ox.Literal,),
    SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode),
    SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
    SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
}
_NUMBERS = {str(XSD.integer), str(XSD.decimal)}
_COMPARISONS: dict[rdflib.term.Node, Callable[[Decimal, Decimal], bool]] = {
    SH.minInclusive: operator.ge,
    SH.minExclusive: operator.gt,
    SH.maxInclusive: operator.le,
    SH.maxExclusive: operator.lt,
}


def _value_test(
    parameter: rdflib.term.Node, argument: rdflib.term.Node
) -> Callable[[Term], bool] | None:
    """A test a value passes only when it meets the value constraint (a value it fails may
    still meet it: the engine decides), or None when there is no quick test."""
    if parameter == SH.datatype:
        return _datatype_test(argument)
    if parameter == SH.nodeKind and argument in _NODE_KINDS:
        kinds = _NODE_KINDS[argument]
        return lambda value: isinstance(value, kinds)
    if parameter in _COMPARISONS and isinstance(argument, rdflib.Literal):
        limit = argument.toPython()
        if str(argument.datatype) not in _NUMBERS or not isinstance(limit, int | Decimal):
            return None  # an ill-formed bound (rdflib keeps its text) is the engine's
        compare = _COMPARISONS[parameter]
        bound = Decimal(limit)

        def within(value: Term) -> bool:
            return (
                isinstance(value, ox.Literal)
                and value.datatype.value in _NUMBERS
                and bool(_LEXICAL[value.datatype.value](value.value))
                and compare(Decimal(value.value), bound)
            )

        return within
    return None


def _datatype_test(argument: rdflib.term.Node) -> Callable[[Term], bool] | None:
    """A test a value passes only when it has the datatype and a valid lexical form."""
    if argument == RDF.langString:
        return lambda value: isinstance(value, ox.Literal) and bool(value.language)
    lexical = _LEXICAL.get(str(argument))
    if lexical is None:
        return None
    wanted = str(argument)

    def test(value: Term) -> bool:
        return (
            isinstance(value, ox.Literal)
            and value.datatype.value == wanted
            and bool(lexical(value.value))
        )

    return test
