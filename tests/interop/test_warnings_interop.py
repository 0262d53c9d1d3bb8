"""A joint warning made through the node's REST API, read back by a standard TAXII client: the
`x-entente-warning` object passes `stix2-validator` in strict mode and parses with `stix2`, so a
client that knows nothing of Entente can still read it."""
import datetime

import requests
import stix2
from stix2validator import ValidationOptions, validate_instance
from taxii2client.v21 import Collection



def test_a_warning_is_a_valid_stix_object_for_standard_clients(node):
    base = node.url.removesuffix("taxii2/")
    review = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=300)).strftime("%Y-%m-%dT%H:%M:%SZ")
    r = requests.post(
        f"{base}api/v1/warnings",
        headers={"Authorization": f"Bearer {node.token}"},
        json={
            "kind": "wanted", "title": "Wanted: suspect in the bombing of the Osh market",
            "subject": {"names": ["Rustam Kholmatov", "Холматов Рустам"], "birth_dates": ["1988-11"], "nationalities": ["KG"]},
            "legal_basis": "Shanghai Convention (2001), art. 1", "issuing_authority": "Prosecutor General",
            "action_requested": "Arrest with a view to extradition", "contact": "liaison office",
            "purpose": "Prosecution", "source": "Court order", "review_date": review,
            "grading": {"source": "A", "information": "2", "handling": ["H0", "H1"]},
        },
        verify=node.cert, timeout=30,
    )
    assert r.status_code == 201, r.text
    warning_id = r.json()["id"]
    collection = Collection(f"{node.collection_url}", user=node.user, password=node.password, verify=node.cert)
    env = collection.get_object(warning_id)
    (obj,) = env["objects"]
    assert obj["type"] == "x-entente-warning" and obj["stage"] == "draft"
    result = validate_instance(obj, ValidationOptions(strict=True))
    assert result.is_valid, [str(e) for e in result.errors]
    parsed = stix2.parse(obj, allow_custom=True)
    assert parsed["id"] == warning_id
