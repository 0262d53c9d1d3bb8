//! Trust on the write side: the write policy on every path. Nobody versions another state's object
//! (a KZ analyst re-issuing China's indicator as revoked, or China's register entry as delisted,
//! was signed and served before the write policy); the parties' identities are their own; roles
//! decide over TAXII as over REST; steps racing on one object leave exactly one winner; refused
//! writes are security events naming who sent them; `audit verify` reports an id whose versions
//! have more than one originator.

use crate::helpers::*;
use entente_core::marking::{TLP_AMBER, TLP_CLEAR};
use entente_stix::identity::party_identity_id;
use serde_json::{json, Map, Value};

const REGISTER_EXT: &str = "extension-definition--2fe2ba3d-e9f3-5da0-9d56-f64569f208bc";

fn indicator(id: &str, modified: &str, revoked: bool) -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1", "id": id,
        "created": "2019-06-14T08:00:00.000Z", "modified": modified,
        "name": "C2 of the cell", "pattern": "[ipv4-addr:value = '198.51.100.7']",
        "pattern_type": "stix", "valid_from": "2019-06-14T08:00:00Z", "revoked": revoked,
        "object_marking_refs": [TLP_AMBER],
    })
}

fn entry(id: &str, modified: &str, status: &str) -> Value {
    json!({
        "type": "x-entente-register-entry", "spec_version": "2.1", "id": id,
        "created": "2019-05-01T08:00:00.000Z", "modified": modified,
        "kind": "person", "names": ["Abdulla Karimov"], "status": status,
        "object_marking_refs": [TLP_AMBER],
        "extensions": {REGISTER_EXT: {"extension_type": "new-sdo"}},
    })
}

fn signed(signer: &entente_stix::NodeSigner, v: Value) -> Value {
    let mut o: Map<String, Value> = v.as_object().unwrap().clone();
    o.insert(
        "created_by_ref".into(),
        json!(party_identity_id(signer.party())),
    );
    signer.sign_object(&mut o).unwrap();
    Value::Object(o)
}

/// Posts and answers the status resource.
async fn post(node: &TestNode, token: &str, objects: &[Value]) -> Value {
    let r = node.post(token, objects).await;
    assert_eq!(r.status(), 202);
    r.json().await.unwrap()
}

fn failures(status: &Value) -> Vec<String> {
    status["failures"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect()
}

async fn security_events(node: &TestNode, admin: &str) -> Vec<Value> {
    let r = node
        .http
        .get(format!("{}api/v1/security-events", node.base_url()))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    body["events"].as_array().unwrap().clone()
}

#[tokio::test]
async fn nobody_versions_another_states_object_or_a_partys_identity() {
    let cn = signer("CN");
    let node = TestNode::start(&charter_with_key("CN", &cn), "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let supervisor = node.add_user("boss", "supervisor").token;
    let admin = node.add_user("root", "admin").token;

    // China's indicator and register entry, as federation (or a courier) brings them.
    let ind_id = "indicator--5d2f7b8e-1c4a-4e6b-9f3d-2a7c8e1b4d60";
    let reg_id = "x-entente-register-entry--7e1d3c5b-2a4f-4b6c-8d9e-0f1a2b3c4d5e";
    let ok = post(
        &node,
        &supervisor,
        &[
            signed(&cn, indicator(ind_id, "2019-06-14T08:00:00.000Z", false)),
            signed(&cn, entry(reg_id, "2019-06-14T08:00:00.000Z", "designated")),
        ],
    )
    .await;
    assert_eq!(ok["success_count"], 2, "{ok}");

    // A KZ analyst (or supervisor) issuing a new version of them: refused, naming no one.
    for (token, object) in [
        (
            &analyst,
            indicator(ind_id, "2019-07-01T00:00:00.000Z", true),
        ),
        (
            &supervisor,
            entry(reg_id, "2019-07-01T00:00:00.000Z", "delisted"),
        ),
        // The same version, re-signed by KZ's node: still China's id.
        (
            &analyst,
            indicator(ind_id, "2019-06-14T08:00:00.000Z", true),
        ),
    ] {
        let status = post(&node, token, std::slice::from_ref(&object)).await;
        assert_eq!(status["failure_count"], 1, "{status}");
        let message = &failures(&status)[0];
        assert!(
            message.contains("only the state that issued an object issues its versions"),
            "{message}"
        );
        assert!(!message.contains("CN"), "{message}");
    }
    let (status, answer) = node
        .post_api(
            &supervisor,
            &format!("/api/v1/register/{reg_id}/delist"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 403, "{answer}");
    // China's versions are the only ones served.
    let versions = node
        .get_json(
            &analyst,
            &format!("{}{ind_id}/versions/", node.objects_url()),
        )
        .await;
    assert_eq!(
        versions["versions"],
        json!(["2019-06-14T08:00:00.000Z"]),
        "{versions}"
    );
    let served = node
        .get_json(&analyst, &format!("{}{ind_id}/", node.objects_url()))
        .await;
    assert_eq!(served["objects"][0]["revoked"], false);
    assert_eq!(
        served["objects"][0]["created_by_ref"],
        party_identity_id(cn.party())
    );

    // Identities: UZ's cannot be pre-empted, KZ's own cannot be displaced by a user.
    let identity = |party: &str, modified: &str| {
        json!({"type": "identity", "spec_version": "2.1",
            "id": party_identity_id(&entente_core::PartyCode::parse(party).unwrap()),
            "created": "2001-06-15T00:00:00.000Z", "modified": modified,
            "name": "Impostor", "identity_class": "organization",
            "object_marking_refs": [TLP_CLEAR]})
    };
    for (token, object) in [
        (&analyst, identity("UZ", "2001-06-15T00:00:00.000Z")),
        (&admin, identity("KZ", "2020-01-01T00:00:00.000Z")),
    ] {
        let status = post(&node, token, &[object]).await;
        assert_eq!(status["failure_count"], 1, "{status}");
        assert!(
            failures(&status)[0].contains("comes from the charter"),
            "{status}"
        );
    }

    // An equivocation (China's own key, two contents for one version): the event names the one
    // who sent the second, not the one who sent the first.
    let mut twin = indicator(ind_id, "2019-06-14T08:00:00.000Z", false);
    twin["name"] = json!("Another name for the same version");
    let status = post(&node, &analyst, &[signed(&cn, twin)]).await;
    assert_eq!(status["failure_count"], 1, "{status}");
    assert!(failures(&status)[0].contains("equivocation"), "{status}");

    // Each refused write is a security event naming the principal that sent it.
    let events = security_events(&node, &admin).await;
    let refused: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"] == "refused-write")
        .collect();
    let equivocation: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"] == "equivocation")
        .collect();
    assert_eq!(equivocation.len(), 1, "{events:?}");
    assert_eq!(
        equivocation[0]["source"], "user:KZ:analyst:analyst",
        "the sender of the refused object, not the supervisor who sent the first"
    );
    assert!(
        refused
            .iter()
            .any(|e| e["source"] == "user:KZ:analyst:analyst"
                && e["object"].as_str().unwrap().starts_with(ind_id)),
        "{events:?}"
    );
    assert!(
        refused
            .iter()
            .any(|e| e["source"] == "user:KZ:boss:supervisor"
                && e["object"].as_str().unwrap().starts_with(reg_id)),
        "{events:?}"
    );
    assert!(
        refused.iter().any(|e| e["source"] == "user:KZ:root:admin"
            && e["detail"]
                .as_str()
                .unwrap()
                .contains("comes from the charter")),
        "{events:?}"
    );
}

#[tokio::test]
async fn roles_decide_over_taxii_as_over_rest() {
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let supervisor = node.add_user("boss", "supervisor").token;
    let id = "x-entente-register-entry--1b2c3d4e-5f6a-4b7c-8d9e-0a1b2c3d4e5f";
    let at = |day: u32| format!("2019-06-{day:02}T08:00:00.000Z");

    // An analyst may propose, not designate; a supervisor designates, amends, delists.
    let steps: [(&String, Value, bool); 7] = [
        (&analyst, entry(id, &at(1), "designated"), false),
        (&analyst, entry(id, &at(2), "proposed"), true),
        (&analyst, entry(id, &at(3), "designated"), false),
        (&supervisor, entry(id, &at(4), "designated"), true),
        (&analyst, entry(id, &at(5), "delisted"), false),
        (&supervisor, entry(id, &at(6), "delisted"), true),
        (&supervisor, entry(id, &at(7), "delisted"), false),
    ];
    for (n, (token, object, stored)) in steps.into_iter().enumerate() {
        let status = post(&node, token, &[object]).await;
        assert_eq!(
            status["success_count"],
            u32::from(stored),
            "step {n}: {status}"
        );
        if !stored {
            let why = &failures(&status)[0];
            assert!(
                why.contains("supervisor") || why.contains("already delisted"),
                "step {n}: {why}"
            );
        }
    }
    let versions = node
        .get_json(&analyst, &format!("{}{id}/versions/", node.objects_url()))
        .await;
    assert_eq!(
        versions["versions"],
        json!([at(2), at(4), at(6)]),
        "{versions}"
    );
    // Over REST the same: an analyst's designation is refused, a proposal is not screened.
    let person = json!({"kind": "person", "names": ["Rustam Nazarov"]});
    let (status, answer) = node.post_api(&analyst, "/api/v1/register", &person).await;
    assert_eq!(status, 403, "{answer}");
    let mut proposal = person.clone();
    proposal["status"] = json!("proposed");
    let (status, answer) = node.post_api(&analyst, "/api/v1/register", &proposal).await;
    assert_eq!(status, 201, "{answer}");
    let (status, answer) = node
        .post_api(
            &analyst,
            "/api/v1/screen",
            &json!({"name": "Rustam Nazarov"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer["matches"], json!([]), "a proposal is not screened");
}

#[tokio::test]
async fn of_steps_racing_on_one_object_exactly_one_wins() {
    let node = TestNode::start(SCO, "KZ").await;
    let supervisor = node.add_user("boss", "supervisor").token;
    let (status, created) = node
        .post_api(
            &supervisor,
            "/api/v1/register",
            &json!({"kind": "person", "names": ["Timur Aliyev"]}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/register/{id}/delist");
    let body = json!({"reason": "court order"});
    let answers =
        futures::future::join_all((0..4).map(|_| node.post_api(&supervisor, &path, &body))).await;
    let mut codes: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    codes.sort_unstable();
    assert_eq!(codes, [200, 409, 409, 409], "{answers:?}");
    let versions = node
        .get_json(
            &supervisor,
            &format!("{}{id}/versions/", node.objects_url()),
        )
        .await;
    assert_eq!(versions["versions"].as_array().unwrap().len(), 2);

    // Four concurrent submissions of one draft warning: one submits, three are told it moved on.
    let review = chrono_days(100);
    let (status, draft) = node.post_api(&supervisor,
        "/api/v1/warnings",
        &json!({
            "kind": "watch", "title": "Courier of the cell",
            "subject": {"names": ["Timur Aliyev"]},
            "legal_basis": "Shanghai Convention, art. 2", "issuing_authority": "NSC of Kazakhstan",
            "action_requested": "Report any sighting", "contact": "KZ liaison office",
            "purpose": "Prevent an attack", "source": "Human source",
            "review_date": review,
            "grading": {"source": "B", "information": "2", "handling": ["H0"]},
        }),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    let wid = draft["id"].as_str().unwrap().to_owned();
    let submit = format!("/api/v1/warnings/{wid}/submit");
    let empty = json!({});
    let answers =
        futures::future::join_all((0..4).map(|_| node.post_api(&supervisor, &submit, &empty)))
            .await;
    let mut codes: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    codes.sort_unstable();
    assert_eq!(codes, [200, 409, 409, 409], "{answers:?}");
}

/// An RFC 3339 time `days` from now.
fn chrono_days(days: i64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + days * 86_400;
    entente_stix::Timestamp::from_micros(secs * 1_000_000).to_stix_string()
}

#[tokio::test]
async fn audit_verify_reports_an_object_versioned_by_two_states() {
    let cn = signer("CN");
    let mut node = TestNode::start(&charter_with_key("CN", &cn), "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let ind_id = "indicator--9c8b7a6f-5e4d-4c3b-8a1f-0e9d8c7b6a50";
    let theirs = signed(&cn, indicator(ind_id, "2019-06-14T08:00:00.000Z", false));
    node.post_ok(&analyst, &[theirs]).await;
    let other = "indicator--0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
    node.post_ok(
        &analyst,
        &[indicator(other, "2019-07-01T00:00:00.000Z", true)],
    )
    .await;
    node.kill();
    // A database written before the rule: KZ's version filed under China's id.
    let mut db = node.database().await;
    let sql = db.sql("UPDATE objects SET id = ? WHERE id = ?");
    sqlx::query(&sql)
        .bind(ind_id)
        .bind(other)
        .execute(&mut db.conn)
        .await
        .unwrap();
    drop(db);
    let (ok, out, err) = run(&["audit", "verify", "--dir", node.dir_str()]);
    assert!(!ok, "{out}");
    let text = format!("{out}{err}");
    assert!(
        text.contains(ind_id) && text.contains("more than one state (CN, KZ)"),
        "{text}"
    );
}

#[tokio::test]
async fn paging_and_dates_tell_nothing_of_what_a_reader_may_not_see() {
    use entente_core::marking::TLP_GREEN;
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let other = node.add_user("other", "analyst").token;
    // Mongolia, an observer, sees the GREEN notes and none of the AMBER ones between them.
    let mn = node.add_peer("MN");
    let mut objects = vec![note(1, TLP_GREEN)];
    objects.extend((2..52).map(|i| note(i, TLP_AMBER)));
    objects.push(note(52, TLP_GREEN));
    node.post_ok(&analyst, &objects).await;
    let manifest = node
        .get_json(
            &mn,
            &format!(
                "{}?limit=1&match[type]=note",
                node.objects_url().replace("objects/", "manifest/")
            ),
        )
        .await;
    let token = manifest["next"].as_str().unwrap().to_owned();
    // The token does not carry the row: no number in it, and another one each time.
    assert!(
        !token.chars().any(|c| c.is_ascii_digit()) || token.len() > 40,
        "{token}"
    );
    let again = node
        .get_json(
            &mn,
            &format!(
                "{}?limit=1&match[type]=note",
                node.objects_url().replace("objects/", "manifest/")
            ),
        )
        .await;
    assert_ne!(again["next"], manifest["next"]);
    let second = node
        .get_json(
            &mn,
            &format!(
                "{}?limit=1&match[type]=note&next={token}",
                node.objects_url().replace("objects/", "manifest/")
            ),
        )
        .await;
    // One write, one date_added: the 50 AMBER notes between leave no gap.
    assert_eq!(
        manifest["objects"][0]["date_added"], second["objects"][0]["date_added"],
        "{manifest} {second}"
    );
    // A token is good only for whom and what it was issued.
    for (who, url) in [
        (
            &analyst,
            format!(
                "{}?limit=1&match[type]=note&next={token}",
                node.objects_url().replace("objects/", "manifest/")
            ),
        ),
        (
            &mn,
            format!(
                "{}?limit=1&match[type]=note&next={token}",
                node.objects_url()
            ),
        ),
        (
            &mn,
            format!(
                "{}?limit=1&next={token}",
                node.objects_url().replace("objects/", "manifest/")
            ),
        ),
        (&other, format!("{}?next=s2", node.objects_url())),
    ] {
        let r = node.get(who, &url).await;
        assert_eq!(r.status(), 400, "{url}");
        let body: Value = r.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains("next"), "{body}");
    }
    // Paging through every object with the tokens gives each once, in order.
    let all = node.all_ids(&analyst, "").await;
    assert_eq!(all.len(), 53, "the 52 notes and the node's identity");
}
