"""Interoperability with the OASIS reference clients: `taxii2-client` talks to a real node over
HTTPS; the objects are made with the `stix2` library (hundreds, of many types, some in several
versions); every object the node returns must pass `stix2-validator` in strict mode and parse
with `stix2`."""
import datetime
import json

import pytest
import requests
import stix2
from stix2validator import ValidationOptions, validate_instance
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages
from taxii2client.exceptions import TAXIIServiceException

from conftest import COLLECTION

TAXII = "application/taxii+json;version=2.1"
T0 = datetime.datetime(2019, 6, 14, 8, 0, 0, tzinfo=datetime.timezone.utc)


def make_objects():
    """Hundreds of STIX 2.1 objects of many types, made with the stix2 library."""
    objs = []
    kz = stix2.Identity(name="Committee for National Security", identity_class="organization")
    objs.append(kz)
    locations = [stix2.Location(name=f"Checkpoint {i}", latitude=41.0 + i / 100, longitude=69.0 + i / 100) for i in range(10)]
    objs += locations
    for i in range(40):
        ta = stix2.ThreatActor(name=f"Cell {i}", threat_actor_types=["terrorist"], aliases=[f"Ячейка {i}", f"小组 {i}"],
                               object_marking_refs=[stix2.TLP_GREEN])
        mal = stix2.Malware(name=f"Dropper {i}", is_family=True, malware_types=["dropper"])
        ind = stix2.Indicator(name=f"C2 address {i}", description="Command-and-control address seen in phishing.", pattern_type="stix",
                              pattern=f"[ipv4-addr:value = '198.51.100.{i}']", valid_from=T0,
                              indicator_types=["malicious-activity"], object_marking_refs=[stix2.TLP_AMBER])
        ip = stix2.IPv4Address(value=f"198.51.100.{i}")
        dom = stix2.DomainName(value=f"c2-{i}.example.org")
        url = stix2.URL(value=f"https://c2-{i}.example.org/gate.php")
        f = stix2.File(name=f"payload{i}.exe", hashes={"SHA-256": f"{i:064x}"})
        od = stix2.ObservedData(first_observed=T0, last_observed=T0, number_observed=1, object_refs=[ip.id, dom.id])
        rel = stix2.Relationship(ta, "uses", mal)
        rel2 = stix2.Relationship(ind, "indicates", mal)
        sight = stix2.Sighting(sighting_of_ref=ind.id, count=i + 1, where_sighted_refs=[kz.id], observed_data_refs=[od.id])
        objs += [ta, mal, ind, ip, dom, url, f, od, rel, rel2, sight]
    for i in range(10):
        objs += [
            stix2.AttackPattern(name=f"Technique {i}", external_references=[{"source_name": "capec", "external_id": f"CAPEC-{100 + i}"}]),
            stix2.Campaign(name=f"Campaign {i}", first_seen=T0),
            stix2.CourseOfAction(name=f"Block {i}"),
            stix2.IntrusionSet(name=f"Group {i}"),
            stix2.Tool(name=f"Tool {i}"),
            stix2.Vulnerability(name=f"CVE-2019-{1000 + i}"),
            stix2.Infrastructure(name=f"Botnet {i}", infrastructure_types=["botnet"]),
        ]
    actors = [o for o in objs if o.type == "threat-actor"]
    objs.append(stix2.Report(name="Regional threat picture", published=T0, object_refs=[a.id for a in actors[:20]],
                             report_types=["threat-actor"]))
    objs.append(stix2.Grouping(context="suspicious-activity", object_refs=[a.id for a in actors[20:]]))
    objs.append(stix2.Note(content="Couriers observed at the border.", object_refs=[actors[0].id]))
    objs.append(stix2.Opinion(opinion="agree", object_refs=[actors[1].id]))
    # Later versions of a few objects.
    for a in actors[:5]:
        objs.append(a.new_version(description="Updated after the Bishkek summit."))
    return objs


@pytest.fixture(scope="module")
def posted(node):
    objs = make_objects()
    col = Collection(node.collection_url, user=node.user, password=node.password, verify=node.cert)
    envelope = {"objects": [json.loads(o.serialize()) for o in objs]}
    status = col.add_objects(envelope)
    return col, objs, status


def all_objects(col, per_request=50, **filters):
    out = []
    for env in as_pages(col.get_objects, per_request=per_request, **filters):
        out += env.get("objects", [])
    return out


def test_discovery_api_root_and_collections(node):
    server = Server(node.url, user=node.user, password=node.password, verify=node.cert)
    assert server.title.startswith("Entente node of KZ")
    assert len(server.api_roots) == 1
    root = server.default
    assert root.title and TAXII in root.versions and root.max_content_length > 0
    [col] = root.collections
    assert col.id == COLLECTION and col.can_read and col.can_write
    assert "application/stix+json;version=2.1" in col.media_types


def test_bearer_token_works_and_no_credentials_is_401(node):
    r = requests.get(node.url, headers={"Accept": TAXII, "Authorization": f"Bearer {node.token}"}, verify=node.cert)
    assert r.status_code == 200
    r = requests.get(node.url, headers={"Accept": TAXII}, verify=node.cert)
    assert r.status_code == 401 and r.json()["http_status"] == "401"
    with pytest.raises(requests.HTTPError):
        Server(node.url, user=node.user, password="wrong", verify=node.cert).title


def test_envelope_is_stored_completely(posted):
    _, objs, status = posted
    assert status.status == "complete"
    assert status.total_count == len(objs) >= 500
    assert status.failure_count == 0, status.failures
    assert status.success_count == len(objs)


def test_read_back_through_paging(posted):
    col, objs, _ = posted
    latest = {}
    for o in objs:
        if o.id not in latest or getattr(o, "modified", None) and o.modified > latest[o.id].modified:
            latest[o.id] = o
    got = all_objects(col, per_request=37)
    ids = [o["id"] for o in got]
    assert len(ids) == len(set(ids)), "paging repeated an object"
    assert set(ids) >= set(latest), "paging skipped objects"
    for o in got:
        if o["id"] in latest:
            want = json.loads(latest[o["id"]].serialize())
            for k, v in want.items():
                assert o[k] == v or k in ("object_marking_refs", "extensions"), (o["id"], k)


def test_filters(posted):
    col, objs, _ = posted
    n_ind = sum(1 for o in objs if o.type == "indicator")
    assert len(all_objects(col, type="indicator")) == n_ind
    assert {o["type"] for o in all_objects(col, type=["malware", "tool"])} == {"malware", "tool"}
    actor = next(o for o in objs if o.type == "threat-actor")
    versions = [o for o in objs if o.id == actor.id]
    assert len(versions) == 2
    assert len(all_objects(col, id=actor.id, version="all")) == 2
    [first] = all_objects(col, id=actor.id, version="first")
    assert first["modified"] == json.loads(versions[0].serialize())["modified"]
    [last] = all_objects(col, id=actor.id)
    assert last["description"] == "Updated after the Bishkek summit."
    ts = json.loads(versions[0].serialize())["modified"]
    [exact] = all_objects(col, id=actor.id, version=ts)
    assert exact["modified"] == ts
    assert all_objects(col, spec_version="2.0") == []
    assert len(all_objects(col, spec_version="2.1", type="indicator")) == n_ind


def test_added_after_and_headers(node, posted):
    col, _, _ = posted
    manifest = []
    for env in as_pages(col.get_manifest, per_request=100):
        manifest += env.get("objects", [])
    dates = [m["date_added"] for m in manifest]
    # In insertion order; the objects of one request share their date_added (so that gaps tell
    # nothing of objects a reader may not see), as medallion gives a request's objects its time.
    assert dates == sorted(dates) and len(set(dates)) > 1
    middle = dates[len(dates) // 2]
    after = all_objects(col, added_after=middle)
    assert len(after) == len([d for d in dates if d > middle])
    r = requests.get(col.objects_url, params={"limit": 10}, auth=(node.user, node.password),
                     headers={"Accept": TAXII}, verify=node.cert)
    assert r.headers["Content-Type"] == TAXII
    assert r.headers["X-TAXII-Date-Added-First"] == dates[0]
    assert r.json()["more"] is True and r.json()["next"]


def test_object_versions_manifest_and_status(node, posted):
    col, objs, status = posted
    actor = next(o for o in objs if o.type == "threat-actor")
    env = col.get_object(actor.id)
    assert [o["id"] for o in env["objects"]] == [actor.id]
    vers = col.object_versions(actor.id)
    assert len(vers["versions"]) == 2
    root = ApiRoot(node.url + "api/", user=node.user, password=node.password, verify=node.cert)
    again = root.get_status(status.id)
    assert again.success_count == status.success_count


def test_refusals_are_per_object_with_reasons(posted):
    col, _, _ = posted
    good = json.loads(stix2.Tool(name="Scanner").serialize())
    bad_time = dict(good, id="tool--6ba7b810-9dad-41d1-80b4-00c04fd430c8", modified="2001-01-01T00:00:00Z")
    no_name = {k: v for k, v in good.items() if k != "name"}
    no_name["id"] = "tool--6ba7b811-9dad-41d1-80b4-00c04fd430c8"
    other_state = dict(good, id="tool--6ba7b812-9dad-41d1-80b4-00c04fd430c8",
                       created_by_ref="identity--611f4360-ddeb-44f9-b654-f63cdc97ac2e")
    status = col.add_objects({"objects": [good, bad_time, no_name, other_state, {"type": "tool"}]})
    assert status.success_count == 1 and status.failure_count == 4
    messages = [f["message"] for f in status.failures]
    assert any("modified" in m for m in messages)
    assert any("`name` is required" in m for m in messages)
    assert any("created_by_ref" in m for m in messages)
    assert any("`id` is required" in m for m in messages)


def test_every_returned_object_passes_the_strict_validator_and_parses(posted):
    col, _, _ = posted
    got = all_objects(col, per_request=500, version="all")
    assert len(got) >= 500
    failures = []
    for o in got:
        result = validate_instance(o, ValidationOptions(strict=True, version="2.1"))
        if not result.is_valid or result.errors:
            failures.append((o["id"], [str(e) for e in result.errors]))
        stix2.parse(o, allow_custom=True)
    assert failures == [], sorted({m.split(": ", 1)[1] for _, ms in failures for m in ms})


def test_media_types_are_negotiated(node, posted):
    col, _, _ = posted
    auth = (node.user, node.password)
    r = requests.get(col.objects_url, auth=auth, headers={"Accept": "application/json"}, verify=node.cert)
    assert r.status_code == 406
    r = requests.post(col.objects_url, auth=auth, headers={"Accept": TAXII, "Content-Type": "application/json"},
                      data='{"objects": []}', verify=node.cert)
    assert r.status_code == 415
