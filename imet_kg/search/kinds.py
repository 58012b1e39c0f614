"""What a search can be asked for, without the index: the kinds of result and the limits (the
command line's options are built from these before anything heavy is imported)."""

from __future__ import annotations

# Each family of classes and the kind of result it is, in the order a member of two families
# is told apart by (a school is a body; an event is a claim). KINDS, in this order with the
# courses before the records, is also the order of the index.
FAMILIES = {
    "School": "school",
    "Body": "agency",
    "Country": "country",
    "Installation": "place",
    "Locality": "place",
    "Unit": "unit",
    "Act": "act",
    "ActSubdivision": "act",
    "Programme": "programme",
    "Source": "source",
    "HistoricalEvent": "event",
    "CountryEvent": "event",
    "Claim": "claim",
    "TrainingRecord": "record",
}
KINDS = (
    *dict.fromkeys(kind for kind in FAMILIES.values() if kind != "record"),
    "course",
    "record",
)
# How many results a search gives unless asked, and at most.
DEFAULT_LIMIT = 20
MAX_LIMIT = 500
# A search of more words than this is refused: each is a prefix scan of the index.
MAX_WORDS = 12
