"""OpenSanctions' yente-client, unchanged, against a node's `/match/{dataset}`: a client written
for yente screens names against the node's register. The register entries are made through the
node's REST API by a supervisor, as an operator would."""
import json

import httpx
import urllib.request
import ssl

import pytest
from yente_client import Client
from yente_client.entities import Company, Person


def api(node, path, body):
    ctx = ssl.create_default_context(cafile=node.cert)
    req = urllib.request.Request(
        node.url.replace("/taxii2/", path),
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {node.token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, context=ctx) as r:
        return r.status, json.loads(r.read())


@pytest.fixture(scope="module")
def register(node):
    ids = {}
    for key, entry in {
        "morgulov": {"kind": "person", "names": ["Igor Morgulov", "Моргулов Игорь Владимирович"],
                     "birth_dates": ["1961-05"], "nationalities": ["RU"]},
        "cheng": {"kind": "person", "names": ["Cheng Guoping"], "nationalities": ["CN"]},
        "vostok": {"kind": "organization", "names": ["Vostok Trading LLC"]},
    }.items():
        status, answer = api(node, "/api/v1/register", entry)
        assert status == 201, answer
        ids[key] = answer["id"]
    return ids


def client(node, key=None):
    # The node's certificate is signed by its own CA. yente-client builds its own httpx transport,
    # which does not take the client's `verify`: the CA goes to a transport passed in.
    tls = ssl.create_default_context(cafile=node.cert)
    return Client(
        api_key=key or node.token,
        base_url=node.url.replace("/taxii2/", ""),
        transport=httpx.HTTPTransport(verify=tls, retries=2),
    )


def test_yente_client_matches_names_in_other_scripts(node, register):
    with client(node) as c:
        r = c.match(Person(name=["Моргулов Игорь"], birthDate=["1961-05-02"]))
        assert r.top is not None and r.top.id == register["morgulov"]
        assert r.top.match and r.top.score >= 0.85
        assert r.top.schema_ == "Person"
        assert r.top.explanations, "a match explains itself"

        r = c.match(Person(name=["程国平"]))
        assert [e.id for e in r.matches] == [register["cheng"]]

        r = c.match(Company(name=["ООО «Восток Трейдинг»", "VOSTOK TRADING LIMITED"]))
        assert r.top is not None and r.top.id == register["vostok"]


def test_yente_client_gets_no_match_for_an_unlisted_name(node, register):
    with client(node) as c:
        r = c.match(Person(name=["Aleksandr Pushkin"]))
        assert r.matches == []


def test_yente_client_is_refused_without_a_key(node, register):
    from yente_client.exceptions import AuthenticationError

    with client(node, key="not-a-token") as c:
        with pytest.raises(AuthenticationError):
            c.match(Person(name=["Igor Morgulov"]))
