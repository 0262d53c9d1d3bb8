//! An emergency consultation across in-process nodes of the demo organization: KZ asks for help;
//! the secretariat convenes; two members offer assistance and one declines; KZ accepts one offer;
//! every party derives the same accepted plan; an uninvited observer sees none of it; an answer
//! after the deadline is refused; the secretariat records the outcome and closes.

use crate::{code, Org};
use entente_core::Role;
use entente_node::auth::Principal;
use entente_node::workflow::{self, Taken};
use entente_node::{Node, NodeError};
use entente_workflow::consultation::{
    objects::Record, view, Action, Answer, Consultations, ConveneInput, OfferLine, RequestInput,
};
use serde_json::json;
use std::sync::Arc;

async fn take(
    org: &Org,
    party: &str,
    role: Role,
    root: Option<&str>,
    action: Action,
) -> Result<Taken, NodeError> {
    let node: &Arc<Node> = org.node(party);
    let p: Principal = org.user(party, "sup", role);
    workflow::take(node, &p, &Consultations, root, action).await
}

fn code_of(e: NodeError) -> String {
    match e {
        NodeError::Workflow(r) => r.code().to_owned(),
        NodeError::NotFound => "not_found".into(),
        other => format!("{other:?}"),
    }
}

fn line(kind: &str, what: &str) -> OfferLine {
    OfferLine {
        kind: kind.into(),
        description: what.into(),
        quantity: 1,
        unit: "team".into(),
        conditions: String::new(),
        available_from: "2026-12-10".into(),
        duration_days: 10,
    }
}

#[tokio::test]
async fn a_request_for_assistance_is_convened_answered_and_its_plan_the_same_everywhere() {
    let org = Org::of(&["KZ", "CN", "RU", "UZ", "KG", "MN", "SECRETARIAT"]).await;
    let request: RequestInput = serde_json::from_value(json!({
        "title": "Attack on the Karaganda power grid",
        "situation": "Two substations sabotaged; three districts without power.",
        "location": {"name": "Karaganda", "country": "KZ"},
        "help": ["experts", "equipment"], "urgency": "immediate",
    }))
    .unwrap();
    // An observer does not ask; KZ's supervisor does.
    let refused = take(
        &org,
        "MN",
        Role::Supervisor,
        None,
        Action::Request {
            input: request.clone(),
            told: vec![],
        },
    )
    .await;
    assert_eq!(code_of(refused.unwrap_err()), "role_may_not");
    let root = take(
        &org,
        "KZ",
        Role::Supervisor,
        None,
        Action::Request {
            input: request,
            told: vec![],
        },
    )
    .await
    .unwrap()
    .root;
    org.sync().await;

    // The secretary-general convenes; answers are due in three seconds.
    let now = chrono::Utc::now();
    let convene = ConveneInput {
        also_invited: vec![],
        place: None,
        video_link: Some("https://conference.example/rats".into()),
        meets_at: (now + chrono::Duration::hours(1)).to_rfc3339(),
        answer_by: (now + chrono::Duration::seconds(3)).to_rfc3339(),
    };
    let staff = take(
        &org,
        "SECRETARIAT",
        Role::Analyst,
        Some(&root),
        Action::Convene(convene.clone()),
    )
    .await;
    assert_eq!(
        code_of(staff.unwrap_err()),
        "role_may_not",
        "the secretary-general convenes, a supervisor"
    );
    take(
        &org,
        "SECRETARIAT",
        Role::Supervisor,
        Some(&root),
        Action::Convene(convene),
    )
    .await
    .unwrap();
    org.sync().await;

    // Two members offer, one declines.
    let offer = |lines| Action::Respond(Answer::Offer { lines });
    let cn = take(
        &org,
        "CN",
        Role::Supervisor,
        Some(&root),
        offer(vec![
            line("experts", "Grid engineers"),
            line("equipment", "Mobile transformers"),
        ]),
    )
    .await
    .unwrap();
    take(
        &org,
        "RU",
        Role::Supervisor,
        Some(&root),
        offer(vec![line("equipment", "Generators")]),
    )
    .await
    .unwrap();
    take(
        &org,
        "UZ",
        Role::Supervisor,
        Some(&root),
        Action::Respond(Answer::Decline {
            reason: "No capacity.".into(),
        }),
    )
    .await
    .unwrap();
    let cn_response = cn.made.unwrap();
    org.sync().await;

    // KZ accepts CN's engineers; a state that is not the requester cannot.
    let accept = |line| Action::Decide {
        response: cn_response.clone(),
        line,
        accept: true,
    };
    assert_eq!(
        code_of(
            take(&org, "RU", Role::Supervisor, Some(&root), accept(0))
                .await
                .unwrap_err()
        ),
        "role_may_not"
    );
    take(&org, "KZ", Role::Supervisor, Some(&root), accept(0))
        .await
        .unwrap();
    org.sync().await;

    // Every party derives the same plan; MN, not invited, sees nothing.
    let mut plans = Vec::new();
    for party in ["KZ", "CN", "RU", "UZ", "SECRETARIAT"] {
        let p = org.user(party, "analyst", Role::Analyst);
        let t = workflow::thread(org.node(party), &p, &Consultations, &root)
            .await
            .unwrap();
        let v = view(&t);
        plans.push((party, v["plan"].clone(), v["status"].clone()));
    }
    for (party, plan, status) in &plans {
        assert_eq!(
            plan,
            &json!([{"state": "CN", "offer": line("experts", "Grid engineers")}]),
            "on {party}"
        );
        assert_eq!(status, "convened", "on {party}");
    }
    let mn = org.user("MN", "analyst", Role::Analyst);
    assert!(matches!(
        workflow::thread(org.node("MN"), &mn, &Consultations, &root).await,
        Err(NodeError::NotFound)
    ));

    // After the deadline an answer is refused.
    tokio::time::sleep(std::time::Duration::from_millis(3_200)).await;
    let late = take(
        &org,
        "KG",
        Role::Supervisor,
        Some(&root),
        Action::Respond(Answer::Decline {
            reason: String::new(),
        }),
    )
    .await;
    assert_eq!(code_of(late.unwrap_err()), "deadline_passed");

    // The secretariat records the outcome and closes; every node shows it closed.
    let record = Record {
        minutes: "The members heard Kazakhstan.".into(),
        statement: "The member states stand with Kazakhstan.".into(),
        outcome: "plan".into(),
        decision_ref: None,
        participants: vec!["KZ".into(), "CN".into(), "RU".into()],
    };
    take(
        &org,
        "SECRETARIAT",
        Role::Supervisor,
        Some(&root),
        Action::Close(record),
    )
    .await
    .unwrap();
    org.sync().await;
    for party in ["KZ", "CN", "RU", "UZ"] {
        let p = org.user(party, "analyst", Role::Analyst);
        let t = workflow::thread(org.node(party), &p, &Consultations, &root)
            .await
            .unwrap();
        assert_eq!(view(&t)["status"], "closed", "on {party}");
    }
    let _ = code("KZ");
}

/// Reminders before the deadline: the secretariat's node reminds, once per threshold, the
/// invited states that have not answered; a state that answered is not told, an uninvited
/// observer sees nothing, and no other node reminds.
#[tokio::test]
async fn the_secretariat_reminds_the_states_that_have_not_answered() {
    let org = Org::of(&["KZ", "CN", "UZ", "MN", "SECRETARIAT"]).await;
    let request: RequestInput = serde_json::from_value(json!({
        "title": "Floods in the Fergana valley",
        "situation": "Dams breached; roads cut.",
        "location": {"name": "Andijan", "country": "UZ"},
        "help": ["equipment"], "urgency": "urgent",
    }))
    .unwrap();
    let root = take(
        &org,
        "KZ",
        Role::Supervisor,
        None,
        Action::Request {
            input: request,
            told: vec![],
        },
    )
    .await
    .unwrap()
    .root;
    org.sync().await;
    let now = chrono::Utc::now();
    take(
        &org,
        "SECRETARIAT",
        Role::Supervisor,
        Some(&root),
        Action::Convene(ConveneInput {
            also_invited: vec![],
            place: Some("Tashkent".into()),
            video_link: None,
            meets_at: (now + chrono::Duration::hours(48)).to_rfc3339(),
            answer_by: (now + chrono::Duration::hours(30)).to_rfc3339(),
        }),
    )
    .await
    .unwrap();
    org.sync().await;
    take(
        &org,
        "CN",
        Role::Supervisor,
        Some(&root),
        Action::Respond(Answer::Attend {
            delegates: vec!["Vice-minister".into()],
        }),
    )
    .await
    .unwrap();
    org.sync().await;
    let hub = org.node("SECRETARIAT");
    // 30 hours before: nothing yet (the charter reminds 24 and 2 hours before).
    assert_eq!(workflow::run_due(hub, &Consultations).await.unwrap(), 0);
    hub.run_clock_ahead(std::time::Duration::from_secs(7 * 3600));
    assert_eq!(workflow::run_due(hub, &Consultations).await.unwrap(), 1);
    assert_eq!(
        workflow::run_due(hub, &Consultations).await.unwrap(),
        0,
        "once"
    );
    // No other node reminds.
    assert_eq!(
        workflow::run_due(org.node("KZ"), &Consultations)
            .await
            .unwrap(),
        0
    );
    org.sync().await;
    let reminders = |party: &'static str| {
        let org = &org;
        let root = root.clone();
        async move {
            let p = org.user(party, "analyst", Role::Analyst);
            workflow::thread(org.node(party), &p, &Consultations, &root)
                .await
                .map(|t| view(&t)["reminders"].clone())
        }
    };
    let uz = reminders("UZ").await.unwrap();
    assert_eq!(uz.as_array().map(Vec::len), Some(1), "{uz}");
    assert_eq!(uz[0]["hours"], 24);
    assert!(uz[0]["to"].as_array().unwrap().iter().all(|s| s != "CN"));
    assert_eq!(reminders("KZ").await.unwrap()[0]["hours"], 24);
    assert_eq!(
        reminders("CN").await.unwrap(),
        json!([]),
        "CN answered: not told"
    );
    assert!(matches!(reminders("MN").await, Err(NodeError::NotFound)));
    // An hour before the deadline: the two-hour reminder.
    hub.run_clock_ahead(std::time::Duration::from_secs(22 * 3600));
    assert_eq!(workflow::run_due(hub, &Consultations).await.unwrap(), 1);
    org.sync().await;
    let uz = reminders("UZ").await.unwrap();
    assert_eq!(uz[1]["hours"], 2, "{uz}");
}
