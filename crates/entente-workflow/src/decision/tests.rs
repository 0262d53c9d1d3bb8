//! The steps of decisions and applications, with no node: a small world holds the objects written
//! so far (each passing the checks a node makes on entry); each case takes steps as users of the
//! organization's states and says, by hand, what must come of them — the object written (by its
//! audit name), the refusal (by its stable code), the outcome, and the effective charter.

use super::effects::effective;
use super::*;
use crate::test_support::Counted;
use crate::Actor;
use entente_core::{Charter, Role};
use entente_stix::Timestamp;
use serde_json::json;

const SCO: &str = include_str!("../../../../examples/sco.toml");
const HOUR_NS: i64 = 3_600_000_000_000;
/// 2026-12-01T00:00:00Z.
const START_NS: i64 = 1_796_083_200 * 1_000_000_000;
/// A valid Ed25519 public key (the curve's base point).
const KEY: &str = "ed25519:WGZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY=";
const MEMBERS: [&str; 8] = ["CN", "IN", "KG", "KZ", "PK", "RU", "TJ", "UZ"];

fn code(s: &str) -> PartyCode {
    PartyCode::parse(s).unwrap()
}

struct World {
    base: Charter,
    parts: Vec<Part>,
    now_ns: i64,
    ids: Counted,
}

fn label_of(originator: &PartyCode, o: &Map<String, Value>) -> AccessLabel {
    let marking =
        entente_core::Tlp::from_marking_ref(o["object_marking_refs"][0].as_str().unwrap()).unwrap();
    AccessLabel::new(originator.clone(), marking, None).unwrap()
}

fn proposal(procedure: &str, hours: i64, now_ns: i64, effect: Value) -> Action {
    Action::Propose(ProposalInput {
        title: "A decision".into(),
        description: String::new(),
        procedure: procedure.into(),
        deadline: Timestamp::from_nanos(now_ns + hours * HOUR_NS).to_stix_string(),
        effect,
    })
}

fn ballot(vote: Vote) -> Action {
    Action::Ballot {
        vote,
        statement: None,
    }
}

impl World {
    fn new() -> World {
        World {
            base: Charter::parse(SCO).unwrap(),
            parts: Vec::new(),
            now_ns: START_NS,
            ids: Counted(0),
        }
    }

    fn threads(&self) -> Vec<Thread> {
        let mut roots: Vec<String> = self
            .parts
            .iter()
            .filter(|p| p.object_type() == DECISION_TYPE)
            .map(|p| p.id().to_owned())
            .collect();
        roots.dedup();
        roots
            .iter()
            .filter_map(|r| Thread::of(r, self.parts.clone()))
            .collect()
    }

    fn charter(&self) -> Charter {
        effective(&self.base, &self.threads(), self.now_ns).charter
    }

    fn thread(&self, root: &str) -> Option<Thread> {
        Thread::of(root, self.parts.clone())
    }

    /// `party`'s user with `role`, on its own node, takes `action` on `root`'s decision.
    fn take(
        &mut self,
        party: &str,
        role: Role,
        root: Option<&str>,
        action: Action,
    ) -> Result<Plan, Refusal> {
        self.now_ns += 1_000_000_000;
        let here = code(party);
        let actor = Actor {
            party: here.clone(),
            role,
        };
        let charter = self.charter();
        let ctx = Context {
            here: &here,
            actor: &actor,
            now_ns: self.now_ns,
            charter: &charter,
        };
        Decisions.admit(&ctx, &action)?;
        let thread = root.and_then(|r| self.thread(r));
        let on = match (root, &thread) {
            (Some(r), Some(t)) => Some((r, t)),
            (Some(_), None) => return Err(Refusal::NotFound),
            _ => None,
        };
        let plan = Decisions.plan(&ctx, on, action, &mut self.ids)?;
        self.store(&here, &plan.writes);
        Ok(plan)
    }

    /// `party`'s user with `role` takes `action` of workflow `w` on `root`.
    fn take_in<W: Workflow>(
        &mut self,
        w: &W,
        party: &str,
        role: Role,
        root: Option<&str>,
        action: W::Action,
    ) -> Result<Plan, Refusal> {
        self.now_ns += 1_000_000_000;
        let here = code(party);
        let actor = Actor {
            party: here.clone(),
            role,
        };
        let charter = self.charter();
        let ctx = Context {
            here: &here,
            actor: &actor,
            now_ns: self.now_ns,
            charter: &charter,
        };
        w.admit(&ctx, &action)?;
        let thread = root.and_then(|r| w.thread(r, self.parts.clone()));
        let on = match (root, &thread) {
            (Some(r), Some(t)) => Some((r, t)),
            (Some(_), None) => return Err(Refusal::NotFound),
            _ => None,
        };
        let plan = w.plan(&ctx, on, action, &mut self.ids)?;
        self.store(&here, &plan.writes);
        Ok(plan)
    }

    /// Adopts whatever `effect` says by a silence procedure that runs out.
    fn adopt(&mut self, effect: Value) -> String {
        let d = self.propose("KZ", "silence", 72, effect);
        self.now_ns += 73 * HOUR_NS;
        assert_eq!(self.status(&d), Status::Adopted);
        d
    }

    fn apply(&mut self, party: &str, input: ApplicationInput) -> Result<Plan, Refusal> {
        self.now_ns += 1_000_000_000;
        let here = code(party);
        let actor = Actor {
            party: here.clone(),
            role: Role::Supervisor,
        };
        let charter = self.charter();
        let ctx = Context {
            here: &here,
            actor: &actor,
            now_ns: self.now_ns,
            charter: &charter,
        };
        Applications.admit(&ctx, &input)?;
        let plan = Applications.plan(&ctx, None, input, &mut self.ids)?;
        self.store(&here, &plan.writes);
        Ok(plan)
    }

    fn store(&mut self, originator: &PartyCode, writes: &[Write]) {
        for w in writes {
            let o = w.object.as_object().unwrap().clone();
            let label = label_of(originator, &o);
            let ty = o["type"].as_str().unwrap();
            crate::life_of(ty, &o)
                .expect("an object of a workflow's life")
                .check_entry(ty, &o, &label)
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

    fn propose(&mut self, party: &str, procedure: &str, hours: i64, effect: Value) -> String {
        // `take` moves the clock a second on before it proposes.
        let a = proposal(procedure, hours, self.now_ns + 1_000_000_000, effect);
        self.take(party, Role::Supervisor, None, a).unwrap().root
    }

    fn vote(&mut self, root: &str, party: &str, vote: Vote) -> Result<Plan, Refusal> {
        self.take(party, Role::Supervisor, Some(root), ballot(vote))
    }

    fn status(&self, root: &str) -> Status {
        self.thread(root).unwrap().outcome(self.now_ns).status
    }
}

fn statement() -> Value {
    json!({"kind": "statement"})
}

fn code_of(r: Result<Plan, Refusal>) -> String {
    match r {
        Ok(p) => p.writes[0].audit.to_owned(),
        Err(e) => e.code().to_owned(),
    }
}

#[test]
fn consensus_is_adopted_when_every_member_has_answered_and_closes_to_later_ballots() {
    let mut w = World::new();
    let d = w.propose("KZ", "consensus", 24, statement());
    for (i, m) in MEMBERS.iter().enumerate() {
        assert_eq!(w.status(&d), Status::Open, "before {m}");
        let vote = if i % 3 == 0 {
            Vote::Abstain
        } else {
            Vote::Approve
        };
        assert_eq!(code_of(w.vote(&d, m, vote)), "decision.ballot");
    }
    assert_eq!(w.status(&d), Status::Adopted);
    assert_eq!(code_of(w.vote(&d, "KZ", Vote::Object)), "decision_closed");
    assert_eq!(
        code_of(w.take(
            "KZ",
            Role::Supervisor,
            Some(&d),
            Action::Withdraw { reason: "x".into() }
        )),
        "decision_closed"
    );
}

#[test]
fn who_may_take_each_step() {
    let mut w = World::new();
    let d = w.propose("SECRETARIAT", "consensus", 24, statement());
    let cases: [(&str, Role, Action, &str); 9] = [
        ("KZ", Role::Analyst, ballot(Vote::Approve), "role_may_not"),
        (
            "AF",
            Role::Supervisor,
            ballot(Vote::Approve),
            "role_may_not",
        ),
        (
            "SECRETARIAT",
            Role::Admin,
            ballot(Vote::Approve),
            "role_may_not",
        ),
        (
            "TR",
            Role::Admin,
            Action::Withdraw { reason: "r".into() },
            "role_may_not",
        ),
        (
            "KZ",
            Role::Supervisor,
            Action::Withdraw { reason: "r".into() },
            "not_the_proposer",
        ),
        (
            "KZ",
            Role::Supervisor,
            Action::Withdraw { reason: " ".into() },
            "missing_field",
        ),
        (
            "KZ",
            Role::Supervisor,
            ballot(Vote::Approve),
            "decision.ballot",
        ),
        (
            "KZ",
            Role::Supervisor,
            ballot(Vote::Object),
            "decision.ballot",
        ),
        (
            "SECRETARIAT",
            Role::Analyst,
            Action::Withdraw { reason: "r".into() },
            "decision_closed",
        ),
    ];
    for (party, role, action, want) in cases {
        let got = code_of(w.take(party, role, Some(&d), action));
        assert_eq!(got, want, "{party} {role:?}");
    }
    // The objection closed the decision before the withdrawal: it stays rejected.
    assert_eq!(w.status(&d), Status::Rejected);
    // An open decision is withdrawn by its proposer, and then takes no ballot.
    let open = w.propose("SECRETARIAT", "consensus", 24, statement());
    let withdraw = Action::Withdraw {
        reason: "Superseded.".into(),
    };
    assert_eq!(
        code_of(w.take("SECRETARIAT", Role::Analyst, Some(&open), withdraw)),
        "decision.withdraw"
    );
    assert_eq!(w.status(&open), Status::Withdrawn);
    assert_eq!(
        code_of(w.vote(&open, "KZ", Vote::Approve)),
        "decision_closed"
    );
    assert_eq!(
        view(&w.thread(&open).unwrap(), w.now_ns)["withdrawal_reason"],
        json!("Superseded.")
    );
    // An observer does not propose.
    let a = proposal("consensus", 24, w.now_ns, statement());
    assert_eq!(
        code_of(w.take("AF", Role::Supervisor, None, a)),
        "role_may_not"
    );
}

#[test]
fn a_state_replaces_its_ballot_as_a_new_version_of_it() {
    let mut w = World::new();
    let d = w.propose("RU", "consensus", 24, statement());
    let first = w.vote(&d, "CN", Vote::Abstain).unwrap();
    let second = w
        .take(
            "CN",
            Role::Supervisor,
            Some(&d),
            Action::Ballot {
                vote: Vote::Approve,
                statement: Some("China supports the text as amended.".into()),
            },
        )
        .unwrap();
    assert_eq!(first.writes[0].object["id"], second.writes[0].object["id"]);
    assert_eq!(first.writes[0].based_on, Basis::Nothing);
    assert!(matches!(second.writes[0].based_on, Basis::Latest(_)));
    assert_eq!(
        second.writes[0].object["created"],
        first.writes[0].object["created"]
    );
    let t = w.thread(&d).unwrap();
    let o = t.outcome(w.now_ns);
    assert_eq!(o.votes.get(&code("CN")), Some(&Vote::Approve));
    let v = view(&t, w.now_ns);
    assert_eq!(v["ballots"][0]["replaced"], json!(true));
    assert_eq!(v["ballots"][1]["counts"], json!(true));
    assert_eq!(
        v["ballots"][1]["statement"],
        json!("China supports the text as amended.")
    );
}

#[test]
fn silence_is_adopted_at_its_deadline_unless_broken_and_runs_the_charters_minimum() {
    let mut w = World::new();
    let short = proposal("silence", 71, w.now_ns, statement());
    assert_eq!(
        code_of(w.take("KZ", Role::Supervisor, None, short)),
        "invalid_input"
    );
    let kept = w.propose("KZ", "silence", 72, statement());
    let broken = w.propose("KZ", "silence", 72, statement());
    w.vote(&kept, "RU", Vote::Approve).unwrap();
    w.vote(&broken, "IN", Vote::Object).unwrap();
    assert_eq!(w.status(&kept), Status::Open);
    assert_eq!(w.status(&broken), Status::Rejected);
    w.now_ns += 73 * HOUR_NS;
    assert_eq!(w.status(&kept), Status::Adopted);
    assert_eq!(
        code_of(w.vote(&kept, "UZ", Vote::Object)),
        "decision_closed"
    );
}

#[test]
fn an_observer_applies_and_is_admitted_by_consensus() {
    let mut w = World::new();
    let refused = [
        ("KZ", "AF", "member", Some(KEY), "invalid_input"),
        ("AF", "AF", "observer", Some(KEY), "invalid_input"),
        ("AF", "AF", "member", None, "invalid_input"),
        ("AF", "AF", "secretariat", Some(KEY), "invalid_input"),
        ("SECRETARIAT", "AF", "member", Some(KEY), "invalid_input"),
    ];
    for (by, state, tier, key, want) in refused {
        let input = ApplicationInput {
            state: state.into(),
            name: String::new(),
            tier: tier.into(),
            key: key.map(str::to_owned),
            statement: String::new(),
        };
        assert_eq!(code_of(w.apply(by, input)), want, "{by} for {state} {tier}");
    }
    let plan = w
        .apply(
            "AF",
            ApplicationInput {
                state: "AF".into(),
                name: String::new(),
                tier: "member".into(),
                key: Some(KEY.into()),
                statement: "Afghanistan seeks full membership.".into(),
            },
        )
        .unwrap();
    assert_eq!(plan.writes[0].audit, "application.submit");
    let app = Applications
        .thread(
            &plan.root,
            vec![Part {
                originator: code("AF"),
                label: label_of(&code("AF"), plan.writes[0].object.as_object().unwrap()),
                version_ns: w.now_ns,
                object: plan.writes[0].object.as_object().unwrap().clone(),
            }],
        )
        .unwrap();
    // Without a name, the application takes the charter's.
    assert_eq!(app.fields.name, w.base.party(&code("AF")).unwrap().name);
    let d = w.propose("SECRETARIAT", "consensus", 48, app.effect().to_json());
    for m in MEMBERS {
        w.vote(&d, m, Vote::Approve).unwrap();
    }
    assert_eq!(w.status(&d), Status::Adopted);
    let charter = w.charter();
    assert_eq!(charter.tier_of(&code("AF")), Some(Tier::Member));
    assert!(charter.members().contains(&code("AF")));
    // AF votes on what opens now, and not on what opened before.
    let next = w.propose("KZ", "consensus", 24, statement());
    assert_eq!(
        code_of(w.vote(&next, "AF", Vote::Approve)),
        "decision.ballot"
    );
    assert_eq!(code_of(w.vote(&d, "AF", Vote::Approve)), "decision_closed");
    // Admitting again is refused: AF already holds the tier.
    let again = proposal("consensus", 24, w.now_ns, app.effect().to_json());
    assert_eq!(
        code_of(w.take("KZ", Role::Supervisor, None, again)),
        "invalid_input"
    );
}

#[test]
fn suspension_is_by_consensus_minus_one_and_the_state_concerned_does_not_block() {
    let mut w = World::new();
    let wrong = proposal(
        "consensus",
        24,
        w.now_ns,
        json!({"kind": "suspend", "state": "PK"}),
    );
    assert_eq!(
        code_of(w.take("IN", Role::Supervisor, None, wrong)),
        "invalid_input"
    );
    let d = w.propose(
        "IN",
        "consensus-minus-one",
        24,
        json!({"kind": "suspend", "state": "PK"}),
    );
    w.vote(&d, "PK", Vote::Object).unwrap();
    assert_eq!(w.status(&d), Status::Open);
    for m in MEMBERS.iter().filter(|m| **m != "PK") {
        w.vote(&d, m, Vote::Approve).unwrap();
    }
    assert_eq!(w.status(&d), Status::Adopted);
    let charter = w.charter();
    assert_eq!(charter.tier_of(&code("PK")), None);
    assert!(!charter.members().contains(&code("PK")));
    // A suspended state takes no step.
    let a = proposal("consensus", 24, w.now_ns, statement());
    assert_eq!(
        code_of(w.take("PK", Role::Supervisor, None, a)),
        "role_may_not"
    );
    // Reinstated by consensus of the members (PK does not vote: it was not a member when it opened).
    let r = w.propose(
        "CN",
        "consensus",
        24,
        json!({"kind": "reinstate", "state": "PK"}),
    );
    for m in MEMBERS.iter().filter(|m| **m != "PK") {
        w.vote(&r, m, Vote::Approve).unwrap();
    }
    assert_eq!(w.charter().tier_of(&code("PK")), Some(Tier::Member));
}

#[test]
fn a_decision_naming_other_voters_or_from_an_observer_changes_nothing() {
    let mut w = World::new();
    // An observer's node signs a decision admitting itself, with itself as the only voter.
    let id = "x-entente-decision--00000000-0000-4000-8000-999999999999";
    let forged = json!({
        "type": DECISION_TYPE, "spec_version": "2.1", "id": id,
        "created": Timestamp::from_nanos(w.now_ns).to_stix_string(),
        "modified": Timestamp::from_nanos(w.now_ns).to_stix_string(),
        "title": "Admit AF", "procedure": "consensus",
        "deadline": Timestamp::from_nanos(w.now_ns + HOUR_NS).to_stix_string(),
        "members": ["AF"],
        "effect": {"kind": "admit", "application_ref": "x-entente-application--00000000-0000-4000-8000-000000000001",
                   "state": "AF", "name": "Afghanistan", "tier": "member", "key": KEY},
        "object_marking_refs": [entente_core::Tlp::Green.marking_ref()],
    });
    w.store(
        &code("AF"),
        &[Write {
            object: forged,
            step: DecisionStep::Propose.into(),
            audit: "x",
            based_on: Basis::Nothing,
        }],
    );
    w.now_ns += 1_000_000_000;
    let b = objects::ballot_object(
        "x-entente-ballot--00000000-0000-4000-8000-999999999998",
        id,
        &code("AF"),
        Vote::Approve,
        None,
        &Timestamp::from_nanos(w.now_ns).to_stix_string(),
        &Timestamp::from_nanos(w.now_ns).to_stix_string(),
    );
    w.store(
        &code("AF"),
        &[Write {
            object: b,
            step: DecisionStep::Ballot.into(),
            audit: "x",
            based_on: Basis::Nothing,
        }],
    );
    assert_eq!(w.status(id), Status::Adopted);
    let e = effective(&w.base, &w.threads(), w.now_ns);
    assert_eq!(e.disregarded.get(id), Some(&"proposer_not_entitled"));
    assert_eq!(e.charter.tier_of(&code("AF")), Some(Tier::Observer));
}

#[test]
fn a_ballot_signed_by_another_state_is_refused_on_entry() {
    let now = Timestamp::from_nanos(START_NS).to_stix_string();
    let b = objects::ballot_object(
        "x-entente-ballot--00000000-0000-4000-8000-000000000001",
        "x-entente-decision--00000000-0000-4000-8000-000000000002",
        &code("RU"),
        Vote::Object,
        None,
        &now,
        &now,
    );
    let o = b.as_object().unwrap();
    let e = objects::check_entry(BALLOT_TYPE, o, &label_of(&code("KZ"), o)).unwrap_err();
    assert!(e.0.contains("votes for RU and is signed by KZ"), "{e}");
    // And a decision's object must be the organization's record: TLP:GREEN, no audience.
    let amber = AccessLabel::new(code("RU"), entente_core::Tlp::Amber, None).unwrap();
    assert!(objects::check_entry(BALLOT_TYPE, o, &amber).is_err());
}

#[test]
fn the_unified_list_follows_adopted_decisions_and_the_presidency_changes_by_decision() {
    let mut w = World::new();
    let entry = "x-entente-register-entry--00000000-0000-4000-8000-000000000042";
    let d = w.propose(
        "KZ",
        "silence",
        72,
        json!({"kind": "designate", "entry_ref": entry}),
    );
    let order = ["UZ", "KZ", "CN", "RU", "IN", "PK", "KG", "TJ"];
    let p = w.propose(
        "SECRETARIAT",
        "silence",
        72,
        json!({"kind": "presidency", "order": order, "epoch_year": 2026}),
    );
    assert!(effective(&w.base, &w.threads(), w.now_ns)
        .unified
        .is_empty());
    w.now_ns += 72 * HOUR_NS;
    let e = effective(&w.base, &w.threads(), w.now_ns);
    assert_eq!(e.unified.get(entry), Some(&d));
    assert_eq!(e.charter.presiding(2027), Some(&code("KZ")));
    assert!(e.applied.iter().any(|(id, _)| *id == p));
    let x = w.propose(
        "RU",
        "silence",
        72,
        json!({"kind": "delist", "entry_ref": entry}),
    );
    w.now_ns += 73 * HOUR_NS;
    let e = effective(&w.base, &w.threads(), w.now_ns);
    assert!(e.unified.is_empty());
    assert!(e.applied.iter().any(|(id, _)| *id == x));
    // The same decisions in any order give the same effective charter.
    let mut threads = w.threads();
    threads.reverse();
    let again = effective(&w.base, &threads, w.now_ns);
    assert_eq!(again.applied, e.applied);
    assert_eq!(again.charter.presidency_order, e.charter.presidency_order);
}

fn in_three(s: &str) -> std::collections::BTreeMap<String, String> {
    ["en", "ru", "zh"]
        .iter()
        .map(|l| ((*l).to_owned(), format!("{s} ({l})")))
        .collect()
}

#[test]
fn a_convention_is_adopted_signed_ratified_and_in_force_at_the_number_it_names() {
    use crate::document::{self, DocumentInput, Documents};
    let mut w = World::new();
    let mut input = DocumentInput {
        kind: "convention".into(),
        title: in_three("Convention on countering extremism"),
        text: in_three("Article 1."),
        ratifications_required: Some(2),
    };
    input.title.remove("zh");
    let d = |i: &DocumentInput| document::Action::Draft(i.clone());
    assert_eq!(
        code_of(w.take_in(&Documents, "KZ", Role::Supervisor, None, d(&input))),
        "invalid_input"
    );
    input.title = in_three("Convention on countering extremism");
    assert_eq!(
        code_of(w.take_in(&Documents, "AF", Role::Supervisor, None, d(&input))),
        "role_may_not"
    );
    let doc = w
        .take_in(&Documents, "SECRETARIAT", Role::Analyst, None, d(&input))
        .unwrap()
        .root;
    let sign = |w: &mut World, p: &str| {
        code_of(w.take_in(
            &Documents,
            p,
            Role::Supervisor,
            Some(&doc),
            document::Action::Sign,
        ))
    };
    let ratify = |w: &mut World, p: &str| {
        code_of(w.take_in(
            &Documents,
            p,
            Role::Supervisor,
            Some(&doc),
            document::Action::Ratify,
        ))
    };
    assert_eq!(sign(&mut w, "KZ"), "not_adopted");
    w.adopt(json!({"kind": "adopt-document", "document_ref": doc}));
    let status = |w: &World| {
        document::Thread::of(&doc, w.parts.clone())
            .unwrap()
            .status(&w.charter())
    };
    assert_eq!(status(&w), "open-for-signature");
    assert_eq!(
        ratify(&mut w, "KZ"),
        "already_done",
        "ratify what it signed"
    );
    assert_eq!(sign(&mut w, "KZ"), "document.sign");
    assert_eq!(sign(&mut w, "KZ"), "already_done");
    assert_eq!(
        sign(&mut w, "AF"),
        "role_may_not",
        "an observer does not sign"
    );
    assert_eq!(ratify(&mut w, "KZ"), "document.ratify");
    assert_eq!(status(&w), "open-for-signature");
    assert_eq!(sign(&mut w, "CN"), "document.sign");
    assert_eq!(ratify(&mut w, "CN"), "document.ratify");
    assert_eq!(status(&w), "in-force");
    let v = document::view(
        &document::Thread::of(&doc, w.parts.clone()).unwrap(),
        &w.charter(),
    );
    assert_eq!(v["ratifications"], json!(["KZ", "CN"]));
}

#[test]
fn a_facility_derives_what_is_in_place_from_its_ledger_and_exports_iati() {
    use crate::programme::{self, Action as P, ProgrammeInput, Programmes};
    let mut w = World::new();
    let input: ProgrammeInput = serde_json::from_value(json!({
        "kind": "facility", "title": "Loan facility", "total": 1_000_000_000_000i64, "currency": "USD",
    }))
    .unwrap();
    let f = w
        .take_in(&Programmes, "CN", Role::Supervisor, None, P::Draft(input))
        .unwrap()
        .root;
    let commit = |amount: i64| P::Commit {
        project: "Road <Dushanbe>".into(),
        beneficiary: "TJ".into(),
        amount,
    };
    assert_eq!(
        code_of(w.take_in(&Programmes, "CN", Role::Supervisor, Some(&f), commit(10))),
        "not_adopted"
    );
    w.adopt(json!({"kind": "adopt-programme", "programme_ref": f}));
    assert_eq!(
        code_of(w.take_in(&Programmes, "KZ", Role::Supervisor, Some(&f), commit(10))),
        "not_yours"
    );
    assert_eq!(
        code_of(w.take_in(&Programmes, "CN", Role::Analyst, Some(&f), commit(10))),
        "role_may_not"
    );
    let c = w
        .take_in(
            &Programmes,
            "CN",
            Role::Supervisor,
            Some(&f),
            commit(740_000_000_000),
        )
        .unwrap();
    let cid = c.writes[0].object["id"].as_str().unwrap().to_owned();
    assert_eq!(
        code_of(w.take_in(
            &Programmes,
            "CN",
            Role::Supervisor,
            Some(&f),
            commit(260_000_000_001)
        )),
        "already_done"
    );
    let disburse = |amount: i64| P::Disburse {
        commitment: cid.clone(),
        amount,
    };
    let d = w
        .take_in(
            &Programmes,
            "CN",
            Role::Supervisor,
            Some(&f),
            disburse(100_000_000_000),
        )
        .unwrap();
    let did = d.writes[0].object["id"].as_str().unwrap().to_owned();
    assert_eq!(
        code_of(w.take_in(
            &Programmes,
            "CN",
            Role::Supervisor,
            Some(&f),
            disburse(640_000_000_001)
        )),
        "already_done"
    );
    let confirm = || P::Confirm {
        disbursement: did.clone(),
    };
    assert_eq!(
        code_of(w.take_in(&Programmes, "KZ", Role::Supervisor, Some(&f), confirm())),
        "not_yours"
    );
    assert_eq!(
        code_of(w.take_in(&Programmes, "TJ", Role::Supervisor, Some(&f), confirm())),
        "programme.confirm"
    );
    assert_eq!(
        code_of(w.take_in(&Programmes, "TJ", Role::Supervisor, Some(&f), confirm())),
        "already_done"
    );
    let t = programme::Thread::of(&f, w.parts.clone()).unwrap();
    let v = programme::view(&t, &w.charter());
    assert_eq!(v["in_place"], json!(740_000_000_000i64));
    assert_eq!(v["disbursed"], json!(100_000_000_000i64));
    assert_eq!(v["confirmed"], json!(100_000_000_000i64));
    let x = programme::iati_xml(&t, "People's Republic of China", "2026-12-01T00:00:00Z");
    assert!(x.contains("<transaction-type code=\"2\"/>"), "{x}");
    assert!(x.contains("<transaction-type code=\"3\"/>"), "{x}");
    assert!(x.contains(">7400000000.00</value>"), "{x}");
    assert!(x.contains("Road &lt;Dushanbe&gt;"), "{x}");
}

#[test]
fn a_strategy_takes_each_states_yearly_actuals_within_its_period() {
    use crate::programme::{self, Action as P, ProgrammeInput, Programmes};
    let mut w = World::new();
    let input: ProgrammeInput = serde_json::from_value(json!({
        "kind": "strategy", "title": "Anti-drug strategy", "start_year": 2011, "end_year": 2016,
        "objectives": ["Reduce trafficking"],
        "indicators": [{"key": "seizures", "name": "Heroin seized", "unit": "t", "baseline": 10.0, "target": 20.0}],
    }))
    .unwrap();
    let s = w
        .take_in(&Programmes, "RU", Role::Supervisor, None, P::Draft(input))
        .unwrap()
        .root;
    w.adopt(json!({"kind": "adopt-programme", "programme_ref": s}));
    let report = |year: i32, value: f64| P::Report {
        indicator: "seizures".into(),
        year,
        value,
    };
    assert_eq!(
        code_of(w.take_in(
            &Programmes,
            "KZ",
            Role::Supervisor,
            Some(&s),
            report(2017, 1.0)
        )),
        "invalid_input"
    );
    assert_eq!(
        code_of(w.take_in(
            &Programmes,
            "KZ",
            Role::Supervisor,
            Some(&s),
            report(2012, 11.5)
        )),
        "programme.report"
    );
    assert_eq!(
        code_of(w.take_in(
            &Programmes,
            "KZ",
            Role::Supervisor,
            Some(&s),
            report(2012, 12.5)
        )),
        "programme.report"
    );
    let t = programme::Thread::of(&s, w.parts.clone()).unwrap();
    let v = programme::view(&t, &w.charter());
    assert_eq!(
        v["indicators"][0]["actuals"],
        json!([{"year": 2012, "state": "KZ", "value": 12.5}])
    );
}
