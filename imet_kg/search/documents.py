"""What the search index holds: one document for each entity a person may look for (countries,
agencies, schools, places, units, acts, programmes, sources, events, claims), each course
title, and each training record, with the words it is found by and what a result shows
beside its label. Read from a written store, predicate by predicate (a scan of one predicate
is an index range in the store; the joins are dictionaries here)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import pyoxigraph as ox

from imet_kg.namespaces import DCTERMS, ONTOLOGY, RDF_TYPE, SKOS
from imet_kg.search.kinds import FAMILIES, KINDS
from imet_kg.sparql import internal_query


class Document(NamedTuple):
    iri: str
    kind: str
    label: str  # what a result shows
    names: str  # other names it is found by, one a line
    text: str  # longer text: what a claim says, what a record prints
    context: str  # what a result shows beside its label
    country: str  # ISO code of the country it is, or belongs to; "" for none


def read_entities(store: ox.Store) -> Iterator[Document]:
    """The entities of the store."""
    yield from _Reader(store).entities()


def read_courses(store: ox.Store) -> Iterator[Document]:
    """The course titles of the store's figures (an import gives these as it writes them)."""
    yield from _Reader(store).courses()


def read_records(store: ox.Store) -> Iterator[Document]:
    """The training records of the store (an import gives these as it reads them)."""
    yield from _Reader(store).records()


def course_context(items: int, first: str, last: str) -> str:
    return f"{items} line items, FY{first}-FY{last}"


def record_context(country: str, year: str, location: str, edition: str, page: str) -> str:
    cited = f"{edition}, p. {page}" if page else edition
    return " · ".join(part for part in (country, f"FY{year}", location.strip(), cited) if part)


def record_document(
    iri: str,
    *,
    course: str,
    printed_names: tuple[str, ...],
    printed_country: str,
    context: str,
    country: str,
) -> Document:
    """A training record's document: found by its course (the label), the units and the
    location it prints, and the country as printed."""
    names = "\n".join(name for name in printed_names if name.strip())
    return Document(
        iri, "record", course or "training record", names, printed_country, context, country
    )


# A predicate is read whole when it has at most this many statements for each subject left
# to find: reading a statement costs about 8 us, looking a subject up 30 to 70 us (measured
# on the full store).
SCANNED_PER_LOOKUP = 4


def _text(term: object) -> str:
    return str(getattr(term, "value", ""))


def _imet(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ONTOLOGY}{name}")


def first_values(store: ox.Store, predicate: ox.NamedNode) -> dict[str, str]:
    """The value of `predicate` for each subject (the first read, when there are more)."""
    found: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, predicate, None):
        subject, value = quad.subject, quad.object
        if isinstance(subject, ox.NamedNode) and not isinstance(value, ox.Triple):
            found.setdefault(subject.value, value.value)
    return found


def preferred_labels(store: ox.Store, subjects: Iterable[str] | None = None) -> dict[str, str]:
    """Each entity's preferred label (of `subjects` alone, when given, each looked up rather
    than every label read): the English one where it has several."""
    predicate = ox.NamedNode(f"{SKOS}prefLabel")
    if subjects is None:
        quads = store.quads_for_pattern(None, predicate, None)
    else:
        quads = (
            quad
            for subject in subjects
            for quad in store.quads_for_pattern(ox.NamedNode(subject), predicate, None)
        )
    labels: dict[str, str] = {}
    for quad in quads:
        subject, label = quad.subject, quad.object
        if not isinstance(subject, ox.NamedNode) or not isinstance(label, ox.Literal):
            continue
        if subject.value not in labels or label.language == "en":
            labels[subject.value] = label.value
    return labels


class _Reader:
    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.codes = {
            q.subject.value: str(q.object.value)
            for q in store.quads_for_pattern(None, _imet("isoCode"), None)
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal)
        }
        self.labels = self._labels()

    def _values(self, predicate: ox.NamedNode) -> dict[str, str]:
        return first_values(self.store, predicate)

    def _first_of(self, subjects: Iterable[str], predicates: tuple[str, ...]) -> dict[str, str]:
        """For each subject, the first value read of the first of `predicates` it has: a
        predicate stated not many more times than there are subjects left is read whole
        (each statement read costs a fraction of a lookup), any other looked up subject by
        subject."""
        found: dict[str, str] = {}
        left = list(dict.fromkeys(subjects))
        for name in predicates:
            if not left:
                break
            predicate = _imet(name)
            if self._statements(predicate) <= SCANNED_PER_LOOKUP * len(left):
                values = self._values(predicate)
                for subject in left:
                    if subject in values:
                        found[subject] = values[subject]
            else:
                for subject in left:
                    quads = self.store.quads_for_pattern(ox.NamedNode(subject), predicate, None)
                    value = next(
                        (q.object for q in quads if not isinstance(q.object, ox.Triple)), None
                    )
                    if value is not None:
                        found[subject] = value.value
            left = [subject for subject in left if subject not in found]
        return found

    def _statements(self, predicate: ox.NamedNode) -> int:
        """How many statements the store has of `predicate` (counted, none read)."""
        answer = self.store.query(
            internal_query("predicate-statements"),
            substitutions={ox.Variable("predicate"): predicate},
        )
        assert isinstance(answer, ox.QuerySolutions)
        return sum(int(row["statements"].value) for row in answer)

    def _labels(self) -> dict[str, str]:
        return preferred_labels(self.store)

    def _kinds(self) -> dict[str, str]:
        """Each entity's kind, by the first family of FAMILIES its classes belong to."""
        classes: dict[str, list[str]] = defaultdict(list)
        answer = self.store.query(
            internal_query("search-families"), use_default_graph_as_union=True
        )
        assert isinstance(answer, ox.QuerySolutions)
        for row in answer:
            classes[_text(row["family"]).removeprefix(ONTOLOGY)].append(_text(row["class"]))
        kinds: dict[str, str] = {}
        a = ox.NamedNode(RDF_TYPE)
        for family, kind in FAMILIES.items():
            if kind == "record":
                continue
            for member in classes.get(family, ()):
                for quad in self.store.quads_for_pattern(None, a, ox.NamedNode(member)):
                    if isinstance(quad.subject, ox.NamedNode):
                        kinds.setdefault(quad.subject.value, kind)
        return kinds

    def entities(self) -> Iterator[Document]:
        names: dict[str, list[str]] = defaultdict(list)
        texts: dict[str, list[str]] = defaultdict(list)
        answer = self.store.query(internal_query("search-names"), use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions)
        for row in answer:
            bucket = texts if _text(row["kind"]) == "text" else names
            bucket[_text(row["entity"])].append(_text(row["name"]))
        kinds = self._kinds()
        # Each entity's country, looked up for the entities alone: imet:country is stated by
        # every training record and figure too, hundreds of thousands of them.
        belongs = self._first_of(kinds, ("unitOf", "countryOfBody", "country"))
        # Where a school or an installation is: a school is found by the base it sits at.
        located = self._values(_imet("locatedAt"))
        found: list[Document] = []
        for iri, kind in kinds.items():
            said = list(dict.fromkeys(texts.get(iri, ())))
            label = self.labels.get(iri) or (said[0] if said else iri.rsplit("/", 1)[1])
            country_iri = iri if kind == "country" else belongs.get(iri, "")
            place = self.labels.get(located.get(iri, ""), "")
            context = place or (self.labels.get(country_iri, "") if kind != "country" else "")
            other = [n for n in dict.fromkeys(names.get(iri, ())) if n != label]
            # found by its country's name too ("nigeria guards"), and a school by its base's
            around = [self.labels.get(country_iri, "")] if kind not in ("country",) else []
            text = "\n".join(part for part in [*said, place, *around] if part)
            code = self.codes.get(country_iri, "")
            found.append(Document(iri, kind, label, "\n".join(other), text, context, code))
        # The weightiest kinds first: a search that finds more than it ranks ranks these.
        order = {kind: rank for rank, kind in enumerate(KINDS)}
        found.sort(key=lambda document: (order[document.kind], document.iri))
        yield from found

    def courses(self) -> Iterator[Document]:
        titles = self._values(_imet("courseTitle"))
        items = self._values(_imet("lineItems"))
        first = self._values(_imet("firstFiscalYear"))
        last = self._values(_imet("lastFiscalYear"))
        aggregates = {
            q.subject.value
            for q in self.store.quads_for_pattern(
                None, ox.NamedNode(RDF_TYPE), _imet("TrainingAggregate")
            )
            if isinstance(q.subject, ox.NamedNode)
        }
        for iri in sorted(aggregates & titles.keys()):
            context = course_context(
                int(items.get(iri, "0")), first.get(iri, "?"), last.get(iri, "?")
            )
            yield Document(iri, "course", titles[iri], "", "", context, "")

    def records(self) -> Iterator[Document]:
        a = ox.NamedNode(RDF_TYPE)
        records = [
            q.subject.value
            for q in self.store.quads_for_pattern(None, a, _imet("TrainingRecord"))
            if isinstance(q.subject, ox.NamedNode)
        ]
        if not records:
            return
        course = self._values(_imet("courseTitle"))
        location = self._values(_imet("locationAsPrinted"))
        unit = self._values(_imet("studentUnitAsPrinted"))
        us_unit = self._values(_imet("usUnitAsPrinted"))
        printed = self._values(_imet("countryAsPrinted"))
        country = self._values(_imet("country"))
        year = self._values(_imet("fiscalYear"))
        page = self._values(_imet("page"))
        source = self._values(ox.NamedNode(f"{DCTERMS}source"))
        for iri in sorted(records):
            place = country.get(iri, "")
            yield record_document(
                iri,
                course=course.get(iri, ""),
                printed_names=(unit.get(iri, ""), us_unit.get(iri, ""), location.get(iri, "")),
                printed_country=printed.get(iri, ""),
                context=record_context(
                    self.labels.get(place) or printed.get(iri, ""),
                    year.get(iri, "?"),
                    location.get(iri, ""),
                    self.labels.get(source.get(iri, ""), ""),
                    page.get(iri, ""),
                ),
                country=self.codes.get(place, ""),
            )
