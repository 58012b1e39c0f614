"""HTTP content negotiation: the best of the offered media types for an Accept header, with
a file extension taking precedence when the path has one."""

from __future__ import annotations

from imet_kg.media import GRAPH, formats, media_types

# Media type to format name for the RDF a resource is offered in.
RDF_MEDIA_TYPES = media_types(GRAPH)
# A path's extension that chooses the media type (/id/agency/dod.ttl).
EXTENSIONS = {entry.extension: entry.media_type for entry in formats(GRAPH)} | {
    ".html": "text/html"
}


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
