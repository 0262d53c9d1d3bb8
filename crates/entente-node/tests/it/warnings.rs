//! A joint warning's life across in-process nodes, through the application layer's generic
//! workflow steps: who sees what at each stage, the refusals by code, steps on one warning taken
//! one at a time, and what falls due done by the node itself.

use crate::{code, Org};
use entente_core::warning::{Status, Verdict};
use entente_core::Role;
use entente_node::auth::Principal;
use entente_node::workflow::{self, Taken};
use entente_node::{Node, NodeError};
use entente_workflow::warning::{Action, HitInput, Thread, WarningInput};
use entente_workflow::{Refusal, Warnings};
use serde_json::json;
use std::sync::Arc;

const W: Warnings = Warnings::new(Vec::new());

fn input(node: &Node) -> WarningInput {
    let review = entente_stix::Timestamp::from_micros(node.now_us() + 100 * 86_400 * 1_000_000)
        .to_stix_string();
    serde_json::from_value(json!({
        "kind": "wanted", "title": "Wanted for the attack on the Khorgos crossing",
        "subject": {"names": ["Abdulla Karimov", "Абдулла Каримов"], "nationalities": ["UZ"]},
        "legal_basis": "Shanghai Convention, art. 6", "issuing_authority": "National Security Committee",
        "action_requested": "Arrest with a view to extradition", "contact": "KZ liaison office",
        "purpose": "Extradition", "source": "Investigation file 12/2026", "review_date": review,
        "grading": {"source": "A", "information": "1", "handling": ["H0"]}, "marking": "TLP:AMBER",
    }))
    .unwrap()
}

async fn take(
    node: &Arc<Node>,
    p: &Principal,
    root: Option<&str>,
    action: Action,
) -> Result<Taken, NodeError> {
    workflow::take(node, p, &W, root, action).await
}

async fn status(node: &Node, p: &Principal, root: &str) -> Option<Status> {
    let thread: Thread = workflow::thread(node, p, &W, root).await.ok()?;
    Some(thread.status(node.now_us() * 1000)?.status)
}

fn code_of(e: NodeError) -> String {
    match e {
        NodeError::Workflow(r) => r.code().to_owned(),
        NodeError::NotFound => "not_found".into(),
        NodeError::Refused(r) => format!("write policy: {r}"),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn a_warning_goes_through_its_life_across_nodes_seen_only_where_it_may_be() {
    let org = Org::of(&["KZ", "SECRETARIAT", "KG", "IR"]).await;
    let (kz, hub, kg, ir) = (
        org.node("KZ"),
        org.node("SECRETARIAT"),
        org.node("KG"),
        org.node("IR"),
    );
    let analyst = org.user("KZ", "aigerim", Role::Analyst);
    let supervisor = org.user("KZ", "serik", Role::Supervisor);
    let staff = org.user("SECRETARIAT", "staff", Role::Analyst);
    let kg_user = org.user("KG", "bakyt", Role::Analyst);
    let ir_user = org.user("IR", "reza", Role::Analyst);

    let draft = take(kz, &analyst, None, Action::Draft(input(kz)))
        .await
        .unwrap();
    let id = draft.root.clone();
    assert_eq!(draft.made.as_deref(), Some(id.as_str()));
    assert_eq!(status(kz, &analyst, &id).await, Some(Status::Draft));
    // An analyst may not commit the state; refused before anything is read.
    let e = take(kz, &analyst, Some(&id), Action::Submit)
        .await
        .unwrap_err();
    assert_eq!(code_of(e), "role_may_not");
    take(kz, &supervisor, Some(&id), Action::Submit)
        .await
        .unwrap();
    org.sync().await;
    // The secretariat sees the submitted version; a member state sees nothing, and a step on
    // what it cannot see answers as on what does not exist.
    assert_eq!(status(hub, &staff, &id).await, Some(Status::Submitted));
    assert_eq!(status(kg, &kg_user, &id).await, None);
    let invisible = code_of(
        take(kg, &kg_user, Some(&id), Action::Acknowledge)
            .await
            .unwrap_err(),
    );
    let absent = "x-entente-warning--00000000-0000-4000-8000-000000000000";
    let absent = code_of(
        take(kg, &kg_user, Some(absent), Action::Acknowledge)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (invisible.as_str(), absent.as_str()),
        ("not_found", "not_found")
    );
    // Only the secretariat reviews.
    let accept = || Action::Review {
        verdict: Verdict::Accepted,
        reasons: String::new(),
    };
    assert_eq!(
        code_of(
            take(kz, &supervisor, Some(&id), accept())
                .await
                .unwrap_err()
        ),
        "role_may_not"
    );
    take(hub, &staff, Some(&id), accept()).await.unwrap();
    org.sync().await;
    assert_eq!(status(kz, &supervisor, &id).await, Some(Status::Accepted));
    take(kz, &supervisor, Some(&id), Action::Publish)
        .await
        .unwrap();
    org.sync().await;
    // Published TLP:AMBER without an audience: the member states; an observer sees nothing.
    assert_eq!(status(kg, &kg_user, &id).await, Some(Status::Published));
    assert_eq!(status(ir, &ir_user, &id).await, None);
    take(kg, &kg_user, Some(&id), Action::Acknowledge)
        .await
        .unwrap();
    let twice = take(kg, &kg_user, Some(&id), Action::Acknowledge)
        .await
        .unwrap_err();
    assert_eq!(code_of(twice), "already_acknowledged");
    let own = take(kz, &analyst, Some(&id), Action::Acknowledge)
        .await
        .unwrap_err();
    assert_eq!(code_of(own), "own_warning");
    let hit = HitInput {
        when: entente_stix::Timestamp::from_micros(kg.now_us()).to_stix_string(),
        location: "Bishkek airport".into(),
        action_taken: "Detained".into(),
        details: None,
    };
    let reported = take(kg, &kg_user, Some(&id), Action::ReportHit(hit))
        .await
        .unwrap();
    let hit_id = reported.made.unwrap();
    assert!(hit_id.starts_with("sighting--"));
    org.sync().await;
    let thread = workflow::thread(kz, &analyst, &W, &id).await.unwrap();
    assert_eq!(thread.acknowledgements.len(), 1);
    assert_eq!(thread.hits.len(), 1);
    // The issuer answers the reporter; the thread of a hit is theirs alone.
    let follow = Action::FollowUp {
        hit: hit_id.clone(),
        message: "Send his fingerprints".into(),
    };
    take(kz, &analyst, Some(&id), follow).await.unwrap();
    org.sync().await;
    let kg_thread = workflow::thread(kg, &kg_user, &W, &id).await.unwrap();
    assert_eq!(kg_thread.follow_ups.len(), 1);
    let hub_thread = workflow::thread(hub, &staff, &W, &id).await.unwrap();
    assert_eq!((hub_thread.follow_ups.len(), hub_thread.hits.len()), (0, 0));
}

#[tokio::test]
async fn steps_on_one_warning_are_taken_one_at_a_time() {
    let org = Org::of(&["KZ"]).await;
    let kz = org.node("KZ");
    let supervisor = org.user("KZ", "serik", Role::Supervisor);
    let id = take(kz, &supervisor, None, Action::Draft(input(kz)))
        .await
        .unwrap()
        .root;
    let (a, b) = tokio::join!(
        take(kz, &supervisor, Some(&id), Action::Submit),
        take(kz, &supervisor, Some(&id), Action::Submit),
    );
    let mut outcomes = vec![
        a.map(|_| "ok".to_owned()).unwrap_or_else(code_of),
        b.map(|_| "ok".to_owned()).unwrap_or_else(code_of),
    ];
    outcomes.sort();
    assert_eq!(
        outcomes,
        vec!["ok".to_owned(), "step_not_allowed".to_owned()]
    );
    let thread = workflow::thread(kz, &supervisor, &W, &id).await.unwrap();
    assert_eq!(thread.versions.len(), 2);
}

#[tokio::test]
async fn only_users_take_steps_and_the_node_does_what_falls_due() {
    let org = Org::of(&["KZ", "SECRETARIAT"]).await;
    let (kz, hub) = (org.node("KZ"), org.node("SECRETARIAT"));
    let supervisor = org.user("KZ", "serik", Role::Supervisor);
    let peer = Principal {
        viewer: entente_core::Viewer::Node {
            party: code("SECRETARIAT"),
            tier: hub.tier(),
            holder: code("KZ"),
        },
    };
    let e = take(kz, &peer, None, Action::Draft(input(kz)))
        .await
        .unwrap_err();
    assert!(
        matches!(e, NodeError::Workflow(Refusal::NotAUser { .. })),
        "{e:?}"
    );
    let id = take(kz, &supervisor, None, Action::Draft(input(kz)))
        .await
        .unwrap()
        .root;
    take(kz, &supervisor, Some(&id), Action::Submit)
        .await
        .unwrap();
    org.sync().await;
    let staff = org.user("SECRETARIAT", "staff", Role::Analyst);
    take(
        hub,
        &staff,
        Some(&id),
        Action::Review {
            verdict: Verdict::Accepted,
            reasons: String::new(),
        },
    )
    .await
    .unwrap();
    org.sync().await;
    take(kz, &supervisor, Some(&id), Action::Publish)
        .await
        .unwrap();
    // 100 days before its review date: the 120-day reminder, once, on the issuer's node only.
    let reminding = Warnings::new(vec![120, 30]);
    assert_eq!(workflow::run_due(kz, &reminding).await.unwrap(), 1);
    assert_eq!(workflow::run_due(kz, &reminding).await.unwrap(), 0);
    org.sync().await;
    assert_eq!(workflow::run_due(hub, &reminding).await.unwrap(), 0);
    let thread = workflow::thread(kz, &supervisor, &W, &id).await.unwrap();
    assert_eq!(thread.reminders.len(), 1);
    let hub_thread = workflow::thread(hub, &staff, &W, &id).await.unwrap();
    assert!(hub_thread.reminders.is_empty());
}
