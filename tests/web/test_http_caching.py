"""HTTP caching: validators from the store's version, 304 for a current copy (ETag or date),
Cache-Control by kind of answer, none of it on the endpoint or on a refusal, gzip for clients
that accept it, and a new store version making every old validator stale."""

from __future__ import annotations

from collections.abc import Iterator
from email.utils import formatdate, parsedate_to_datetime

import pytest
import rdflib
import rdflib.compare
from starlette.testclient import TestClient

from imet_kg import KnowledgeGraph, Layout
from imet_kg.web.app import create_app
from imet_kg.web.caching import AnswerCache


@pytest.fixture(scope="module")
def client(graph: KnowledgeGraph, layout: Layout) -> Iterator[TestClient]:
    with TestClient(create_app(graph, layout, query_processes=1)) as test_client:
        yield test_client


PAGES = [
    "/",
    "/id/country/PK",
    "/id/country/PK.ttl",
    "/ontology",
    "/queries",
    "/queries/country-timeline?country=PK",
    "/api/queries/country-timeline?country=PK",
    "/.well-known/void",
]


@pytest.mark.parametrize("path", PAGES)
def test_a_current_copy_gets_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert parsedate_to_datetime(first.headers["last-modified"])
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    # a list of tags, the strong form of the same tag, and a date not before the version
    assert client.get(path, headers={"If-None-Match": f'"x", {etag}'}).status_code == 304
    assert client.get(path, headers={"If-None-Match": etag[2:]}).status_code == 304
    since = first.headers["last-modified"]
    assert client.get(path, headers={"If-Modified-Since": since}).status_code == 304


def test_a_stale_or_other_copy_gets_the_answer(client: TestClient) -> None:
    first = client.get("/id/country/PK")
    etag = first.headers["etag"]
    assert client.get("/id/country/PK", headers={"If-None-Match": 'W/"other"'}).status_code == 200
    # another representation of the same URL is another tag
    turtle = client.get("/id/country/PK", headers={"If-None-Match": etag, "Accept": "text/turtle"})
    assert turtle.status_code == 200
    assert turtle.headers["etag"] != etag
    # another page, another tag
    assert client.get("/id/country/EG").headers["etag"] != etag
    earlier = formatdate(parsedate_to_datetime(first.headers["last-modified"]).timestamp() - 60)
    assert client.get("/", headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get("/", headers={"If-Modified-Since": "not a date"}).status_code == 200
    # If-None-Match wins over a date that would match
    both = {"If-None-Match": 'W/"other"', "If-Modified-Since": first.headers["last-modified"]}
    assert client.get("/id/country/PK", headers=both).status_code == 200


def test_refusals_and_the_endpoint_carry_no_validator(client: TestClient) -> None:
    missing = client.get("/id/country/ATLANTIS")
    assert missing.status_code == 404
    assert "etag" not in missing.headers
    assert missing.headers["cache-control"] == "no-store"
    query = client.get("/sparql", params={"query": "SELECT (NOW() AS ?now) {}"})
    assert query.status_code == 200
    assert "etag" not in query.headers
    assert "cache-control" not in query.headers


def test_static_files_and_dumps_are_kept_longer(client: TestClient) -> None:
    script = client.get("/static/search.js")
    assert script.headers["cache-control"] == "public, max-age=3600"
    assert (
        client.get(
            "/static/search.js", headers={"If-None-Match": script.headers["etag"]}
        ).status_code
        == 304
    )


def test_text_is_compressed_for_clients_that_accept_gzip(client: TestClient) -> None:
    plain = client.get("/id/country/PK", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    packed = client.get("/id/country/PK", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["vary"]
    # the client decodes it; the bytes on the wire are smaller than the page
    assert packed.content == plain.content
    assert int(packed.headers["content-length"]) < len(plain.content) / 2


def unpacked(content: bytes, encoding: str) -> bytes:
    """The body as the test client gave it, unpacked where it does not unpack it itself."""
    import zstandard

    if encoding == "zstd" and content[:4] == b"\x28\xb5\x2f\xfd":  # a zstd frame
        return zstandard.ZstdDecompressor().decompressobj().decompress(content)
    return content


@pytest.mark.parametrize(
    ("accepted", "used"), [("br", "br"), ("zstd", "zstd"), ("gzip, br, zstd", "zstd")]
)
def test_text_is_compressed_as_the_client_accepts(
    client: TestClient, accepted: str, used: str
) -> None:
    for path, headers in (
        ("/id/country/PK", {}),
        ("/id/country/PK", {"Accept": "text/turtle"}),
        ("/api/queries/who-administers", {"Accept": "text/csv"}),
    ):
        plain = client.get(path, headers={**headers, "Accept-Encoding": "identity"})
        packed = client.get(path, headers={**headers, "Accept-Encoding": accepted})
        assert packed.headers.get("content-encoding") == used, path
        assert int(packed.headers["content-length"]) < len(plain.content)
        body = unpacked(packed.content, used)
        if headers.get("Accept") == "text/turtle":  # the same graph (triples in any order)
            graphs = [rdflib.Graph().parse(data=b, format="turtle") for b in (body, plain.content)]
            assert rdflib.compare.isomorphic(*graphs)
        else:
            assert body == plain.content  # the same bytes, unpacked


def test_a_new_store_version_makes_old_tags_stale(graph: KnowledgeGraph, layout: Layout) -> None:
    with TestClient(create_app(graph, layout, query_processes=1)) as one:
        etag = one.get("/id/country/PK").headers["etag"]
    with TestClient(create_app(graph, layout, query_processes=1)) as other:
        # a graph held in memory is a version of its own for each server
        assert other.get("/id/country/PK", headers={"If-None-Match": etag}).status_code == 200


def test_the_answer_cache_keeps_to_its_budget() -> None:
    cache = AnswerCache(capacity=10, largest=6)
    cache.put("a", b"12345", "results")
    cache.put("b", b"12345", "results")
    assert cache.get("a") == (b"12345", "results")  # now the most recently used
    cache.put("c", b"123", "results")  # over budget: b, the least recently used, goes
    assert cache.get("b") is None
    assert cache.get("a") is not None
    assert cache.get("c") is not None
    cache.put("d", b"1234567", "results")  # larger than any answer kept
    assert cache.get("d") is None
    assert len(cache) == 2
