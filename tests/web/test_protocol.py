"""The SPARQL 1.1 Protocol as clients nobody here wrote expect it, on a real server on
loopback: the dataset from FROM and FROM NAMED (the protocol's graph parameters first), every
result form in each format the server lists or 406 naming them, application/json and
?format= for plain clients, SPARQLWrapper with every return format, and rdflib's
SPARQLStore."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from imet_kg import KnowledgeGraph, Layout
from imet_kg.media import DATASET, GRAPH, RESULTS, formats
from imet_kg.web.app import create_app

from ..conftest import DATA, server_in_thread

LEGISLATION = "https://w3id.org/imet-kg/graph/curated/legislation"
AGENCIES = "https://w3id.org/imet-kg/graph/curated/agencies"
PROTOCOL = DATA / "protocol"


def query(name: str) -> str:
    return (PROTOCOL / f"{name}.rq").read_text(encoding="utf-8")


ACTS = query("acts")
CONSTRUCT = query("construct-legislation")


@pytest.fixture(scope="module")
def server(graph: KnowledgeGraph, layout: Layout) -> Iterator[str]:
    with server_in_thread(create_app(graph, layout, query_processes=1)) as port:
        yield f"http://127.0.0.1:{port}/"


def get(
    url: str, accept: str | None = None, data: bytes | None = None, content_type: str | None = None
) -> tuple[int, str, bytes]:
    headers = {"Accept": accept} if accept else {}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def sparql_url(server: str, text: str, **parameters: str | list[str]) -> str:
    pairs: list[tuple[str, str]] = [("query", text)]
    for key, value in parameters.items():
        for item in [value] if isinstance(value, str) else value:
            pairs.append((key.replace("_", "-"), item))
    return f"{server}sparql?{urllib.parse.urlencode(pairs)}"


def count(server: str, text: str, **parameters: str | list[str]) -> int:
    status, _, body = get(sparql_url(server, text, **parameters), "application/json")
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_from_makes_the_dataset(server: str, graph: KnowledgeGraph) -> None:
    sizes = graph.graph_sizes()
    assert count(server, query("count")) > sizes[LEGISLATION]
    assert count(server, query("count-from-legislation")) == sizes[LEGISLATION]
    assert count(server, query("count-from-two")) == sizes[LEGISLATION] + sizes[AGENCIES]
    assert count(server, query("count-named")) == sizes[AGENCIES]


def test_the_protocol_s_graph_parameters_come_first(server: str, graph: KnowledgeGraph) -> None:
    sizes = graph.graph_sizes()
    text = query("count-from-legislation")
    assert count(server, text, default_graph_uri=AGENCIES) == sizes[AGENCIES]


def test_the_command_line_keeps_from_too(graph: KnowledgeGraph) -> None:
    from click.testing import CliRunner

    from imet_kg.cli import cli

    run = CliRunner().invoke(cli, ["sparql", query("count-from-legislation"), "--format", "csv"])
    assert run.exit_code == 0, run.output
    assert run.stdout.splitlines()[1] == str(graph.graph_sizes()[LEGISLATION])


@pytest.mark.parametrize("entry", formats(RESULTS), ids=lambda e: e.name)
def test_select_in_every_results_format(server: str, entry: object) -> None:
    from imet_kg.media import Format

    assert isinstance(entry, Format)
    by_accept = get(sparql_url(server, ACTS), entry.media_type)
    by_parameter = get(sparql_url(server, ACTS, format=entry.name))
    for status, media, body in (by_accept, by_parameter):
        assert status == 200
        assert media.startswith(entry.media_type)
        assert body
    assert by_accept[2] == by_parameter[2]


@pytest.mark.parametrize("entry", formats(GRAPH, DATASET), ids=lambda e: e.name)
def test_construct_in_every_rdf_format(server: str, graph: KnowledgeGraph, entry: object) -> None:
    from imet_kg.media import Format

    assert isinstance(entry, Format)
    status, media, body = get(sparql_url(server, CONSTRUCT), entry.media_type)
    assert status == 200
    assert media.startswith(entry.media_type)
    parsed = list(ox.parse(body, format=ox.RdfFormat.from_media_type(entry.media_type)))
    assert len(parsed) == graph.graph_sizes()[LEGISLATION]


def test_a_format_the_answer_cannot_take_is_406_naming_the_offer(server: str) -> None:
    status, _, body = get(sparql_url(server, CONSTRUCT), "text/csv")
    assert status == 406
    assert b"text/turtle" in body
    assert b"application/n-quads" in body
    status, _, body = get(sparql_url(server, ACTS), "text/turtle")
    assert status == 406
    assert b"application/sparql-results+json" in body
    status, _, body = get(sparql_url(server, ACTS, format="pdf"))
    assert status == 400
    assert b"csv" in body


def test_application_json_is_json_results_everywhere(server: str) -> None:
    status, media, body = get(sparql_url(server, ACTS), "application/json")
    assert status == 200
    assert media.startswith("application/json")
    assert json.loads(body)["head"]["vars"] == ["act", "label"]
    ask = get(sparql_url(server, "ASK { ?s ?p ?o }"), "application/json")
    assert json.loads(ask[2])["boolean"] is True
    api = get(f"{server}api/queries/sources", "application/json")
    assert api[0] == 200
    assert "bindings" in json.loads(api[2])["results"]


def test_format_parameter_on_the_api_and_resources(server: str) -> None:
    status, media, body = get(f"{server}api/queries/country-timeline?country=PK&format=csv")
    assert status == 200
    assert media.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0][0] == "when"
    assert len(rows) > 3
    status, media, body = get(f"{server}id/agency/dod?format=ttl", "text/html")
    assert status == 200
    assert media.startswith("text/turtle")
    assert rdflib.Graph().parse(data=body, format="turtle")


def test_the_three_ways_to_send_a_query(server: str) -> None:
    """GET, POST as a form, POST directly; two queries are refused, as is an update."""
    url = f"{server}sparql"
    form = urllib.parse.urlencode({"query": ACTS}).encode()
    answers = [
        get(sparql_url(server, ACTS), "text/csv"),
        get(url, "text/csv", form, "application/x-www-form-urlencoded"),
        get(url, "text/csv", ACTS.encode(), "application/sparql-query"),
    ]
    assert {a[0] for a in answers} == {200}
    assert len({a[2] for a in answers}) == 1
    twice = get(f"{url}?{urllib.parse.urlencode([('query', ACTS), ('query', ACTS)])}")
    assert twice[0] == 400
    update = get(url, None, b"INSERT DATA { <a:b> <a:c> <a:d> }", "application/sparql-update")
    assert update[0] == 403
    odd = get(url, None, ACTS.encode(), "text/plain")
    assert odd[0] == 415


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_return_format(server: str, return_format: str) -> None:
    client = SPARQLWrapper(f"{server}sparql")
    client.setQuery(ACTS)
    client.setReturnFormat(return_format)
    result = client.query()
    converted = result.convert()
    if return_format == JSON:
        assert isinstance(converted, dict)
        assert len(converted["results"]["bindings"]) >= 3
    elif return_format == XML:
        assert len(converted.getElementsByTagName("result")) >= 3  # type: ignore[union-attr]
    else:
        text = converted.decode("utf-8") if isinstance(converted, bytes) else str(converted)
        assert len(text.strip().splitlines()) >= 4


@pytest.mark.parametrize("return_format", [XML, RDFXML, TURTLE, N3, JSONLD])
def test_sparqlwrapper_construct_in_every_return_format(
    server: str, graph: KnowledgeGraph, return_format: str
) -> None:
    client = SPARQLWrapper(f"{server}sparql")
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(return_format)
    converted = client.query().convert()
    if isinstance(converted, bytes):
        converted = rdflib.Graph().parse(data=converted, format="turtle")
    assert isinstance(converted, rdflib.Graph)
    assert len(converted) == graph.graph_sizes()[LEGISLATION]


def test_sparqlwrapper_default_construct_gives_a_graph(server: str) -> None:
    client = SPARQLWrapper(f"{server}sparql")
    client.setQuery(CONSTRUCT)
    assert isinstance(client.query().convert(), rdflib.Graph)


def test_sparqlwrapper_ask(server: str) -> None:
    for return_format in (JSON, XML):
        client = SPARQLWrapper(f"{server}sparql")
        client.setQuery("ASK { ?s a <https://w3id.org/imet-kg/ontology#Act> }")
        client.setReturnFormat(return_format)
        converted = client.query().convert()
        if return_format == JSON:
            assert isinstance(converted, dict)
            assert converted["boolean"] is True
        else:
            assert "true" in converted.toxml()  # type: ignore[union-attr]


def test_rdflib_sparqlstore(server: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(query_endpoint=f"{server}sparql", returnFormat="json")
    remote = rdflib.Graph(store=store)
    rows = list(remote.query(ACTS))
    assert len(rows) >= 3
    dod = rdflib.URIRef("https://w3id.org/imet-kg/id/agency/dod")
    assert len(list(remote.triples((dod, None, None)))) > 3


def test_results_stay_well_formed_for_every_literal(layout: Layout) -> None:
    """A carriage return comes back as written from XML and JSON; a control character that
    XML 1.0 cannot hold is a character reference of an XML 1.1 document, never raw."""
    import re
    import xml.etree.ElementTree as ET

    from starlette.testclient import TestClient

    odd = KnowledgeGraph()
    subject, predicate = ox.NamedNode("urn:test:s"), ox.NamedNode("urn:test:p")
    odd.add(
        [
            ox.Triple(subject, predicate, ox.Literal("line\r\nend")),
            ox.Triple(ox.NamedNode("urn:test:t"), predicate, ox.Literal("a\x01b")),
        ],
        "urn:test:odd",
    )
    with TestClient(create_app(odd, layout, query_processes=1)) as client:

        def answer(name: str, media: str) -> bytes:
            text = query(name)
            response = client.get("/sparql", params={"query": text}, headers={"Accept": media})
            assert response.status_code == 200
            return response.content

        json_cr = json.loads(answer("literal-with-cr", "application/sparql-results+json"))
        assert json_cr["results"]["bindings"][0]["o"]["value"] == "line\r\nend"
        xml_cr = answer("literal-with-cr", "application/sparql-results+xml")
        assert xml_cr.startswith(b'<?xml version="1.0"')
        literal = ET.fromstring(xml_cr).find(".//{http://www.w3.org/2005/sparql-results#}literal")
        assert literal is not None
        assert literal.text == "line\r\nend"
        json_control = json.loads(answer("literal-with-control", "application/sparql-results+json"))
        assert json_control["results"]["bindings"][0]["o"]["value"] == "a\x01b"
        xml_control = answer("literal-with-control", "application/sparql-results+xml")
        assert xml_control.startswith(b'<?xml version="1.1"')
        assert b"a&#x1;b" in xml_control
        assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", xml_control)


def test_a_query_in_the_url_answers_as_the_routed_endpoint_does(
    graph: KnowledgeGraph, layout: Layout
) -> None:
    """GET /sparql?query= is answered outside the routes; its answer, its refusals and its
    headers are those of the same query POSTed through them."""
    from starlette.testclient import TestClient

    def text(name: str) -> str:
        return (PROTOCOL / name).read_text(encoding="utf-8")

    cases = [
        (text("acts.rq"), {"Accept": "text/csv"}),
        (text("acts.rq"), {"Accept": "application/sparql-results+json"}),
        ("DESCRIBE <https://w3id.org/imet-kg/id/agency/dod>", {"Accept": "text/turtle"}),
        (text("acts.rq"), {"Accept": "application/n-triples"}),  # rows in an RDF format: 406
        (text("unfinished.rq"), {"Accept": "application/sparql-results+json"}),
        (text("service-call.rq"), {}),
    ]
    app = create_app(graph, layout, query_processes=1)
    with TestClient(app) as client:
        for query, headers in cases:
            for sent in (headers, {**headers, "Origin": "https://elsewhere.example"}):
                direct = client.get("/sparql", params={"query": query}, headers=sent)
                routed = client.post("/sparql", data={"query": query}, headers=sent)
                assert (direct.status_code, direct.text) == (routed.status_code, routed.text)
                assert every_header(direct) == every_header(routed), sent
                assert direct.headers["x-content-type-options"] == "nosniff"
                assert "Origin" in direct.headers["vary"]
                allowed = direct.headers.get("access-control-allow-origin")
                assert allowed == ("*" if "Origin" in sent else None)
        statuses = [client.get("/sparql", params={"query": q}).status_code for q, _ in cases]
        assert statuses[:3] == [200, 200, 200]
        assert statuses[4:] == [400, 400]
        assert (
            client.get("/sparql", params={"query": cases[3][0]}, headers=cases[3][1]).status_code
            == 406
        )
        # Without a query, the URL is the service's description, from the routes.
        described = client.get("/sparql", params={"xquery": "1"}, headers={"Accept": "text/turtle"})
        assert "sparql-service-description#name" in described.text


def every_header(response: object) -> list[tuple[str, str]]:
    """A response's headers, each value as sent, but for the date and server."""
    headers = response.headers.multi_items()  # type: ignore[attr-defined]
    return sorted((k, v) for k, v in headers if k not in ("date", "server"))
