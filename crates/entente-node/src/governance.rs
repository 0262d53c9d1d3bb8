//! The organization's decisions in the node: deriving the effective charter again whenever a
//! decision or ballot is stored or a deadline passes ([`refresh`], [`spawn`]), and the steps the
//! REST API and the web UI share ([`propose`], [`decisions`]). The rules are
//! `entente_workflow::decision`'s; the state is `crate::effective`'s.
//!
//! Every node holding the same decisions and ballots derives the same effective charter: it is a
//! function of those objects and the clock (`entente_workflow::decision::effects`). What it
//! changes takes effect at once on the next request: a peer's tier in the access policy (a state
//! admitted as a member is sent member-only AMBER from then on; a suspended state is refused), the
//! node's own tier for its users, the keys signatures are checked against, and the unified list
//! screening matches.

use crate::auth::{node_principal, Principal};
use crate::effective::Current;
use crate::error::NodeError;
use crate::node::Node;
use crate::workflow::{self, Taken};
use entente_workflow::decision::{
    effects, Action, Applications, Decisions, Effect, ProposalInput, Status, Thread,
};
use entente_workflow::{Invalid, Refusal};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Derives the effective charter again from every decision the node holds, if anything changed
/// since it was last derived or a deadline passed (`force`: in any case). Only the decision and
/// ballot rows added since the last derivation are read; the threads they touch are built again,
/// and every outcome is derived at the clock. Answers what is current.
pub async fn refresh(node: &Arc<Node>, force: bool) -> Result<Arc<Current>, NodeError> {
    let state = &node.effective;
    if !force && !state.stale(node.now_ns()) {
        return Ok(state.current());
    }
    let mut parts = state.deriving.lock().await;
    if !force && !state.stale(node.now_ns()) {
        return Ok(state.current());
    }
    let generation = state.generation();
    let Some(principal) = node_principal(node) else {
        return Ok(state.current());
    };
    let before = state.current();
    let touched = read_new(node, &principal, &mut parts).await?;
    let mut threads: BTreeMap<String, Arc<Thread>> = before
        .decisions
        .iter()
        .filter(|(id, _)| !touched.contains(*id))
        .map(|(id, h)| (id.clone(), Arc::clone(&h.thread)))
        .collect();
    for root in &touched {
        let Some(held) = parts.by_root.get(root) else {
            continue;
        };
        if let Some(t) = Thread::of(root, held.clone()) {
            threads.insert(root.clone(), Arc::new(t));
        }
    }
    let now = node.now_ns();
    let effective = effects::effective(&node.charter, threads.values().map(|t| t.as_ref()), now);
    let decisions: BTreeMap<String, crate::effective::Held> = threads
        .into_iter()
        .map(|(id, thread)| {
            let outcome = thread.outcome(now);
            let standing = effective.disregarded.get(&id);
            let summary = match before.decisions.get(&id) {
                Some(prev)
                    if Arc::ptr_eq(&prev.thread, &thread)
                        && *prev.outcome == outcome
                        && before.effective.disregarded.get(&id) == standing =>
                {
                    Arc::clone(&prev.summary)
                }
                _ => {
                    let mut v = entente_workflow::decision::summary(&thread, &outcome);
                    if let Some(why) = standing {
                        v["disregarded"] = serde_json::json!(why);
                    }
                    Arc::from(v.to_string())
                }
            };
            let held = crate::effective::Held {
                thread,
                outcome: Arc::new(outcome),
                summary,
            };
            (id, held)
        })
        .collect();
    let keyring = Current::keyring_of(
        &effective.charter,
        (&node.party, node.signer.verifying_key()),
    );
    let unified_changed = before.effective.unified != effective.unified;
    let tiers_changed = before
        .charter()
        .parties()
        .map(|p| (p.code.clone(), p.tier, p.suspended))
        .ne(effective
            .charter
            .parties()
            .map(|p| (p.code.clone(), p.tier, p.suspended)));
    // A decision that closed since the last derivation (by a ballot or its deadline) is told to
    // the event streams as an outcome.
    let was_open = |id: &str| {
        before
            .decisions
            .get(id)
            .is_some_and(|h| h.outcome.status == Status::Open)
    };
    let told: Vec<crate::stream_hub::Told> = decisions
        .iter()
        .filter(|(id, h)| was_open(id) && h.outcome.status != Status::Open)
        .map(|(id, h)| {
            let o = &h.outcome;
            crate::stream_hub::Told {
                kind: "outcome",
                data: serde_json::json!({
                    "decision": id, "status": o.status.as_str(),
                    "closed": o.closed_ns.map(|c| entente_stix::Timestamp::from_nanos(c).to_stix_string()),
                    "effect": h.thread.effect().kind(),
                })
                .to_string(),
                label: h.thread.label.clone(),
                object: format!("{id}@{}", h.thread.latest_ns),
            }
        })
        .collect();
    state.set(Current {
        effective,
        keyring,
        generation,
        at_ns: now,
        decisions: Arc::new(decisions),
    });
    node.events.tell(told);
    if unified_changed {
        node.screening.changed();
    }
    if tiers_changed {
        // Cached principals carry the tier they were authenticated with; where a peer's empty
        // scans ended says nothing once what it may see changed.
        if let Ok(mut cache) = node.basic_cache.0.lock() {
            cache.clear();
        }
        node.pull_resume.clear();
        // This node's own tier changed: what its peers withheld from it before may reach it
        // now, so every link pulls again from the start (duplicates are no-ops).
        let own = |c: &entente_core::Charter| c.tier_of(&node.party);
        if own(before.charter()) != own(&state.current().effective.charter) {
            for link in node.store.peer_links().await? {
                node.store.reset_peer_cursor(&link.party).await?;
                if let Ok(p) = entente_core::PartyCode::parse(&link.party) {
                    node.signals.poke(&p);
                }
            }
            tracing::info!("this node's tier changed: every peer link pulls again from the start");
        }
        tracing::info!("the effective charter changed: tiers or suspensions");
    }
    Ok(state.current())
}

/// Reads the decision and ballot rows added since the last derivation into `parts`; answers the
/// roots they belong to.
async fn read_new(
    node: &Arc<Node>,
    principal: &Principal,
    parts: &mut crate::effective::Parts,
) -> Result<std::collections::BTreeSet<String>, NodeError> {
    use entente_workflow::Life;
    let query = entente_store::read::Query {
        types: Decisions.types().iter().map(|t| (*t).to_owned()).collect(),
        versions: entente_store::read::VersionMatch::all(),
        spec_version_matches: true,
        root: Some(entente_store::Root::Any),
        ..Default::default()
    };
    let mut touched = std::collections::BTreeSet::new();
    loop {
        let page = crate::read::page(node, principal, &query, parts.after_seq, 2000, true).await?;
        for row in &page.rows {
            let Some(part) = crate::read::part_of(row) else {
                continue;
            };
            let Some(root) = Decisions.root_of(&row.object_type, &part.object) else {
                continue;
            };
            touched.insert(root.clone());
            parts.by_root.entry(root).or_default().push(part);
        }
        if let Some(last) = page.last_row {
            parts.after_seq = Some(last);
        }
        if !page.more {
            break;
        }
    }
    Ok(touched)
}

/// Derives the effective charter whenever a decision or ballot is stored, and when the next
/// deadline passes (at least every `every`).
pub fn spawn(node: Arc<Node>, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let wait = node
                .effective
                .current()
                .effective
                .next_change_ns
                .map(|n| {
                    let ns = n.saturating_sub(node.now_ns()).max(0);
                    std::time::Duration::from_nanos(u64::try_from(ns).unwrap_or(0))
                })
                .map_or(every, |d| d.min(every));
            tokio::select! {
                _ = node.effective.changed.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
            if let Err(e) = refresh(&node, false).await {
                tracing::warn!(error = ?e, "deriving the effective charter failed; will retry");
            }
        }
    })
}

/// Proposes a decision. An `admit` effect may name only its application (`application_ref`): the
/// application, as the proposer may see it, gives the rest.
pub async fn propose(
    node: &Arc<Node>,
    principal: &Principal,
    mut input: ProposalInput,
) -> Result<Taken, NodeError> {
    let admits = input.effect.get("kind").and_then(|k| k.as_str()) == Some("admit");
    if admits && input.effect.get("state").is_none() {
        let app = input
            .effect
            .get("application_ref")
            .and_then(|a| a.as_str())
            .ok_or_else(|| {
                NodeError::Workflow(Refusal::Invalid(Invalid::from(
                    "an `admit` effect names the application: `effect.application_ref`",
                )))
            })?
            .to_owned();
        let application = workflow::thread(node, principal, &Applications, &app)
            .await
            .map_err(|e| match e {
                NodeError::NotFound => NodeError::Workflow(Refusal::Invalid(Invalid(format!(
                    "`effect.application_ref`: no application `{app}` you may see"
                )))),
                other => other,
            })?;
        input.effect = application.effect().to_json();
    }
    refresh(node, false).await?;
    let taken = workflow::take(node, principal, &Decisions, None, Action::Propose(input)).await?;
    refresh(node, false).await?;
    Ok(taken)
}

/// Takes a ballot or a withdrawal on `root`, then derives the effective charter again (so the
/// answer, and every request after it, sees the outcome's effect).
pub async fn step(
    node: &Arc<Node>,
    principal: &Principal,
    root: &str,
    action: Action,
) -> Result<Taken, NodeError> {
    refresh(node, false).await?;
    let taken = workflow::take(node, principal, &Decisions, Some(root), action).await?;
    refresh(node, false).await?;
    Ok(taken)
}

/// Which decisions a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub procedure: Option<String>,
    pub effect: Option<String>,
}

impl Filter {
    /// Checks the values against what exists, naming the one that does not.
    pub fn check(&self) -> Result<(), NodeError> {
        let bad = |what: &str, v: &str, all: &[&str]| {
            NodeError::Invalid(format!(
                "`{what}` is `{v}`; it is one of {}",
                all.join(", ")
            ))
        };
        const STATUSES: [&str; 5] = ["open", "adopted", "rejected", "lapsed", "withdrawn"];
        const PROCEDURES: [&str; 3] = ["consensus", "silence", "consensus-minus-one"];
        if let Some(s) = self.status.as_deref().filter(|s| !STATUSES.contains(s)) {
            return Err(bad("status", s, &STATUSES));
        }
        if let Some(p) = self
            .procedure
            .as_deref()
            .filter(|p| !PROCEDURES.contains(p))
        {
            return Err(bad("procedure", p, &PROCEDURES));
        }
        if let Some(e) = self
            .effect
            .as_deref()
            .filter(|e| !Effect::KINDS.contains(e))
        {
            return Err(bad("effect", e, &Effect::KINDS));
        }
        Ok(())
    }

    fn keeps(&self, h: &crate::effective::Held) -> bool {
        let t = &h.thread;
        self.status
            .as_deref()
            .is_none_or(|s| h.outcome.status.as_str() == s)
            && self.procedure.as_deref().is_none_or(|p| {
                entente_workflow::decision::objects::procedure_name(&t.terms.procedure) == p
            })
            && self
                .effect
                .as_deref()
                .is_none_or(|e| t.effect().kind() == e)
    }
}

/// The decisions the principal may see that the filter keeps, newest first, each as a summary
/// with its status and tally: answered from the decisions the node derived last (every one it
/// holds, with its outcome), each kept only if the access policy lets the principal see it — no
/// read of the store when nothing changed.
pub async fn decisions(
    node: &Arc<Node>,
    principal: &Principal,
    filter: &Filter,
) -> Result<Vec<serde_json::Value>, NodeError> {
    filter.check()?;
    let current = refresh(node, false).await?;
    // The summaries serialized when the outcomes were derived, read back.
    Ok(kept(&current, principal, filter)
        .into_iter()
        .filter_map(|h| serde_json::from_str(&h.summary).ok())
        .collect())
}

/// The decisions held that the principal may see and the filter keeps, newest first.
fn kept<'a>(
    current: &'a Current,
    principal: &Principal,
    filter: &Filter,
) -> Vec<&'a crate::effective::Held> {
    let mut kept: Vec<&crate::effective::Held> = current
        .decisions
        .values()
        .filter(|h| entente_core::may_see(&principal.viewer, &h.thread.label) && filter.keeps(h))
        .collect();
    kept.sort_by(|a, b| {
        (b.thread.terms.opened, &b.thread.id).cmp(&(a.thread.terms.opened, &a.thread.id))
    });
    kept
}

/// [`decisions`] as the body the API answers (`{"decisions": [...]}`), joined from the summaries
/// serialized when the outcomes were derived; with the ids listed, for the audit.
pub async fn decisions_body(
    node: &Arc<Node>,
    principal: &Principal,
    filter: &Filter,
) -> Result<(String, Vec<String>), NodeError> {
    filter.check()?;
    let current = refresh(node, false).await?;
    let kept = kept(&current, principal, filter);
    let mut body =
        String::with_capacity(kept.iter().map(|h| h.summary.len() + 1).sum::<usize>() + 16);
    body.push_str("{\"decisions\":[");
    for (i, h) in kept.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&h.summary);
    }
    body.push_str("]}");
    Ok((body, kept.iter().map(|h| h.thread.id.clone()).collect()))
}

/// One decision's view, or 404.
pub async fn decision(
    node: &Arc<Node>,
    principal: &Principal,
    id: &str,
) -> Result<serde_json::Value, NodeError> {
    let t = workflow::thread(node, principal, &Decisions, id).await?;
    let disregarded = node.effective.current().effective.disregarded.clone();
    Ok(with_standing(
        entente_workflow::decision::view(&t, node.now_ns()),
        &disregarded,
    ))
}

fn with_standing(
    mut v: serde_json::Value,
    disregarded: &BTreeMap<String, &'static str>,
) -> serde_json::Value {
    if let Some(why) = v["id"].as_str().and_then(|id| disregarded.get(id)) {
        v["disregarded"] = serde_json::json!(why);
    }
    v
}

/// The effective charter as the API shows it: each party with its tier (and whether suspended),
/// the presidency and the decisions that made it.
pub fn charter_json(c: &Current, now_ns: i64) -> serde_json::Value {
    let charter = c.charter();
    let year = entente_stix::Timestamp::from_nanos(now_ns)
        .to_stix_string()
        .get(..4)
        .and_then(|y| y.parse::<i32>().ok())
        .unwrap_or(charter.presidency_epoch_year);
    serde_json::json!({
        "name": charter.name,
        "abbreviation": charter.abbreviation,
        "parties": charter.parties().map(|p| serde_json::json!({
            "code": p.code.as_str(), "name": p.name, "tier": p.tier.as_str(),
            "suspended": p.suspended, "has_key": p.key.is_some(),
        })).collect::<Vec<_>>(),
        "members": charter.members().iter().map(|m| m.as_str().to_owned()).collect::<Vec<_>>(),
        "min_silence_hours": charter.min_silence_hours,
        "remind_hours": charter.remind_hours,
        "presidency": presidency_json(charter, year),
        "unified_list": c.effective.unified.iter().map(|(e, d)| serde_json::json!({"entry": e, "decision": d})).collect::<Vec<_>>(),
        "documents": charter.adopted.iter().filter(|(e, _)| e.starts_with("x-entente-document--")).map(|(e, d)| serde_json::json!({"document": e, "decision": d})).collect::<Vec<_>>(),
        "programmes": charter.adopted.iter().filter(|(e, _)| e.starts_with("x-entente-programme--")).map(|(e, d)| serde_json::json!({"programme": e, "decision": d})).collect::<Vec<_>>(),
        "decisions_applied": c.effective.applied.iter().map(|(d, at)| serde_json::json!({"decision": d, "closed": entente_stix::Timestamp::from_nanos(*at).to_stix_string()})).collect::<Vec<_>>(),
    })
}

/// The presidency: the order, and who presides this year and the next ones.
pub fn presidency_json(charter: &entente_core::Charter, year: i32) -> serde_json::Value {
    serde_json::json!({
        "order": charter.presidency_order.iter().map(|p| p.as_str().to_owned()).collect::<Vec<_>>(),
        "epoch_year": charter.presidency_epoch_year,
        "year": year,
        "presiding": charter.presiding(year).map(|p| p.as_str().to_owned()),
        "terms": (year..year + charter.presidency_order.len().max(1) as i32)
            .map(|y| serde_json::json!({"year": y, "presiding": charter.presiding(y).map(|p| p.as_str().to_owned())}))
            .collect::<Vec<_>>(),
    })
}

/// Takes a step of a workflow whose rules read the effective charter (documents, programmes,
/// applications): derived again first if anything changed, so the step sees every adoption.
pub async fn take_in<W: entente_workflow::Workflow>(
    node: &Arc<Node>,
    principal: &Principal,
    workflow: &W,
    root: Option<&str>,
    action: W::Action,
) -> Result<Taken, NodeError> {
    refresh(node, false).await?;
    workflow::take(node, principal, workflow, root, action).await
}
