//! Workflows in the node: one generic "load the threads a principal may see" ([`threads`],
//! [`thread`]), "take a step" ([`take`]) and "do what falls due" ([`run_due`], [`spawn_due`]) for
//! every [`Workflow`] of `entente-workflow`, whose rules are pure. What is I/O is here: reading
//! through the access policy (by the stored root index), taking the step's turn on its root,
//! the clock and the ids, and storing each planned object through ingest, where the write policy
//! decides again under the store's writer lock.

use crate::auth::Principal;
use crate::error::NodeError;
use crate::ingest::{ingest_step, ObjectResult};
use crate::node::Node;
use entente_core::Viewer;
use entente_store::read::{Query, VersionMatch};
use entente_store::{BasedOn, Root};
use entente_workflow::{Actor, Basis, Context, Ids, Part, Refusal, Workflow};
use std::collections::BTreeMap;
use std::sync::Arc;

/// New ids from a random UUID (version 4).
pub struct RandomIds;

impl Ids for RandomIds {
    fn id(&mut self, object_type: &str) -> String {
        format!("{object_type}--{}", uuid::Uuid::new_v4())
    }
}

/// Every thread of `workflow` the principal may see, by root, with the parts of each it may see;
/// with `only`, just that one. Read by the stored root index, through the access policy.
pub async fn threads<W: Workflow>(
    node: &Node,
    principal: &Principal,
    workflow: &W,
    only: Option<&str>,
) -> Result<BTreeMap<String, W::Thread>, NodeError> {
    let query = Query {
        types: workflow.types().iter().map(|t| (*t).to_owned()).collect(),
        versions: VersionMatch::all(),
        spec_version_matches: true,
        root: Some(match only {
            Some(id) => Root::Of(id.to_owned()),
            None => Root::Any,
        }),
        ..Default::default()
    };
    let mut parts: BTreeMap<String, Vec<Part>> = BTreeMap::new();
    let mut after = None;
    loop {
        let page = crate::read::page(node, principal, &query, after, 2000, true).await?;
        for row in &page.rows {
            let Some(part) = crate::read::part_of(row) else {
                continue;
            };
            let Some(root) = workflow.root_of(&row.object_type, &part.object) else {
                continue;
            };
            if only.is_none_or(|o| o == root) {
                parts.entry(root).or_default().push(part);
            }
        }
        after = page.last_row;
        if !page.more {
            break;
        }
    }
    Ok(parts
        .into_iter()
        .filter_map(|(root, parts)| {
            let thread = workflow.thread(&root, parts)?;
            Some((root, thread))
        })
        .collect())
}

/// The thread under `root` the principal may see, or 404 (absent and invisible alike).
pub async fn thread<W: Workflow>(
    node: &Node,
    principal: &Principal,
    workflow: &W,
    root: &str,
) -> Result<W::Thread, NodeError> {
    if !root.starts_with(&format!("{}--", workflow.root_type())) {
        return Err(NodeError::NotFound);
    }
    threads(node, principal, workflow, Some(root))
        .await?
        .remove(root)
        .ok_or(NodeError::NotFound)
}

/// Who takes a step: only a user of a node (the node itself acting under its reserved name).
fn actor_of<W: Workflow>(principal: &Principal, workflow: &W) -> Result<Actor, Refusal> {
    match &principal.viewer {
        Viewer::User { user, role, .. } => Ok(Actor {
            party: user.party().clone(),
            role: *role,
        }),
        _ => Err(Refusal::NotAUser {
            workflow: workflow.name(),
        }),
    }
}

/// What a step did: the root of its thread and the first object it wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub root: String,
    pub made: Option<String>,
}

/// What became of one planned object: stored, or the refusal that says why not.
fn stored(r: ObjectResult) -> Result<(), NodeError> {
    match (r.ok, r.refusal) {
        (true, _) => Ok(()),
        (false, Some(refusal)) => Err(NodeError::Refused(refusal)),
        (false, None) => Err(NodeError::Workflow(Refusal::Invalid(r.message.into()))),
    }
}

fn based_on(b: Basis) -> BasedOn {
    match b {
        Basis::Nothing => BasedOn::Nothing,
        Basis::Latest(ns) => BasedOn::Latest(ns),
    }
}

/// Takes `action` on the thread under `root` (`None`: an action that starts one), for the
/// principal: what the workflow refuses before reading is refused first; then, holding the
/// root's turn (steps on one thread are taken one at a time), the thread is read as the principal
/// may see it, the workflow plans, and each planned object is stored through ingest.
pub async fn take<W: Workflow>(
    node: &Arc<Node>,
    principal: &Principal,
    workflow: &W,
    root: Option<&str>,
    action: W::Action,
) -> Result<Taken, NodeError> {
    let actor = actor_of(principal, workflow)?;
    let current = node.effective.current();
    let ctx = Context {
        here: &node.party,
        actor: &actor,
        now_ns: node.now_ns(),
        charter: current.charter(),
    };
    workflow.admit(&ctx, &action)?;
    let _turn = match root {
        Some(r) => node.turns.take(r).await,
        None => None,
    };
    let held = match root {
        Some(r) => Some((r, thread(node, principal, workflow, r).await?)),
        None => None,
    };
    let ctx = Context {
        now_ns: node.now_ns(),
        ..ctx
    };
    let plan = workflow.plan(
        &ctx,
        held.as_ref().map(|(r, t)| (*r, t)),
        action,
        &mut RandomIds,
    )?;
    let made = plan.made().map(str::to_owned);
    for write in plan.writes {
        let r = ingest_step(
            node,
            principal,
            write.object,
            write.audit,
            Some(write.step),
            based_on(write.based_on),
        )
        .await?;
        stored(r)?;
    }
    Ok(Taken {
        root: plan.root,
        made,
    })
}

/// Does what falls due now on every thread of `workflow` the node holds (reminders, deadlines),
/// as the node itself. Answers how many objects it wrote.
pub async fn run_due<W: Workflow>(node: &Arc<Node>, workflow: &W) -> Result<usize, NodeError> {
    let Some(principal) = crate::auth::node_principal(node) else {
        return Ok(0);
    };
    let actor = actor_of(&principal, workflow)?;
    let mut written = 0;
    for (root, thread) in threads(node, &principal, workflow, None).await? {
        let _turn = node.turns.take(&root).await;
        let current = node.effective.current();
        let ctx = Context {
            here: &node.party,
            actor: &actor,
            now_ns: node.now_ns(),
            charter: current.charter(),
        };
        for write in workflow.due(&ctx, &root, &thread, &mut RandomIds) {
            let audit = write.audit;
            let done = ingest_step(
                node,
                &principal,
                write.object,
                audit,
                Some(write.step),
                based_on(write.based_on),
            )
            .await?;
            if done.ok {
                written += 1;
                tracing::info!(workflow = workflow.name(), %root, action = audit, "did what fell due");
            }
        }
    }
    Ok(written)
}

/// Runs [`run_due`] every `every`, from now on.
pub fn spawn_due<W: Workflow + 'static>(
    node: Arc<Node>,
    workflow: W,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = run_due(&node, &workflow).await {
                tracing::warn!(workflow = workflow.name(), error = ?e, "doing what fell due failed; will retry");
            }
        }
    })
}
