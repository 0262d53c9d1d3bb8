//! One warning's thread as a principal sees it: its versions and the objects of its life, the
//! status derived from them and the clock, and the view the REST API answers.

use super::objects::{extensions_count_of, role_of, stage_of, WARNING_TYPE};
use crate::Part;
use entente_core::warning::{self, Kind, Status, Verdict};
use entente_core::{AccessLabel, PartyCode, Viewer};
use entente_stix::Timestamp;
use serde_json::{json, Value};

/// Everything of one warning a principal may see.
#[derive(Debug, Clone, Default)]
pub struct Thread {
    pub versions: Vec<Part>,
    pub reviews: Vec<Part>,
    pub acknowledgements: Vec<Part>,
    pub hits: Vec<Part>,
    pub follow_ups: Vec<Part>,
    /// The issuing node's reminders that the review date nears (they stay on that node).
    pub reminders: Vec<Part>,
}

impl Thread {
    /// The thread under `root` from the parts a principal may see: the root's versions (the
    /// issuer's alone) and each object of its life by its role. `None` without a version.
    pub fn of(root: &str, parts: Vec<Part>) -> Option<Thread> {
        let mut thread = Thread::default();
        for part in parts {
            match (part.object_type(), role_of(&part.object)) {
                (WARNING_TYPE, _) if part.id() == root => thread.versions.push(part),
                ("opinion", Some("review")) => thread.reviews.push(part),
                ("note", Some("acknowledgement")) => thread.acknowledgements.push(part),
                ("note", Some("follow-up")) => thread.follow_ups.push(part),
                ("note", Some("reminder")) => thread.reminders.push(part),
                ("sighting", _) => thread.hits.push(part),
                _ => {}
            }
        }
        // The warning's versions are the issuer's alone: another party's object of the warning's
        // type and id cannot be stored (the write policy), but keep only the first originator's.
        let issuer = thread.issuer()?.clone();
        thread.versions.retain(|v| v.originator == issuer);
        Some(thread)
    }

    /// The issuer: the originator of the warning's versions.
    pub fn issuer(&self) -> Option<&PartyCode> {
        self.versions.first().map(|v| &v.originator)
    }

    pub fn latest(&self) -> Option<&Part> {
        self.versions.iter().max_by_key(|v| v.version_ns)
    }

    /// The status at `now_ns`, from the issuer's versions and the secretariat's reviews.
    pub fn status(&self, now_ns: i64) -> Option<warning::Derived> {
        let versions: Vec<warning::Version> = self
            .versions
            .iter()
            .filter_map(|v| {
                Some(warning::Version {
                    modified_ns: v.version_ns,
                    stage: stage_of(&v.object).ok()?,
                    review_date_ns: Timestamp::parse(v.object.get("review_date")?.as_str()?)
                        .ok()?
                        .nanos(),
                })
            })
            .collect();
        let reviews: Vec<warning::Review> = self
            .reviews
            .iter()
            .filter(|r| r.originator.is_secretariat())
            .filter_map(|r| {
                let ext = entente_stix::extension::entente_extension(&r.object)?;
                let reviewed = ext.get("warning")?.get("reviewed_version")?.as_str()?;
                let verdict = match r.object.get("opinion")?.as_str()? {
                    "agree" | "strongly-agree" => Verdict::Accepted,
                    "disagree" | "strongly-disagree" => Verdict::Refused,
                    _ => return None,
                };
                Some(warning::Review {
                    reviewed_version_ns: Timestamp::parse(reviewed).ok()?.nanos(),
                    verdict,
                    at_ns: r.version_ns,
                })
            })
            .collect();
        warning::derive(&versions, &reviews, now_ns)
    }
}

/// The states a published version reaches, by the access policy: every party of the charter but
/// the issuer and the secretariat whose node the issuer's node would send it to.
pub fn addressed_states(
    charter: &entente_core::Charter,
    issuer: &PartyCode,
    label: &AccessLabel,
) -> Vec<String> {
    charter
        .parties()
        .filter(|p| p.code != *issuer && !p.code.is_secretariat())
        .filter(|p| {
            entente_core::may_see(
                &Viewer::Node {
                    party: p.code.clone(),
                    tier: p.tier,
                    holder: issuer.clone(),
                },
                label,
            )
        })
        .map(|p| p.code.to_string())
        .collect()
}

/// A warning as a principal sees it: its latest visible version, its derived status, and the
/// parts of its life the principal may see. For the issuer, a published warning also says which
/// addressed states have not acknowledged it yet.
pub fn view(
    id: &str,
    thread: &Thread,
    now_ns: i64,
    detail: bool,
    charter: &entente_core::Charter,
    viewer: &Viewer,
) -> Option<Value> {
    let latest = thread.latest()?;
    let derived = thread.status(now_ns)?;
    let status = derived.status;
    let mut v = json!({
        "id": id,
        "issuer": latest.originator.as_str(),
        "kind": latest.object.get("kind"),
        "colour": latest.object.get("kind").and_then(Value::as_str).and_then(|k| Kind::parse(k).ok()).map(Kind::colour),
        "title": latest.object.get("title"),
        "status": status.as_str(),
        "active": status.is_active(),
        "review_date": latest.object.get("review_date"),
        "extensions_count": extensions_count_of(&latest.object),
        "modified": latest.object.get("modified"),
        "acknowledged_by": thread.acknowledgements.iter().map(|a| a.originator.as_str()).collect::<std::collections::BTreeSet<_>>(),
        "hits": thread.hits.len(),
    });
    if status == Status::Published && viewer.party() == Some(&latest.originator) {
        let acknowledged: Vec<&str> = thread
            .acknowledgements
            .iter()
            .map(|a| a.originator.as_str())
            .collect();
        v["awaiting_acknowledgement"] =
            json!(addressed_states(charter, &latest.originator, &latest.label)
                .into_iter()
                .filter(|s| !acknowledged.contains(&s.as_str()))
                .collect::<Vec<_>>());
    }
    if detail {
        v["warning"] = Value::Object(latest.object.clone());
        v["versions"] = json!(thread
            .versions
            .iter()
            .map(|p| json!({
                "modified": p.object.get("modified"), "stage": p.object.get("stage"),
            }))
            .collect::<Vec<_>>());
        v["reviews"] = json!(thread.reviews.iter().filter(|r| r.originator.is_secretariat()).map(|r| json!({
            "id": r.id(),
            "verdict": match r.object.get("opinion").and_then(Value::as_str) { Some("agree" | "strongly-agree") => "accepted", _ => "refused" },
            "reasons": r.object.get("explanation"),
            "reviewed_version": entente_stix::extension::entente_extension(&r.object).and_then(|e| e.get("warning")).and_then(|w| w.get("reviewed_version")),
            "at": r.object.get("modified"),
        })).collect::<Vec<_>>());
        v["hit_reports"] = json!(thread.hits.iter().map(|h| json!({
            "id": h.id(), "by": h.originator.as_str(),
            "when": h.object.get("first_seen"),
            "location": entente_stix::extension::entente_extension(&h.object).and_then(|e| e.get("warning")).and_then(|w| w.get("location")),
            "action_taken": entente_stix::extension::entente_extension(&h.object).and_then(|e| e.get("warning")).and_then(|w| w.get("action_taken")),
            "description": h.object.get("description"),
        })).collect::<Vec<_>>());
        v["reminders"] = json!(thread.reminders.iter().map(|r| {
            let w = entente_stix::extension::entente_extension(&r.object).and_then(|e| e.get("warning"));
            json!({"days": w.and_then(|w| w.get("days")), "review_date": w.and_then(|w| w.get("review_date")), "at": r.object.get("modified")})
        }).collect::<Vec<_>>());
        let mut follow_ups: Vec<&Part> = thread.follow_ups.iter().collect();
        follow_ups.sort_by_key(|p| p.version_ns);
        v["thread"] = json!(follow_ups.iter().map(|f| json!({
            "id": f.id(), "by": f.originator.as_str(),
            "hit": entente_stix::extension::entente_extension(&f.object).and_then(|e| e.get("warning")).and_then(|w| w.get("hit")),
            "message": f.object.get("content"), "at": f.object.get("modified"),
        })).collect::<Vec<_>>());
    }
    Some(v)
}

/// Whether `status` is one a list asks for by `filter` (`active`: published and not expired).
pub fn status_matches(status: Status, filter: &str) -> bool {
    match filter {
        "active" => status.is_active(),
        "all" => true,
        other => other.split(',').any(|s| s.trim() == status.as_str()),
    }
}
