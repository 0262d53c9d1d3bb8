//! The write policy, enumerated: every writer × class of object × transition × originator of the
//! version × originator of the versions held, for storing and for deleting, each checked against
//! expectations written out by hand from DESIGN.md ("Write policy") — the tables below — not
//! derived from the implementation.

use super::*;
use crate::register::EntryStatus::{self, Delisted, Designated, Proposed};
use crate::{Audience, Tlp};

fn code(s: &str) -> PartyCode {
    PartyCode::parse(s).unwrap()
}

/// The writers, all writing to KZ's node but the secretariat's staff (on the hub).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum W {
    Analyst,
    Supervisor,
    Admin,
    SecretariatStaff,
    Node,
    PeerCn,
    PeerHub,
}

const WRITERS: [W; 7] = [
    W::Analyst,
    W::Supervisor,
    W::Admin,
    W::SecretariatStaff,
    W::Node,
    W::PeerCn,
    W::PeerHub,
];

impl W {
    fn writer(self) -> Writer {
        let user = |party: &str, role| Writer::User {
            party: code(party),
            role,
        };
        match self {
            W::Analyst => user("KZ", Role::Analyst),
            W::Supervisor => user("KZ", Role::Supervisor),
            W::Admin => user("KZ", Role::Admin),
            W::SecretariatStaff => user("SECRETARIAT", Role::Analyst),
            W::Node => Writer::Node { party: code("KZ") },
            W::PeerCn => Writer::Peer { party: code("CN") },
            W::PeerHub => Writer::Peer {
                party: code("SECRETARIAT"),
            },
        }
    }

    fn here(self) -> PartyCode {
        code(if self == W::SecretariatStaff {
            "SECRETARIAT"
        } else {
            "KZ"
        })
    }

    /// The state whose object the writer's own would be: the user's or node's state, the peer's.
    fn own(self) -> PartyCode {
        match self {
            W::PeerCn => code("CN"),
            W::PeerHub => code("SECRETARIAT"),
            W::SecretariatStaff => code("SECRETARIAT"),
            _ => code("KZ"),
        }
    }

    fn is_peer(self) -> bool {
        matches!(self, W::PeerCn | W::PeerHub)
    }

    fn is_user(self) -> bool {
        matches!(
            self,
            W::Analyst | W::Supervisor | W::Admin | W::SecretariatStaff
        )
    }

    fn commits(self) -> bool {
        matches!(self, W::Supervisor | W::Admin)
    }
}

/// Whose the version written is: the writer's own state's, or a third state's (UZ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Orig {
    Own,
    Third,
}

/// The versions of the id already held: none, the version's originator's, another state's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    None,
    Same,
    Other,
}

fn classes(originator: &PartyCode) -> Vec<Class> {
    let mut c = vec![
        Class::Plain,
        Class::PartyIdentity(originator.clone()),
        Class::PartyIdentity(code("TR")),
        Class::Warning(None),
    ];
    c.extend(Step::ALL.map(|s| Class::Warning(Some(s))));
    c.push(Class::Decision(None));
    c.extend(DecisionStep::ALL.map(|s| Class::Decision(Some(s))));
    c.push(Class::Consultation(None));
    c.extend(ConsultationStep::ALL.map(|s| Class::Consultation(Some(s))));
    c.push(Class::Exercise(None));
    c.extend(ExerciseStep::ALL.map(|s| Class::Exercise(Some(s))));
    let mut froms = vec![None];
    froms.extend(EntryStatus::ALL.map(Some));
    for from in froms {
        for to in EntryStatus::ALL {
            c.push(Class::RegisterEntry { from, to: Some(to) });
        }
    }
    c
}

/// The register entry transitions, by hand: `Ok(needs a supervisor)`, or a conflict.
fn register_rule(from: Option<EntryStatus>, to: EntryStatus) -> Result<bool, ()> {
    match (from, to) {
        (None | Some(Proposed), Proposed) => Ok(false),
        (None | Some(Proposed) | Some(Delisted), Designated) => Ok(true),
        (Some(Designated), Designated | Delisted) => Ok(true),
        _ => Err(()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Allowed,
    Forbidden,
    Conflict,
}

/// What a user may store of its own state's objects, by hand.
fn user_own(w: W, class: &Class) -> Want {
    use Want::*;
    let by_supervisor = || if w.commits() { Allowed } else { Forbidden };
    match class {
        Class::Plain => Allowed,
        Class::PartyIdentity(_) => Forbidden,
        Class::RegisterEntry { from, to } => match register_rule(*from, to.unwrap()) {
            Err(()) => Conflict,
            Ok(false) => Allowed,
            Ok(true) => by_supervisor(),
        },
        Class::Warning(None) | Class::Warning(Some(Step::Remind)) => Forbidden,
        Class::Warning(Some(
            Step::Life(Action::Edit) | Step::Acknowledge | Step::ReportHit | Step::FollowUp,
        )) => Allowed,
        Class::Warning(Some(Step::Life(Action::Accept | Action::Refuse))) => {
            if w == W::SecretariatStaff {
                Allowed
            } else {
                Forbidden
            }
        }
        Class::Warning(Some(Step::Life(_))) => by_supervisor(),
        Class::Decision(None) | Class::Consultation(None) | Class::Exercise(None) => Forbidden,
        // Every exercise step commits the state; the secretariat's staff here are analysts.
        Class::Exercise(Some(_)) => by_supervisor(),
        // Every consultation step commits the state (the secretariat's staff here are analysts);
        // only the secretariat convenes and closes.
        Class::Consultation(Some(
            ConsultationStep::Convene | ConsultationStep::Close | ConsultationStep::Remind,
        )) => Forbidden,
        Class::Consultation(Some(_)) => by_supervisor(),
        // Only member states vote, by a supervisor; the secretariat's staff propose and
        // withdraw (any of them), a member state's supervisor too.
        Class::Decision(Some(DecisionStep::Ballot | DecisionStep::Sign)) => {
            if w == W::SecretariatStaff {
                Forbidden
            } else {
                by_supervisor()
            }
        }
        Class::Decision(Some(
            DecisionStep::Propose
            | DecisionStep::Withdraw
            | DecisionStep::Apply
            | DecisionStep::Draft
            | DecisionStep::Report,
        )) => {
            if w == W::SecretariatStaff {
                Allowed
            } else {
                by_supervisor()
            }
        }
    }
}

/// The expectation for storing, by hand from DESIGN.md.
fn want_store(w: W, orig: Orig, held: Held, class: &Class, originator: &PartyCode) -> Want {
    use Want::*;
    // Only the originator versions an object; identities are their party's.
    if held == Held::Other {
        return Forbidden;
    }
    if matches!(class, Class::PartyIdentity(p) if p != originator) {
        return Forbidden;
    }
    if w.is_peer() {
        // A state's node brings its state's objects; the hub relays others'.
        return if orig == Orig::Own || w == W::PeerHub {
            Allowed
        } else {
            Forbidden
        };
    }
    if w == W::Node {
        let own_kind = matches!(
            class,
            Class::Plain
                | Class::PartyIdentity(_)
                | Class::Warning(Some(Step::Remind))
                | Class::Consultation(Some(ConsultationStep::Remind))
        );
        return if orig == Orig::Own && own_kind {
            Allowed
        } else {
            Forbidden
        };
    }
    // A user carrying another state's signed object.
    if orig == Orig::Third {
        return Allowed;
    }
    user_own(w, class)
}

/// The expectation for deleting, by hand: a supervisor of the originating state, of its own
/// objects, never an identity or a warning's.
fn want_delete(w: W, orig: Orig, held: Held, class: &Class) -> Want {
    let deletable = matches!(class, Class::Plain | Class::RegisterEntry { .. });
    if w.is_user() && w.commits() && orig == Orig::Own && held != Held::Other && deletable {
        Want::Allowed
    } else {
        Want::Forbidden
    }
}

fn got(r: Result<(), WriteRefusal>) -> Want {
    match r {
        Ok(()) => Want::Allowed,
        Err(WriteRefusal::Forbidden(m)) => {
            assert!(!m.is_empty());
            Want::Forbidden
        }
        Err(WriteRefusal::Conflict(m)) => {
            assert!(!m.is_empty());
            Want::Conflict
        }
    }
}

#[test]
fn every_writer_class_transition_and_originator_against_the_table() {
    let mut checked = 0;
    for w in WRITERS {
        for orig in [Orig::Own, Orig::Third] {
            let originator = match orig {
                Orig::Own => w.own(),
                Orig::Third => code("UZ"),
            };
            // CLEAR, so that the read policy lets any peer send it (tested on its own below).
            let label = AccessLabel::new(originator.clone(), Tlp::Clear, None).unwrap();
            for held in [Held::None, Held::Same, Held::Other] {
                let held_by: Vec<PartyCode> = match held {
                    Held::None => vec![],
                    Held::Same => vec![originator.clone(), originator.clone()],
                    Held::Other => vec![originator.clone(), code("TR")],
                };
                for class in classes(&originator) {
                    for operation in [Operation::Store, Operation::Delete] {
                        let write = Write {
                            operation,
                            class: &class,
                            label: &label,
                            held: &held_by,
                            here: &w.here(),
                            here_tier: Tier::Member,
                        };
                        let want = match operation {
                            Operation::Store => want_store(w, orig, held, &class, &originator),
                            Operation::Delete => want_delete(w, orig, held, &class),
                        };
                        assert_eq!(
                            got(may_write(&w.writer(), &write)),
                            want,
                            "{w:?} {operation:?} {class:?}, version of {originator}, held {held:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    // 7 writers × 2 originators × 3 held × 47 classes × 2 operations.
    assert_eq!(checked, 7 * 2 * 3 * 47 * 2);
}

#[test]
fn the_originator_refusal_names_no_one() {
    let label = AccessLabel::new(code("KZ"), Tlp::Amber, None).unwrap();
    let write = Write {
        operation: Operation::Store,
        class: &Class::Plain,
        label: &label,
        held: &[code("CN")],
        here: &code("KZ"),
        here_tier: Tier::Member,
    };
    let refusal = may_write(
        &Writer::User {
            party: code("KZ"),
            role: Role::Admin,
        },
        &write,
    )
    .unwrap_err();
    assert_eq!(refusal.message(), NOT_THE_ORIGINATOR);
    assert!(!refusal.message().contains("CN"));
}

#[test]
fn a_peer_brings_only_what_the_read_policy_lets_it_send() {
    let here = code("KZ");
    let to = |states: &[&str]| {
        Some(Audience {
            states: states.iter().map(|s| code(s)).collect(),
            ..Default::default()
        })
    };
    // (sender, originator, marking, audience, allowed)
    let cases: Vec<(&str, &str, Tlp, Option<Audience>, bool)> = vec![
        ("CN", "CN", Tlp::Amber, None, true),
        ("CN", "CN", Tlp::Amber, to(&["KZ"]), true),
        ("CN", "CN", Tlp::Amber, to(&["UZ"]), false),
        ("CN", "CN", Tlp::Green, to(&["UZ"]), false),
        ("CN", "CN", Tlp::Clear, to(&["UZ"]), true),
        ("SECRETARIAT", "CN", Tlp::Amber, to(&["KZ"]), true),
        ("SECRETARIAT", "CN", Tlp::Amber, to(&["UZ"]), false),
        ("CN", "UZ", Tlp::Clear, None, false),
        // Its own objects may come back from anyone who may relay them.
        ("CN", "KZ", Tlp::Amber, to(&["UZ"]), false),
        ("SECRETARIAT", "KZ", Tlp::Amber, to(&["UZ"]), true),
    ];
    for (sender, originator, marking, audience, allowed) in cases {
        let label = AccessLabel::new(code(originator), marking, audience.clone()).unwrap();
        let write = Write {
            operation: Operation::Store,
            class: &Class::Plain,
            label: &label,
            held: &[],
            here: &here,
            here_tier: Tier::Member,
        };
        let r = may_write(
            &Writer::Peer {
                party: code(sender),
            },
            &write,
        );
        assert_eq!(
            r.is_ok(),
            allowed,
            "{sender} bringing {originator}'s {marking} {audience:?}: {r:?}"
        );
    }
}

/// Only member states vote and propose; observers and dialogue partners do neither, whatever the
/// role; the secretariat proposes and withdraws but never votes.
#[test]
fn decisions_by_tier_and_role() {
    use DecisionStep::*;
    let cases: Vec<(&str, Tier, Role, DecisionStep, bool)> = vec![
        ("KZ", Tier::Member, Role::Supervisor, Ballot, true),
        ("KZ", Tier::Member, Role::Analyst, Ballot, false),
        ("KZ", Tier::Member, Role::Admin, Propose, true),
        ("AF", Tier::Observer, Role::Supervisor, Ballot, false),
        ("AF", Tier::Observer, Role::Supervisor, Propose, false),
        ("TR", Tier::DialoguePartner, Role::Admin, Withdraw, false),
        (
            "SECRETARIAT",
            Tier::Secretariat,
            Role::Analyst,
            Propose,
            true,
        ),
        ("SECRETARIAT", Tier::Secretariat, Role::Admin, Ballot, false),
        ("AF", Tier::Observer, Role::Supervisor, Apply, true),
        ("AF", Tier::Observer, Role::Analyst, Apply, false),
        ("SECRETARIAT", Tier::Secretariat, Role::Analyst, Apply, true),
        ("AF", Tier::Observer, Role::Supervisor, Sign, false),
        ("KZ", Tier::Member, Role::Analyst, Sign, false),
        ("KZ", Tier::Member, Role::Supervisor, Sign, true),
        ("AF", Tier::Observer, Role::Supervisor, Draft, false),
        ("SECRETARIAT", Tier::Secretariat, Role::Analyst, Draft, true),
        ("SECRETARIAT", Tier::Secretariat, Role::Analyst, Sign, false),
        ("AF", Tier::Observer, Role::Supervisor, Report, true),
        ("AF", Tier::Observer, Role::Analyst, Report, false),
    ];
    for (party, tier, role, step, allowed) in cases {
        let r = may_decide(&code(party), role, tier, step);
        assert_eq!(
            r.is_ok(),
            allowed,
            "{party} {tier:?} {role:?} {step:?}: {r:?}"
        );
    }
}

/// Exercise steps by party, tier and role, by hand: every step needs a supervisor; member states
/// and the secretariat plan; any state joins and reports (the workflow checks who takes part).
#[test]
fn exercises_by_tier_and_role() {
    use ExerciseStep::*;
    let cases: Vec<(&str, Tier, Role, ExerciseStep, bool)> = vec![
        ("KZ", Tier::Member, Role::Supervisor, Plan, true),
        ("KZ", Tier::Member, Role::Analyst, Plan, false),
        (
            "SECRETARIAT",
            Tier::Secretariat,
            Role::Supervisor,
            Plan,
            true,
        ),
        ("MN", Tier::Observer, Role::Supervisor, Plan, false),
        ("MN", Tier::Observer, Role::Supervisor, Join, true),
        ("TR", Tier::DialoguePartner, Role::Supervisor, Report, true),
        ("CN", Tier::Member, Role::Analyst, Report, false),
        ("CN", Tier::Member, Role::Admin, Join, true),
    ];
    for (party, tier, role, step, allowed) in cases {
        let r = may_exercise(&code(party), role, tier, step);
        assert_eq!(
            r.is_ok(),
            allowed,
            "{party} {tier:?} {role:?} {step:?}: {r:?}"
        );
    }
}

/// Consultation steps by party, tier and role, by hand: every step needs a supervisor; the
/// secretariat convenes and closes; member states and the secretariat ask; anyone answers and
/// decides (the workflow checks who was invited and who asked).
#[test]
fn consultations_by_tier_and_role() {
    use ConsultationStep::*;
    let cases: Vec<(&str, Tier, Role, ConsultationStep, bool)> = vec![
        ("KZ", Tier::Member, Role::Supervisor, Request, true),
        ("KZ", Tier::Member, Role::Analyst, Request, false),
        ("AF", Tier::Observer, Role::Supervisor, Request, false),
        (
            "SECRETARIAT",
            Tier::Secretariat,
            Role::Supervisor,
            Request,
            true,
        ),
        (
            "SECRETARIAT",
            Tier::Secretariat,
            Role::Supervisor,
            Convene,
            true,
        ),
        (
            "SECRETARIAT",
            Tier::Secretariat,
            Role::Analyst,
            Convene,
            false,
        ),
        ("KZ", Tier::Member, Role::Admin, Convene, false),
        ("AF", Tier::Observer, Role::Supervisor, Respond, true),
        ("TR", Tier::DialoguePartner, Role::Analyst, Respond, false),
        ("KZ", Tier::Member, Role::Supervisor, Decide, true),
        ("KZ", Tier::Member, Role::Supervisor, Close, false),
        ("SECRETARIAT", Tier::Secretariat, Role::Admin, Close, true),
        ("SECRETARIAT", Tier::Secretariat, Role::Admin, Remind, false),
        ("KZ", Tier::Member, Role::Supervisor, Remind, false),
    ];
    for (party, tier, role, step, allowed) in cases {
        let r = may_consult(&code(party), role, tier, step);
        assert_eq!(
            r.is_ok(),
            allowed,
            "{party} {tier:?} {role:?} {step:?}: {r:?}"
        );
    }
}
