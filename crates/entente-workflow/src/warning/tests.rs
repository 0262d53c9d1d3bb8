//! The rules of a warning's steps, table-driven and with no node: a small world holds the objects
//! written so far; each row takes a warning through a life to a status, then has an actor take an
//! action and says, by hand, what must come of it — the object written (by its audit name) or
//! the refusal (by its stable code).

use super::*;
use crate::test_support::Counted;
use crate::Actor;
use entente_core::{Charter, Role};
use serde_json::json;

const SCO: &str = include_str!("../../../../examples/sco.toml");
const DAY_NS: i64 = 86_400 * 1_000_000_000;
/// 2026-12-01T00:00:00Z.
const START_NS: i64 = 1_796_083_200 * 1_000_000_000;

fn code(s: &str) -> PartyCode {
    PartyCode::parse(s).unwrap()
}

fn input(kind: &str, review_in_days: i64, now_ns: i64) -> WarningInput {
    let review = Timestamp::from_nanos(now_ns + review_in_days * DAY_NS).to_stix_string();
    let subject = if kind == "threat" {
        json!({"category": "event", "description": "A cell plans to attack a compressor station."})
    } else {
        json!({"names": ["Abdulla Karimov", "Абдулла Каримов"], "birth_dates": ["1980-04"]})
    };
    serde_json::from_value(json!({
        "kind": kind, "title": "A test warning", "subject": subject,
        "legal_basis": "Shanghai Convention, art. 6", "issuing_authority": "National Security Committee",
        "action_requested": "Report any sighting", "contact": "Liaison office", "purpose": "Prevent an attack",
        "source": "Human source", "review_date": review,
        "grading": {"source": "B", "information": "2", "handling": ["H0"]}, "marking": "TLP:AMBER",
    }))
    .unwrap()
}

/// Everything written so far, as one party that sees it all would hold it (what each party may
/// see is the access policy's, tested in core).
struct World {
    charter: Charter,
    parts: Vec<Part>,
    now_ns: i64,
    ids: Counted,
    root: Option<String>,
}

impl World {
    fn new() -> World {
        World {
            charter: Charter::parse(SCO).unwrap(),
            parts: Vec::new(),
            now_ns: START_NS,
            ids: Counted(0),
            root: None,
        }
    }

    fn thread(&self) -> Option<Thread> {
        Thread::of(self.root.as_deref()?, self.parts.clone())
    }

    /// `party`'s user with `role`, on its own node, takes `action` on the world's warning.
    fn take(&mut self, party: &str, role: Role, action: Action) -> Result<Plan, Refusal> {
        self.now_ns += 1_000_000_000;
        let here = code(party);
        let actor = Actor {
            party: here.clone(),
            role,
        };
        let ctx = Context {
            here: &here,
            actor: &actor,
            now_ns: self.now_ns,
            charter: &self.charter,
        };
        let w = Warnings::default();
        w.admit(&ctx, &action)?;
        let thread = self.thread();
        let root = self.root.clone();
        let on = match (&root, &thread) {
            (Some(r), Some(t)) => Some((r.as_str(), t)),
            _ => None,
        };
        let plan = w.plan(&ctx, on, action, &mut self.ids)?;
        self.store(&here, &plan.writes);
        self.root.get_or_insert(plan.root.clone());
        Ok(plan)
    }

    fn store(&mut self, originator: &PartyCode, writes: &[Write]) {
        for w in writes {
            let o = w.object.as_object().unwrap().clone();
            // Each write passes what a node checks on entry.
            let label = label_of(originator, &o);
            Warnings::default()
                .check_entry(o["type"].as_str().unwrap(), &o, &label)
                .unwrap();
            let version_ns = Timestamp::parse(o["modified"].as_str().unwrap())
                .unwrap()
                .nanos();
            self.parts.push(Part {
                originator: originator.clone(),
                label,
                version_ns,
                object: o,
            });
        }
    }

    fn status(&self) -> Option<Status> {
        Some(self.thread()?.status(self.now_ns)?.status)
    }
}

fn label_of(originator: &PartyCode, o: &Map<String, Value>) -> AccessLabel {
    let marking =
        entente_core::Tlp::from_marking_ref(o["object_marking_refs"][0].as_str().unwrap()).unwrap();
    let audience = entente_stix::extension::entente_extension(o)
        .and_then(|e| e.get("audience"))
        .map(|a| entente_core::Audience::from_json(a).unwrap());
    AccessLabel::new(originator.clone(), marking, audience).unwrap()
}

const SUP: Role = Role::Supervisor;
const ANALYST: Role = Role::Analyst;

/// The lives a row starts from, each ending in the status named.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Start {
    Draft,
    Submitted,
    Refused,
    Accepted,
    Published,
    Cancelled,
    Expired,
}

fn reach(start: Start) -> World {
    let mut w = World::new();
    let ok = |r: Result<Plan, Refusal>| {
        r.unwrap();
    };
    ok(w.take("KZ", ANALYST, Action::Draft(input("threat", 100, START_NS))));
    let submit = |w: &mut World| w.take("KZ", SUP, Action::Submit);
    let review = |w: &mut World, verdict| {
        w.take(
            "SECRETARIAT",
            ANALYST,
            Action::Review {
                verdict,
                reasons: "Political in character".into(),
            },
        )
    };
    match start {
        Start::Draft => {}
        Start::Submitted => ok(submit(&mut w)),
        Start::Refused => {
            ok(submit(&mut w));
            ok(review(&mut w, Verdict::Refused));
        }
        Start::Accepted => {
            ok(submit(&mut w));
            ok(review(&mut w, Verdict::Accepted));
        }
        Start::Published | Start::Cancelled | Start::Expired => {
            ok(submit(&mut w));
            ok(review(&mut w, Verdict::Accepted));
            ok(w.take("KZ", SUP, Action::Publish));
            if start == Start::Cancelled {
                ok(w.take(
                    "KZ",
                    SUP,
                    Action::Cancel {
                        reason: "Arrested".into(),
                    },
                ));
            }
            if start == Start::Expired {
                w.now_ns += 101 * DAY_NS;
            }
        }
    }
    w
}

fn revise() -> Action {
    Action::Revise(input("threat", 90, START_NS))
}

fn extend(days: i64) -> Action {
    Action::Extend {
        review_date: Timestamp::from_nanos(START_NS + days * DAY_NS).to_stix_string(),
        justification: "A new assessment found it still needed".into(),
    }
}

fn hit() -> Action {
    Action::ReportHit(HitInput {
        when: Timestamp::from_nanos(START_NS).to_stix_string(),
        location: "Khorgos border crossing".into(),
        action_taken: "Detained".into(),
        details: None,
    })
}

fn accept() -> Action {
    Action::Review {
        verdict: Verdict::Accepted,
        reasons: String::new(),
    }
}

/// The table: from a status, who (party, role) takes which action, and what comes of it.
#[test]
fn every_step_from_every_status_by_every_kind_of_actor() {
    use Start::*;
    type Row = (
        Start,
        &'static str,
        Role,
        fn() -> Action,
        Result<&'static str, &'static str>,
    );
    let rows: Vec<Row> = vec![
        // The issuer revises a draft, a refused warning, a published one (an update).
        (Draft, "KZ", ANALYST, revise, Ok("warning-edit")),
        (Refused, "KZ", ANALYST, revise, Ok("warning-edit")),
        (Published, "KZ", SUP, revise, Ok("warning-update")),
        (Submitted, "KZ", SUP, revise, Err("step_not_allowed")),
        (Accepted, "KZ", SUP, revise, Err("step_not_allowed")),
        (Cancelled, "KZ", SUP, revise, Err("step_not_allowed")),
        // (The input is checked before the life: its review date is past by now.)
        (Expired, "KZ", SUP, revise, Err("invalid_input")),
        (Draft, "RU", SUP, revise, Err("not_the_issuer")),
        // Submitting commits the state: a supervisor, of the issuing node, from a draft.
        (Draft, "KZ", SUP, || Action::Submit, Ok("warning-submit")),
        (Draft, "KZ", ANALYST, || Action::Submit, Err("role_may_not")),
        (Draft, "RU", SUP, || Action::Submit, Err("not_the_issuer")),
        (
            Submitted,
            "KZ",
            SUP,
            || Action::Submit,
            Err("step_not_allowed"),
        ),
        (
            Published,
            "KZ",
            SUP,
            || Action::Submit,
            Err("step_not_allowed"),
        ),
        // Review: the secretariat's staff, of a submitted warning.
        (
            Submitted,
            "SECRETARIAT",
            ANALYST,
            accept,
            Ok("warning-review"),
        ),
        (Submitted, "RU", SUP, accept, Err("role_may_not")),
        (
            Draft,
            "SECRETARIAT",
            ANALYST,
            accept,
            Err("step_not_allowed"),
        ),
        (
            Published,
            "SECRETARIAT",
            ANALYST,
            accept,
            Err("step_not_allowed"),
        ),
        // Publishing: after the secretariat accepted.
        (
            Accepted,
            "KZ",
            SUP,
            || Action::Publish,
            Ok("warning-publish"),
        ),
        (
            Accepted,
            "KZ",
            ANALYST,
            || Action::Publish,
            Err("role_may_not"),
        ),
        (
            Submitted,
            "KZ",
            SUP,
            || Action::Publish,
            Err("step_not_allowed"),
        ),
        (
            Refused,
            "KZ",
            SUP,
            || Action::Publish,
            Err("step_not_allowed"),
        ),
        (
            Draft,
            "KZ",
            SUP,
            || Action::Publish,
            Err("step_not_allowed"),
        ),
        (
            Accepted,
            "UZ",
            SUP,
            || Action::Publish,
            Err("not_the_issuer"),
        ),
        // Extending a published warning, later, within the charter's limit.
        (Published, "KZ", SUP, || extend(200), Ok("warning-extend")),
        (
            Published,
            "KZ",
            SUP,
            || extend(50),
            Err("review_date_not_later"),
        ),
        (Published, "KZ", SUP, || extend(400), Err("invalid_input")),
        (
            Published,
            "KZ",
            ANALYST,
            || extend(200),
            Err("role_may_not"),
        ),
        (Draft, "KZ", SUP, || extend(200), Err("step_not_allowed")),
        (
            Cancelled,
            "KZ",
            SUP,
            || extend(200),
            Err("step_not_allowed"),
        ),
        // Cancelling: with a reason, by the issuer's supervisor.
        (
            Published,
            "KZ",
            SUP,
            || Action::Cancel {
                reason: "Arrested".into(),
            },
            Ok("warning-cancel"),
        ),
        (
            Draft,
            "KZ",
            SUP,
            || Action::Cancel {
                reason: "Not needed".into(),
            },
            Ok("warning-cancel"),
        ),
        (
            Published,
            "KZ",
            SUP,
            || Action::Cancel {
                reason: "  ".into(),
            },
            Err("missing_field"),
        ),
        (
            Published,
            "KZ",
            ANALYST,
            || Action::Cancel {
                reason: "Arrested".into(),
            },
            Err("role_may_not"),
        ),
        (
            Cancelled,
            "KZ",
            SUP,
            || Action::Cancel {
                reason: "Again".into(),
            },
            Err("step_not_allowed"),
        ),
        // Acknowledging: another state, of a warning in force, once.
        (
            Published,
            "KG",
            ANALYST,
            || Action::Acknowledge,
            Ok("warning-acknowledge"),
        ),
        (
            Published,
            "KZ",
            ANALYST,
            || Action::Acknowledge,
            Err("own_warning"),
        ),
        (
            Submitted,
            "KG",
            ANALYST,
            || Action::Acknowledge,
            Err("not_in_force"),
        ),
        (
            Cancelled,
            "KG",
            ANALYST,
            || Action::Acknowledge,
            Err("not_in_force"),
        ),
        (
            Expired,
            "KG",
            ANALYST,
            || Action::Acknowledge,
            Err("not_in_force"),
        ),
        // Hits: another state, of a warning in force.
        (Published, "UZ", ANALYST, hit, Ok("warning-hit")),
        (Published, "KZ", ANALYST, hit, Err("own_warning")),
        (Expired, "UZ", ANALYST, hit, Err("not_in_force")),
        (Draft, "UZ", ANALYST, hit, Err("not_in_force")),
    ];
    let mut failures = Vec::new();
    for (start, party, role, action, want) in rows {
        let mut w = reach(start);
        let got = w.take(party, role, action());
        let got = got
            .as_ref()
            .map(|p| p.writes[0].audit)
            .map_err(Refusal::code);
        if got != want {
            failures.push(format!(
                "from {start:?}, {party} ({role:?}) taking {:?}: got {got:?}, want {want:?}",
                action()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_status_follows_each_step_of_the_life() {
    for (start, status) in [
        (Start::Draft, Status::Draft),
        (Start::Submitted, Status::Submitted),
        (Start::Refused, Status::Refused),
        (Start::Accepted, Status::Accepted),
        (Start::Published, Status::Published),
        (Start::Cancelled, Status::Cancelled),
        (Start::Expired, Status::Expired),
    ] {
        assert_eq!(reach(start).status(), Some(status), "{start:?}");
    }
}

#[test]
fn a_state_acknowledges_once_and_follow_ups_stay_between_issuer_and_reporter() {
    let mut w = reach(Start::Published);
    w.take("KG", ANALYST, Action::Acknowledge).unwrap();
    let again = w.take("KG", SUP, Action::Acknowledge).unwrap_err();
    assert_eq!(again.code(), "already_acknowledged");
    assert_eq!(
        again.to_string(),
        "KG has already acknowledged this warning"
    );
    let hit_id = w
        .take("UZ", ANALYST, hit())
        .unwrap()
        .made()
        .unwrap()
        .to_owned();
    let follow = |hit: &str| Action::FollowUp {
        hit: hit.to_owned(),
        message: "Send his fingerprints".into(),
    };
    assert_eq!(
        w.take("KZ", ANALYST, follow(&hit_id)).unwrap().writes[0].audit,
        "warning-follow-up"
    );
    assert_eq!(
        w.take("UZ", ANALYST, follow(&hit_id)).unwrap().writes[0].audit,
        "warning-follow-up"
    );
    assert_eq!(
        w.take("KG", ANALYST, follow(&hit_id)).unwrap_err().code(),
        "not_in_thread"
    );
    assert_eq!(
        w.take("KZ", ANALYST, follow("sighting--nope"))
            .unwrap_err()
            .code(),
        "no_such_hit"
    );
    for message in [" ", "\u{1f}", "\u{3000}\u{feff}\n"] {
        let blank = Action::FollowUp {
            hit: hit_id.clone(),
            message: message.into(),
        };
        assert_eq!(
            w.take("KZ", ANALYST, blank).unwrap_err().code(),
            "missing_field",
            "{message:?}"
        );
    }
    // The follow-up is addressed to the two states alone, TLP:AMBER+STRICT.
    let note = w.parts.last().unwrap();
    assert_eq!(note.label.marking, entente_core::Tlp::AmberStrict);
    let states = &note.label.audience.as_ref().unwrap().states;
    assert_eq!(states, &vec![code("KZ"), code("UZ")]);
}

#[test]
fn a_warning_keeps_its_kind_and_once_reviewed_its_publication() {
    let mut w = reach(Start::Draft);
    let err = w
        .take("KZ", ANALYST, Action::Revise(input("watch", 90, START_NS)))
        .unwrap_err();
    assert_eq!(
        (err.code(), err.class()),
        ("kind_is_fixed", crate::RefusalClass::Invalid)
    );
    let mut w = reach(Start::Published);
    let mut other = input("threat", 90, START_NS);
    other.marking = Some("TLP:GREEN".into());
    let err = w.take("KZ", SUP, Action::Revise(other)).unwrap_err();
    assert_eq!(err.code(), "publication_is_fixed");
}

#[test]
fn each_version_is_modified_after_the_last_and_decided_on_it() {
    let mut w = reach(Start::Draft);
    let latest = w.thread().unwrap().latest().unwrap().version_ns;
    // The clock stands still: the next version is still later than the latest.
    w.now_ns = latest - 10 * 1_000_000_000;
    let plan = w.take("KZ", SUP, Action::Submit).unwrap();
    let write = &plan.writes[0];
    assert_eq!(write.based_on, Basis::Latest(latest));
    let modified = Timestamp::parse(write.object["modified"].as_str().unwrap()).unwrap();
    assert!(modified.nanos() > latest);
    // A submitted version is addressed to the secretariat alone; the draft to the issuer.
    let labels: Vec<_> = w
        .thread()
        .unwrap()
        .versions
        .iter()
        .map(|v| v.label.audience.clone().unwrap().states)
        .collect();
    assert_eq!(labels, vec![vec![code("KZ")], vec![code("SECRETARIAT")]]);
}

#[test]
fn invalid_input_is_refused_before_anything_is_read() {
    let w = World::new();
    let here = code("KZ");
    let actor = Actor {
        party: here.clone(),
        role: ANALYST,
    };
    let ctx = Context {
        here: &here,
        actor: &actor,
        now_ns: w.now_ns,
        charter: &w.charter,
    };
    let warnings = Warnings::default();
    let future_hit = Action::ReportHit(HitInput {
        when: Timestamp::from_nanos(START_NS + DAY_NS).to_stix_string(),
        location: "x".into(),
        action_taken: "y".into(),
        details: None,
    });
    assert_eq!(
        warnings.admit(&ctx, &future_hit).unwrap_err().code(),
        "invalid_input"
    );
    let refusal = Action::Review {
        verdict: Verdict::Refused,
        reasons: String::new(),
    };
    assert_eq!(
        warnings.admit(&ctx, &refusal).unwrap_err().code(),
        "missing_field"
    );
    assert_eq!(verdict("maybe").unwrap_err().code(), "unknown_verdict");
    // A step on no thread is a step on nothing: 404.
    let none = warnings.plan(&ctx, None, Action::Submit, &mut Counted(0));
    assert_eq!(none.unwrap_err(), Refusal::NotFound);
}

#[test]
fn reminders_fall_due_once_per_threshold_on_the_issuers_node_only() {
    let mut w = reach(Start::Published);
    let warnings = Warnings::new(vec![120, 30]);
    let due = |w: &mut World, party: &str| {
        let here = code(party);
        let actor = Actor {
            party: here.clone(),
            role: Role::Admin,
        };
        let ctx = Context {
            here: &here,
            actor: &actor,
            now_ns: w.now_ns,
            charter: &w.charter,
        };
        let thread = w.thread().unwrap();
        let root = w.root.clone().unwrap();
        let writes = warnings.due(&ctx, &root, &thread, &mut w.ids);
        w.store(&here, &writes);
        writes
    };
    // 100 days before the review date: the 120-day reminder, once.
    let first = due(&mut w, "KZ");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].step, Step::Remind.into());
    assert_eq!(
        first[0].object["extensions"][entente_stix::extension::ENTENTE_EXTENSION]["warning"]
            ["days"],
        120
    );
    assert!(due(&mut w, "KZ").is_empty());
    // Not on another node.
    assert!(due(&mut w, "RU").is_empty());
    // 29 days before: the 30-day one.
    w.now_ns += 71 * DAY_NS;
    let second = due(&mut w, "KZ");
    assert_eq!(second.len(), 1);
    assert_eq!(
        second[0].object["extensions"][entente_stix::extension::ENTENTE_EXTENSION]["warning"]
            ["days"],
        30
    );
}

#[test]
fn the_registry_claims_the_objects_of_a_warnings_life_and_names_their_root() {
    let mut w = reach(Start::Published);
    w.take("KG", ANALYST, Action::Acknowledge).unwrap();
    w.take("UZ", ANALYST, hit()).unwrap();
    let root = w.root.clone().unwrap();
    for part in &w.parts {
        let life = crate::life_of(part.object_type(), &part.object).expect("claimed");
        assert_eq!(life.name(), "warning");
        assert_eq!(
            life.root_of(part.object_type(), &part.object).as_deref(),
            Some(root.as_str())
        );
    }
    let plain = json!({"type": "note", "id": "note--1", "content": "x", "object_refs": [root]});
    assert!(crate::life_of("note", plain.as_object().unwrap()).is_none());
}

/// A revise form starts from `input_of` the latest version: taken as it is, it writes the same
/// fields again, for a draft and (by a supervisor) for a published warning.
#[test]
fn the_input_read_back_from_a_version_revises_it_to_itself() {
    for start in [Start::Draft, Start::Published] {
        let mut w = reach(start);
        let latest = w.thread().unwrap().latest().unwrap().object.clone();
        let again = input_of(&latest).expect("a stored version reads back");
        assert_eq!(again.title, "A test warning");
        let plan = w.take("KZ", SUP, Action::Revise(again)).unwrap();
        let written = plan.writes[0].object.as_object().unwrap();
        for k in [
            "kind",
            "title",
            "subject",
            "legal_basis",
            "review_date",
            "publication",
        ] {
            assert_eq!(written.get(k), latest.get(k), "{k}");
        }
    }
}
