//! Screening in a node, over HTTP: supervisors designate and delist register entries, anyone
//! authenticated screens names one at a time or in batches, the index follows every change
//! without a restart, and nobody is answered with an entry the access policy hides from them.

use crate::helpers::*;
use serde_json::{json, Value};

struct Api<'a> {
    node: &'a TestNode,
    http: reqwest::Client,
}

impl Api<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.node.url.trim_end_matches("/taxii2/"))
    }

    async fn post(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        self.node.post_api(token, path, body).await
    }

    async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The entry ids a name matches, best first.
    async fn screen(&self, token: &str, name: &str) -> Vec<String> {
        let (status, answer) = self
            .post(token, "/api/v1/screen", &json!({"name": name}))
            .await;
        assert_eq!(status, 200, "{answer}");
        answer["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["entry"].as_str().unwrap().to_owned())
            .collect()
    }
}

#[tokio::test]
async fn supervisors_designate_and_delist_and_screening_follows_at_once() {
    let node = TestNode::start(&charter_with_key("CN", &signer("CN")), "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let supervisor = node.add_user("supervisor", "supervisor").token;
    let api = Api {
        node: &node,
        http: reqwest::Client::new(),
    };
    let morgulov = json!({"kind": "person", "names": ["Igor Morgulov"], "birth_dates": ["1961-05"],
        "nationalities": ["RU"], "marking": "TLP:GREEN"});

    // Only supervisors designate; bad entries are refused, saying why.
    let (status, answer) = api.post(&analyst, "/api/v1/register", &morgulov).await;
    assert_eq!(status, 403, "{answer}");
    for (bad, why) in [
        (json!({"kind": "ship", "names": ["X"]}), "kind"),
        (json!({"kind": "person", "names": []}), "names"),
        // Blank as the node reads it and as the OpenAPI document states it: white space and
        // control characters (schemathesis sent U+001F, which `\S` in Python does not match).
        (json!({"kind": "person", "names": ["\u{1f}"]}), "blank"),
        (
            json!({"kind": "person", "names": ["A B", "\u{3000}\u{feff}"]}),
            "name 2 is blank",
        ),
        (
            json!({"kind": "person", "names": ["A B"], "birth_dates": ["May 1961"]}),
            "date",
        ),
        (
            json!({"kind": "person", "names": ["A B"], "nationalities": ["Kazakhstan"]}),
            "nationality",
        ),
        (
            json!({"kind": "person", "names": ["A B"], "colour": "red"}),
            "colour",
        ),
        (
            json!({"kind": "person", "names": ["A B"], "marking": "TLP:PURPLE"}),
            "PURPLE",
        ),
    ] {
        let (status, answer) = api.post(&supervisor, "/api/v1/register", &bad).await;
        assert_eq!(status, 400, "{bad} -> {answer}");
        assert!(answer.to_string().contains(why), "{bad} -> {answer}");
    }
    assert!(api.screen(&analyst, "Igor Morgulov").await.is_empty());

    let (status, answer) = api.post(&supervisor, "/api/v1/register", &morgulov).await;
    assert_eq!(status, 201, "{answer}");
    let id = answer["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("x-entente-register-entry--"));

    // Screened at once, in another script, and read back as a signed STIX object.
    assert_eq!(
        api.screen(&analyst, "Моргулов Игорь Владимирович").await,
        vec![id.clone()]
    );
    let (status, entry) = api.get(&analyst, &format!("/api/v1/register/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(entry["status"], "designated");
    assert!(
        entry["extensions"]["extension-definition--84bb86cc-86f5-5b0d-a56d-92409f953efa"]
            ["signature"]
            .is_object()
    );
    let (status, _) = api
        .get(
            &analyst,
            "/api/v1/register/x-entente-register-entry--00000000-0000-4000-8000-000000000000",
        )
        .await;
    assert_eq!(status, 404);

    // A batch: answers in order, a malformed query answered with its error, the rest still run.
    let (status, answer) = api
        .post(
            &analyst,
            "/api/v1/screen",
            &json!({"queries": [
                {"id": "a", "name": "MORGULOV, Igor", "birth_date": "1961-05-02"},
                {"id": "b"},
                {"id": "c", "name": "Aleksandr Pushkin"},
            ]}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results[0]["id"], "a");
    assert_eq!(results[0]["matches"][0]["entry"], id.as_str());
    assert_eq!(
        results[0]["matches"][0]["explanation"]["birth_date"],
        "agrees"
    );
    assert_eq!(results[1]["index"], 1);
    assert!(results[1]["error"].as_str().unwrap().contains("name"));
    assert_eq!(results[2]["matches"], json!([]));
    for bad in [
        json!({}),
        json!({"name": "A", "queries": []}),
        json!({"name": "A", "threshold": 2}),
    ] {
        let (status, answer) = api.post(&analyst, "/api/v1/screen", &bad).await;
        assert_eq!(status, 400, "{bad} -> {answer}");
    }

    // Delisting takes the entry out of screening at once; it stays readable as delisted.
    let (status, answer) = api
        .post(
            &analyst,
            &format!("/api/v1/register/{id}/delist"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 403, "{answer}");
    let (status, answer) = api
        .post(
            &supervisor,
            &format!("/api/v1/register/{id}/delist"),
            &json!({"reason": "died"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(api.screen(&analyst, "Igor Morgulov").await.is_empty());
    let (_, entry) = api.get(&analyst, &format!("/api/v1/register/{id}")).await;
    assert_eq!(entry["status"], "delisted");
    let (status, _) = api
        .post(
            &supervisor,
            &format!("/api/v1/register/{id}/delist"),
            &json!({}),
        )
        .await;
    assert_eq!(
        status, 409,
        "delisting twice is refused: the entry is delisted already"
    );
}

#[tokio::test]
async fn screening_answers_nobody_with_an_entry_they_may_not_see() {
    let node = TestNode::start(&charter_with_key("CN", &signer("CN")), "KZ").await;
    let supervisor = node.add_user("supervisor", "supervisor").token;
    let ru = node.add_peer("RU");
    let mn = node.add_peer("MN");
    let api = Api {
        node: &node,
        http: reqwest::Client::new(),
    };
    // Two entries of the same name: one for every member (AMBER), one for RU alone.
    let (_, members) = api
        .post(
            &supervisor,
            "/api/v1/register",
            &json!({"kind": "person",
            "names": ["Cheng Guoping"], "marking": "TLP:AMBER"}),
        )
        .await;
    let (status, ru_only) = api
        .post(
            &supervisor,
            "/api/v1/register",
            &json!({"kind": "person",
            "names": ["Cheng Guoping"], "marking": "TLP:AMBER", "audience": {"states": ["RU"]}}),
        )
        .await;
    assert_eq!(status, 201, "{ru_only}");
    let (members, ru_only) = (
        members["id"].as_str().unwrap(),
        ru_only["id"].as_str().unwrap(),
    );

    let mut seen_by_ru = api.screen(&ru, "程国平").await;
    seen_by_ru.sort();
    let mut both = vec![members.to_owned(), ru_only.to_owned()];
    both.sort();
    assert_eq!(seen_by_ru, both);
    // MN, an observer, sees neither: AMBER is for members, and the second names RU alone.
    assert!(api.screen(&mn, "程国平").await.is_empty());
    let (status, _) = api.get(&mn, &format!("/api/v1/register/{ru_only}")).await;
    assert_eq!(status, 404, "invisible answers like absent");
    // Over the yente shape too.
    let (status, answer) = api
        .post(
            &mn,
            "/match/default",
            &json!({"queries": {"q": {"schema": "Person",
            "properties": {"name": ["Cheng Guoping"]}}}}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["responses"]["q"]["results"], json!([]));
    let (_, answer) = api
        .post(
            &ru,
            "/match/default",
            &json!({"queries": {"q": {"schema": "Person",
            "properties": {"name": ["Cheng Guoping"]}}}}),
        )
        .await;
    assert_eq!(
        answer["responses"]["q"]["results"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Peers may screen but not designate.
    let (status, _) = api
        .post(
            &ru,
            "/api/v1/register",
            &json!({"kind": "person", "names": ["A B"]}),
        )
        .await;
    assert_eq!(status, 403);
}
