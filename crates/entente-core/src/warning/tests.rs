//! The life of a warning, enumerated: every status × action against a table written out by hand
//! from DESIGN.md; then stories of derived status, and properties that hold for any set of objects.

use super::*;
use proptest::prelude::*;

/// Every allowed step, by hand. Everything else is refused.
const ALLOWED: [(Option<Status>, Action, Status); 14] = [
    (None, Action::Edit, Status::Draft),
    (Some(Status::Draft), Action::Edit, Status::Draft),
    (Some(Status::Draft), Action::Submit, Status::Submitted),
    (Some(Status::Draft), Action::Cancel, Status::Cancelled),
    (Some(Status::Submitted), Action::Accept, Status::Accepted),
    (Some(Status::Submitted), Action::Refuse, Status::Refused),
    (Some(Status::Submitted), Action::Cancel, Status::Cancelled),
    (Some(Status::Accepted), Action::Publish, Status::Published),
    (Some(Status::Accepted), Action::Cancel, Status::Cancelled),
    (Some(Status::Refused), Action::Edit, Status::Draft),
    (Some(Status::Refused), Action::Cancel, Status::Cancelled),
    (Some(Status::Published), Action::Update, Status::Published),
    (Some(Status::Published), Action::Extend, Status::Published),
    (Some(Status::Published), Action::Cancel, Status::Cancelled),
];

#[test]
fn every_status_and_action_against_the_table() {
    let mut froms: Vec<Option<Status>> = vec![None];
    froms.extend(Status::ALL.map(Some));
    let mut checked = 0;
    for from in froms {
        for action in Action::ALL {
            let want = ALLOWED
                .iter()
                .find(|(f, a, _)| *f == from && *a == action)
                .map(|(_, _, to)| *to);
            match (transition(from, action), want) {
                (Ok(to), Some(w)) => assert_eq!(to, w, "{from:?} {action:?}"),
                (Err(why), None) => {
                    assert!(!why.to_string().is_empty());
                    if let Some(s) = from {
                        assert!(why.to_string().contains(s.as_str()), "{why}");
                    }
                }
                (got, want) => panic!("{from:?} {action:?}: got {got:?}, want {want:?}"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 9 * 8);
}

#[test]
fn final_states_take_no_action() {
    for s in [Status::Cancelled, Status::Expired, Status::Irregular] {
        for a in Action::ALL {
            assert!(transition(Some(s), a).is_err(), "{s} {a:?}");
        }
    }
}

const DAY: i64 = 86_400 * 1_000_000_000;

fn v(t: i64, stage: Stage) -> Version {
    Version {
        modified_ns: t * DAY,
        stage,
        review_date_ns: 400 * DAY,
    }
}

fn r(of: i64, verdict: Verdict, at: i64) -> Review {
    Review {
        reviewed_version_ns: of * DAY,
        verdict,
        at_ns: at * DAY,
    }
}

fn status(versions: &[Version], reviews: &[Review], now: i64) -> Status {
    derive(versions, reviews, now * DAY).unwrap().status
}

#[test]
fn a_whole_life_as_the_issuer_sees_it() {
    let mut vs = vec![v(1, Stage::Draft)];
    assert_eq!(status(&vs, &[], 1), Status::Draft);
    vs.push(v(2, Stage::Submitted));
    assert_eq!(status(&vs, &[], 2), Status::Submitted);
    let mut rs = vec![r(2, Verdict::Accepted, 3)];
    assert_eq!(status(&vs, &rs, 3), Status::Accepted);
    vs.push(v(4, Stage::Published));
    assert_eq!(status(&vs, &rs, 4), Status::Published);
    vs.push(v(5, Stage::Published));
    assert_eq!(status(&vs, &rs, 5), Status::Published);
    // Past the review date, without an extension: expired.
    assert_eq!(status(&vs, &rs, 400), Status::Expired);
    vs.push(v(6, Stage::Cancelled));
    assert_eq!(status(&vs, &rs, 6), Status::Cancelled);
    // A refusal of an earlier submission does not undo a later acceptance.
    rs.insert(0, r(1, Verdict::Refused, 2));
    assert_eq!(status(&vs[..4], &rs, 5), Status::Published);
}

#[test]
fn a_refused_warning_is_revised_and_resubmitted() {
    let vs = vec![v(1, Stage::Draft), v(2, Stage::Submitted)];
    let rs = vec![r(2, Verdict::Refused, 3)];
    assert_eq!(status(&vs, &rs, 3), Status::Refused);
    let vs2 = [vs.clone(), vec![v(4, Stage::Draft), v(5, Stage::Submitted)]].concat();
    assert_eq!(status(&vs2, &rs, 5), Status::Submitted);
    let rs2 = [rs.clone(), vec![r(5, Verdict::Accepted, 6)]].concat();
    let vs3 = [vs2, vec![v(7, Stage::Published)]].concat();
    assert_eq!(status(&vs3, &rs2, 7), Status::Published);
}

#[test]
fn a_state_that_sees_only_the_published_version_derives_the_same_status() {
    let published = vec![v(4, Stage::Published)];
    let rs = vec![r(2, Verdict::Accepted, 3)];
    assert_eq!(status(&published, &rs, 5), Status::Published);
    assert_eq!(status(&published, &rs, 401), Status::Expired);
    // Published without an accepting review: irregular, active nowhere.
    assert_eq!(status(&published, &[], 5), Status::Irregular);
    assert_eq!(
        status(&published, &[r(2, Verdict::Refused, 3)], 5),
        Status::Irregular
    );
    // An acceptance of a later submission does not cover an earlier publication.
    assert_eq!(
        status(&published, &[r(6, Verdict::Accepted, 7)], 8),
        Status::Irregular
    );
    assert!(!Status::Irregular.is_active());
    assert!(Status::Published.is_active());
    assert!(!Status::Expired.is_active());
}

#[test]
fn review_dates_within_the_charter_limits() {
    let l = ReviewLimits::default();
    let now = 100 * DAY;
    assert!(l.check(Kind::Wanted, now + 5 * 365 * DAY, now).is_ok());
    assert!(l.check(Kind::Wanted, now + 6 * 365 * DAY, now).is_err());
    assert!(l.check(Kind::Threat, now + 365 * DAY, now).is_ok());
    let err = l.check(Kind::Threat, now + 366 * DAY, now).unwrap_err();
    assert!(err.to_string().contains("at most 365 days"), "{err}");
    assert!(l.check(Kind::ModusOperandi, now + 366 * DAY, now).is_err());
    assert!(l.check(Kind::Missing, now, now).is_err());
}

#[test]
fn reminders_fall_due_120_and_30_days_ahead() {
    let review = 1000 * DAY;
    assert!(reminders_due(review, 800 * DAY, &[120, 30]).is_empty());
    assert_eq!(reminders_due(review, 880 * DAY, &[120, 30]), vec![120]);
    assert_eq!(reminders_due(review, 975 * DAY, &[120, 30]), vec![30, 120]);
    assert!(reminders_due(review, 1000 * DAY, &[120, 30]).is_empty());
}

#[test]
fn kinds_read_and_write_alike() {
    for k in Kind::ALL {
        assert_eq!(Kind::parse(k.as_str()).unwrap(), k);
    }
    assert!(Kind::parse("purple")
        .unwrap_err()
        .to_string()
        .contains("modus-operandi"));
    assert_eq!(Kind::Threat.colour(), "orange");
    assert!(!Kind::Threat.about_a_person() && Kind::Wanted.about_a_person());
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()).unwrap(), s);
    }
}

fn arb_stage() -> impl Strategy<Value = Stage> {
    prop::sample::select(vec![
        Stage::Draft,
        Stage::Submitted,
        Stage::Published,
        Stage::Cancelled,
    ])
}

proptest! {
    #[test]
    fn derivation_depends_on_the_objects_not_their_order(
        versions in prop::collection::vec((0i64..10, arb_stage(), 0i64..100), 1..8),
        reviews in prop::collection::vec((0i64..8, any::<bool>(), 0i64..4), 0..6),
        now in 0i64..120,
        seed in any::<u64>(),
    ) {
        let vs: Vec<Version> = versions.iter().enumerate().map(|(i, (t, s, rd))| Version {
            // Distinct versions, as (id, modified) are.
            modified_ns: t * 64 + i as i64, stage: *s, review_date_ns: rd * 64,
        }).collect();
        let rs: Vec<Review> = reviews.iter().map(|(of, ok, at)| Review {
            reviewed_version_ns: of * 64,
            verdict: if *ok { Verdict::Accepted } else { Verdict::Refused },
            at_ns: *at,
        }).collect();
        let a = derive(&vs, &rs, now * 64).unwrap();
        let mut vs2 = vs.clone();
        let mut rs2 = rs.clone();
        let k = (seed % 7) as usize;
        let n = vs2.len();
        vs2.rotate_left(k % n);
        vs2.reverse();
        let m = rs2.len().max(1);
        if !rs2.is_empty() { rs2.rotate_left(k % m); }
        prop_assert_eq!(derive(&vs2, &rs2, now * 64).unwrap(), a);
        // Active only when an acceptance came before the latest, published version.
        if a.status == Status::Published {
            prop_assert!(a.latest.stage == Stage::Published);
            prop_assert!(rs.iter().any(|r| r.verdict == Verdict::Accepted
                && r.reviewed_version_ns < a.latest.modified_ns));
            prop_assert!(now * 64 < a.latest.review_date_ns);
        }
    }
}
