//! A consultation's rules and thread, with no node: objects made by the builders, labelled as a
//! node would label them, checked against who may take each step (by hand, from the issue), what
//! every party derives (the same whatever order the objects arrive in), and who may see them.

use super::objects::{self, Record};
use super::*;
use crate::test_support::{code, part, Counted};
use crate::Actor;
use entente_core::{may_see, UserRef, Viewer};
use entente_stix::Timestamp;

const SCO: &str = include_str!("../../../../examples/sco.toml");
const HOUR: i64 = 3_600_000_000_000;
/// 2026-12-01T00:00:00Z.
const T0: i64 = 1_796_083_200 * 1_000_000_000;

fn ts(ns: i64) -> String {
    Timestamp::from_nanos(ns).to_stix_string()
}

fn request() -> RequestInput {
    serde_json::from_value(json!({
        "title": "Flooding and an attack on the Karaganda power grid",
        "situation": "Armed men damaged two substations during the floods; the grid is down in three districts.",
        "location": {"name": "Karaganda", "country": "KZ", "latitude": 49.8, "longitude": 73.1},
        "help": ["experts", "equipment", "intelligence"],
        "urgency": "immediate",
    }))
    .unwrap()
}

fn line(kind: &str, what: &str) -> OfferLine {
    OfferLine {
        kind: kind.into(),
        description: what.into(),
        quantity: 2,
        unit: "teams".into(),
        conditions: "transport by the requesting state".into(),
        available_from: "2026-12-03".into(),
        duration_days: 14,
    }
}

const ROOT: &str = "x-entente-consultation--00000000-0000-4000-8000-000000000001";
const CONF: &str = "x-entente-consultation--00000000-0000-4000-8000-000000000002";

fn convene() -> ConveneInput {
    ConveneInput {
        also_invited: vec!["AF".into()],
        place: Some("RATS Executive Committee, Tashkent".into()),
        video_link: None,
        meets_at: ts(T0 + 48 * HOUR),
        answer_by: ts(T0 + 24 * HOUR),
    }
}

/// The consultation's objects: KZ's request, the secretariat's conference, the answers of CN
/// (two offer lines), RU (one), UZ (declines), AF (attends), and MN's (not invited) and PK's
/// (after the deadline), and KZ's verdicts.
fn world(charter: &Charter) -> Vec<Part> {
    let kz = code("KZ");
    let hub = code("SECRETARIAT");
    let invited = may_convene(
        charter,
        &Thread::of(
            ROOT,
            vec![part(
                "KZ",
                objects::request_object(
                    ROOT,
                    &request(),
                    &kz,
                    &[],
                    &BTreeMap::new(),
                    &ts(T0),
                    &ts(T0),
                ),
            )],
        )
        .unwrap(),
        &hub,
        Role::Supervisor,
        &convene(),
        T0 + HOUR,
    )
    .unwrap();
    let respond = |state: &str, n: u64, answer: Answer, at: i64| {
        part(
            state,
            objects::response_object(
                &format!("x-entente-response--00000000-0000-4000-8000-{n:012}"),
                ROOT,
                &code(state),
                &kz,
                &answer,
                &ts(at),
            ),
        )
    };
    let mut verdicts = BTreeMap::new();
    verdicts.insert(
        (
            "x-entente-response--00000000-0000-4000-8000-000000000011".to_owned(),
            0,
        ),
        Decided {
            verdict: Verdict::Accepted,
            state: code("CN"),
            offer: line("experts", "Grid repair engineers"),
        },
    );
    verdicts.insert(
        (
            "x-entente-response--00000000-0000-4000-8000-000000000012".to_owned(),
            0,
        ),
        Decided {
            verdict: Verdict::Declined,
            state: code("RU"),
            offer: line("forces", "Special forces unit"),
        },
    );
    vec![
        part(
            "KZ",
            objects::request_object(
                ROOT,
                &request(),
                &kz,
                &[],
                &BTreeMap::new(),
                &ts(T0),
                &ts(T0),
            ),
        ),
        part(
            "SECRETARIAT",
            objects::conference_object(
                CONF,
                &hub,
                ROOT,
                &request(),
                &kz,
                &invited,
                &convene(),
                None,
                &ts(T0 + HOUR),
                &ts(T0 + HOUR),
            ),
        ),
        respond(
            "CN",
            11,
            Answer::Offer {
                lines: vec![
                    line("experts", "Grid repair engineers"),
                    line("equipment", "Mobile transformers"),
                ],
            },
            T0 + 2 * HOUR,
        ),
        respond(
            "RU",
            12,
            Answer::Offer {
                lines: vec![line("forces", "Special forces unit")],
            },
            T0 + 3 * HOUR,
        ),
        respond(
            "UZ",
            13,
            Answer::Decline {
                reason: "No capacity this month.".into(),
            },
            T0 + 4 * HOUR,
        ),
        respond(
            "AF",
            14,
            Answer::Attend {
                delegates: vec!["Deputy minister of interior".into()],
            },
            T0 + 5 * HOUR,
        ),
        respond(
            "MN",
            15,
            Answer::Attend {
                delegates: vec!["Observer".into()],
            },
            T0 + 5 * HOUR,
        ),
        respond(
            "PK",
            16,
            Answer::Decline {
                reason: String::new(),
            },
            T0 + 30 * HOUR,
        ),
        part(
            "KZ",
            objects::request_object(
                ROOT,
                &request(),
                &kz,
                &[],
                &verdicts,
                &ts(T0),
                &ts(T0 + 6 * HOUR),
            ),
        ),
    ]
}

#[test]
fn who_may_ask_and_who_may_convene() {
    let charter = Charter::parse(SCO).unwrap();
    assert!(may_request(&charter, &code("KZ"), Role::Supervisor).is_ok());
    assert_eq!(
        may_request(&charter, &code("KZ"), Role::Analyst)
            .unwrap_err()
            .code(),
        "role_may_not"
    );
    assert_eq!(
        may_request(&charter, &code("AF"), Role::Supervisor)
            .unwrap_err()
            .code(),
        "role_may_not"
    );
    assert!(may_request(&charter, &code("SECRETARIAT"), Role::Supervisor).is_ok());
    let t = Thread::of(ROOT, world(&charter)[..1].to_vec()).unwrap();
    assert_eq!(t.status(), Status::Requested);
    let refuse = |party: &str, role, input: &ConveneInput, now| {
        may_convene(&charter, &t, &code(party), role, input, now)
            .unwrap_err()
            .code()
    };
    assert_eq!(
        refuse("KZ", Role::Supervisor, &convene(), T0),
        "role_may_not"
    );
    assert_eq!(
        refuse("SECRETARIAT", Role::Analyst, &convene(), T0),
        "role_may_not"
    );
    assert_eq!(
        refuse("SECRETARIAT", Role::Supervisor, &convene(), T0 + 25 * HOUR),
        "invalid_input"
    );
    let nowhere = ConveneInput {
        place: None,
        ..convene()
    };
    assert_eq!(
        refuse("SECRETARIAT", Role::Supervisor, &nowhere, T0),
        "invalid_input"
    );
    let invited = may_convene(
        &charter,
        &t,
        &code("SECRETARIAT"),
        Role::Supervisor,
        &convene(),
        T0,
    )
    .unwrap();
    assert_eq!(
        invited.len(),
        9,
        "the eight members and AF, chosen: {invited:?}"
    );
    let convened = Thread::of(ROOT, world(&charter)[..2].to_vec()).unwrap();
    assert_eq!(
        may_convene(
            &charter,
            &convened,
            &code("SECRETARIAT"),
            Role::Supervisor,
            &convene(),
            T0
        )
        .unwrap_err()
        .code(),
        "step_not_allowed"
    );
}

#[test]
fn answers_offers_and_the_plan_every_party_derives_alike() {
    let charter = Charter::parse(SCO).unwrap();
    let parts = world(&charter);
    let t = Thread::of(ROOT, parts.clone()).unwrap();
    assert_eq!(t.status(), Status::Convened);
    // MN was not invited and PK answered after the deadline: neither counts.
    let answered: Vec<&str> = t.responses.keys().map(|s| s.as_str()).collect();
    assert_eq!(answered, ["AF", "CN", "RU", "UZ"]);
    let awaiting: Vec<&str> = t.awaiting().iter().map(|s| s.as_str()).collect();
    assert_eq!(awaiting, ["IN", "KG", "KZ", "PK", "TJ"]);
    assert_eq!(t.offers().len(), 3);
    let plan: Vec<(&str, &str)> = t
        .plan()
        .iter()
        .map(|(s, l)| (s.as_str(), l.description.as_str()))
        .collect();
    assert_eq!(plan, [("CN", "Grid repair engineers")]);
    // The same objects in any order give the same view.
    let mut reversed = parts.clone();
    reversed.reverse();
    assert_eq!(view(&Thread::of(ROOT, reversed).unwrap()), view(&t));
}

#[test]
fn who_may_answer_and_decide() {
    let charter = Charter::parse(SCO).unwrap();
    let t = Thread::of(ROOT, world(&charter)).unwrap();
    let attend = Answer::Attend {
        delegates: vec!["Minister".into()],
    };
    let answer = |party: &str, role, now| may_respond(&t, &code(party), role, &attend, now);
    assert!(answer("TJ", Role::Supervisor, T0 + 10 * HOUR).is_ok());
    assert_eq!(
        answer("TJ", Role::Analyst, T0 + 10 * HOUR)
            .unwrap_err()
            .code(),
        "role_may_not"
    );
    assert_eq!(
        answer("TJ", Role::Supervisor, T0 + 25 * HOUR)
            .unwrap_err()
            .code(),
        "deadline_passed"
    );
    assert_eq!(
        answer("MN", Role::Supervisor, T0 + 10 * HOUR)
            .unwrap_err()
            .code(),
        "not_found"
    );
    let empty = Answer::Offer { lines: vec![] };
    assert_eq!(
        may_respond(&t, &code("TJ"), Role::Supervisor, &empty, T0)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let cn = "x-entente-response--00000000-0000-4000-8000-000000000011";
    let decide = |party: &str, role, line| may_decide(&t, &code(party), role, cn, line);
    assert!(decide("KZ", Role::Supervisor, 1).is_ok());
    assert_eq!(
        decide("KZ", Role::Supervisor, 0).unwrap_err().code(),
        "step_not_allowed",
        "decided already"
    );
    assert_eq!(
        decide("KZ", Role::Supervisor, 5).unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(
        decide("CN", Role::Supervisor, 1).unwrap_err().code(),
        "role_may_not"
    );
    assert_eq!(
        decide("KZ", Role::Analyst, 1).unwrap_err().code(),
        "role_may_not"
    );
    assert!(may_close(&t, &code("SECRETARIAT"), Role::Supervisor).is_ok());
    assert_eq!(
        may_close(&t, &code("KZ"), Role::Supervisor)
            .unwrap_err()
            .code(),
        "role_may_not"
    );
}

#[test]
fn the_conference_closes_with_its_record_and_an_uninvited_observer_sees_none_of_it() {
    let charter = Charter::parse(SCO).unwrap();
    let mut parts = world(&charter);
    let record = Record {
        minutes: "The members heard Kazakhstan and agreed the assistance plan.".into(),
        statement: "The member states stand with Kazakhstan.".into(),
        outcome: "plan".into(),
        decision_ref: None,
        participants: vec!["KZ".into(), "CN".into(), "RU".into(), "AF".into()],
    };
    record.check().unwrap();
    let invited: Vec<PartyCode> = Thread::of(ROOT, parts.clone())
        .unwrap()
        .conference
        .unwrap()
        .invited;
    parts.push(part(
        "SECRETARIAT",
        objects::conference_object(
            CONF,
            &code("SECRETARIAT"),
            ROOT,
            &request(),
            &code("KZ"),
            &invited,
            &convene(),
            Some(&record),
            &ts(T0 + HOUR),
            &ts(T0 + 49 * HOUR),
        ),
    ));
    let t = Thread::of(ROOT, parts.clone()).unwrap();
    assert_eq!(t.status(), Status::Closed);
    assert_eq!(
        may_close(&t, &code("SECRETARIAT"), Role::Supervisor)
            .unwrap_err()
            .code(),
        "step_not_allowed"
    );
    assert_eq!(view(&t)["conference"]["record"]["outcome"], "plan");
    let bad = Record {
        outcome: "decision".into(),
        ..record
    };
    assert!(
        bad.check().is_err(),
        "a decision outcome names the decision"
    );

    // MN, an observer not invited, may see none of the objects; CN sees the conference but not
    // the other states' responses.
    let user = |party: &str, tier| Viewer::User {
        user: UserRef::new(code(party), "analyst").unwrap(),
        tier,
        role: Role::Analyst,
    };
    let mn = user("MN", Tier::Observer);
    assert!(
        parts
            .iter()
            .filter(|p| p.originator != code("MN"))
            .all(|p| !may_see(&mn, &p.label)),
        "MN sees nothing but what it wrote itself"
    );
    let cn = user("CN", Tier::Member);
    let cn_sees: Vec<&Part> = parts.iter().filter(|p| may_see(&cn, &p.label)).collect();
    assert!(cn_sees.iter().any(|p| p.id() == CONF));
    assert!(cn_sees
        .iter()
        .filter(|p| p.object_type() == RESPONSE_TYPE)
        .all(|p| p.originator == code("CN")));
}

#[test]
fn a_request_holds_no_empty_list_which_stix_forbids() {
    let o = objects::request_object(
        ROOT,
        &request(),
        &code("KZ"),
        &[],
        &BTreeMap::new(),
        &ts(T0),
        &ts(T0),
    );
    assert!(
        o.get("told").is_none() && o.get("verdicts").is_none(),
        "{o}"
    );
    let empty = Record {
        minutes: "m".into(),
        statement: String::new(),
        outcome: "statement".into(),
        decision_ref: None,
        participants: vec![],
    };
    assert!(empty.check().is_err(), "a record names its participants");
}

/// Reminders before the deadline: the nearest threshold reached, once, from the secretariat's
/// node, to the invited states that have not answered; none for a threshold already reached when
/// the conference was convened, none after the deadline or the close; a reminder is a valid STIX
/// note its addressees may see and a state that answered may not.
#[test]
fn reminders_go_to_the_states_that_have_not_answered_before_the_deadline() {
    let charter = Charter::parse(SCO).unwrap();
    // The request, the conference (convened at T0+1h, answers due at T0+24h) and CN's answer.
    let parts: Vec<Part> = world(&charter).into_iter().take(3).collect();
    let t = Thread::of(ROOT, parts.clone()).unwrap();
    let hub = code("SECRETARIAT");
    let actor = Actor {
        party: hub.clone(),
        role: Role::Admin,
    };
    let at = |now_ns: i64, charter: &Charter, here: &PartyCode, t: &Thread| {
        let ctx = Context {
            here,
            actor: &actor,
            now_ns,
            charter,
        };
        reminder_due(&ctx, t).map(|(h, to)| {
            (
                h,
                to.iter().map(|s| s.as_str().to_owned()).collect::<Vec<_>>(),
            )
        })
    };
    // 24 hours: already reached when convened (23 hours before), so skipped; 2 hours: not yet.
    assert_eq!(charter.remind_hours, vec![24, 2]);
    assert_eq!(at(T0 + 2 * HOUR, &charter, &hub, &t), None);
    let (hours, to) = at(T0 + 22 * HOUR + 1, &charter, &hub, &t).expect("the 2-hour reminder");
    assert_eq!(hours, 2);
    assert_eq!(
        to,
        ["IN", "KG", "KZ", "PK", "RU", "TJ", "UZ", "AF"],
        "CN answered"
    );
    // Only the secretariat's node reminds; none after the deadline.
    assert_eq!(at(T0 + 23 * HOUR, &charter, &code("KZ"), &t), None);
    assert_eq!(at(T0 + 24 * HOUR, &charter, &hub, &t), None);
    // A charter that reminds 12 hours before.
    let twelve = Charter::parse(&format!("{SCO}\n[consultations]\nremind_hours = [12]\n")).unwrap();
    assert_eq!(at(T0 + 11 * HOUR, &twelve, &hub, &t), None);
    assert_eq!(at(T0 + 13 * HOUR, &twelve, &hub, &t).map(|r| r.0), Some(12));

    // The workflow writes it once: a valid note, addressed to those states.
    let ctx = Context {
        here: &hub,
        actor: &actor,
        now_ns: T0 + 22 * HOUR + 1,
        charter: &charter,
    };
    let writes = Consultations.due(&ctx, ROOT, &t, &mut Counted(900));
    assert_eq!(writes.len(), 1);
    let note = writes[0].object.clone();
    entente_stix::validate::validate(note.clone()).expect("a valid STIX note");
    let reminder = part("SECRETARIAT", note.clone());
    let life = crate::life_of("note", &reminder.object).expect("claimed");
    assert_eq!(life.name(), "consultation");
    assert_eq!(
        life.root_of("note", &reminder.object).as_deref(),
        Some(ROOT)
    );
    life.check_entry("note", &reminder.object, &reminder.label)
        .expect("enters");
    let forged = part("KZ", note);
    assert!(life
        .check_entry("note", &forged.object, &forged.label)
        .is_err());
    let sees = |s: &str| {
        may_see(
            &Viewer::Node {
                party: code(s),
                tier: charter.tier_of(&code(s)).unwrap(),
                holder: code("SECRETARIAT"),
            },
            &reminder.label,
        )
    };
    assert!(sees("UZ") && sees("AF"));
    assert!(!sees("CN") && !sees("MN"));
    let mut with = parts.clone();
    with.push(reminder);
    let t2 = Thread::of(ROOT, with).unwrap();
    assert_eq!(t2.reminders.len(), 1);
    assert_eq!(t2.reminders[0].hours, 2);
    assert!(Consultations
        .due(&ctx, ROOT, &t2, &mut Counted(900))
        .is_empty());
    assert_eq!(view(&t2)["reminders"][0]["to"][7], "AF");
}
