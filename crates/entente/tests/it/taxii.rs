//! TAXII 2.1 behaviour the Python interop tests do not reach: error statuses and their bodies,
//! limits, roles, deletion by the originator only, paging while others write.

use crate::helpers::*;
use entente_core::marking::{TLP_AMBER, TLP_GREEN};
use serde_json::{json, Value};

async fn error_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    assert_eq!(r.headers()["content-type"], TAXII);
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn errors_have_the_right_status_and_say_what_was_wrong() {
    let mut node = TestNode::init(SCO, "KZ");
    node.env
        .push(("ENTENTE_LIMITS__MAX_BODY_BYTES".into(), "20000".into()));
    node.serve();
    let creds = node.add_user("analyst", "analyst");
    let analyst = creds.token.clone();
    let peer = node.add_peer("RU");
    let url = node.objects_url();
    let r = node
        .http
        .get(&url)
        .basic_auth("analyst", Some(&creds.password))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "HTTP Basic with the right password");

    let (s, body) = error_of(
        node.http
            .get(&url)
            .header("Accept", TAXII)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, body["code"].as_str()), (401, Some("unauthenticated")));
    let r = node
        .http
        .get(&url)
        .bearer_auth("ent_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = node
        .http
        .get(&url)
        .basic_auth("analyst", Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let r = node
        .http
        .get(&url)
        .bearer_auth(&analyst)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await.0, 406);
    let r = node
        .http
        .post(&url)
        .bearer_auth(&analyst)
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await.0, 415);

    let big: Vec<Value> = (0..100).map(|i| note(i, TLP_GREEN)).collect();
    let (s, body) = error_of(node.post(&analyst, &big).await).await;
    assert_eq!(s, 413);
    assert!(
        body["message"].as_str().unwrap().contains("20000 bytes"),
        "{body}"
    );

    // Not JSON: 400; JSON but no envelope: 422 (see limits.rs for more).
    for (bad, needle, want) in [
        ("not json", "not valid JSON", 400),
        ("[1]", "TAXII envelope", 422),
        ("{\"objects\": 3}", "must be a list", 422),
    ] {
        let r = node
            .http
            .post(&url)
            .bearer_auth(&analyst)
            .header("Content-Type", TAXII)
            .body(bad)
            .send()
            .await
            .unwrap();
        let (s, body) = error_of(r).await;
        assert_eq!(s, want);
        assert!(body["message"].as_str().unwrap().contains(needle), "{body}");
    }
    for (q, needle) in [
        ("limit=0", "limit"),
        ("next=xyz", "next"),
        ("added_after=soon", "added_after"),
        ("match[version]=newest", "newest"),
        ("match[colour]=red", "not supported"),
    ] {
        let (s, body) = error_of(node.get(&analyst, &format!("{url}?{q}")).await).await;
        assert_eq!(s, 400, "{q}");
        assert!(
            body["message"].as_str().unwrap().contains(needle),
            "{q}: {body}"
        );
    }
    // Peers read; they do not write.
    let (s, body) = error_of(node.post(&peer, &[note(1, TLP_GREEN)]).await).await;
    assert_eq!(s, 403, "{body}");
    let cols: Value = node
        .get_json(&peer, &format!("{}api/collections/", node.url))
        .await;
    assert_eq!(cols["collections"][0]["can_write"], false);
    // Unknown collection and paths are 404.
    assert_eq!(
        node.get(
            &analyst,
            &format!(
                "{}api/collections/00000000-0000-4000-8000-000000000000/objects/",
                node.url
            )
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        node.get(&analyst, &format!("{}nowhere/", node.url))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn only_the_originator_deletes_and_only_a_supervisor() {
    let cn = signer("CN");
    let node = TestNode::start(&charter_with_key("CN", &cn), "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let supervisor = node.add_user("boss", "supervisor").token;
    let own = note(1, TLP_GREEN);
    let mut foreign = note(2, TLP_GREEN).as_object().unwrap().clone();
    cn.sign_object(&mut foreign).unwrap();
    node.post_ok(&analyst, &[own.clone(), Value::Object(foreign.clone())])
        .await;
    let url = |o: &Value| format!("{}{}/", node.objects_url(), o["id"].as_str().unwrap());
    let del = |token: &str, u: String| {
        let token = token.to_owned();
        let node = &node;
        async move { node.delete(&token, &u).await }
    };

    assert_eq!(del(&analyst, url(&own)).await.status(), 403);
    let r = del(&supervisor, url(&Value::Object(foreign.clone()))).await;
    let (s, body) = error_of(r).await;
    assert_eq!(s, 403);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("CN issued this object"),
        "{body}"
    );
    assert_eq!(del(&supervisor, url(&own)).await.status(), 200);
    assert_eq!(node.get(&analyst, &url(&own)).await.status(), 404);
    assert_eq!(del(&supervisor, url(&own)).await.status(), 404);
}

#[tokio::test]
async fn versions_and_posting_in_anothers_name() {
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let v1 = note(7, TLP_AMBER);
    let mut v2 = v1.clone();
    v2["modified"] = json!("2019-06-15T08:00:00.000Z");
    v2["content"] = json!("updated");
    node.post_ok(&analyst, &[v2.clone(), v1.clone()]).await;
    // Posting the same again is a no-op that succeeds.
    let again = node.post_ok(&analyst, std::slice::from_ref(&v1)).await;
    assert_eq!(again["successes"][0]["message"], "already stored");
    // The node signed them as itself, added its identity, kept the marking.
    let env: Value = node
        .get_json(
            &analyst,
            &format!(
                "{}{}/?match[version]=all",
                node.objects_url(),
                v1["id"].as_str().unwrap()
            ),
        )
        .await;
    let objs = env["objects"].as_array().unwrap();
    assert_eq!(objs.len(), 2);
    let kz =
        entente_stix::identity::party_identity_id(&entente_core::PartyCode::parse("KZ").unwrap());
    assert!(objs.iter().all(|o| o["created_by_ref"] == kz.as_str()));
    let last: Value = node
        .get_json(
            &analyst,
            &format!("{}{}/", node.objects_url(), v1["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(last["objects"][0]["content"], "updated");
    let versions: Value = node
        .get_json(
            &analyst,
            &format!(
                "{}{}/versions/",
                node.objects_url(),
                v1["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(
        versions["versions"],
        json!(["2019-06-15T08:00:00.000Z", "2019-06-14T08:00:00.000Z"])
    );
    // A user cannot post in another state's name, nor with a signature of a key nobody knows.
    let mut claims_cn = note(8, TLP_AMBER);
    claims_cn["created_by_ref"] = json!(entente_stix::identity::party_identity_id(
        &entente_core::PartyCode::parse("CN").unwrap()
    ));
    let mut unknown_key = note(9, TLP_AMBER).as_object().unwrap().clone();
    signer("CN").sign_object(&mut unknown_key).unwrap();
    let mut forged = note(10, TLP_AMBER).as_object().unwrap().clone();
    signer("KZ").sign_object(&mut forged).unwrap();
    let st: Value = node
        .post(
            &analyst,
            &[claims_cn, Value::Object(unknown_key), Value::Object(forged)],
        )
        .await
        .json()
        .await
        .unwrap();
    let messages: Vec<&str> = st["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 3, "{st}");
    assert!(messages[0].contains("another's name"), "{}", messages[0]);
    assert!(
        messages[1].contains("which the charter does not know"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].contains("which the charter does not know"),
        "{}",
        messages[2]
    );
}

#[tokio::test]
async fn paging_under_concurrent_writes_neither_skips_nor_repeats() {
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let first: Vec<Value> = (0..300).map(|i| note(i, TLP_GREEN)).collect();
    node.post_ok(&analyst, &first).await;
    let writer = {
        let http = node.http.clone();
        let url = node.objects_url();
        let token = analyst.clone();
        tokio::spawn(async move {
            for batch in 0..20u32 {
                let objs: Vec<Value> = (0..25)
                    .map(|i| note(1000 + batch * 25 + i, TLP_GREEN))
                    .collect();
                http.post(&url)
                    .bearer_auth(&token)
                    .header("Content-Type", TAXII)
                    .body(json!({"objects": objs}).to_string())
                    .send()
                    .await
                    .unwrap();
            }
        })
    };
    let seen = node.all_ids(&analyst, "").await;
    writer.await.unwrap();
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "a page repeated an object");
    let ids: Vec<String> = first
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        ids.iter().all(|id| seen.contains(id)),
        "a page skipped an object that was there from the start"
    );
}

#[tokio::test]
async fn the_status_resource_is_stored_with_the_objects_and_reads_back_as_answered() {
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let first = note(1, TLP_GREEN);
    node.post_ok(&analyst, std::slice::from_ref(&first)).await;
    // The same envelope again holds a duplicate of a stored object, a new one, a different
    // object under a stored id and version (equivocation), and a malformed one.
    let mut equivocating = first.clone();
    equivocating["content"] = json!("something else");
    let malformed = json!({"type": "note", "id": "note--nonsense"});
    let answered: Value = node
        .post(
            &analyst,
            &[first.clone(), note(2, TLP_GREEN), equivocating, malformed],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answered["total_count"], 4, "{answered}");
    assert_eq!(answered["success_count"], 2, "{answered}");
    assert_eq!(answered["failure_count"], 2, "{answered}");
    let messages: Vec<&str> = answered["successes"]
        .as_array()
        .unwrap()
        .iter()
        .chain(answered["failures"].as_array().unwrap())
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages[0], "already stored");
    assert_eq!(messages[1], "stored");
    assert!(messages[2].contains("equivocation"), "{}", messages[2]);
    assert!(
        messages[3].contains("does not end in a lowercase RFC 4122 UUID"),
        "{}",
        messages[3]
    );
    let url = format!(
        "{}api/status/{}/",
        node.url,
        answered["id"].as_str().unwrap()
    );
    assert_eq!(node.get_json(&analyst, &url).await, answered);
}

/// A deleted indicator matches nothing more: the node's detection index, built while it was held,
/// is rebuilt after the delete (a delete once left every in-memory index as it was).
#[tokio::test]
async fn a_deleted_indicator_no_longer_matches() {
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let supervisor = node.add_user("boss", "supervisor").token;
    let indicator = "indicator--0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f";
    node.post_ok(
        &analyst,
        &[json!({
            "type": "indicator", "spec_version": "2.1", "id": indicator,
            "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
            "pattern": "[domain-name:value = 'c2.example']",
            "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z",
            "object_marking_refs": [TLP_GREEN],
        })],
    )
    .await;
    let observe = |n: u32| {
        let domain = format!("domain-name--00000000-0000-5000-8000-{n:012}");
        vec![
            json!({"type": "domain-name", "spec_version": "2.1", "id": domain, "value": "c2.example"}),
            json!({
                "type": "observed-data", "spec_version": "2.1",
                "id": format!("observed-data--00000000-0000-4000-8000-{n:012}"),
                "created": "2026-12-01T08:00:00.000Z", "modified": "2026-12-01T08:00:00.000Z",
                "first_observed": "2026-12-01T07:55:00Z", "last_observed": "2026-12-01T07:59:00Z",
                "number_observed": 1, "object_refs": [domain],
                "object_marking_refs": [TLP_GREEN],
            }),
        ]
    };
    let sightings = |v: Value| v["objects"].as_array().map_or(0, Vec::len);
    let url = format!("{}?match[type]=sighting", node.objects_url());
    node.post_ok(&analyst, &observe(1)).await;
    assert_eq!(sightings(node.get_json(&analyst, &url).await), 1);
    let r = node
        .delete(&supervisor, &format!("{}{indicator}/", node.objects_url()))
        .await;
    assert_eq!(r.status(), 200);
    node.post_ok(&analyst, &observe(2)).await;
    assert_eq!(
        sightings(node.get_json(&analyst, &url).await),
        1,
        "the deleted indicator matched again"
    );
}

/// As the OASIS reference server (medallion) answers: `DELETE` with `match[version]` (a version,
/// `first`, `last`, `all`) removes just those versions, and an answer with nothing in it and
/// nothing more is the empty envelope `{}` (objects, manifest, versions; an object's versions
/// once all are deleted, 404).
#[tokio::test]
async fn deleting_by_version_and_empty_answers_as_the_reference_server() {
    let node = TestNode::start(SCO, "KZ").await;
    let boss = node.add_user("boss", "supervisor").token;
    let id = "course-of-action--7d5b1c3e-2f4a-4b6c-9d8e-0a1b2c3d4e5f";
    let modified = [
        "2014-01-27T13:49:53.935Z",
        "2015-01-27T13:49:53.935Z",
        "2016-01-27T13:49:53.935Z",
        "2018-01-27T13:49:53.935Z",
        "2019-01-27T13:49:53.935Z",
    ];
    let versions: Vec<Value> = modified
        .iter()
        .map(|m| {
            json!({
                "type": "course-of-action", "spec_version": "2.1", "id": id,
                "created": "2014-01-27T13:49:53.935Z", "modified": m, "name": "block",
                "object_marking_refs": [TLP_GREEN],
            })
        })
        .collect();
    node.post_ok(&boss, &versions).await;
    let object_url = format!("{}{id}/", node.objects_url());
    let held = |v: Value| -> Vec<String> {
        v["versions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let versions_url = format!("{object_url}versions/");
    assert_eq!(held(node.get_json(&boss, &versions_url).await), modified);
    let delete = |query: &str| {
        let url = format!("{object_url}?{query}");
        let node = &node;
        let boss = &boss;
        async move {
            let r = node.delete(boss, &url).await;
            assert_eq!(r.status(), 200);
            assert_eq!(r.headers()["content-type"], TAXII);
        }
    };
    delete("match[version]=2018-01-27T13:49:53.935Z").await;
    assert_eq!(
        held(node.get_json(&boss, &versions_url).await),
        [modified[0], modified[1], modified[2], modified[4]]
    );
    delete("match[version]=first").await;
    delete("match[version]=last").await;
    assert_eq!(
        held(node.get_json(&boss, &versions_url).await),
        [modified[1], modified[2]]
    );

    // Nothing to answer: `{}`, on each list.
    let future = "added_after=2099-01-01T00:00:00.000Z";
    for url in [
        format!("{}?{future}", node.objects_url()),
        format!("{}?match[type]=x-nothing-here", node.objects_url()),
        format!("{object_url}?{future}"),
        format!("{versions_url}?{future}"),
        format!(
            "{}?{future}",
            node.objects_url().replace("/objects/", "/manifest/")
        ),
    ] {
        assert_eq!(node.get_json(&boss, &url).await, json!({}), "{url}");
    }
    // Something to answer still says `more`.
    assert_eq!(node.get_json(&boss, &versions_url).await["more"], false);

    delete("match[version]=all").await;
    let r = node.get(&boss, &versions_url).await;
    assert_eq!(r.status(), 404);
}
