//! Emergency consultations and joint exercises across real node processes on loopback (the
//! secretariat's hub, four member states and an observer, each its own `entente serve`, hub and
//! spoke), through the REST API as users would: KZ asks for help; the secretary-general convenes
//! within the same test; CN and RU offer assistance and UZ declines; KZ accepts one offer; the
//! outcome and the accepted plan are the same on every node; MN, an uninvited observer, sees none
//! of it; an answer after the deadline is refused. Then an exercise with two states'
//! after-action sections, each seen only as its own marking allows.

use crate::federation::{Fed, FAST, HUB};
use crate::governance::{get, until};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const STATES: [&str; 6] = [HUB, "KZ", "CN", "RU", "UZ", "MN"];

#[tokio::test]
async fn a_consultation_and_an_exercise_across_a_federation_of_processes() {
    let mut fed = Fed::init(&STATES);
    let sup: BTreeMap<&str, String> = STATES
        .iter()
        .map(|s| (*s, fed.node(s).add_user("sup", "supervisor").token))
        .collect();
    fed.start(&FAST);
    fed.hub_and_spokes();
    let on = |s: &'static str| (fed.node(s), sup[s].clone());

    // KZ asks for help.
    let (kz, kz_t) = on("KZ");
    let (status, asked) = kz
        .post_api(
            &kz_t,
            "/api/v1/consultations",
            &json!({"title": "Attack on the Karaganda grid", "situation": "Two substations sabotaged.",
                    "location": {"name": "Karaganda", "country": "KZ"},
                    "help": ["experts", "equipment"], "urgency": "immediate"}),
        )
        .await;
    assert_eq!(status, 201, "{asked}");
    let id = asked["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/consultations/{id}");

    // The secretary-general convenes as soon as the request reaches the hub.
    let (hub, hub_t) = on(HUB);
    until("the request on the hub", || async {
        get(hub, &hub_t, &path).await.0 == 200
    })
    .await;
    let answer_by = chrono::Utc::now() + chrono::Duration::seconds(25);
    let (status, convened) = hub
        .post_api(
            &hub_t,
            &format!("{path}/convene"),
            &json!({"video_link": "https://conference.example/rats",
                    "meets_at": (answer_by + chrono::Duration::hours(1)).to_rfc3339(),
                    "answer_by": answer_by.to_rfc3339()}),
        )
        .await;
    assert_eq!(status, 200, "{convened}");

    // CN and RU offer, UZ declines, each on its own node once the invitation is there.
    let mut cn_response = String::new();
    for (state, body) in [
        (
            "CN",
            json!({"answer": "offer", "lines": [
            {"kind": "experts", "description": "Grid engineers", "quantity": 20, "unit": "engineers",
             "conditions": "", "available_from": "2026-12-10", "duration_days": 14}]}),
        ),
        (
            "RU",
            json!({"answer": "offer", "lines": [
            {"kind": "equipment", "description": "Generators", "quantity": 10, "unit": "units",
             "conditions": "", "available_from": "2026-12-10", "duration_days": 30}]}),
        ),
        (
            "UZ",
            json!({"answer": "decline", "reason": "No capacity this month."}),
        ),
    ] {
        let (node, t) = on(state);
        until(&format!("the invitation on {state}"), || async {
            get(node, &t, &path).await.1["status"] == "convened"
        })
        .await;
        let (status, v) = node.post_api(&t, &format!("{path}/responses"), &body).await;
        assert_eq!(status, 201, "{state}: {v}");
        if state == "CN" {
            cn_response = v["answers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["state"] == "CN")
                .unwrap()["response"]
                .as_str()
                .unwrap()
                .to_owned();
        }
    }

    // KZ accepts CN's engineers once the offers have reached it.
    until("the offers on KZ", || async {
        get(kz, &kz_t, &path).await.1["offers"]
            .as_array()
            .is_some_and(|o| o.len() == 2)
    })
    .await;
    let (status, v) = kz
        .post_api(
            &kz_t,
            &format!("{path}/verdicts"),
            &json!({"response": cn_response, "line": 0, "accept": true}),
        )
        .await;
    assert_eq!(status, 200, "{v}");

    // The same plan on every party's node; MN was not invited and sees nothing.
    let plan = json!([{"state": "CN", "offer": {"kind": "experts", "description": "Grid engineers",
        "quantity": 20, "unit": "engineers", "conditions": "", "available_from": "2026-12-10",
        "duration_days": 14}}]);
    for s in [HUB, "KZ", "CN", "RU", "UZ"] {
        let (node, t) = on(s);
        until(&format!("the plan on {s}"), || async {
            get(node, &t, &path).await.1["plan"] == plan
        })
        .await;
    }
    let (mn, mn_t) = on("MN");
    assert_eq!(get(mn, &mn_t, &path).await.0, 404);
    assert_eq!(
        get(mn, &mn_t, "/api/v1/consultations").await.1["consultations"],
        json!([])
    );

    // An exercise hosted by KZ with CN and RU, shared with the participants; KZ's section for the
    // participants, CN's for the host only.
    let today = chrono::Utc::now().date_naive();
    let (status, planned) = kz
        .post_api(
            &kz_t,
            "/api/v1/exercises",
            &json!({"name": "Peace Mission", "kind": "exercise", "host": "KZ",
                    "starts": today.to_string(), "ends": (today + chrono::Days::new(5)).to_string(),
                    "scenario": "Free a town seized by armed groups.", "participants": ["CN", "RU"],
                    "shared_with": "participants"}),
        )
        .await;
    assert_eq!(status, 201, "{planned}");
    let x = format!("/api/v1/exercises/{}", planned["id"].as_str().unwrap());
    for (state, shared_with) in [("KZ", "participants"), ("CN", "host")] {
        let (node, t) = on(state);
        until(&format!("the exercise on {state}"), || async {
            get(node, &t, &x).await.0 == 200
        })
        .await;
        let (status, v) = node
            .post_api(
                &t,
                &format!("{x}/after-action"),
                &json!({"summary": format!("{state}'s report"), "shared_with": shared_with,
                        "items": [{"title": "Radio links", "owner": "Signals", "due": "2027-03-01"}]}),
            )
            .await;
        assert_eq!(status, 201, "{state}: {v}");
    }
    let sections = |v: &Value| -> Vec<String> {
        v["after_action"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| s["state"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    for (state, want) in [
        ("KZ", vec!["CN", "KZ"]),
        ("CN", vec!["CN", "KZ"]),
        (HUB, vec!["CN", "KZ"]),
        ("RU", vec!["KZ"]),
    ] {
        let (node, t) = on(state);
        until(&format!("the sections on {state}"), || async {
            sections(&get(node, &t, &x).await.1) == want
        })
        .await;
    }
    for state in ["UZ", "MN"] {
        let (node, t) = on(state);
        assert_eq!(get(node, &t, &x).await.0, 404, "{state}");
    }
    // RU still sees only KZ's section (CN's never reaches it).
    let (ru, ru_t) = on("RU");
    assert_eq!(sections(&get(ru, &ru_t, &x).await.1), ["KZ"]);

    // After the deadline, an answer is refused.
    let wait = answer_by - chrono::Utc::now() + chrono::Duration::milliseconds(500);
    if let Ok(wait) = wait.to_std() {
        tokio::time::sleep(wait).await;
    }
    let (status, late) = kz
        .post_api(
            &kz_t,
            &format!("{path}/responses"),
            &json!({"answer": "decline", "reason": "Late."}),
        )
        .await;
    assert_eq!(status, 409, "{late}");
    assert_eq!(late["code"], "deadline_passed", "{late}");
}
