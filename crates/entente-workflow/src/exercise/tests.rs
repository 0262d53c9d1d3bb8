//! An exercise's rules and thread, with no node: the objects its steps write, labelled as a node
//! labels them, checked against who may take each step and who may see each section.

use super::*;
use crate::test_support::{code, part, Counted};
use crate::Actor;
use entente_core::{may_see, Viewer};

const SCO: &str = include_str!("../../../../examples/sco.toml");
const DAY: i64 = DAY_NS;
/// 2010-09-09T00:00:00Z, the first day of Peace Mission 2010.
const START: i64 = 1_283_990_400 * 1_000_000_000;

fn peace_mission(shared_with: &str) -> PlanInput {
    serde_json::from_value(json!({
        "name": "Peace Mission 2010",
        "kind": "exercise",
        "host": "KZ",
        "starts": "2010-09-09",
        "ends": "2010-09-25",
        "scenario": "Armed groups seize a town near Matybulak; the member states free it together.",
        "objectives": ["Joint command", "Air and ground coordination"],
        "participants": ["CN", "RU", "KG", "TJ"],
        "shared_with": shared_with,
    }))
    .unwrap()
}

struct World {
    charter: Charter,
    ids: Counted,
    parts: Vec<Part>,
}

impl World {
    fn new() -> World {
        World {
            charter: Charter::parse(SCO).unwrap(),
            ids: Counted(0),
            parts: Vec::new(),
        }
    }

    fn step(
        &mut self,
        party: &str,
        role: Role,
        root: Option<&str>,
        action: Action,
        now_ns: i64,
    ) -> Result<String, Refusal> {
        let here = code(party);
        let actor = Actor {
            party: here.clone(),
            role,
        };
        let ctx = Context {
            here: &here,
            actor: &actor,
            now_ns,
            charter: &self.charter,
        };
        Exercises.admit(&ctx, &action)?;
        let thread = root.and_then(|r| Thread::of(r, self.parts.clone()));
        if root.is_some() && thread.is_none() {
            return Err(Refusal::NotFound);
        }
        let plan = Exercises.plan(&ctx, root.zip(thread.as_ref()), action, &mut self.ids)?;
        for w in plan.writes {
            entente_stix::validate::validate(w.object.clone()).expect("valid STIX");
            let p = part(party, w.object);
            Exercises
                .check_entry(EXERCISE_TYPE, &p.object, &p.label)
                .expect("enters");
            self.parts.push(p);
        }
        Ok(plan.root)
    }

    /// The thread as `party`'s node holds it: the parts its node may be sent.
    fn seen_by(&self, root: &str, party: &str) -> Option<Thread> {
        let p = code(party);
        let tier = self.charter.tier_of(&p).unwrap();
        let visible: Vec<Part> = self
            .parts
            .iter()
            .filter(|x| {
                x.originator == p
                    || may_see(
                        &Viewer::Node {
                            party: p.clone(),
                            tier,
                            holder: code("SECRETARIAT"),
                        },
                        &x.label,
                    )
            })
            .cloned()
            .collect();
        Thread::of(root, visible)
    }
}

fn section(summary: &str, shared_with: &str, items: Vec<Item>) -> SectionInput {
    SectionInput {
        summary: summary.into(),
        strengths: "Joint command worked.".into(),
        improvements: "Radio links between air and ground.".into(),
        items,
        shared_with: shared_with.into(),
    }
}

fn item(title: &str, due: &str) -> Item {
    Item {
        title: title.into(),
        owner: "Signals directorate".into(),
        due: due.into(),
        closed: None,
    }
}

#[test]
fn who_may_plan() {
    let mut w = World::new();
    let before = START - 30 * DAY;
    let plan = || Action::Plan(peace_mission("participants"));
    let code_of = |r: Result<String, Refusal>| r.unwrap_err().code();
    assert_eq!(
        code_of(w.step("MN", Role::Supervisor, None, plan(), before)),
        "role_may_not"
    );
    assert_eq!(
        code_of(w.step("CN", Role::Supervisor, None, plan(), before)),
        "role_may_not"
    );
    assert_eq!(
        code_of(w.step("KZ", Role::Analyst, None, plan(), before)),
        "role_may_not"
    );
    let mut bad = peace_mission("participants");
    bad.host = "MN".into();
    assert_eq!(
        code_of(w.step(
            "SECRETARIAT",
            Role::Supervisor,
            None,
            Action::Plan(bad),
            before
        )),
        "invalid_input"
    );
    let mut backwards = peace_mission("participants");
    backwards.ends = "2010-09-01".into();
    assert_eq!(
        code_of(w.step(
            "KZ",
            Role::Supervisor,
            None,
            Action::Plan(backwards),
            before
        )),
        "invalid_input"
    );
    assert!(w.step("KZ", Role::Supervisor, None, plan(), before).is_ok());
    assert!(w
        .step("SECRETARIAT", Role::Supervisor, None, plan(), before)
        .is_ok());
}

/// Each state's section is seen exactly as its sharing allows; contributions are each state's;
/// items are tracked open, overdue and closed.
#[test]
fn sections_are_each_states_under_its_own_sharing() {
    let mut w = World::new();
    let before = START - 30 * DAY;
    let root = w
        .step(
            "KZ",
            Role::Supervisor,
            None,
            Action::Plan(peace_mission("participants")),
            before,
        )
        .unwrap();
    let join = |brings: &str| {
        Action::Join(ContributionInput {
            brings: brings.into(),
            personnel: 1000,
        })
    };
    w.step(
        "CN",
        Role::Supervisor,
        Some(&root),
        join("J-10 fighters, 1,000 troops"),
        before,
    )
    .unwrap();
    w.step(
        "RU",
        Role::Supervisor,
        Some(&root),
        join("Su-25 ground attack aircraft"),
        before,
    )
    .unwrap();
    // UZ is not a participant; it cannot see the plan at all.
    assert!(w.seen_by(&root, "UZ").is_none());
    assert!(w.seen_by(&root, "MN").is_none());
    // A section before the first day is refused; afterwards each state writes its own.
    let kz_section = section(
        "The exercise met its objectives.",
        "participants",
        vec![item("Common radio frequencies", "2011-06-01")],
    );
    assert_eq!(
        w.step(
            "KZ",
            Role::Supervisor,
            Some(&root),
            Action::Report(kz_section.clone()),
            before
        )
        .unwrap_err()
        .code(),
        "step_not_allowed"
    );
    let after = START + 20 * DAY;
    w.step(
        "KZ",
        Role::Supervisor,
        Some(&root),
        Action::Report(kz_section),
        after,
    )
    .unwrap();
    let cn_section = section(
        "Air units arrived a day late.",
        "host",
        vec![item("Airlift planning", "2010-12-01")],
    );
    w.step(
        "CN",
        Role::Supervisor,
        Some(&root),
        Action::Report(cn_section),
        after,
    )
    .unwrap();
    // Wider than the plan is refused; a non-participant does not report.
    assert_eq!(
        w.step(
            "RU",
            Role::Supervisor,
            Some(&root),
            Action::Report(section("x", "organization", vec![])),
            after
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );
    let sections = |party: &str| -> Vec<String> {
        w.seen_by(&root, party)
            .map(|t| t.sections.keys().map(|s| s.to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        sections("KZ"),
        ["CN", "KZ"],
        "the host sees CN's host-only section"
    );
    assert_eq!(
        sections("RU"),
        ["KZ"],
        "RU sees only what is shared with participants"
    );
    assert_eq!(sections("CN"), ["CN", "KZ"]);
    assert_eq!(sections("SECRETARIAT"), ["CN", "KZ"]);
    assert!(sections("UZ").is_empty());

    // Items: CN's is overdue in 2011; CN closes it; another state cannot.
    let t = w.seen_by(&root, "SECRETARIAT").unwrap();
    let in_2011 = START + 200 * DAY;
    let open: Vec<(String, bool)> = t
        .open_items(in_2011)
        .iter()
        .map(|(s, _, i, overdue)| (format!("{s}: {}", i.title), *overdue))
        .collect();
    assert_eq!(
        open,
        [
            ("CN: Airlift planning".to_owned(), true),
            ("KZ: Common radio frequencies".to_owned(), false)
        ]
    );
    assert_eq!(
        w.step(
            "RU",
            Role::Supervisor,
            Some(&root),
            Action::CloseItem { item: 0 },
            in_2011
        )
        .unwrap_err()
        .code(),
        "step_not_allowed"
    );
    w.step(
        "CN",
        Role::Supervisor,
        Some(&root),
        Action::CloseItem { item: 0 },
        in_2011,
    )
    .unwrap();
    assert_eq!(
        w.step(
            "CN",
            Role::Supervisor,
            Some(&root),
            Action::CloseItem { item: 0 },
            in_2011
        )
        .unwrap_err()
        .code(),
        "already_done"
    );
    let t = w.seen_by(&root, "KZ").unwrap();
    assert_eq!(t.open_items(in_2011).len(), 1);
    assert_eq!(
        t.sections[&code("CN")].value.items[0].closed.as_deref(),
        Some("2011-03-28")
    );
    // The view says who brings what, and the status by the clock.
    let v = view(&t, in_2011);
    assert_eq!(v["status"], "done");
    assert_eq!(v["participants"][1]["state"], "CN");
    assert_eq!(
        v["participants"][1]["contribution"]["brings"],
        "J-10 fighters, 1,000 troops"
    );
    assert_eq!(
        v["participants"][3]["contribution"],
        Value::Null,
        "KG said nothing"
    );
    assert_eq!(view(&t, before)["status"], "planned");
}

/// A plan shared with the organization reaches every party; its sections may be too.
#[test]
fn an_organization_wide_plan_reaches_every_party() {
    let mut w = World::new();
    let root = w
        .step(
            "SECRETARIAT",
            Role::Supervisor,
            None,
            Action::Plan(peace_mission("organization")),
            START - DAY,
        )
        .unwrap();
    let t = w.seen_by(&root, "MN").expect("an observer sees the plan");
    assert_eq!(t.plan.planner.as_str(), "SECRETARIAT");
    assert_eq!(t.plan.participants[0].as_str(), "KZ");
    w.step(
        "TJ",
        Role::Supervisor,
        Some(&root),
        Action::Report(section("Done.", "organization", vec![])),
        START + DAY,
    )
    .unwrap();
    assert_eq!(w.seen_by(&root, "MN").unwrap().sections.len(), 1);
    // MN sees it but does not take part.
    assert_eq!(
        w.step(
            "MN",
            Role::Supervisor,
            Some(&root),
            Action::Join(ContributionInput {
                brings: "x".into(),
                personnel: 0
            }),
            START
        )
        .unwrap_err()
        .code(),
        "role_may_not"
    );
}
