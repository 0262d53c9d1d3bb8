//! The access policy, enumerated: every viewer kind × tier × role × marking × audience shape, each
//! checked against an expectation table written out by hand from DESIGN.md, not derived from the
//! implementation. Then properties that must hold for any audience at all.

use super::*;
use proptest::prelude::*;

fn code(s: &str) -> PartyCode {
    PartyCode::parse(s).unwrap()
}

/// The audience shapes that matter, relative to the viewer.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    None,
    NamesViewerState,
    NamesViewerTier,
    NamesViewerUser,
    NamesOtherUserOfViewerState,
    NamesOthersOnly,
}

const SHAPES: [Shape; 6] = [
    Shape::None,
    Shape::NamesViewerState,
    Shape::NamesViewerTier,
    Shape::NamesViewerUser,
    Shape::NamesOtherUserOfViewerState,
    Shape::NamesOthersOnly,
];

fn other_tier(t: Tier) -> Tier {
    if t == Tier::Observer {
        Tier::DialoguePartner
    } else {
        Tier::Observer
    }
}

fn audience(shape: Shape, party: &PartyCode, tier: Tier) -> Option<Audience> {
    let user = UserRef::new(party.clone(), "viewer").unwrap();
    let colleague = UserRef::new(party.clone(), "colleague").unwrap();
    let stranger = UserRef::parse("TR:someone").unwrap();
    let a = |states: Vec<PartyCode>, tiers: Vec<Tier>, users: Vec<UserRef>| {
        Some(Audience {
            states,
            tiers,
            users,
        })
    };
    match shape {
        Shape::None => None,
        Shape::NamesViewerState => a(vec![party.clone()], vec![], vec![]),
        Shape::NamesViewerTier => a(vec![], vec![tier], vec![]),
        Shape::NamesViewerUser => a(vec![], vec![], vec![user]),
        Shape::NamesOtherUserOfViewerState => a(vec![], vec![], vec![colleague]),
        Shape::NamesOthersOnly => a(vec![code("TR")], vec![other_tier(tier)], vec![stranger]),
    }
}

/// The expectation, written out per DESIGN.md's table for a viewer who is not the originator.
fn expected(marking: Tlp, shape: Shape, tier: Tier, is_node: bool) -> bool {
    use Shape::*;
    match (marking, shape) {
        (Tlp::Clear, _) => true,
        (_, NamesOthersOnly) => false,
        (_, NamesOtherUserOfViewerState) => is_node,
        (_, NamesViewerUser) => true,
        (Tlp::Red, None | NamesViewerState | NamesViewerTier) => false,
        (Tlp::Green, None) => true,
        (Tlp::Amber | Tlp::AmberStrict, None) => tier == Tier::Member,
        (Tlp::Green | Tlp::Amber | Tlp::AmberStrict, NamesViewerState | NamesViewerTier) => true,
    }
}

/// What the hub (the secretariat's node) is sent to relay, written out per DESIGN.md: everything
/// addressed to anyone beyond the originator KZ. Every shape but `None` names someone who is not
/// KZ; RED reaches beyond KZ only when it names a user of another state.
fn expected_hub(marking: Tlp, shape: Shape) -> bool {
    use Shape::*;
    match (marking, shape) {
        (Tlp::Clear, _) => true,
        (Tlp::Red, None | NamesViewerState | NamesViewerTier) => false,
        (Tlp::Red, NamesViewerUser | NamesOtherUserOfViewerState | NamesOthersOnly) => true,
        (Tlp::Green | Tlp::Amber | Tlp::AmberStrict, _) => true,
    }
}

/// A node of `party` and the users of that state, each with whether it is a node; nodes pull
/// from `holder`.
fn viewers_pulling_from(party: &PartyCode, tier: Tier, holder: &PartyCode) -> Vec<(Viewer, bool)> {
    let mut v = vec![(
        Viewer::Node {
            party: party.clone(),
            tier,
            holder: holder.clone(),
        },
        true,
    )];
    for role in Role::ALL {
        v.push((
            Viewer::User {
                user: UserRef::new(party.clone(), "viewer").unwrap(),
                tier,
                role,
            },
            false,
        ));
    }
    v
}

/// As [`viewers_pulling_from`], with nodes pulling from the originator, KZ.
fn viewers(party: &PartyCode, tier: Tier) -> Vec<(Viewer, bool)> {
    viewers_pulling_from(party, tier, &code("KZ"))
}

fn party_of_tier(tier: Tier) -> PartyCode {
    match tier {
        Tier::Member => code("RU"),
        Tier::Observer => code("MN"),
        Tier::DialoguePartner => code("LK"),
        Tier::Secretariat => code("SECRETARIAT"),
    }
}

#[test]
fn every_viewer_tier_role_marking_and_audience() {
    let originator = code("KZ");
    let mut checked = 0;
    for tier in Tier::ALL {
        let party = party_of_tier(tier);
        for marking in Tlp::ALL {
            for shape in SHAPES {
                let label = AccessLabel {
                    originator: originator.clone(),
                    marking,
                    audience: audience(shape, &party, tier),
                };
                for (viewer, is_node) in viewers(&party, tier) {
                    let want = if is_node && party.is_secretariat() {
                        expected_hub(marking, shape)
                    } else {
                        expected(marking, shape, tier, is_node)
                    };
                    assert_eq!(
                        may_see(&viewer, &label),
                        want,
                        "{viewer:?} {marking} {shape:?}"
                    );
                    checked += 1;
                }
                // The originator's users see everything their state originated; its node, which
                // holds it already, is never sent it back, from any holder.
                for holder in [code("SECRETARIAT"), code("RU")] {
                    for (viewer, is_node) in
                        viewers_pulling_from(&originator, Tier::Member, &holder)
                    {
                        assert_eq!(
                            may_see(&viewer, &label),
                            !is_node,
                            "originator {viewer:?} {marking} {shape:?}"
                        );
                        checked += usize::from(holder == code("RU"));
                    }
                }
                // The public sees CLEAR only.
                assert_eq!(may_see(&Viewer::Public, &label), marking == Tlp::Clear);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 4 * 5 * 6 * 9);
}

/// Who passes an object on: its originator's node and the hub, never a state that received it.
/// Every peer kind × holder × marking × audience shape, against the tables above.
#[test]
fn a_peer_node_is_sent_objects_only_by_their_originator_or_the_hub() {
    let originator = code("KZ");
    let mut checked = 0;
    for holder in [code("KZ"), code("SECRETARIAT"), code("CN"), code("MN")] {
        for tier in Tier::ALL {
            let party = party_of_tier(tier);
            if party == holder {
                continue;
            }
            for marking in Tlp::ALL {
                for shape in SHAPES {
                    let label = AccessLabel {
                        originator: originator.clone(),
                        marking,
                        audience: audience(shape, &party, tier),
                    };
                    let viewer = Viewer::Node {
                        party: party.clone(),
                        tier,
                        holder: holder.clone(),
                    };
                    let relays = holder == originator || holder.is_secretariat();
                    let want = relays
                        && if party.is_secretariat() {
                            expected_hub(marking, shape)
                        } else {
                            expected(marking, shape, tier, true)
                        };
                    assert_eq!(
                        may_see(&viewer, &label),
                        want,
                        "{party} pulling from {holder}: {marking} {shape:?}"
                    );
                    checked += 1;
                }
            }
        }
    }
    // KZ and CN serve all four tiers' parties; SECRETARIAT and MN the other three.
    assert_eq!(checked, (4 + 3 + 4 + 3) * 5 * 6);
}

/// The hub is not sent what is addressed to no one beyond its originator.
#[test]
fn the_hub_is_not_sent_what_only_its_originator_may_see() {
    let kz = code("KZ");
    let hub = Viewer::Node {
        party: code("SECRETARIAT"),
        tier: Tier::Secretariat,
        holder: kz.clone(),
    };
    let own_state = Audience {
        states: vec![kz.clone()],
        ..Default::default()
    };
    let own_user = Audience {
        users: vec![UserRef::parse("KZ:analyst").unwrap()],
        ..Default::default()
    };
    for marking in Tlp::ALL {
        for aud in [&own_state, &own_user] {
            let label = AccessLabel {
                originator: kz.clone(),
                marking,
                audience: Some(aud.clone()),
            };
            assert_eq!(
                may_see(&hub, &label),
                marking == Tlp::Clear,
                "{marking} {aud:?}"
            );
        }
    }
}

#[test]
fn red_must_name_users() {
    let kz = code("KZ");
    assert_eq!(
        AccessLabel::new(kz.clone(), Tlp::Red, None),
        Err(CoreError::RedWithoutUsers)
    );
    let states_only = Audience {
        states: vec![code("CN")],
        ..Default::default()
    };
    assert_eq!(
        AccessLabel::new(kz.clone(), Tlp::Red, Some(states_only)),
        Err(CoreError::RedWithoutUsers)
    );
    let users = Audience {
        users: vec![UserRef::parse("CN:a").unwrap()],
        ..Default::default()
    };
    assert!(AccessLabel::new(kz.clone(), Tlp::Red, Some(users)).is_ok());
    // An empty audience is no audience.
    let l = AccessLabel::new(kz, Tlp::Green, Some(Audience::default())).unwrap();
    assert_eq!(l.audience, None);
}

fn arb_party() -> impl Strategy<Value = PartyCode> {
    prop::sample::select(vec!["KZ", "CN", "RU", "MN", "TR", "SECRETARIAT"]).prop_map(code)
}

fn arb_tier() -> impl Strategy<Value = Tier> {
    prop::sample::select(Tier::ALL.to_vec())
}

fn arb_audience() -> impl Strategy<Value = Option<Audience>> {
    let user = (arb_party(), prop::sample::select(vec!["a", "b"]))
        .prop_map(|(p, n)| UserRef::new(p, n).unwrap());
    prop::option::of(
        (
            prop::collection::vec(arb_party(), 0..3),
            prop::collection::vec(arb_tier(), 0..2),
            prop::collection::vec(user, 0..3),
        )
            .prop_map(|(states, tiers, users)| Audience {
                states,
                tiers,
                users,
            }),
    )
}

fn arb_viewer() -> impl Strategy<Value = Viewer> {
    prop_oneof![
        Just(Viewer::Public),
        (arb_party(), arb_tier(), arb_party()).prop_map(|(party, tier, holder)| Viewer::Node {
            party,
            tier,
            holder
        }),
        (
            arb_party(),
            arb_tier(),
            prop::sample::select(vec!["a", "b"]),
            prop::sample::select(Role::ALL.to_vec())
        )
            .prop_map(|(p, tier, n, role)| Viewer::User {
                user: UserRef::new(p, n).unwrap(),
                tier,
                role
            }),
    ]
}

proptest! {
    #[test]
    fn policy_properties(viewer in arb_viewer(), originator in arb_party(), audience in arb_audience(),
                         marking in prop::sample::select(Tlp::ALL.to_vec())) {
        let label = AccessLabel { originator: originator.clone(), marking, audience: audience.clone() };
        let sees = may_see(&viewer, &label);
        let node = match &viewer {
            Viewer::Node { party, holder, .. } => Some((party, holder)),
            _ => None,
        };
        let relays = node.is_none_or(|(_, h)| *h == originator || h.is_secretariat());
        if marking == Tlp::Clear && viewer.party() != Some(&originator) && relays {
            prop_assert!(sees);
        }
        if viewer == Viewer::Public { prop_assert_eq!(sees, marking == Tlp::Clear); }
        // An originating state's users see what it originated; its node is never sent it back.
        if viewer.party() == Some(&originator) { prop_assert_eq!(sees, node.is_none()); }
        // Only the originator's node and the hub pass objects on.
        if !relays { prop_assert!(!sees); }
        // A role never changes what a user sees.
        if let Viewer::User { user, tier, .. } = &viewer {
            for role in Role::ALL {
                let other = Viewer::User { user: user.clone(), tier: *tier, role };
                prop_assert_eq!(may_see(&other, &label), sees);
            }
        }
        // A stricter marking never shows more.
        for stricter in Tlp::ALL.into_iter().filter(|t| *t > marking) {
            let l2 = AccessLabel { marking: stricter, ..label.clone() };
            prop_assert!(!may_see(&viewer, &l2) || sees);
        }
        // What a user sees, that user's node receives from the originator or the hub.
        if let Viewer::User { user, tier, .. } = &viewer {
            if *user.party() != originator {
                for holder in [originator.clone(), PartyCode::parse("SECRETARIAT").unwrap()] {
                    let node = Viewer::Node { party: user.party().clone(), tier: *tier, holder };
                    prop_assert!(!sees || may_see(&node, &label));
                }
            }
        }
    }
}
