"""The web application in-process: every route, content negotiation, and every refusal."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
import rdflib
import rdflib.compare
from rdflib.namespace import RDF, SH
from starlette.testclient import TestClient

from imet_kg import KnowledgeGraph, Layout
from imet_kg.network.projections import node_info
from imet_kg.web.app import create_app
from imet_kg.web.endpoint import Limits

ID = "https://w3id.org/imet-kg/id/"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
OVERSEES = "SELECT ?a WHERE { ?a <https://w3id.org/imet-kg/ontology#oversees> ?p }"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def client(graph: KnowledgeGraph, layout: Layout) -> Iterator[TestClient]:
    with TestClient(create_app(graph, layout)) as test_client:
        yield test_client


def parse(response: object, rdf_format: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=response.content, format=rdf_format)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("accept", "media", "rdf_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json;q=0.5, text/turtle", "text/turtle", "turtle"),
    ],
)
def test_resource_negotiation(client: TestClient, accept: str, media: str, rdf_format: str) -> None:
    response = client.get("/id/agency/dod", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert "Accept" in response.headers["vary"]
    graph = parse(response, rdf_format)
    dod = rdflib.URIRef(f"{ID}agency/dod")
    assert (
        dod,
        RDF.type,
        rdflib.URIRef("https://w3id.org/imet-kg/ontology#GovernmentDepartment"),
    ) in graph
    claim = rdflib.URIRef(f"{ID}claim/dod-administers-imet")
    assert (
        claim,
        rdflib.URIRef("http://purl.org/dc/terms/source"),
        rdflib.URIRef(f"{ID}source/seed-000"),
    ) in graph


@pytest.mark.parametrize(
    ("extension", "rdf_format"),
    [(".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt"), (".rdf", "xml")],
)
def test_extension_wins_over_accept(client: TestClient, extension: str, rdf_format: str) -> None:
    response = client.get(f"/id/country/PK{extension}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert (rdflib.URIRef(f"{ID}country/PK"), None, None) in parse(response, rdf_format)


def test_every_entity_dereferences(client: TestClient, graph: KnowledgeGraph) -> None:
    entities = list(node_info(graph, {}))
    assert len(entities) > 40
    for iri in entities:
        response = client.get(
            iri.removeprefix("https://w3id.org/imet-kg/"), headers={"Accept": "text/turtle"}
        )
        assert response.status_code == 200, iri
        assert (rdflib.URIRef(iri), None, None) in parse(response, "turtle")


def test_resource_page(client: TestClient) -> None:
    page = client.get("/id/agency/pm", headers={"Accept": "text/html"}).text
    assert "<h1>Bureau of Political-Military Affairs</h1>" in page
    assert "What the sources say" in page
    assert "Seed 001: International Military Education and Training At A Glance" in page
    assert 'href="http://testserver/id/agency/dos"' in page
    assert 'href="http://testserver/id/source/seed-001"' in page
    assert 'rel="alternate" type="text/turtle"' in page
    assert "network/agencies" in page
    ai = client.get("/id/agency/dsca", headers={"Accept": "text/html"}).text
    assert "AI-written" in ai


def test_unknown_resource(client: TestClient) -> None:
    page = client.get("/id/agency/defense", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "Perhaps you meant" in page.text
    assert "United States Department of Defense" in page.text
    plain = client.get("/id/agency/defense", headers={"Accept": "text/turtle"})
    assert plain.status_code == 404
    assert plain.headers["content-type"].startswith("text/plain")
    assert client.get("/no/such/page", headers={"Accept": "text/html"}).status_code == 404


def test_not_acceptable(client: TestClient) -> None:
    response = client.get("/id/agency/dod", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_home_and_ontology(client: TestClient) -> None:
    home = client.get("/").text
    assert "Bureau of Political-Military Affairs" in home
    assert "/dumps/imet-kg.ttl" in home
    page = client.get("/ontology", headers={"Accept": "text/html"}).text
    assert "imet:RoleClaim" in page
    assert "imet:administers" in page
    ontology = parse(client.get("/ontology.ttl"), "turtle")
    assert (
        rdflib.URIRef("https://w3id.org/imet-kg/ontology"),
        RDF.type,
        rdflib.OWL.Ontology,
    ) in ontology
    assert (None, RDF.type, SH.NodeShape) not in ontology


def rows(response: object) -> list[str]:
    data = response.json()  # type: ignore[attr-defined]
    return sorted(binding["a"]["value"] for binding in data["results"]["bindings"])


def test_sparql_get_post_form_and_direct(client: TestClient) -> None:
    expected = [f"{ID}agency/dsca"]
    assert rows(client.get("/sparql", params={"query": OVERSEES}, headers=JSON_RESULTS)) == expected
    assert rows(client.post("/sparql", data={"query": OVERSEES}, headers=JSON_RESULTS)) == expected
    direct = client.post(
        "/sparql",
        content=OVERSEES,
        headers={**JSON_RESULTS, "Content-Type": "application/sparql-query"},
    )
    assert rows(direct) == expected


def test_sparql_result_formats(client: TestClient) -> None:
    xml = client.get(
        "/sparql", params={"query": OVERSEES}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    assert f"<uri>{ID}agency/dsca</uri>" in xml.text
    text = client.get("/sparql", params={"query": OVERSEES}, headers={"Accept": "text/csv"}).text
    assert list(csv.reader(io.StringIO(text))) == [["a"], [f"{ID}agency/dsca"]]
    tsv = client.get(
        "/sparql", params={"query": OVERSEES}, headers={"Accept": "text/tab-separated-values"}
    )
    assert tsv.text.splitlines() == ["?a", f"<{ID}agency/dsca>"]
    ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=JSON_RESULTS)
    assert ask.json() == {"head": {}, "boolean": True}
    administers = "<https://w3id.org/imet-kg/ontology#administers>"
    construct = f"CONSTRUCT {{ ?a <urn:x> ?p }} WHERE {{ ?a {administers} ?p }}"
    for accept, rdf_format in (
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ):
        response = client.get("/sparql", params={"query": construct}, headers={"Accept": accept})
        assert response.headers["content-type"].startswith(accept)
        assert len(parse(response, rdf_format)) == 2
    refused = client.get("/sparql", params={"query": OVERSEES}, headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_service_description_and_query_page(client: TestClient) -> None:
    description = parse(client.get("/sparql", headers={"Accept": "text/turtle"}), "turtle")
    assert (
        rdflib.URIRef("http://testserver/sparql"),
        SD.endpoint,
        rdflib.URIRef("http://testserver/sparql"),
    ) in description
    assert len(list(description.objects(None, SD.name))) >= 20
    page = client.get("/sparql", headers={"Accept": "text/html"}).text
    assert '<textarea id="query"' in page
    assert "who-administers" in page
    assert "static/query.js" in page


def test_cors(client: TestClient) -> None:
    response = client.get(
        "/sparql",
        params={"query": "ASK {}"},
        headers={"Origin": "https://example.org", **JSON_RESULTS},
    )
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        (
            "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
            400,
            "SERVICE is refused",
        ),
        ("LOAD <http://127.0.0.1:1/data.ttl>", 403, "read-only"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403, "read-only"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", 400, "reads no local files"),
        (
            "SELECT * FROM NAMED <http://127.0.0.1:1/g> WHERE { ?s ?p ?o }",
            400,
            "not one of the dataset's graphs",
        ),
        ("SELECT * WHERE {\n  ?s ?p \n  FILTER( }", 400, "query:3:"),
    ],
)
def test_refused_queries(client: TestClient, query: str, status: int, message: str) -> None:
    response = client.get("/sparql", params={"query": query}, headers=JSON_RESULTS)
    assert response.status_code == status
    assert message in response.text


def test_own_graph_may_be_named(client: TestClient) -> None:
    query = (
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/imet-kg/graph/curated/countries> "
        "WHERE { ?s ?p ?o }"
    )
    response = client.get("/sparql", params={"query": query}, headers=JSON_RESULTS)
    assert response.status_code == 200
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 20
    outside = client.get(
        "/sparql",
        params={"query": "ASK {}", "default-graph-uri": "http://127.0.0.1:1/"},
        headers=JSON_RESULTS,
    )
    assert outside.status_code == 400


def test_updates_are_refused_by_protocol(client: TestClient) -> None:
    update = client.post(
        "/sparql",
        content="DELETE WHERE { ?s ?p ?o }",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert update.status_code == 403
    form = client.post("/sparql", data={"update": "DELETE WHERE { ?s ?p ?o }"})
    assert form.status_code == 403
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_protocol_errors(client: TestClient) -> None:
    twice = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert twice.status_code == 400
    wrong_type = client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415
    body = "ASK {} #" + "x" * 70_000
    too_big = client.post(
        "/sparql", content=body, headers={"Content-Type": "application/sparql-query"}
    )
    assert too_big.status_code == 413


def test_row_and_time_limits(graph: KnowledgeGraph, layout: Layout) -> None:
    with TestClient(create_app(graph, layout, limits=Limits(seconds=0.5, rows=5))) as strict:
        many = strict.get(
            "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers=JSON_RESULTS
        )
        assert many.status_code == 422
        assert "more than 5 rows" in many.text
        few = strict.get("/sparql", params={"query": OVERSEES}, headers=JSON_RESULTS)
        assert few.status_code == 200
    with TestClient(create_app(graph, layout, limits=Limits(seconds=0.5, rows=10**9))) as hurried:
        # A streaming cross product: the evaluation itself stops at the deadline.
        slow = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
        response = hurried.get("/sparql", params={"query": slow}, headers=JSON_RESULTS)
        assert response.status_code == 503
        assert "time limit" in response.text


def test_saved_query_api(client: TestClient) -> None:
    listed = client.get("/api/queries").json()
    assert {entry["name"] for entry in listed} >= {"who-administers", "country-timeline"}
    timeline = client.get(
        "/api/queries/country-timeline", params={"country": "PK"}, headers={"Accept": "text/csv"}
    )
    assert timeline.status_code == 200
    table = list(csv.DictReader(io.StringIO(timeline.text)))
    assert [r["when"] for r in table if r["when"]][:2] == ["1960s", "1990s"]
    assert "_country" not in table[0]
    who = client.get("/api/queries/who-administers", headers=JSON_RESULTS).json()
    holders = {b["holder"]["value"] for b in who["results"]["bindings"]}
    assert {f"{ID}agency/pm", f"{ID}agency/dod", f"{ID}agency/dsca"} <= holders
    assert client.get("/api/queries/country-timeline").status_code == 400
    assert (
        client.get("/api/queries/country-timeline", params={"country": "PK", "x": "1"}).status_code
        == 400
    )
    assert (
        client.get("/api/queries/country-timeline", params={"country": "Narnia"}).status_code == 400
    )
    assert client.get("/api/queries/nope").status_code == 404


def test_openapi_covers_every_saved_query(client: TestClient, layout: Layout) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    names = {path.stem for path in layout.queries_dir.glob("*.rq")}
    assert {f"/api/queries/{name}" for name in names} <= set(document["paths"])
    timeline = document["paths"]["/api/queries/country-timeline"]["get"]
    assert timeline["parameters"][0]["name"] == "country"
    assert timeline["parameters"][0]["required"] is True
    assert "/sparql" in document["paths"]


def test_void(client: TestClient, graph: KnowledgeGraph) -> None:
    void = parse(client.get("/.well-known/void"), "turtle")
    dataset = rdflib.URIRef("http://testserver/.well-known/void")
    assert int(str(void.value(dataset, VOID.triples))) == len(graph)
    assert (dataset, VOID.sparqlEndpoint, rdflib.URIRef("http://testserver/sparql")) in void
    assert (dataset, VOID.exampleResource, rdflib.URIRef(f"{ID}agency/dod")) in void
    assert (dataset, rdflib.URIRef("http://purl.org/dc/terms/license"), None) in void
    # every dump the server serves is listed, with the media type it is served as
    from imet_kg.web.pages import DUMP_MEDIA

    dumps = list(void.objects(dataset, VOID.dataDump))
    listed = {str(dump).removeprefix("http://testserver/dumps/") for dump in dumps}
    assert listed == set(DUMP_MEDIA) | {f"{name}.gz" for name in DUMP_MEDIA}
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    gzip_format = rdflib.URIRef("http://www.iana.org/assignments/media-types/application/gzip")
    for dump in dumps:
        path = str(dump).removeprefix("http://testserver")
        name = path.rsplit("/", 1)[1]
        response = client.get(path)
        assert response.status_code == 200
        assert len(response.content) > 10_000
        media = str(void.value(dump, dcat.mediaType))
        assert media == DUMP_MEDIA[name.removesuffix(".gz")]
        if name.endswith(".gz"):  # the content's type, and the compression around it
            assert void.value(dump, dcat.compressFormat) == gzip_format
            assert response.headers["content-type"] == "application/gzip"
        else:
            assert response.headers["content-type"].startswith(media)
    assert client.get("/dumps/secrets.txt").status_code == 404
    # Described once per address and media type, then served from memory: the same graph
    # comes back in each format asked for.
    again = parse(client.get("/.well-known/void"), "turtle")
    as_json = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert as_json.headers["content-type"].startswith("application/ld+json")
    assert rdflib.compare.isomorphic(again, void)
    assert rdflib.compare.isomorphic(parse(as_json, "json-ld"), void)


def test_void_keeps_nothing_per_host(graph: KnowledgeGraph, layout: Layout) -> None:
    """The Host header is the client's to choose: fifty hosts get fifty descriptions of
    their own address, and the site keeps one description, not fifty."""
    from imet_kg.web.app import create_app

    app = create_app(graph, layout)
    with TestClient(app) as client:
        for n in range(50):
            answer = client.get("/.well-known/void", headers={"Host": f"h{n}.example"})
            void = parse(answer, "turtle")
            dataset = rdflib.URIRef(f"http://h{n}.example/.well-known/void")
            assert int(str(void.value(dataset, VOID.triples))) == len(graph)
        site = app.state.site
        assert not [key for key in site.cache if "void" in key]
        assert site.void_template is not None
        assert all("h49.example" not in str(triple) for triple in site.void_template)


def test_network_view_is_served(client: TestClient) -> None:
    page = client.get("/network/agencies")
    assert page.status_code == 200
    assert "vis-network" in page.text
    assert client.get("/network/nope").status_code == 404


def test_public_base_rewrites_links(graph: KnowledgeGraph, layout: Layout) -> None:
    with TestClient(create_app(graph, layout, public_base="https://imet.example.org/")) as proxied:
        page = proxied.get("/id/agency/pm", headers={"Accept": "text/html"}).text
        assert 'href="https://imet.example.org/id/agency/dos"' in page
        turtle = parse(proxied.get("/id/agency/pm.ttl"), "turtle")
        assert (rdflib.URIRef(f"{ID}agency/pm"), None, None) in turtle


def test_json_listing_describes_every_saved_query(client: TestClient, layout: Layout) -> None:
    """The listing names each saved query with its summary, tags, parameters and a URL that
    answers it."""
    from imet_kg.query.saved import load_saved_queries

    listing = client.get("/api/queries").json()
    saved = {query.name: query for query in load_saved_queries(layout.queries_dir)}
    assert [item["name"] for item in listing] == list(saved)
    for item in listing:
        query = saved[item["name"]]
        assert item["summary"] == query.summary
        assert item["tags"] == list(query.tags)
        assert [p["name"] for p in item["parameters"]] == [p.name for p in query.parameters]
        assert item["url"] == f"http://testserver/api/queries/{query.name}"
    plain = next(item for item in listing if not item["parameters"])
    assert client.get(plain["url"]).status_code == 200


def test_a_slow_page_does_not_delay_another_request(
    graph: KnowledgeGraph, layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page that reads the store for a long time (a place named by thousands of records)
    must not hold other requests: while one page is held inside the store, a real server on
    loopback still answers another resource, the ontology and VoID."""
    import threading
    import urllib.request

    from imet_kg.web import pages

    from ..conftest import server_in_thread

    entered, released = threading.Event(), threading.Event()
    real = pages.resource_page

    def held(*arguments: Any) -> Any:
        entered.set()
        released.wait(timeout=30)
        return real(*arguments)

    monkeypatch.setattr(pages, "resource_page", held)

    def fetch(port: int, path: str, accept: str) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Accept": accept}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)

    with server_in_thread(create_app(graph, layout)) as port:
        slow: list[int] = []
        page = threading.Thread(
            target=lambda: slow.append(fetch(port, "/id/agency/dod", "text/html"))
        )
        page.start()
        assert entered.wait(timeout=10)
        try:
            assert fetch(port, "/id/agency/pm.ttl", "text/turtle") == 200
            assert fetch(port, "/ontology", "text/html") == 200
            assert fetch(port, "/.well-known/void", "text/turtle") == 200
            assert not slow  # the held page is still held
        finally:
            released.set()
            page.join(timeout=30)
    assert slow == [200]
