"""HTTP content negotiation: the format of an answer from `?format=` (a format's name or
media type), else a path's extension, else the Accept header, among the formats of the
table that suit the answer; a request none of them meets is refused with 406 naming them."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from starlette.requests import Request

from imet_kg.media import (
    ALIASES,
    DATASET,
    GRAPH,
    SYNONYMS,
    Format,
    find,
    formats,
    media_types,
)
from imet_kg.web.problems import Problem, not_acceptable

# Media type to format name for the RDF a resource is offered in.
RDF_MEDIA_TYPES = media_types(GRAPH, DATASET)
PAGE = Format("html", "page", "text/html", ".html", "a page for people")
# A path's extension that chooses the format (/id/agency/dod.ttl).
EXTENSIONS = {entry.extension: entry for entry in (*formats(GRAPH, DATASET), PAGE)}


@dataclass(frozen=True)
class Choice:
    """The format an answer is written in, and the media type the response declares (the
    client's alias, such as application/json, when that is the type it asked for)."""

    format: Format
    media_type: str


def answer_format(
    request: Request, kinds: tuple[str, ...], *, page: bool = False, forced: Format | None = None
) -> Choice:
    """The format for an answer made of `kinds` (a page first, when there is one)."""
    wanted = request.query_params.get("format")
    return negotiate(wanted, request.headers.get("accept"), kinds, page=page, forced=forced)


@functools.lru_cache(maxsize=1024)
def negotiate(
    wanted: str | None,
    accept: str | None,
    kinds: tuple[str, ...],
    *,
    page: bool = False,
    forced: Format | None = None,
) -> Choice:
    """The format from `?format=` (`wanted`) and the Accept header, for an answer made of
    `kinds`; remembered for the last thousand or so combinations, since clients send the same
    few on every request (a refusal is raised again each time, never remembered)."""
    offered, aliases = _offers(kinds, page)
    if wanted:
        # A name, a synonym clients use, or media types (a comma-separated list).
        for candidate in (w.strip().lower() for w in wanted.split(",")):
            candidate = SYNONYMS.get(candidate, candidate)
            for media, entry in {**offered, **aliases}.items():
                if candidate in (entry.name, media):
                    return Choice(entry, entry.media_type)
        if not accept or "*/*" in accept:
            names = ", ".join(dict.fromkeys(entry.name for entry in offered.values()))
            raise Problem(400, f"format={wanted!r} is not offered here; use one of {names}")
    if forced is not None:
        return Choice(forced, forced.media_type)
    chosen = choose(accept, [*offered, *aliases])
    if chosen is None:
        if accept and "html" in accept and not page:
            first = next(iter(offered.values()))  # a browser: the first format on offer
            return Choice(first, first.media_type)
        raise not_acceptable(list(offered))
    return Choice(offered.get(chosen) or aliases[chosen], chosen)


@functools.cache
def _offers(kinds: tuple[str, ...], page: bool) -> tuple[dict[str, Format], dict[str, Format]]:
    """The formats on offer for `kinds` by media type, and the aliases clients use for them
    (computed once for each set of kinds: negotiation runs on every request)."""
    offered: dict[str, Format] = {PAGE.media_type: PAGE} if page else {}
    for entry in formats(*kinds):
        offered.setdefault(entry.media_type, entry)
    aliases = {
        alias: find(kind, name)
        for kind in kinds
        for alias, name in ALIASES.get(kind, {}).items()
        if alias not in offered
    }
    return offered, aliases


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their quality, best first; a missing header accepts anything."""
    if not header:
        return [("*/*", 1.0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        fields = [field.strip() for field in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            key, _, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality, order))
    ranges.sort(key=lambda item: (-item[1], item[2]))
    return [(media, quality) for media, quality, _ in ranges]


def choose(header: str | None, offered: list[str]) -> str | None:
    """The offered type the client prefers most; the first offered one wins ties with
    wildcards; None when the client accepts none of them."""
    best: tuple[float, int, str] | None = None
    for media, quality in parse_accept(header):
        if quality <= 0:
            continue
        for rank, candidate in enumerate(offered):
            if _matches(media, candidate):
                specificity = 2 if media == candidate else 1 if media.endswith("/*") else 0
                key = (quality, specificity * 100 - rank, candidate)
                if best is None or key[:2] > best[:2]:
                    best = key
    return best[2] if best else None


def _matches(media: str, candidate: str) -> bool:
    if media == "*/*":
        return True
    if media.endswith("/*"):
        return candidate.startswith(media[:-1])
    return media == candidate
