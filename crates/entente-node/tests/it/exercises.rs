//! A joint exercise across in-process nodes of the demo organization: KZ plans it with CN and RU,
//! shared with the participants; each says what it brings; KZ and CN write their after-action
//! sections, KZ's shared with the participants and CN's with the host only; every node sees
//! exactly the sections its marking allows, and a state that does not take part sees nothing.

use crate::Org;
use entente_core::Role;
use entente_node::workflow::{self, Taken};
use entente_node::NodeError;
use entente_workflow::exercise::{view, Action, ContributionInput, Exercises, Item, SectionInput};
use serde_json::json;

async fn take(
    org: &Org,
    party: &str,
    root: Option<&str>,
    action: Action,
) -> Result<Taken, NodeError> {
    let p = org.user(party, "sup", Role::Supervisor);
    workflow::take(org.node(party), &p, &Exercises, root, action).await
}

fn refusal(e: NodeError) -> String {
    match e {
        NodeError::Workflow(r) => r.code().to_owned(),
        NodeError::NotFound => "not_found".into(),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn each_states_after_action_section_is_seen_only_as_its_marking_allows() {
    let org = Org::of(&["KZ", "CN", "RU", "UZ", "MN", "SECRETARIAT"]).await;
    let today = chrono::Utc::now().date_naive();
    let plan = serde_json::from_value(json!({
        "name": "Peace Mission",
        "kind": "exercise",
        "host": "KZ",
        "starts": today.to_string(),
        "ends": (today + chrono::Days::new(10)).to_string(),
        "scenario": "Armed groups seize a town; the member states free it together.",
        "objectives": ["Joint command"],
        "participants": ["CN", "RU"],
        "shared_with": "participants",
    }))
    .unwrap();
    // CN does not plan what KZ hosts.
    assert_eq!(
        refusal(
            take(&org, "CN", None, Action::Plan(Clone::clone(&plan)))
                .await
                .unwrap_err()
        ),
        "role_may_not"
    );
    let root = take(&org, "KZ", None, Action::Plan(plan))
        .await
        .unwrap()
        .root;
    org.sync().await;
    for (state, brings) in [("CN", "1,000 troops"), ("RU", "Ground attack aircraft")] {
        take(
            &org,
            state,
            Some(&root),
            Action::Join(ContributionInput {
                brings: brings.into(),
                personnel: 1000,
            }),
        )
        .await
        .unwrap();
    }
    // UZ does not take part: the exercise is not there for it.
    assert_eq!(
        refusal(
            take(
                &org,
                "UZ",
                Some(&root),
                Action::Join(ContributionInput {
                    brings: "x".into(),
                    personnel: 0
                })
            )
            .await
            .unwrap_err()
        ),
        "not_found"
    );
    let section = |summary: &str, shared_with: &str| {
        Action::Report(SectionInput {
            summary: summary.into(),
            strengths: String::new(),
            improvements: "Radio links.".into(),
            items: vec![Item {
                title: format!("{summary}: radio"),
                owner: "Signals".into(),
                due: (today + chrono::Days::new(90)).to_string(),
                closed: None,
            }],
            shared_with: shared_with.into(),
        })
    };
    take(
        &org,
        "KZ",
        Some(&root),
        section("KZ report", "participants"),
    )
    .await
    .unwrap();
    take(&org, "CN", Some(&root), section("CN report", "host"))
        .await
        .unwrap();
    org.sync().await;
    org.sync().await;
    let seen = |party: &'static str| {
        let org = &org;
        let root = root.clone();
        async move {
            let p = org.user(party, "analyst", Role::Analyst);
            workflow::thread(org.node(party), &p, &Exercises, &root)
                .await
                .map(|t| {
                    let v = view(&t, org.node(party).now_us() * 1000);
                    let states: Vec<String> = v["after_action"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s["state"].as_str().unwrap().to_owned())
                        .collect();
                    (states, v)
                })
        }
    };
    let (kz, v) = seen("KZ").await.unwrap();
    assert_eq!(kz, ["CN", "KZ"], "the host sees CN's host-only section");
    assert_eq!(
        v["participants"][1]["contribution"]["brings"],
        "1,000 troops"
    );
    assert_eq!(v["status"], "under-way");
    assert_eq!(
        seen("RU").await.unwrap().0,
        ["KZ"],
        "RU sees the participants' sections only"
    );
    assert_eq!(seen("CN").await.unwrap().0, ["CN", "KZ"]);
    assert_eq!(seen("SECRETARIAT").await.unwrap().0, ["CN", "KZ"]);
    assert!(matches!(seen("UZ").await, Err(NodeError::NotFound)));
    assert!(matches!(seen("MN").await, Err(NodeError::NotFound)));
    // CN's section is CN's alone: KZ cannot close CN's item (it has no item 1 of its own either).
    assert_eq!(
        refusal(
            take(&org, "KZ", Some(&root), Action::CloseItem { item: 1 })
                .await
                .unwrap_err()
        ),
        "invalid_input"
    );
    take(&org, "CN", Some(&root), Action::CloseItem { item: 0 })
        .await
        .unwrap();
    org.sync().await;
    let (_, v) = seen("KZ").await.unwrap();
    let open: Vec<&str> = v["open_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["state"].as_str().unwrap())
        .collect();
    assert_eq!(open, ["KZ"], "CN's item is closed everywhere");
}
