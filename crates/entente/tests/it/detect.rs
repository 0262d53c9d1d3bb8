//! `entente match` as another tool calls it: indicators and observations as JSON Lines, SCOs
//! before or after the observed-data that names them or in its `objects` dictionary, one line per
//! matching indicator in the indicators' order, an `error` line for a pattern that cannot be
//! matched, malformed lines reported on stderr, and a non-zero status only for an unreadable file.

use crate::helpers::run;
use serde_json::{json, Value};

fn indicator(n: u32, pattern: &str) -> String {
    json!({
        "type": "indicator", "spec_version": "2.1",
        "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
        "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
        "pattern": pattern, "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
    })
    .to_string()
}

fn observed(n: u32, at: &str, refs: &[&str]) -> String {
    json!({
        "type": "observed-data", "spec_version": "2.1",
        "id": format!("observed-data--00000000-0000-4000-8000-{n:012}"),
        "created": at, "modified": at, "first_observed": at, "last_observed": at,
        "number_observed": 1, "object_refs": refs,
    })
    .to_string()
}

#[test]
fn matches_indicators_against_observations_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let ind = dir.path().join("indicators.jsonl");
    let obs = dir.path().join("observations.jsonl");
    let indicators = [
        indicator(1, "[ipv4-addr:value = '198.51.100.7']"),
        indicator(2, "[file:name = 'x'"),
        "not json".to_string(),
        indicator(3, "[domain-name:value = 'evil.example'] FOLLOWEDBY [ipv4-addr:value ISSUBSET '198.51.100.0/24']"),
        indicator(4, "[ipv4-addr:value = '203.0.113.9']"),
        indicator(5, "[domain-name:value = t'2026-01-01T00:00:00Z']"),
        json!({"type": "indicator", "id": "indicator--00000000-0000-4000-8000-000000000006",
               "pattern": "title:foo", "pattern_type": "sigma"})
        .to_string(),
    ];
    std::fs::write(&ind, indicators.join("\n")).unwrap();
    let d1 = "domain-name--00000000-0000-4000-8000-0000000000d1";
    let a1 = "ipv4-addr--00000000-0000-4000-8000-0000000000a1";
    let observations = [
        // The SCO comes after the observed-data that names it.
        observed(10, "2026-01-01T00:00:00Z", &[d1]),
        json!({"type": "domain-name", "spec_version": "2.1", "id": d1, "value": "evil.example"}).to_string(),
        json!({"type": "ipv4-addr", "spec_version": "2.1", "id": a1, "value": "198.51.100.7"}).to_string(),
        observed(11, "2026-01-01T00:01:00Z", &[a1]),
        // Named by no observed-data: ignored.
        json!({"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--00000000-0000-4000-8000-0000000000a2", "value": "203.0.113.9"}).to_string(),
        json!({"type": "identity", "id": "identity--00000000-0000-4000-8000-000000000001", "name": "x"}).to_string(),
        "{ broken".to_string(),
        // The deprecated dictionary form.
        json!({"type": "observed-data", "id": "observed-data--00000000-0000-4000-8000-000000000012",
               "first_observed": "2026-01-01T00:02:00Z", "last_observed": "2026-01-01T00:02:00Z",
               "number_observed": 1, "objects": {"0": {"type": "ipv4-addr", "value": "198.51.100.7"}}})
        .to_string(),
    ];
    std::fs::write(&obs, observations.join("\n")).unwrap();
    let (ok, stdout, stderr) = run(&[
        "match",
        "--indicators",
        ind.to_str().unwrap(),
        "--observations",
        obs.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    let rows: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let id = |n: u32| format!("indicator--00000000-0000-4000-8000-{n:012}");
    let od = |n: u32| format!("observed-data--00000000-0000-4000-8000-{n:012}");
    assert_eq!(rows.len(), 5, "{stdout}");
    assert_eq!(
        rows[0],
        json!({"indicator": id(1), "observed_data_refs": [od(11)]})
    );
    assert_eq!(rows[1]["indicator"], id(2));
    assert!(
        rows[1]["error"]
            .as_str()
            .unwrap()
            .contains("at character 16"),
        "{stdout}"
    );
    assert_eq!(
        rows[2],
        json!({"indicator": id(3), "observed_data_refs": [od(10), od(11)]})
    );
    // A timestamp constant meets a string that is not one: the reference fails the pattern.
    assert_eq!(rows[3]["indicator"], id(5));
    assert!(
        rows[3]["error"]
            .as_str()
            .unwrap()
            .contains("not a timestamp"),
        "{stdout}"
    );
    assert_eq!(rows[4]["indicator"], id(6));
    assert!(
        rows[4]["error"].as_str().unwrap().contains("sigma"),
        "{stdout}"
    );
    assert!(stderr.contains("line 3: not JSON"), "{stderr}");
    assert!(stderr.contains("line 7: not JSON"), "{stderr}");

    let (ok, _, stderr) = run(&[
        "match",
        "--indicators",
        dir.path().join("missing.jsonl").to_str().unwrap(),
        "--observations",
        obs.to_str().unwrap(),
    ]);
    assert!(!ok && stderr.contains("missing.jsonl"), "{stderr}");
}
