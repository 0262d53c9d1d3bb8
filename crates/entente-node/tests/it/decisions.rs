//! The organization's decisions across in-process nodes of a small test organization (three
//! members, an observer, the hub): applications, ballots and outcomes carried between nodes as
//! pullers carry them, every node deriving the same outcome and the same effective charter, and
//! that charter taking effect — an admitted member receives member-only AMBER it could not see
//! before, a suspended state no longer receives, a register entry designated by decision is
//! screened on every node.

use crate::{code, Org};
use entente_core::{Role, Tier};
use entente_node::auth::Principal;
use entente_node::governance;
use entente_node::workflow;
use entente_node::{Node, NodeError, COLLECTION_ID};
use entente_workflow::decision::{Action, ApplicationInput, Applications, ProposalInput, Vote};
use serde_json::{json, Value};
use std::sync::Arc;

const CHARTER: &str = include_str!("../../../../examples/test-organization.toml");

const PARTIES: [&str; 5] = ["CN", "KZ", "RU", "AF", "SECRETARIAT"];

fn supervisor(org: &Org, party: &str) -> Principal {
    org.user(party, "supervisor", Role::Supervisor)
}

fn deadline(node: &Node, ms: i64) -> String {
    entente_stix::Timestamp::from_micros(node.now_us() + ms * 1000).to_stix_string()
}

fn proposal(node: &Node, procedure: &str, ms: i64, effect: Value) -> ProposalInput {
    ProposalInput {
        title: "A decision of the council".into(),
        description: String::new(),
        procedure: procedure.into(),
        deadline: deadline(node, ms),
        effect,
    }
}

async fn propose(org: &Org, party: &str, input: ProposalInput) -> String {
    let node = org.node(party);
    governance::propose(node, &supervisor(org, party), input)
        .await
        .unwrap()
        .root
}

async fn vote(org: &Org, party: &str, id: &str, vote: Vote) -> Result<(), NodeError> {
    let node = org.node(party);
    let action = Action::Ballot {
        vote,
        statement: None,
    };
    governance::step(node, &supervisor(org, party), id, action)
        .await
        .map(|_| ())
}

fn code_of(e: NodeError) -> String {
    match e {
        NodeError::Workflow(r) => r.code().to_owned(),
        other => format!("{other:?}"),
    }
}

/// The status every node shows for `id`, asserting they agree.
async fn status_everywhere(org: &Org, id: &str) -> String {
    let mut seen = Vec::new();
    for party in PARTIES {
        let node = org.node(party);
        let p = org.user(party, "analyst", Role::Analyst);
        let view = governance::decision(node, &p, id).await.unwrap();
        seen.push((
            party,
            view["status"].as_str().unwrap().to_owned(),
            view["tally"].clone(),
        ));
    }
    let first = seen[0].clone();
    for s in &seen {
        assert_eq!(
            (&s.1, &s.2),
            (&first.1, &first.2),
            "{} disagrees: {seen:?}",
            s.0
        );
    }
    first.1
}

/// Stores an indicator of `party` with `marking`, answering its id.
async fn share(org: &Org, party: &str, marking: &str) -> String {
    let node = org.node(party);
    let id = format!("indicator--{}", uuid::Uuid::new_v4());
    let now = entente_stix::Timestamp::from_micros(node.now_us()).to_stix_string();
    let o = json!({
        "type": "indicator", "spec_version": "2.1", "id": id, "created": now, "modified": now,
        "pattern": "[ipv4-addr:value = '203.0.113.7']", "pattern_type": "stix", "valid_from": now,
        "object_marking_refs": [marking],
    });
    let done = entente_node::ingest::ingest(
        node,
        &org.user(party, "analyst", Role::Analyst),
        COLLECTION_ID,
        vec![o],
        None,
    )
    .await
    .unwrap();
    assert!(done.results[0].ok, "{:?}", done.results[0]);
    id
}

async fn holds(node: &Arc<Node>, id: &str) -> bool {
    !node
        .store
        .versions_of(COLLECTION_ID, id)
        .await
        .unwrap()
        .is_empty()
}

const AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

#[tokio::test]
async fn decisions_take_effect_on_every_node() {
    let org = Org::with_charter(CHARTER, &PARTIES).await;
    org.sync().await;
    let (af, hub) = (org.node("AF"), org.node("SECRETARIAT"));

    // Member-only AMBER does not reach the observer.
    let before = share(&org, "KZ", AMBER).await;
    org.sync().await;
    assert!(!holds(af, &before).await);

    // The observer applies for membership; the secretariat puts it to the members.
    let input = ApplicationInput {
        state: "AF".into(),
        name: String::new(),
        tier: "member".into(),
        key: None,
        statement: "Afghanistan seeks full membership.".into(),
    };
    let app = workflow::take(af, &supervisor(&org, "AF"), &Applications, None, input)
        .await
        .unwrap()
        .root;
    org.sync().await;
    let admit = propose(
        &org,
        "SECRETARIAT",
        proposal(
            hub,
            "consensus",
            3_600_000,
            json!({"kind": "admit", "application_ref": app}),
        ),
    )
    .await;
    org.sync().await;
    // The observer does not vote; an analyst does not commit the state.
    assert_eq!(
        code_of(vote(&org, "AF", &admit, Vote::Approve).await.unwrap_err()),
        "role_may_not"
    );
    let analyst = org.user("KZ", "analyst", Role::Analyst);
    let e = governance::step(
        org.node("KZ"),
        &analyst,
        &admit,
        Action::Ballot {
            vote: Vote::Approve,
            statement: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(code_of(e), "role_may_not");
    for m in ["CN", "KZ", "RU"] {
        vote(&org, m, &admit, Vote::Approve).await.unwrap();
    }
    org.sync().await;
    assert_eq!(status_everywhere(&org, &admit).await, "adopted");
    for party in PARTIES {
        let c = org.node(party).effective.current();
        assert_eq!(
            c.charter().tier_of(&code("AF")),
            Some(Tier::Member),
            "on {party}"
        );
    }
    // Now a member, AF receives the member-only AMBER it could not see before.
    org.sync().await;
    assert!(holds(af, &before).await);
    // A late ballot is refused.
    assert_eq!(
        code_of(vote(&org, "KZ", &admit, Vote::Object).await.unwrap_err()),
        "decision_closed"
    );

    // One objection rejects a decision, on every node.
    let d = propose(
        &org,
        "KZ",
        proposal(
            org.node("KZ"),
            "consensus",
            3_600_000,
            json!({"kind": "statement"}),
        ),
    )
    .await;
    org.sync().await;
    vote(&org, "CN", &d, Vote::Approve).await.unwrap();
    vote(&org, "RU", &d, Vote::Object).await.unwrap();
    org.sync().await;
    assert_eq!(status_everywhere(&org, &d).await, "rejected");

    // A silence procedure is adopted at its deadline; another is broken by an objection.
    let kept = propose(
        &org,
        "RU",
        proposal(
            org.node("RU"),
            "silence",
            1_500,
            json!({"kind": "statement"}),
        ),
    )
    .await;
    let broken = propose(
        &org,
        "RU",
        proposal(
            org.node("RU"),
            "silence",
            1_500,
            json!({"kind": "statement"}),
        ),
    )
    .await;
    org.sync().await;
    vote(&org, "CN", &broken, Vote::Object).await.unwrap();
    org.sync().await;
    assert_eq!(status_everywhere(&org, &kept).await, "open");
    tokio::time::sleep(std::time::Duration::from_millis(1_600)).await;
    assert_eq!(status_everywhere(&org, &kept).await, "adopted");
    assert_eq!(status_everywhere(&org, &broken).await, "rejected");

    // A register entry proposed by a state is designated on the unified list by decision, and
    // screened on every node.
    let entry: entente_node::register::NewEntry = serde_json::from_value(json!({
        "kind": "person", "names": ["Abdulla Karimov"], "nationalities": ["UZ"],
        "marking": "TLP:GREEN", "status": "proposed",
    }))
    .unwrap();
    let kz = org.node("KZ");
    let stored = entente_node::register::designate(kz, &supervisor(&org, "KZ"), entry)
        .await
        .unwrap();
    org.sync().await;
    for party in PARTIES {
        assert!(
            screened(&org, party).await.is_none(),
            "a proposal is not screened ({party})"
        );
    }
    let designate = propose(
        &org,
        "KZ",
        proposal(
            kz,
            "consensus",
            3_600_000,
            json!({"kind": "designate", "entry_ref": stored.id}),
        ),
    )
    .await;
    org.sync().await;
    for m in ["CN", "KZ", "RU", "AF"] {
        vote(&org, m, &designate, Vote::Approve).await.unwrap();
    }
    org.sync().await;
    assert_eq!(status_everywhere(&org, &designate).await, "adopted");
    for party in PARTIES {
        let source = screened(&org, party)
            .await
            .unwrap_or_else(|| panic!("not screened on {party}"));
        assert_eq!(source["list"], "organization", "on {party}");
        assert_eq!(source["decision"], json!(designate), "on {party}");
    }

    // AF is suspended by consensus minus one: its objection does not block, and then it no
    // longer receives what members are sent.
    let suspend = propose(
        &org,
        "CN",
        proposal(
            org.node("CN"),
            "consensus-minus-one",
            3_600_000,
            json!({"kind": "suspend", "state": "AF"}),
        ),
    )
    .await;
    org.sync().await;
    vote(&org, "AF", &suspend, Vote::Object).await.unwrap();
    for m in ["CN", "KZ", "RU"] {
        vote(&org, m, &suspend, Vote::Approve).await.unwrap();
    }
    org.sync().await;
    assert_eq!(status_everywhere(&org, &suspend).await, "adopted");
    let after = share(&org, "KZ", AMBER).await;
    org.sync().await;
    assert!(
        !holds(af, &after).await,
        "a suspended state receives nothing more"
    );
    for party in PARTIES {
        let c = org.node(party).effective.current();
        assert_eq!(c.charter().tier_of(&code("AF")), None, "on {party}");
    }
}

/// What screening `Abdulla Karimov` on `party`'s node finds, as its source says.
async fn screened(org: &Org, party: &str) -> Option<Value> {
    let node = org.node(party);
    let index = entente_node::screening::index(node).await.unwrap();
    let p = org.user(party, "analyst", Role::Analyst);
    let q = entente_screen::matcher::Query {
        name: "Abdulla Karimov".into(),
        birth_date: None,
        nationality: Vec::new(),
    };
    let found = index.screen(&p.viewer, &q, 0.8, 5, node.now_us() * 1000);
    found.first().map(|m| index.source_json(m))
}

#[tokio::test]
async fn a_ballot_signed_by_another_state_is_refused_with_the_reason() {
    let org = Org::with_charter(CHARTER, &PARTIES).await;
    let cn = org.node("CN");
    let d = propose(
        &org,
        "CN",
        proposal(cn, "consensus", 3_600_000, json!({"kind": "statement"})),
    )
    .await;
    org.sync().await;
    // KZ's node signs a ballot that says it is Russia's.
    let kz = org.node("KZ");
    let now = entente_stix::Timestamp::from_micros(kz.now_us()).to_stix_string();
    let mut ballot = entente_workflow::decision::objects::ballot_object(
        &format!("x-entente-ballot--{}", uuid::Uuid::new_v4()),
        &d,
        &code("RU"),
        Vote::Object,
        None,
        &now,
        &now,
    );
    let ballot_map = ballot.as_object_mut().unwrap();
    ballot_map.insert(
        "created_by_ref".into(),
        json!(entente_stix::identity::party_identity_id(&code("KZ"))),
    );
    kz.signer.sign_object(ballot_map).unwrap();
    let pulled = entente_node::ingest::ingest_pulled(
        cn,
        &code("KZ"),
        COLLECTION_ID,
        vec![ballot],
        "c".into(),
    )
    .await
    .unwrap();
    assert_eq!(pulled.stored, 0);
    let why = &pulled.refused[0].message;
    assert!(why.contains("votes for RU and is signed by KZ"), "{why}");
    assert_eq!(status_everywhere(&org, &d).await, "open");
}

#[tokio::test]
async fn decisions_ballots_and_outcomes_reach_the_event_stream() {
    use futures::StreamExt;
    let org = Org::with_charter(CHARTER, &PARTIES).await;
    let cn = org.node("CN");
    let stream =
        entente_node::events::follow(cn, org.user("CN", "analyst", Role::Analyst)).unwrap();
    let mut stream = Box::pin(stream);
    let d = propose(
        &org,
        "KZ",
        proposal(
            org.node("KZ"),
            "consensus",
            3_600_000,
            json!({"kind": "statement"}),
        ),
    )
    .await;
    org.sync().await;
    for m in ["CN", "KZ", "RU"] {
        vote(&org, m, &d, Vote::Approve).await.unwrap();
    }
    org.sync().await;
    let mut kinds = Vec::new();
    while let Ok(Some(e)) =
        tokio::time::timeout(std::time::Duration::from_secs(5), stream.next()).await
    {
        let data: Value = serde_json::from_str(&e.data).unwrap();
        assert_eq!(data["decision"], json!(d), "{e:?}");
        kinds.push(e.kind);
        if e.kind == "outcome" {
            assert_eq!(data["status"], "adopted");
            break;
        }
    }
    assert_eq!(
        kinds,
        ["decision", "ballot", "ballot", "ballot", "outcome"],
        "{kinds:?}"
    );
}
