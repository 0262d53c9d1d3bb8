//! The demo organization's exercises and consultations: Peace Mission 2010 (hosted by Kazakhstan
//! at Matybulak, 9–25 September 2010, with China, Russia, Kyrgyzstan and Tajikistan), with what
//! each state brought and its after-action report — Kazakhstan's section shared with the
//! organization, China's with the host only, Russia's with the participants — and improvement
//! items, one of them still open; and a consultation in progress: Kyrgyzstan asked for
//! assistance two hours ago, the secretary-general convened the members an hour later, China
//! offers and Russia attends, the others (Kazakhstan among them) are awaited.
//!
//! Each object is made by the workflow's own builders, signed by the node of the state that made
//! it (`signers` holds one for every state) and stored on `node` as federation would bring it.

use anyhow::{bail, Result};
use entente_core::write::{ConsultationStep, ExerciseStep, WorkflowStep};
use entente_core::PartyCode;
use entente_node::ingest::ingest_step;
use entente_node::Node;
use entente_stix::{NodeSigner, Timestamp};
use entente_store::BasedOn;
use entente_workflow::consultation::objects as c;
use entente_workflow::consultation::{Answer, ConveneInput, OfferLine, RequestInput};
use entente_workflow::exercise::objects as x;
use entente_workflow::exercise::{ContributionInput, Item, PlanHeld, PlanInput, SectionInput};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Where the demo's objects go: the node, the states' keys, and `only` one state's objects (for
/// that state's own node, to which the hub never sends them) or every state's.
struct Seed<'a> {
    node: &'a Arc<Node>,
    signers: &'a HashMap<String, NodeSigner>,
    only: Option<&'a str>,
}

/// Stores `object`, signed by `party`'s node, as the step `step`.
async fn store(seed: &Seed<'_>, party: &str, mut object: Value, step: WorkflowStep) -> Result<()> {
    let (node, signers) = (seed.node, seed.signers);
    if seed.only.is_some_and(|o| o != party) {
        return Ok(());
    }
    let Some(signer) = signers.get(party) else {
        bail!("the demo has no key for {party}");
    };
    if let Some(o) = object.as_object_mut() {
        signer.sign_object(o)?;
    }
    let principal = crate::seed::cli_principal(node)?;
    let done = ingest_step(
        node,
        &principal,
        object,
        "demo-operations",
        Some(step),
        BasedOn::Anything,
    )
    .await?;
    if !done.ok {
        bail!("seeding the demo's operations ({party}): {}", done.message);
    }
    Ok(())
}

fn code(s: &str) -> Result<PartyCode> {
    Ok(PartyCode::parse(s)?)
}

/// Seeds the demo's exercises and consultations on `node`; with `only`, just what that state's
/// node made.
pub async fn demo_operations(
    node: &Arc<Node>,
    signers: &HashMap<String, NodeSigner>,
    only: Option<&str>,
) -> Result<()> {
    let seed = Seed {
        node,
        signers,
        only,
    };
    peace_mission_2010(&seed).await?;
    consultation_in_progress(&seed).await
}

async fn peace_mission_2010(seed: &Seed<'_>) -> Result<()> {
    let id = |n: u32| format!("x-entente-exercise--2010a0e5-{n:04x}-4c1d-8e2f-3a4b5c6d7e8f");
    let root = id(1);
    let plan: PlanInput = serde_json::from_value(json!({
        "name": "Peace Mission 2010",
        "kind": "exercise",
        "host": "KZ",
        "starts": "2010-09-09",
        "ends": "2010-09-25",
        "scenario": "Armed groups seize a town in southern Kazakhstan; the member states' forces free it and restore order together (Matybulak training range).",
        "objectives": [
            "Plan and command a joint counter-terrorism operation",
            "Coordinate air and ground forces of five states",
            "Share intelligence on the armed groups in real time",
        ],
        "participants": ["CN", "RU", "KG", "TJ"],
        "shared_with": "organization",
    }))?;
    let kz = code("KZ")?;
    let plan_object = x::plan_object(
        &root,
        &plan,
        &kz,
        "2010-06-01T09:00:00.000Z",
        "2010-06-01T09:00:00.000Z",
    );
    store(seed, "KZ", plan_object, ExerciseStep::Plan.into()).await?;
    let held = PlanHeld::new(kz.clone(), plan, "2010-06-01T09:00:00.000Z", 0)
        .map_err(|e| anyhow::anyhow!("the demo plan: {}", e.0))?;
    let mut n = 1;
    for (state, brings, personnel) in [
        (
            "KZ",
            "Ground forces, the range and the joint headquarters",
            1000,
        ),
        (
            "CN",
            "J-10 fighters, JH-7 bombers and airborne troops",
            1000,
        ),
        (
            "RU",
            "Su-25 ground attack aircraft and motorized infantry",
            1000,
        ),
        ("KG", "A mountain infantry company", 150),
        ("TJ", "A special forces company", 150),
    ] {
        n += 1;
        let at = "2010-08-01T09:00:00.000Z";
        let o = x::contribution_object(
            &id(n),
            &root,
            &held,
            &code(state)?,
            &ContributionInput {
                brings: brings.into(),
                personnel,
            },
            at,
            at,
        );
        store(seed, state, o, ExerciseStep::Join.into()).await?;
    }
    let item = |title: &str, owner: &str, due: &str, closed: Option<&str>| Item {
        title: title.into(),
        owner: owner.into(),
        due: due.into(),
        closed: closed.map(str::to_owned),
    };
    for (state, shared_with, summary, strengths, improvements, items) in [
        (
            "KZ",
            "organization",
            "The joint force freed the town on the fourth day; every objective was met.",
            "A single joint headquarters; the range's logistics.",
            "Radio links between the air and ground components were patchy.",
            vec![
                item(
                    "Common radio frequencies for joint air support",
                    "KZ Ministry of Defence, signals directorate",
                    "2011-06-01",
                    Some("2011-05-20"),
                ),
                item(
                    "A liaison officer of each state at the joint headquarters",
                    "KZ General Staff",
                    "2012-06-01",
                    None,
                ),
            ],
        ),
        (
            "CN",
            "host",
            "The air group arrived a day late because of overflight permits.",
            "Precision strikes on schedule once in theatre.",
            "Overflight permits requested too late.",
            vec![item(
                "Overflight permits agreed three months ahead",
                "CN Central Military Commission, air operations",
                "2011-03-01",
                None,
            )],
        ),
        (
            "RU",
            "participants",
            "Motorized infantry and ground attack aircraft worked to a common plan.",
            "Close air support.",
            "Maps in one datum for every state.",
            Vec::new(),
        ),
    ] {
        n += 1;
        let at = "2010-10-15T09:00:00.000Z";
        let o = x::section_object(
            &id(n),
            &root,
            &held,
            &code(state)?,
            &SectionInput {
                summary: summary.into(),
                strengths: strengths.into(),
                improvements: improvements.into(),
                items,
                shared_with: shared_with.into(),
            },
            at,
            at,
        );
        store(seed, state, o, ExerciseStep::Report.into()).await?;
    }
    Ok(())
}

async fn consultation_in_progress(seed: &Seed<'_>) -> Result<()> {
    let now = seed.node.now_us().saturating_mul(1000);
    const HOUR: i64 = 3_600_000_000_000;
    let at = |ns: i64| Timestamp::from_nanos(ns).to_stix_string();
    let root = "x-entente-consultation--6b1f0c2d-0001-4e3a-9b8c-7d6e5f4a3b2c";
    let conference = "x-entente-consultation--6b1f0c2d-0002-4e3a-9b8c-7d6e5f4a3b2c";
    let request: RequestInput = serde_json::from_value(json!({
        "title": "Armed incursion and floods in the Batken region",
        "situation": "An armed group crossed into the Batken region during floods that cut the roads; two villages are cut off and the border posts need reinforcing.",
        "location": {"name": "Batken", "country": "KG", "latitude": 40.06, "longitude": 70.82},
        "help": ["forces", "equipment", "intelligence"],
        "urgency": "immediate",
    }))?;
    let kg = code("KG")?;
    let hub = code("SECRETARIAT")?;
    // Told to the member states, so that every member's node shows the request itself.
    let told: Vec<PartyCode> = ["CN", "KZ", "RU", "TJ", "UZ", "IN", "PK"]
        .iter()
        .map(|s| code(s))
        .collect::<Result<_>>()?;
    let asked = at(now - 2 * HOUR);
    let o = c::request_object(root, &request, &kg, &told, &BTreeMap::new(), &asked, &asked);
    store(seed, "KG", o, ConsultationStep::Request.into()).await?;
    let invited: Vec<PartyCode> = ["CN", "IN", "KG", "KZ", "PK", "RU", "TJ", "UZ"]
        .iter()
        .map(|s| code(s))
        .collect::<Result<_>>()?;
    let convened = at(now - HOUR);
    let input = ConveneInput {
        also_invited: Vec::new(),
        place: Some("RATS Executive Committee, Tashkent".into()),
        video_link: None,
        meets_at: at(now + 30 * HOUR),
        answer_by: at(now + 22 * HOUR),
    };
    let o = c::conference_object(
        conference, &hub, root, &request, &kg, &invited, &input, None, &convened, &convened,
    );
    store(seed, "SECRETARIAT", o, ConsultationStep::Convene.into()).await?;
    let answered = at(now - HOUR / 2);
    let cn_offer = Answer::Offer {
        lines: vec![
            OfferLine {
                kind: "equipment".into(),
                description: "Engineering vehicles to reopen the roads".into(),
                quantity: 12,
                unit: "vehicles".into(),
                conditions: "Transit through Kazakhstan agreed by the requesting state".into(),
                available_from: Timestamp::from_nanos(now + 24 * HOUR).to_stix_string()[..10]
                    .to_owned(),
                duration_days: 30,
            },
            OfferLine {
                kind: "intelligence".into(),
                description: "Imagery of the border area, daily".into(),
                quantity: 1,
                unit: "daily report".into(),
                conditions: String::new(),
                available_from: Timestamp::from_nanos(now).to_stix_string()[..10].to_owned(),
                duration_days: 14,
            },
        ],
    };
    let o = c::response_object(
        "x-entente-response--6b1f0c2d-0003-4e3a-9b8c-7d6e5f4a3b2c",
        root,
        &code("CN")?,
        &kg,
        &cn_offer,
        &answered,
    );
    store(seed, "CN", o, ConsultationStep::Respond.into()).await?;
    let ru_attends = Answer::Attend {
        delegates: vec!["Deputy Director, Federal Security Service".into()],
    };
    let o = c::response_object(
        "x-entente-response--6b1f0c2d-0004-4e3a-9b8c-7d6e5f4a3b2c",
        root,
        &code("RU")?,
        &kg,
        &ru_attends,
        &answered,
    );
    store(seed, "RU", o, ConsultationStep::Respond.into()).await
}
