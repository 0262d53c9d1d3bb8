"""The node's OpenAPI document, as a client generator would read it: served by the node, and a
valid OpenAPI 3.1 document by openapi-spec-validator."""
import requests
from openapi_spec_validator import validate


def test_the_node_serves_a_valid_openapi_document(node):
    base = node.url.removesuffix("taxii2/")
    r = requests.get(f"{base}api/v1/openapi.json", verify=node.cert, timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    doc = r.json()
    validate(doc)
    paths = doc["paths"]
    for path in ("/api/v1/warnings", "/api/v1/warnings/{id}/review", "/api/v1/events", "/api/v1/screen"):
        assert path in paths, path
    assert set(paths["/api/v1/warnings"]) == {"get", "post"}
