//! What a store may leave out of a read before the access policy is asked: the rows a viewer
//! certainly may not see, told by the columns a store indexes (originator, marking, whether there
//! is an audience, and the audience's [`audience_keys`]). [`candidates`] is derived from the same
//! rules as [`crate::may_see`] and is never narrower — every label `may_see` admits, [`admits`]
//! admits (tested over every viewer and label of a small world, and by property) — so it only
//! saves work: `may_see` still decides every row a store returns. A store translates it into its
//! query (SQL), so a page for a viewer who may see few objects is not read by scanning the many
//! it may not.

use crate::audience::Audience;
use crate::marking::Tlp;
use crate::party::PartyCode;
use crate::policy::{AccessLabel, Viewer};
use crate::tier::Tier;

/// The rows that may be visible to one viewer: those from `from`, or marked one of
/// `any_audience`, or with no audience and marked one of `unaddressed`, or whose audience has one
/// of `keys`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    pub from: Option<PartyCode>,
    pub any_audience: Vec<Tlp>,
    pub unaddressed: Vec<Tlp>,
    pub keys: Vec<String>,
}

fn state_key(party: &PartyCode) -> String {
    format!("state:{party}")
}

fn tier_key(tier: Tier) -> String {
    format!("tier:{tier}")
}

fn users_of_key(party: &PartyCode) -> String {
    format!("users-of:{party}")
}

/// The keys a store indexes an audience by: each state, tier and user it names, and each state
/// one of its users belongs to.
pub fn audience_keys(audience: &Audience) -> Vec<String> {
    let mut keys: Vec<String> = audience
        .states
        .iter()
        .map(state_key)
        .chain(audience.tiers.iter().map(|t| tier_key(*t)))
        .chain(audience.users.iter().map(|u| format!("user:{u}")))
        .chain(audience.users.iter().map(|u| users_of_key(u.party())))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The rows `viewer` may see are among these; `None`: any row may be (the hub pulling, which
/// relays whatever reaches beyond its originator).
pub fn candidates(viewer: &Viewer) -> Option<Candidates> {
    let amber_unaddressed = |tier: Tier| {
        let mut u = vec![Tlp::Green];
        if tier == Tier::Member {
            u.extend([Tlp::Amber, Tlp::AmberStrict]);
        }
        u
    };
    match viewer {
        Viewer::Public => Some(Candidates {
            from: None,
            any_audience: vec![Tlp::Clear],
            unaddressed: Vec::new(),
            keys: Vec::new(),
        }),
        Viewer::User { user, tier, .. } => Some(Candidates {
            from: Some(user.party().clone()),
            any_audience: vec![Tlp::Clear],
            unaddressed: amber_unaddressed(*tier),
            keys: vec![
                state_key(user.party()),
                tier_key(*tier),
                format!("user:{user}"),
            ],
        }),
        Viewer::Node { party, .. } if party.is_secretariat() => None,
        Viewer::Node { party, tier, .. } => Some(Candidates {
            from: None,
            any_audience: vec![Tlp::Clear],
            unaddressed: amber_unaddressed(*tier),
            keys: vec![state_key(party), tier_key(*tier), users_of_key(party)],
        }),
    }
}

/// Whether a row labelled `label` is a candidate: what a store's query must compute.
pub fn admits(c: &Candidates, label: &AccessLabel) -> bool {
    c.from.as_ref() == Some(&label.originator)
        || c.any_audience.contains(&label.marking)
        || match &label.audience {
            None => c.unaddressed.contains(&label.marking),
            Some(aud) => audience_keys(aud).iter().any(|k| c.keys.contains(k)),
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audience::UserRef;
    use crate::policy::{may_see, Role};

    fn code(s: &str) -> PartyCode {
        PartyCode::parse(s).unwrap()
    }

    /// Every subset of `items`.
    fn subsets<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
        (0..1u32 << items.len())
            .map(|mask| {
                items
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, t)| t.clone())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn never_narrower_than_the_policy_over_every_viewer_and_label_of_a_small_world() {
        let parties = [code("KZ"), code("CN"), code("SECRETARIAT")];
        let users = [
            UserRef::parse("KZ:a").unwrap(),
            UserRef::parse("CN:a").unwrap(),
            UserRef::parse("SECRETARIAT:a").unwrap(),
        ];
        let mut audiences = vec![None];
        for states in subsets(&parties) {
            for tiers in subsets(&Tier::ALL) {
                for us in subsets(&users) {
                    audiences.push(Some(Audience {
                        states: states.clone(),
                        tiers: tiers.clone(),
                        users: us,
                    }));
                }
            }
        }
        let mut viewers = vec![Viewer::Public];
        for p in &parties {
            for tier in Tier::ALL {
                viewers.push(Viewer::User {
                    user: UserRef::new(p.clone(), "a").unwrap(),
                    tier,
                    role: Role::Analyst,
                });
                viewers.push(Viewer::User {
                    user: UserRef::new(p.clone(), "b").unwrap(),
                    tier,
                    role: Role::Analyst,
                });
                for holder in &parties {
                    viewers.push(Viewer::Node {
                        party: p.clone(),
                        tier,
                        holder: holder.clone(),
                    });
                }
            }
        }
        let (mut checked, mut cut) = (0u64, 0u64);
        for viewer in &viewers {
            let c = candidates(viewer);
            for originator in &parties {
                for marking in Tlp::ALL {
                    for audience in &audiences {
                        let label = AccessLabel {
                            originator: originator.clone(),
                            marking,
                            audience: audience.clone(),
                        };
                        let admitted = c.as_ref().is_none_or(|c| admits(c, &label));
                        if may_see(viewer, &label) {
                            assert!(
                                admitted,
                                "{viewer:?} may see {label:?}, but it is not a candidate"
                            );
                        }
                        checked += 1;
                        cut += u64::from(!admitted);
                    }
                }
            }
        }
        // Not a filter that admits everything (in this world most audiences name several states
        // and tiers, so most labels reach most viewers).
        assert!(checked > 500_000, "{checked}");
        assert!(cut > 50_000, "only {cut} of {checked} left out");
    }

    #[test]
    fn what_is_left_out() {
        let kz_user = Viewer::User {
            user: UserRef::parse("KZ:a").unwrap(),
            tier: Tier::Member,
            role: Role::Analyst,
        };
        let observer = Viewer::User {
            user: UserRef::parse("MN:a").unwrap(),
            tier: Tier::Observer,
            role: Role::Analyst,
        };
        let label = |from: &str, marking, audience| AccessLabel {
            originator: code(from),
            marking,
            audience,
        };
        let to_cn_user = Some(Audience {
            users: vec![UserRef::parse("CN:b").unwrap()],
            ..Default::default()
        });
        let c = candidates(&kz_user).unwrap();
        assert!(!admits(&c, &label("CN", Tlp::Red, to_cn_user.clone())));
        assert!(admits(&c, &label("KZ", Tlp::Red, to_cn_user)));
        assert!(admits(&c, &label("CN", Tlp::Amber, None)));
        let c = candidates(&observer).unwrap();
        assert!(!admits(&c, &label("CN", Tlp::Amber, None)));
        assert!(admits(&c, &label("CN", Tlp::Green, None)));
        assert!(candidates(&Viewer::Node {
            party: code("SECRETARIAT"),
            tier: Tier::Secretariat,
            holder: code("KZ")
        })
        .is_none());
    }

    #[test]
    fn audience_keys_name_states_tiers_users_and_the_users_states() {
        let aud = Audience {
            states: vec![code("KZ")],
            tiers: vec![Tier::Observer],
            users: vec![UserRef::parse("CN:a").unwrap()],
        };
        assert_eq!(
            audience_keys(&aud),
            ["state:KZ", "tier:observer", "user:CN:a", "users-of:CN"]
        );
    }
}
