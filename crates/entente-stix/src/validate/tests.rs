//! A table of objects and what validation says of each: valid objects of every category, and one
//! mistake per rule, each refused with a message naming the property at fault.

use super::*;
use serde_json::json;

const ID: &str = "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
const T0: &str = "2019-06-14T08:00:00.000Z";
const T1: &str = "2019-06-15T08:00:00.000Z";

fn sdo(ty: &str, extra: Value) -> Value {
    let mut m = json!({"type": ty, "spec_version": "2.1", "id": format!("{ty}--{ID}"), "created": T0, "modified": T0});
    for (k, v) in extra.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
}

fn with(mut v: Value, k: &str, x: Value) -> Value {
    if x.is_null() {
        v.as_object_mut().unwrap().remove(k);
    } else {
        v[k] = x;
    }
    v
}

fn valid() -> Vec<Value> {
    let r = format!("identity--{ID}");
    vec![
        sdo("attack-pattern", json!({"name": "Spearphishing"})),
        sdo(
            "campaign",
            json!({"name": "c", "first_seen": T0, "last_seen": T1}),
        ),
        sdo("course-of-action", json!({"name": "c"})),
        sdo(
            "grouping",
            json!({"context": "suspicious-activity", "object_refs": [r]}),
        ),
        sdo(
            "identity",
            json!({"name": "RATS", "identity_class": "organization"}),
        ),
        sdo("incident", json!({"name": "i"})),
        sdo(
            "indicator",
            json!({"pattern": "[ipv4-addr:value = '10.0.0.1']", "pattern_type": "stix", "valid_from": T0, "valid_until": T1}),
        ),
        sdo("infrastructure", json!({"name": "i"})),
        sdo("intrusion-set", json!({"name": "i"})),
        sdo("location", json!({"region": "central-asia"})),
        sdo(
            "location",
            json!({"latitude": 41.3, "longitude": 69.2, "precision": 1000.0}),
        ),
        sdo("malware", json!({"is_family": false})),
        sdo("malware", json!({"is_family": true, "name": "m"})),
        sdo(
            "malware-analysis",
            json!({"product": "p", "result": "malicious"}),
        ),
        sdo("note", json!({"content": "c", "object_refs": [r]})),
        sdo(
            "observed-data",
            json!({"first_observed": T0, "last_observed": T1, "number_observed": 1, "object_refs": [format!("ipv4-addr--{ID}")]}),
        ),
        sdo("opinion", json!({"opinion": "agree", "object_refs": [r]})),
        sdo(
            "report",
            json!({"name": "r", "published": T0, "object_refs": [r]}),
        ),
        sdo("threat-actor", json!({"name": "t"})),
        sdo("tool", json!({"name": "t"})),
        sdo(
            "vulnerability",
            json!({"name": "CVE-2019-0708", "external_references": [{"source_name": "cve", "external_id": "CVE-2019-0708"}]}),
        ),
        sdo(
            "relationship",
            json!({"relationship_type": "uses", "source_ref": format!("intrusion-set--{ID}"), "target_ref": format!("malware--{ID}")}),
        ),
        sdo(
            "sighting",
            json!({"sighting_of_ref": format!("indicator--{ID}"), "count": 2, "where_sighted_refs": [r]}),
        ),
        json!({"type": "ipv4-addr", "spec_version": "2.1", "id": format!("ipv4-addr--{ID}"), "value": "10.0.0.1"}),
        json!({"type": "domain-name", "id": format!("domain-name--{ID}"), "value": "example.org"}),
        json!({"type": "file", "id": format!("file--{ID}"), "hashes": {"SHA-256": "ab"}}),
        json!({"type": "network-traffic", "id": format!("network-traffic--{ID}"), "protocols": ["tcp"], "dst_ref": format!("ipv4-addr--{ID}")}),
        json!({"type": "user-account", "id": format!("user-account--{ID}"), "user_id": "1001"}),
        json!({"type": "marking-definition", "spec_version": "2.1", "id": format!("marking-definition--{ID}"), "created": T0, "definition_type": "statement", "definition": {"statement": "Copyright"}}),
        sdo(
            "language-content",
            json!({"object_ref": r, "object_modified": T0, "contents": {"ru": {"name": "x"}}}),
        ),
        sdo(
            "extension-definition",
            json!({"created_by_ref": r, "name": "e", "schema": "s", "version": "1.0", "extension_types": ["property-extension"]}),
        ),
        sdo(
            "x-entente-warning",
            json!({"extensions": {"extension-definition--8ca0d952-cb36-568f-ad79-ebadb1b4a9a2": {"extension_type": "new-sdo"}}}),
        ),
        sdo(
            "identity",
            json!({"name": "n", "object_marking_refs": [entente_core::marking::TLP_AMBER],
            "extensions": {ENTENTE_EXTENSION: {"extension_type": "property-extension", "audience": {"states": ["CN"], "tiers": ["observer"]}}}}),
        ),
    ]
}

#[test]
fn valid_objects_of_every_category_pass() {
    for v in valid() {
        let shown = v.to_string();
        let ok = validate(v).unwrap_or_else(|e| panic!("{shown}: {e}"));
        assert!(
            ok.version().is_some() || ok.category == Category::Sco,
            "{shown}"
        );
    }
}

#[test]
fn the_governing_marking_and_audience_are_read_out() {
    let v = sdo(
        "identity",
        json!({"name": "n", "object_marking_refs": [entente_core::marking::TLP_GREEN],
        "granular_markings": [{"selectors": ["name"], "marking_ref": entente_core::marking::TLP_RED}],
        "extensions": {ENTENTE_EXTENSION: {"extension_type": "property-extension", "audience": {"users": ["CN:a"]}}}}),
    );
    let ok = validate(v).unwrap();
    assert_eq!(ok.marking, Some(Tlp::Red));
    assert_eq!(ok.audience.unwrap().users.len(), 1);
}

#[test]
fn each_mistake_is_refused_naming_the_property() {
    let ident = || sdo("identity", json!({"name": "n"}));
    let cases: Vec<(Value, &str)> = vec![
        (json!([1]), "not a JSON object"),
        (with(ident(), "type", Value::Null), "`type` is required"),
        (with(ident(), "type", json!(5)), "`type`: must be a string"),
        (
            with(ident(), "type", json!("Identity")),
            "not a valid type name",
        ),
        (
            with(ident(), "type", json!("widget")),
            "not a STIX 2.1 type",
        ),
        (
            sdo(
                "indicator",
                json!({"pattern": "[file:name = 'x'", "pattern_type": "stix", "valid_from": "2019-06-13T08:00:00.000Z"}),
            ),
            "`pattern`: does not parse: at character 16: expected `]`",
        ),
        (
            sdo(
                "x-entente-asset",
                json!({"name": "Atasu-Alashankou oil pipeline", "kind": "pipeline", "corridor_m": 500000,
                       "geometry": {"type": "LineString", "coordinates": [[77.9, 48.7], [82.6, 45.2]]},
                       "owners": ["KZ", "CN"], "criticality": "critical",
                       "extensions": {"extension-definition--02767541-b696-5cd5-b7b5-2c3a31d53d2a": {"extension_type": "new-sdo"}}}),
            ),
            "`corridor_m`: a number of metres from 0 to 100000",
        ),
        (
            sdo(
                "x-entente-asset",
                json!({"name": "Atasu-Alashankou oil pipeline", "kind": "pipeline", "corridor_m": 500,
                       "geometry": {"type": "LineString", "coordinates": [[77.9, 98.7], [82.6, 45.2]]},
                       "owners": ["KZ", "CN"], "criticality": "critical",
                       "extensions": {"extension-definition--02767541-b696-5cd5-b7b5-2c3a31d53d2a": {"extension_type": "new-sdo"}}}),
            ),
            "`geometry`: [77.9, 98.7] is not a WGS 84 longitude and latitude",
        ),
        (with(ident(), "id", Value::Null), "`id` is required"),
        (with(ident(), "id", json!("identity--123")), "RFC 4122"),
        (
            with(ident(), "id", json!(format!("malware--{ID}"))),
            "does not start with the object's type",
        ),
        (
            with(ident(), "spec_version", json!("2.0")),
            "spec_version `2.0`",
        ),
        (
            with(ident(), "spec_version", Value::Null),
            "`spec_version` is required",
        ),
        (
            with(ident(), "created", Value::Null),
            "`created` is required",
        ),
        (
            with(ident(), "created", json!("yesterday")),
            "`created`: `yesterday` is not a STIX timestamp",
        ),
        (
            with(ident(), "modified", json!("2019-06-13T08:00:00.000Z")),
            "`modified`: must not be before `created`",
        ),
        (
            with(ident(), "name", Value::Null),
            "`name` is required for a `identity`",
        ),
        (
            with(ident(), "name", json!("")),
            "`name`: must not be empty",
        ),
        (
            with(ident(), "confidence", json!(101)),
            "`confidence`: must be an integer from 0 to 100",
        ),
        (
            with(ident(), "revoked", json!("no")),
            "`revoked`: must be true or false",
        ),
        (
            with(ident(), "labels", json!([1])),
            "`labels`: must be a list of strings",
        ),
        (
            with(ident(), "created_by_ref", json!(format!("malware--{ID}"))),
            "`created_by_ref`: must refer to a identity",
        ),
        (
            with(ident(), "Bad-Name", json!(1)),
            "`Bad-Name`: property names",
        ),
        (with(ident(), "x", json!(1)), "`x`: property names"),
        (
            with(
                ident(),
                "object_marking_refs",
                json!([format!("marking-definition--{ID}")]),
            ),
            "not a known marking",
        ),
        (
            with(
                ident(),
                "object_marking_refs",
                json!([format!("identity--{ID}")]),
            ),
            "must refer to a marking-definition",
        ),
        (
            with(
                ident(),
                "granular_markings",
                json!([{"selectors": [], "marking_ref": entente_core::marking::TLP_RED}]),
            ),
            "selectors",
        ),
        (
            with(
                ident(),
                "external_references",
                json!([{"source_name": "x"}]),
            ),
            "besides `source_name`",
        ),
        (with(ident(), "sample_ref", json!("nope")), "`sample_ref`"),
        (
            with(ident(), "extensions", json!({"foo": {}})),
            "neither an extension-definition id",
        ),
        (
            with(
                ident(),
                "extensions",
                json!({ENTENTE_EXTENSION: {"audience": {}}}),
            ),
            "property-extension",
        ),
        (
            with(
                ident(),
                "extensions",
                json!({ENTENTE_EXTENSION: {"extension_type": "property-extension", "audience": {"states": ["kz"]}}}),
            ),
            "extensions.audience",
        ),
        (
            with(
                ident(),
                "extensions",
                json!({ENTENTE_EXTENSION: {"extension_type": "property-extension", "grading": {"source": "Z", "information": "1", "handling": ["H0"]}}}),
            ),
            "extensions.grading",
        ),
        (
            with(
                ident(),
                "extensions",
                json!({ENTENTE_EXTENSION: {"extension_type": "property-extension", "grading": {"source": "A", "information": "1", "handling": ["H3"]}}}),
            ),
            "restrictions",
        ),
        (
            with(
                ident(),
                "extensions",
                json!({ENTENTE_EXTENSION: {"extension_type": "property-extension", "warning": "review"}}),
            ),
            "extensions.warning",
        ),
        (
            with(
                ident(),
                "extensions",
                json!({ENTENTE_EXTENSION: {"extension_type": "property-extension", "colour": 1}}),
            ),
            "no property `colour`",
        ),
        (
            with(
                ident(),
                "extensions",
                json!({ENTENTE_EXTENSION: {"extension_type": "property-extension", "signature": {"alg": "ed25519"}}}),
            ),
            "needs a `key` string",
        ),
        (
            sdo(
                "indicator",
                json!({"pattern": "[x:y = 'z']", "pattern_type": "stix"}),
            ),
            "`valid_from` is required",
        ),
        (
            sdo(
                "indicator",
                json!({"pattern": "[file:name = 'p']", "pattern_type": "stix", "valid_from": T1, "valid_until": T0}),
            ),
            "`valid_until`: must be later than `valid_from`",
        ),
        (
            sdo("location", json!({"latitude": 91.0, "longitude": 0.0})),
            "`latitude`",
        ),
        (sdo("location", json!({"latitude": 1.0})), "go together"),
        (sdo("location", json!({"name": "n"})), "region|country"),
        (
            sdo("malware", json!({"is_family": true})),
            "`name` is required",
        ),
        (sdo("malware", json!({})), "`is_family` is required"),
        (
            sdo("grouping", json!({"context": "c", "object_refs": []})),
            "`object_refs`: must not be an empty list",
        ),
        (
            sdo(
                "observed-data",
                json!({"first_observed": T1, "last_observed": T0, "number_observed": 1, "object_refs": []}),
            ),
            "`last_observed`: must be at or after",
        ),
        (
            sdo(
                "observed-data",
                json!({"first_observed": T0, "last_observed": T1, "number_observed": 0, "object_refs": [format!("file--{ID}")]}),
            ),
            "`number_observed`",
        ),
        (
            sdo(
                "opinion",
                json!({"opinion": "meh", "object_refs": [format!("note--{ID}")]}),
            ),
            "`opinion`",
        ),
        (
            sdo(
                "report",
                json!({"name": "r", "object_refs": [format!("note--{ID}")]}),
            ),
            "`published` is required",
        ),
        (
            sdo(
                "relationship",
                json!({"relationship_type": "uses", "source_ref": format!("malware--{ID}")}),
            ),
            "`target_ref` is required",
        ),
        (
            sdo(
                "sighting",
                json!({"sighting_of_ref": format!("indicator--{ID}"), "count": -1}),
            ),
            "`count`",
        ),
        (
            sdo(
                "sighting",
                json!({"sighting_of_ref": format!("indicator--{ID}"), "where_sighted_refs": [format!("malware--{ID}")]}),
            ),
            "`where_sighted_refs`",
        ),
        (
            json!({"type": "ipv4-addr", "id": format!("ipv4-addr--{ID}")}),
            "`value` is required",
        ),
        (
            json!({"type": "file", "id": format!("file--{ID}")}),
            "hashes|name",
        ),
        (
            json!({"type": "file", "id": format!("file--{ID}"), "hashes": {}}),
            "`hashes`",
        ),
        (
            json!({"type": "artifact", "id": format!("artifact--{ID}"), "url": "http://x"}),
            "`hashes` is required",
        ),
        (
            json!({"type": "network-traffic", "id": format!("network-traffic--{ID}"), "protocols": ["tcp"]}),
            "src_ref|dst_ref",
        ),
        (
            json!({"type": "process", "id": format!("process--{ID}")}),
            "at least one property",
        ),
        (
            json!({"type": "marking-definition", "spec_version": "2.1", "id": format!("marking-definition--{ID}"), "created": T0, "modified": T0}),
            "never versioned",
        ),
        (
            json!({"type": "marking-definition", "spec_version": "2.1", "id": format!("marking-definition--{ID}"), "created": T0}),
            "`definition`",
        ),
        (
            sdo("x-entente-warning", json!({})),
            "declares its definition",
        ),
        (
            sdo(
                "extension-definition",
                json!({"created_by_ref": format!("identity--{ID}"), "name": "e", "schema": "s", "version": "1", "extension_types": ["new-thing"]}),
            ),
            "not an extension type",
        ),
    ];
    for (v, needle) in cases {
        let shown = v.to_string();
        match validate(v) {
            Ok(_) => panic!("accepted {shown}, expected {needle:?}"),
            Err(e) => assert!(
                e.to_string().contains(needle),
                "{shown}\n  said: {e}\n  expected: {needle}"
            ),
        }
    }
}

proptest::proptest! {
    #[test]
    fn never_panics_on_arbitrary_json(s in "\\PC{0,200}") {
        if let Ok(v) = serde_json::from_str::<Value>(&s) {
            let _ = validate(v);
        }
    }
}

#[test]
fn the_ids_an_object_refers_to_leave_out_its_creator_and_markings() {
    let a = format!("malware--{ID}");
    let b = format!("threat-actor--{ID}");
    let v = sdo(
        "report",
        json!({"name": "r", "published": T0, "report_types": ["threat-report"],
        "created_by_ref": format!("identity--{ID}"),
        "object_marking_refs": [entente_core::marking::TLP_GREEN],
        "object_refs": [a, b, a]}),
    );
    assert_eq!(
        validate(v).unwrap().referenced_ids(),
        vec![a.clone(), b.clone()]
    );
    let r = sdo(
        "relationship",
        json!({"relationship_type": "uses", "source_ref": b, "target_ref": a}),
    );
    assert_eq!(validate(r).unwrap().referenced_ids(), vec![b, a]);
}
