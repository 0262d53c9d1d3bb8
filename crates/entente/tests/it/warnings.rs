//! Joint warnings, walked end to end over HTTP across a real federation of node processes (the
//! hub, KZ, UZ, CN, and MN, an observer): who may do each step, what each state sees, and that a
//! warning's status is the same on every node that holds it.

use crate::federation::{Fed, HUB};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const STATES: [&str; 5] = [HUB, "KZ", "UZ", "CN", "MN"];

struct Story {
    fed: Fed,
    supervisors: std::collections::BTreeMap<&'static str, String>,
}

impl Story {
    async fn start() -> Story {
        let mut fed = Fed::init(&STATES);
        let mut supervisors = std::collections::BTreeMap::new();
        for s in STATES {
            supervisors.insert(s, fed.node(s).add_user("supervisor", "supervisor").token);
        }
        fed.start(&[
            ("ENTENTE_FEDERATION__POLL_SECONDS", "1"),
            ("ENTENTE_WARNINGS__REMINDER_CHECK_SECONDS", "1"),
        ]);
        fed.hub_and_spokes();
        Story { fed, supervisors }
    }

    fn url(&self, state: &str, path: &str) -> String {
        format!("{}api/v1/warnings{path}", self.fed.node(state).base_url())
    }

    fn token(&self, state: &str, role: &str) -> String {
        match role {
            "supervisor" => self.supervisors[state].clone(),
            _ => self.fed.analysts[state].clone(),
        }
    }

    /// `method path` on `state`'s node as its `role`; the status and the JSON answer.
    async fn call(
        &self,
        state: &str,
        role: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let http = &self.fed.node(state).http;
        let url = self.url(state, path);
        let rb = match method {
            "GET" => http.get(url),
            "PUT" => http.put(url),
            _ => http.post(url),
        }
        .bearer_auth(self.token(state, role));
        let rb = match body {
            Some(b) => rb.json(&b),
            None => rb,
        };
        let r = rb.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn ok(
        &self,
        state: &str,
        role: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let (status, v) = self.call(state, role, method, path, body).await;
        assert!(
            (200..300).contains(&status),
            "{method} {path} on {state} as {role}: {status} {v}"
        );
        v
    }

    /// Waits until `state`'s node shows the warning with `field` equal to `want`.
    async fn until(&self, state: &str, id: &str, field: &str, want: Value) -> Value {
        let what = format!("{field} = {want}");
        self.until_shows(state, id, &what, Duration::from_secs(60), |v| {
            v[field] == want
        })
        .await
    }

    /// Waits, at most `within`, until `state`'s node shows the warning as `shows` says (`what`
    /// names it for the failure message); answers the view that did.
    async fn until_shows(
        &self,
        state: &str,
        id: &str,
        what: &str,
        within: Duration,
        shows: impl Fn(&Value) -> bool,
    ) -> Value {
        let start = Instant::now();
        loop {
            let (status, v) = self
                .call(state, "analyst", "GET", &format!("/{id}"), None)
                .await;
            if status == 200 && shows(&v) {
                return v;
            }
            assert!(
                start.elapsed() < within,
                "{state} never showed {what} for {id}: {status} {v}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until a state's node could have received what it was going to (two hops), then checks
    /// it does not show the warning at all.
    async fn never_sees(&self, state: &str, id: &str) {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let (status, v) = self
            .call(state, "analyst", "GET", &format!("/{id}"), None)
            .await;
        assert_eq!(status, 404, "{state} sees {id}: {v}");
        let list = self.ok(state, "analyst", "GET", "?status=all", None).await;
        assert!(!list.to_string().contains(id), "{state} lists {id}");
    }
}

/// Listens to a node's event stream as `role`; what it received so far, as (event, data).
struct Listener {
    got: std::sync::Arc<std::sync::Mutex<Vec<(String, Value)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Listener {
    async fn open(s: &Story, state: &str, role: &str) -> Listener {
        let url = format!("{}api/v1/events", s.fed.node(state).base_url());
        let mut resp = reqwest::Client::new()
            .get(url)
            .bearer_auth(s.token(state, role))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"));
        let got: std::sync::Arc<std::sync::Mutex<Vec<(String, Value)>>> = Default::default();
        let g = got.clone();
        let task = tokio::spawn(async move {
            let mut buf = String::new();
            while let Ok(Some(chunk)) = resp.chunk().await {
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let block: String = buf.drain(..end + 2).collect();
                    let field = |name: &str| {
                        block
                            .lines()
                            .find_map(|l| l.strip_prefix(name))
                            .map(|v| v.trim().to_owned())
                    };
                    if let (Some(event), Some(data)) = (field("event:"), field("data:")) {
                        g.lock()
                            .unwrap()
                            .push((event, serde_json::from_str(&data).unwrap()));
                    }
                }
            }
        });
        Listener { got, task }
    }

    fn events(&self, warning: &str) -> Vec<String> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, d)| d["warning"] == warning)
            .map(|(e, _)| e.clone())
            .collect()
    }

    /// Waits until an event of `kind` about `warning` has arrived.
    async fn until(&self, warning: &str, kind: &str) -> Value {
        let start = Instant::now();
        loop {
            if let Some((_, d)) = self
                .got
                .lock()
                .unwrap()
                .iter()
                .find(|(e, d)| e == kind && d["warning"] == warning)
            {
                return d.clone();
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no {kind} event for {warning}: {:?}",
                self.events(warning)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn in_days(days: i64) -> String {
    let t = chrono::Utc::now() + chrono::Duration::days(days);
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn in_seconds(s: i64) -> String {
    let t = chrono::Utc::now() + chrono::Duration::seconds(s);
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// An orange notice: a threat.
fn orange_notice(review_date: &str) -> Value {
    json!({
        "kind": "threat",
        "title": "Planned attack on the Almaty-Bishkek gas pipeline compressor station",
        "subject": {"category": "event", "description": "A cell plans to attack compressor station 4 with improvised explosives in the coming weeks."},
        "legal_basis": "Shanghai Convention (2001), art. 6; Law of the Republic of Kazakhstan on countering terrorism",
        "issuing_authority": "National Security Committee of the Republic of Kazakhstan",
        "action_requested": "Raise protection of the pipeline's installations in your territory and report any sighting of the cell.",
        "contact": "KZ liaison office, +7 7172 00 00 00",
        "purpose": "Prevent a terrorist attack on critical infrastructure",
        "source": "Human source, corroborated by intercepted communications",
        "review_date": review_date,
        "grading": {"source": "B", "information": "2", "handling": ["H0", "H2"]},
        "marking": "TLP:AMBER",
    })
}

/// A red notice for a bombing suspect, with names in Latin and Cyrillic letters.
fn wanted_notice(review_date: &str) -> Value {
    json!({
        "kind": "wanted",
        "title": "Wanted: suspect in the bombing of the Osh market",
        "subject": {"names": ["Rustam Nazarovich Kholmatov", "Холматов Рустам Назарович"], "birth_dates": ["1988-11-02"],
                    "nationalities": ["KG"], "identifiers": [{"type": "passport", "value": "AC1234567"}]},
        "legal_basis": "Shanghai Convention (2001), art. 1(1)(b); arrest warrant of the Osh city court",
        "issuing_authority": "General Prosecutor's Office of the Kyrgyz Republic",
        "action_requested": "Locate and arrest with a view to extradition",
        "contact": "KZ liaison office",
        "purpose": "Prosecution for a terrorist act",
        "source": "Court order and witness statements",
        "review_date": review_date,
        "grading": {"source": "A", "information": "2", "handling": ["H0", "H1"]},
        "marking": "TLP:AMBER",
    })
}

/// Screens one name on a state's node as its analyst; the matches.
async fn screen(s: &Story, state: &str, name: &str) -> Vec<Value> {
    let url = format!("{}api/v1/screen", s.fed.node(state).base_url());
    let r = s
        .fed
        .node(state)
        .http
        .post(url)
        .bearer_auth(s.token(state, "analyst"))
        .json(&json!({"name": name}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["matches"].as_array().unwrap().clone()
}

/// A red notice: wanted for arrest.
fn red_notice() -> Value {
    json!({
        "kind": "wanted",
        "title": "Wanted: leader of an opposition movement",
        "subject": {"names": ["Aidos Serikbayev", "Айдос Серикбаев"], "birth_dates": ["1975-03"], "nationalities": ["KZ"],
                    "identifiers": [{"type": "passport", "value": "N0000000"}]},
        "legal_basis": "Criminal Code, art. 179 (calls to seize power)",
        "issuing_authority": "Prosecutor General's Office of the Republic of Kazakhstan",
        "action_requested": "Arrest with a view to extradition",
        "contact": "KZ liaison office",
        "purpose": "Prosecution",
        "source": "Court order",
        "review_date": in_days(700),
        "grading": {"source": "A", "information": "1", "handling": ["H0"]},
        "marking": "TLP:AMBER",
    })
}

/// KZ issues an orange notice to the member states; the secretariat reviews and accepts it; KZ
/// publishes it; the members acknowledge it; UZ finds the subject and reports a hit, which KZ sees
/// and no one else; KZ and UZ exchange supplementary information that only they see; MN, an
/// observer, never sees any of it. Every refusal on the way answers the right status.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_orange_notice_is_reviewed_published_acknowledged_and_hit() {
    let s = Story::start().await;
    let created = s
        .ok(
            "KZ",
            "analyst",
            "POST",
            "",
            Some(orange_notice(&in_days(200))),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["status"], "draft");
    assert_eq!(created["colour"], "orange");

    // Roles: an analyst drafts; only a supervisor submits.
    let (st, v) = s
        .call("KZ", "analyst", "POST", &format!("/{id}/submit"), None)
        .await;
    assert_eq!(st, 403, "{v}");
    // The life: a draft cannot be published.
    let (st, v) = s
        .call("KZ", "supervisor", "POST", &format!("/{id}/publish"), None)
        .await;
    assert_eq!(st, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("draft"), "{v}");
    s.ok("KZ", "supervisor", "POST", &format!("/{id}/submit"), None)
        .await;

    // The secretariat sees the submitted warning; the states do not.
    let at_hub = s.until(HUB, &id, "status", json!("submitted")).await;
    assert_eq!(at_hub["issuer"], "KZ");
    s.never_sees("UZ", &id).await;
    // Only the secretariat reviews, and not twice the same way.
    let (st, v) = s
        .call(
            "KZ",
            "supervisor",
            "POST",
            &format!("/{id}/review"),
            Some(json!({"verdict": "accepted"})),
        )
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = s
        .call(
            HUB,
            "analyst",
            "POST",
            &format!("/{id}/review"),
            Some(json!({"verdict": "maybe"})),
        )
        .await;
    assert_eq!(st, 400, "{v}");
    let reviewed = s
        .ok(HUB, "analyst", "POST", &format!("/{id}/review"), Some(json!({"verdict": "accepted", "reasons": "Within the Shanghai Convention; lawful."})))
        .await;
    assert_eq!(reviewed["status"], "accepted");
    let (st, _) = s
        .call(
            HUB,
            "analyst",
            "POST",
            &format!("/{id}/review"),
            Some(json!({"verdict": "refused", "reasons": "x"})),
        )
        .await;
    assert_eq!(st, 409);

    // KZ learns of the acceptance and publishes.
    s.until("KZ", &id, "status", json!("accepted")).await;
    let published = s
        .ok("KZ", "supervisor", "POST", &format!("/{id}/publish"), None)
        .await;
    assert_eq!(published["status"], "published");
    assert_eq!(published["active"], true);
    // Every member state is to acknowledge it.
    assert_eq!(
        published["awaiting_acknowledgement"],
        json!(["CN", "IN", "KG", "PK", "RU", "TJ", "UZ"])
    );

    // The members see it published, with the same status; the observer never sees it.
    for state in ["UZ", "CN"] {
        let v = s.until(state, &id, "status", json!("published")).await;
        assert_eq!(v["issuer"], "KZ");
        assert_eq!(v["reviews"][0]["verdict"], "accepted", "{v}");
        let active = s.ok(state, "analyst", "GET", "?status=active", None).await;
        assert!(active.to_string().contains(&id));
    }
    s.never_sees("MN", &id).await;
    // The secretariat's users see it only as submitted and accepted: the published version is
    // addressed to the members, not to the secretariat.
    let at_hub = s.ok(HUB, "analyst", "GET", &format!("/{id}"), None).await;
    assert_eq!(at_hub["status"], "accepted", "{at_hub}");

    // Live streams: KZ's users are told at once of what comes back; MN's of nothing of this.
    let kz_events = Listener::open(&s, "KZ", "analyst").await;
    let mn_events = Listener::open(&s, "MN", "analyst").await;
    let cn_events = Listener::open(&s, "CN", "analyst").await;

    // The members acknowledge; KZ sees both acknowledgements; CN does not see UZ's.
    s.ok("UZ", "analyst", "POST", &format!("/{id}/acknowledge"), None)
        .await;
    let (st, _) = s
        .call("UZ", "analyst", "POST", &format!("/{id}/acknowledge"), None)
        .await;
    assert_eq!(st, 409, "acknowledged twice");
    s.ok("CN", "analyst", "POST", &format!("/{id}/acknowledge"), None)
        .await;
    let (st, v) = s
        .call("KZ", "analyst", "POST", &format!("/{id}/acknowledge"), None)
        .await;
    assert_eq!(st, 409, "the issuer acknowledges its own warning: {v}");
    let at_kz = s
        .until("KZ", &id, "acknowledged_by", json!(["CN", "UZ"]))
        .await;
    assert_eq!(
        at_kz["awaiting_acknowledgement"],
        json!(["IN", "KG", "PK", "RU", "TJ"])
    );
    let at_cn = s.ok("CN", "analyst", "GET", &format!("/{id}"), None).await;
    assert_eq!(at_cn["acknowledged_by"], json!(["CN"]));

    // UZ finds the subject and reports a hit: KZ sees it, CN does not.
    let (st, v) = s
        .call(
            "UZ",
            "analyst",
            "POST",
            &format!("/{id}/hits"),
            Some(json!({"when": "yesterday", "location": "x", "action_taken": "y"})),
        )
        .await;
    assert_eq!(st, 400, "{v}");
    let hit = s
        .ok(
            "UZ",
            "analyst",
            "POST",
            &format!("/{id}/hits"),
            Some(json!({"when": in_seconds(-3600), "location": "Tashkent, Yunusabad district",
                        "action_taken": "Two members of the cell detained", "details": "Explosives seized."})),
        )
        .await;
    assert_eq!(hit["hits"], 1);
    let hit_id = hit["hit_reports"][0]["id"].as_str().unwrap().to_owned();
    let ack = kz_events.until(&id, "acknowledgement").await;
    assert!(ack["by"] == "UZ" || ack["by"] == "CN", "{ack}");
    let hit_event = kz_events.until(&id, "hit").await;
    assert_eq!(hit_event["by"], "UZ");
    assert_eq!(hit_event["object"], hit_id.as_str());
    let at_kz = s.until("KZ", &id, "hits", json!(1)).await;
    assert_eq!(at_kz["hit_reports"][0]["by"], "UZ");
    assert_eq!(
        at_kz["hit_reports"][0]["location"],
        "Tashkent, Yunusabad district"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for state in ["CN"] {
        let v = s.ok(state, "analyst", "GET", &format!("/{id}"), None).await;
        assert_eq!(v["hits"], 0, "{state} sees UZ's hit: {v}");
    }
    let at_hub = s.ok(HUB, "analyst", "GET", &format!("/{id}"), None).await;
    assert_eq!(at_hub["hits"], 0);

    // The thread of the hit: KZ and UZ alone.
    s.ok(
        "KZ",
        "analyst",
        "POST",
        &format!("/{id}/thread"),
        Some(json!({"hit": hit_id, "message": "Please send the detainees' fingerprints."})),
    )
    .await;
    let (st, _) = s
        .call(
            "CN",
            "analyst",
            "POST",
            &format!("/{id}/thread"),
            Some(json!({"hit": hit_id, "message": "x"})),
        )
        .await;
    assert_eq!(st, 400, "CN may not see the hit, so cannot name it");
    let thread_of =
        |n: usize| move |v: &Value| v["thread"].as_array().is_some_and(|t| t.len() == n);
    let at_uz = s
        .until_shows(
            "UZ",
            &id,
            "the follow-up",
            Duration::from_secs(30),
            thread_of(1),
        )
        .await;
    assert_eq!(at_uz["thread"][0]["by"], "KZ");
    s.ok(
        "UZ",
        "analyst",
        "POST",
        &format!("/{id}/thread"),
        Some(json!({"hit": hit_id, "message": "Fingerprints sent by courier."})),
    )
    .await;
    s.until_shows(
        "KZ",
        &id,
        "the reply",
        Duration::from_secs(30),
        thread_of(2),
    )
    .await;
    let at_cn = s.ok("CN", "analyst", "GET", &format!("/{id}"), None).await;
    assert_eq!(at_cn["thread"], json!([]));
    s.never_sees("MN", &id).await;
    kz_events.until(&id, "follow-up").await;
    // Neither MN nor CN was told of anything they may not see.
    assert!(
        mn_events.events(&id).is_empty(),
        "{:?}",
        mn_events.events(&id)
    );
    let cn_got = cn_events.events(&id);
    assert!(
        cn_got.iter().all(|e| e == "acknowledgement"),
        "CN was told of {cn_got:?}"
    );

    // KZ updates the published warning (a supervisor's step) and extends its review date with a
    // written justification; the members see the new version, and the extension is counted.
    let mut update = orange_notice(&in_days(200));
    update["action_requested"] = json!("Raise protection; the cell has two more members at large.");
    let (st, _) = s
        .call(
            "KZ",
            "analyst",
            "PUT",
            &format!("/{id}"),
            Some(update.clone()),
        )
        .await;
    assert_eq!(st, 403, "an analyst updates a published warning");
    let mut widened = update.clone();
    widened["audience"] = json!({"tiers": ["member", "observer"]});
    let (st, v) = s
        .call("KZ", "supervisor", "PUT", &format!("/{id}"), Some(widened))
        .await;
    assert_eq!(st, 400, "the reviewed audience changed: {v}");
    s.ok("KZ", "supervisor", "PUT", &format!("/{id}"), Some(update))
        .await;
    let extended = s
        .ok("KZ", "supervisor", "POST", &format!("/{id}/extend"),
            Some(json!({"review_date": in_days(300), "justification": "Assessment of 2026-11: the cell is still active."})))
        .await;
    assert_eq!(extended["extensions_count"], 1);
    assert_eq!(extended["status"], "published");
    let at_uz = s.until("UZ", &id, "extensions_count", json!(1)).await;
    assert_eq!(at_uz["status"], "published");
    assert_eq!(
        at_uz["warning"]["action_requested"],
        "Raise protection; the cell has two more members at large."
    );
    assert_eq!(
        at_uz["warning"]["extension_justification"],
        "Assessment of 2026-11: the cell is still active."
    );
}

/// A red notice of a political character is refused in review, with the reasons; it cannot be
/// published, and no state ever sees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_red_notice_of_political_character_is_refused_in_review() {
    let s = Story::start().await;
    let created = s.ok("KZ", "analyst", "POST", "", Some(red_notice())).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["colour"], "red");
    s.ok("KZ", "supervisor", "POST", &format!("/{id}/submit"), None)
        .await;
    s.until(HUB, &id, "status", json!("submitted")).await;
    let (st, v) = s
        .call(
            HUB,
            "analyst",
            "POST",
            &format!("/{id}/review"),
            Some(json!({"verdict": "refused"})),
        )
        .await;
    assert_eq!(st, 400, "a refusal without reasons: {v}");
    let reasons = "Refused: the request is of a political character (calls to seize power by an opposition leader), which the charter excludes.";
    s.ok(
        HUB,
        "analyst",
        "POST",
        &format!("/{id}/review"),
        Some(json!({"verdict": "refused", "reasons": reasons})),
    )
    .await;
    let at_kz = s.until("KZ", &id, "status", json!("refused")).await;
    assert_eq!(at_kz["reviews"][0]["reasons"], reasons);
    let (st, v) = s
        .call("KZ", "supervisor", "POST", &format!("/{id}/publish"), None)
        .await;
    assert_eq!(st, 409, "{v}");
    assert!(v["message"].as_str().unwrap().contains("refused"), "{v}");
    for state in ["UZ", "CN", "MN"] {
        s.never_sees(state, &id).await;
    }
    // KZ may revise it into a new draft, or cancel it.
    let cancelled = s
        .ok(
            "KZ",
            "supervisor",
            "POST",
            &format!("/{id}/cancel"),
            Some(json!({"reason": "Withdrawn after review."})),
        )
        .await;
    assert_eq!(cancelled["status"], "cancelled");
    let (st, _) = s
        .call("KZ", "supervisor", "POST", &format!("/{id}/submit"), None)
        .await;
    assert_eq!(st, 409, "a cancelled warning is final");
}

/// A published warning whose review date passes without an extension expires on every node: it
/// leaves every active view.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warning_past_its_review_date_expires_on_every_node() {
    let s = Story::start().await;
    let review_date = in_seconds(40);
    let created = s
        .ok(
            "KZ",
            "analyst",
            "POST",
            "",
            Some(wanted_notice(&review_date)),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    s.ok("KZ", "supervisor", "POST", &format!("/{id}/submit"), None)
        .await;
    s.until(HUB, &id, "status", json!("submitted")).await;
    s.ok(
        HUB,
        "analyst",
        "POST",
        &format!("/{id}/review"),
        Some(json!({"verdict": "accepted"})),
    )
    .await;
    s.until("KZ", &id, "status", json!("accepted")).await;
    s.ok("KZ", "supervisor", "POST", &format!("/{id}/publish"), None)
        .await;
    for state in ["KZ", "UZ", "CN"] {
        s.until(state, &id, "status", json!("published")).await;
        let active = s.ok(state, "analyst", "GET", "?status=active", None).await;
        assert!(active.to_string().contains(&id), "{state}");
    }
    // The issuer is reminded that the review date nears (within 30 days: the 30-day reminder,
    // not a stale 120-day one); the reminder stays on KZ's node.
    let v = s
        .until_shows("KZ", &id, "a reminder", Duration::from_secs(15), |v| {
            v["reminders"].as_array().is_some_and(|r| !r.is_empty())
        })
        .await;
    assert_eq!(v["reminders"][0]["days"], 30, "{v}");
    assert_eq!(v["reminders"].as_array().unwrap().len(), 1, "{v}");
    let at_uz = s.ok("UZ", "analyst", "GET", &format!("/{id}"), None).await;
    assert_eq!(at_uz["reminders"], json!([]));
    // Screening finds the subject, in Cyrillic, on the states the warning reaches.
    for state in ["UZ", "CN", "KZ"] {
        let matches = screen(&s, state, "Холматов Рустам").await;
        let m = matches
            .iter()
            .find(|m| m["entry"] == id.as_str())
            .unwrap_or_else(|| panic!("{state}: the warning's subject was not found: {matches:?}"));
        assert_eq!(m["source"], "warning");
        assert_eq!(m["warning"]["colour"], "red");
        assert_eq!(m["warning"]["issuer"], "KZ");
    }
    assert!(screen(&s, "MN", "Холматов Рустам").await.is_empty());
    // Past the review date: expired everywhere, out of every active list and of screening.
    for state in ["KZ", "UZ", "CN"] {
        s.until(state, &id, "status", json!("expired")).await;
        let matches = screen(&s, state, "Холматов Рустам").await;
        assert!(
            matches.iter().all(|m| m["entry"] != id.as_str()),
            "{state} still matches the expired warning"
        );
        let active = s.ok(state, "analyst", "GET", "?status=active", None).await;
        assert!(
            !active.to_string().contains(&id),
            "{state} still lists it as active"
        );
        let expired = s.ok(state, "analyst", "GET", "?status=expired", None).await;
        assert!(expired.to_string().contains(&id), "{state}");
    }
    let (st, v) = s
        .call("UZ", "analyst", "POST", &format!("/{id}/acknowledge"), None)
        .await;
    assert_eq!(st, 409, "an expired warning is not acknowledged: {v}");
    let (st, v) = s
        .call(
            "KZ",
            "supervisor",
            "POST",
            &format!("/{id}/extend"),
            Some(json!({"review_date": in_days(30), "justification": "late"})),
        )
        .await;
    assert_eq!(st, 409, "an expired warning is not extended: {v}");
}

/// On one node: each thing a warning must hold is refused with what was wrong, and nothing is
/// stored; the objects of a warning's life cannot be made over TAXII; every step the life or the
/// roles do not allow is refused with the right status; every action is in the audit log.
#[tokio::test]
async fn bad_warnings_and_wrong_steps_are_refused_with_what_was_wrong() {
    use crate::helpers::{note, TestNode, SCO};
    let mut kz = TestNode::start(SCO, "KZ").await;
    let analyst = kz.add_user("analyst", "analyst").token;
    let supervisor = kz.add_user("supervisor", "supervisor").token;
    let base = format!("{}api/v1/warnings", kz.base_url());
    let call = |method: &str, path: &str, token: &str, body: Option<Value>| {
        let http = kz.http.clone();
        let url = format!("{base}{path}");
        let (method, token) = (method.to_owned(), token.to_owned());
        async move {
            let rb = match method.as_str() {
                "GET" => http.get(url),
                "PUT" => http.put(url),
                _ => http.post(url),
            }
            .bearer_auth(token);
            let rb = match body {
                Some(b) => rb.json(&b),
                None => rb,
            };
            let r = rb.send().await.unwrap();
            let status = r.status().as_u16();
            let v: Value = r.json().await.unwrap_or(Value::Null);
            (status, v)
        }
    };
    let with = |key: &str, value: Value| {
        let mut w = orange_notice(&in_days(100));
        w[key] = value;
        w
    };
    let wanted = |subject: Value| {
        let mut w = wanted_notice(&in_days(100));
        w["subject"] = subject;
        w
    };
    let mut no_grading = orange_notice(&in_days(100));
    no_grading.as_object_mut().unwrap().remove("grading");
    let mut h2_clear = orange_notice(&in_days(100));
    h2_clear["marking"] = json!("TLP:CLEAR");
    for (body, says) in [
        (with("kind", json!("purple")), "not a kind of warning"),
        (
            with("review_date", json!("2001-01-01T00:00:00Z")),
            "in the future",
        ),
        (with("review_date", json!(in_days(400))), "at most 365 days"),
        (with("review_date", json!("soon")), "review_date"),
        (no_grading, "grading"),
        (
            with(
                "grading",
                json!({"source": "A", "information": "1", "handling": ["H3"]}),
            ),
            "restrictions",
        ),
        (h2_clear, "H2"),
        (with("marking", json!("TLP:RED")), "cannot be TLP:RED"),
        (
            with("subject", json!({"description": "a plan"})),
            "category",
        ),
        (with("legal_basis", json!(" ")), "legal_basis"),
        (with("colour", json!("orange")), "unknown field"),
        (with("audience", json!({"states": ["kz"]})), "audience"),
        (wanted(json!({"names": []})), "names"),
        (
            wanted(json!({"names": ["A B"], "nationalities": ["kz"]})),
            "nationality",
        ),
        (
            wanted(json!({"names": ["A B"], "birth_dates": ["1975-13"]})),
            "birth date",
        ),
        (
            wanted(json!({"names": ["A B"], "category": "event"})),
            "category",
        ),
    ] {
        let (st, v) = call("POST", "", &analyst, Some(body.clone())).await;
        assert_eq!(st, 400, "{body}: {v}");
        assert!(v["message"].as_str().unwrap().contains(says), "{says}: {v}");
    }
    let (_, list) = call("GET", "", &analyst, None).await;
    assert_eq!(list["warnings"], json!([]), "a refused warning was stored");

    // Over TAXII: the objects of a warning's life are refused, with where to make them.
    let raw = json!({"type": "x-entente-warning", "spec_version": "2.1",
        "id": "x-entente-warning--6f0a2b1c-3d4e-4f5a-8b6c-7d8e9f0a1b2c",
        "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
        "stage": "published",
        "extensions": {"extension-definition--8ca0d952-cb36-568f-ad79-ebadb1b4a9a2": {"extension_type": "new-sdo"}}});
    let sighting = json!({"type": "sighting", "spec_version": "2.1",
        "id": "sighting--6f0a2b1c-3d4e-4f5a-8b6c-7d8e9f0a1b2c",
        "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
        "sighting_of_ref": "x-entente-warning--6f0a2b1c-3d4e-4f5a-8b6c-7d8e9f0a1b2c"});
    let r = kz.post(&supervisor, &[raw, sighting]).await;
    let status: Value = r.json().await.unwrap();
    assert_eq!(status["failure_count"], 2, "{status}");
    for f in status["failures"].as_array().unwrap() {
        assert!(
            f["message"].as_str().unwrap().contains("/api/v1/warnings"),
            "{f}"
        );
    }

    // A draft, and the steps its life and the roles do not allow.
    let (st, draft) = call("POST", "", &analyst, Some(orange_notice(&in_days(100)))).await;
    assert_eq!(st, 201, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();
    let (st, v) = call("GET", &format!("/{id}"), &analyst, None).await;
    assert_eq!((st, v["status"].clone()), (200, json!("draft")), "{v}");
    for (method, path, token, body, want) in [
        ("POST", format!("/{id}/submit"), &analyst, None, 403),
        (
            "POST",
            format!("/{id}/review"),
            &supervisor,
            Some(json!({"verdict": "accepted"})),
            403,
        ),
        ("POST", format!("/{id}/publish"), &supervisor, None, 409),
        (
            "POST",
            format!("/{id}/extend"),
            &supervisor,
            Some(json!({"review_date": in_days(200), "justification": "j"})),
            409,
        ),
        (
            "POST",
            format!("/{id}/extend"),
            &supervisor,
            Some(json!({"review_date": in_days(200), "justification": " "})),
            400,
        ),
        ("POST", format!("/{id}/acknowledge"), &analyst, None, 409),
        (
            "POST",
            format!("/{id}/hits"),
            &analyst,
            Some(json!({"when": in_seconds(-60), "location": "x", "action_taken": "y"})),
            409,
        ),
        (
            "POST",
            format!("/{id}/cancel"),
            &supervisor,
            Some(json!({"reason": ""})),
            400,
        ),
        (
            "POST",
            format!("/{id}/cancel"),
            &analyst,
            Some(json!({"reason": "no"})),
            403,
        ),
        (
            "PUT",
            format!("/{id}"),
            &analyst,
            Some(wanted_notice(&in_days(100))),
            400,
        ),
        (
            "GET",
            "/x-entente-warning--00000000-0000-4000-8000-000000000000".to_owned(),
            &analyst,
            None,
            404,
        ),
        ("GET", "/not-a-warning".to_owned(), &analyst, None, 404),
        ("GET", "?status=lost".to_owned(), &analyst, None, 400),
    ] {
        let (st, v) = call(method, &path, token, body).await;
        assert_eq!(st, want, "{method} {path}: {v}");
        assert!(v["message"].is_string(), "{method} {path}: {v}");
    }
    let (st, _) = kz
        .http
        .get(&base)
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(st, 401);
    // Revising a draft makes a new version; submitting needs a supervisor; then cancelling.
    let mut revised = orange_notice(&in_days(100));
    revised["title"] = json!("Revised title");
    let (st, v) = call("PUT", &format!("/{id}"), &analyst, Some(revised)).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["title"], "Revised title");
    assert_eq!(v["versions"].as_array().unwrap().len(), 2);
    let (st, v) = call("POST", &format!("/{id}/submit"), &supervisor, None).await;
    assert_eq!((st, v["status"].clone()), (200, json!("submitted")), "{v}");
    let (st, v) = call(
        "POST",
        &format!("/{id}/cancel"),
        &supervisor,
        Some(json!({"reason": "Overtaken by events."})),
    )
    .await;
    assert_eq!((st, v["status"].clone()), (200, json!("cancelled")), "{v}");
    let (st, _) = call(
        "PUT",
        &format!("/{id}"),
        &analyst,
        Some(orange_notice(&in_days(100))),
    )
    .await;
    assert_eq!(st, 409);

    // A shared report gets a grading; one that may not be passed on cannot be TLP:CLEAR.
    let mut report = note(900, entente_core::marking::TLP_GREEN);
    report["type"] = json!("report");
    report["id"] = json!("report--6f0a2b1c-3d4e-4f5a-8b6c-7d8e9f0a1b2c");
    report["name"] = json!("A report");
    report["published"] = json!("2019-06-14T08:00:00.000Z");
    report.as_object_mut().unwrap().remove("content");
    kz.post_ok(&analyst, std::slice::from_ref(&report)).await;
    let stored = kz
        .get_json(
            &analyst,
            &format!("{}{}/", kz.objects_url(), report["id"].as_str().unwrap()),
        )
        .await;
    let ext = &stored["objects"][0]["extensions"][entente_stix::extension::ENTENTE_EXTENSION];
    assert_eq!(
        ext["grading"],
        json!({"source": "X", "information": "4", "handling": ["H0"]})
    );
    let mut clear = report.clone();
    clear["id"] = json!("report--7f0a2b1c-3d4e-4f5a-8b6c-7d8e9f0a1b2c");
    clear["object_marking_refs"] = json!([entente_core::marking::TLP_CLEAR]);
    clear["extensions"] = json!({entente_stix::extension::ENTENTE_EXTENSION: {"extension_type": "property-extension",
        "grading": {"source": "B", "information": "2", "handling": ["H2"]}}});
    let r = kz.post(&analyst, &[clear]).await;
    let status: Value = r.json().await.unwrap();
    assert!(
        status["failures"][0]["message"]
            .as_str()
            .unwrap()
            .contains("H2"),
        "{status}"
    );

    // Every action is in the audit log, which verifies.
    kz.kill();
    let mut db = kz.database().await;
    let entries: Vec<Vec<u8>> = sqlx::query_scalar("SELECT entry FROM audit_entries")
        .fetch_all(&mut db.conn)
        .await
        .unwrap();
    let log: String = entries
        .iter()
        .map(|e| String::from_utf8_lossy(e).into_owned())
        .collect();
    for action in [
        "warning-draft",
        "warning-edit",
        "warning-submit",
        "warning-cancel",
        "read-warnings",
    ] {
        assert!(log.contains(action), "no {action} in the audit log");
    }
    let (ok, out, err) = crate::helpers::run(&["audit", "verify", "--dir", kz.dir_str()]);
    assert!(ok, "{out}{err}");
}
