//! The outcome of a decision, by procedure: a table of ballots and clocks with the outcome each
//! must give, and properties — the order ballots arrive in never changes the outcome, and nothing
//! cast after a decision closed changes it.

use super::*;
use proptest::prelude::*;

const HOUR: i64 = 3_600_000_000_000;
const OPEN: i64 = 1_000 * HOUR;
const DEADLINE: i64 = OPEN + 72 * HOUR;

fn code(s: &str) -> PartyCode {
    PartyCode::parse(s).unwrap()
}

fn members() -> Vec<PartyCode> {
    ["CN", "KZ", "RU", "UZ"].iter().map(|s| code(s)).collect()
}

fn terms(procedure: Procedure) -> Terms {
    Terms {
        procedure,
        opened_ns: OPEN,
        deadline_ns: DEADLINE,
        members: members(),
        withdrawn_ns: None,
    }
}

fn ballot(state: &str, vote: Vote, hours: i64) -> Ballot {
    Ballot {
        state: code(state),
        signer: code(state),
        vote,
        cast_ns: OPEN + hours * HOUR,
    }
}

use Vote::{Abstain, Approve, Object};

#[test]
fn consensus_is_adopted_by_every_member_and_rejected_by_one() {
    let t = terms(Procedure::Consensus);
    let all = vec![
        ballot("CN", Approve, 1),
        ballot("KZ", Abstain, 2),
        ballot("RU", Approve, 3),
        ballot("UZ", Approve, 4),
    ];
    let o = outcome(&t, &all, OPEN + 5 * HOUR);
    assert_eq!(o.status, Status::Adopted);
    assert_eq!(o.closed_ns, Some(OPEN + 4 * HOUR));
    assert_eq!(
        o.tally,
        Tally {
            approve: 3,
            abstain: 1,
            object: 0,
            silent: 0
        }
    );
    // Three of four answered: open until the deadline, lapsed after it.
    let three = &all[..3];
    assert_eq!(outcome(&t, three, OPEN + 5 * HOUR).status, Status::Open);
    let lapsed = outcome(&t, three, DEADLINE);
    assert_eq!(
        (lapsed.status, lapsed.closed_ns),
        (Status::Lapsed, Some(DEADLINE))
    );
    // One objection rejects at once; a later change of mind does not reopen it.
    let mut objected = vec![ballot("RU", Object, 1)];
    objected.push(ballot("RU", Approve, 2));
    objected.extend(all.iter().filter(|b| b.state.as_str() != "RU").cloned());
    let o = outcome(&t, &objected, OPEN + 10 * HOUR);
    assert_eq!(
        (o.status, o.closed_ns),
        (Status::Rejected, Some(OPEN + HOUR))
    );
    // CN's ballot of the same hour sorts before RU's and counts; the three after do not.
    assert!(o
        .refused
        .iter()
        .all(|(_, r)| *r == BallotRefusal::AfterClosing));
    assert_eq!(o.refused.len(), 3);
}

#[test]
fn a_state_may_replace_its_ballot_until_the_decision_closes() {
    let t = terms(Procedure::Consensus);
    let ballots = vec![
        ballot("CN", Approve, 1),
        ballot("CN", Abstain, 2),
        ballot("KZ", Approve, 3),
    ];
    let o = outcome(&t, &ballots, OPEN + 4 * HOUR);
    assert_eq!(o.status, Status::Open);
    assert_eq!(o.votes[&code("CN")], Abstain);
    assert_eq!(o.tally.silent, 2);
}

#[test]
fn silence_is_adopted_at_its_deadline_unless_broken() {
    let t = terms(Procedure::Silence);
    let quiet = vec![ballot("CN", Approve, 1)];
    assert_eq!(outcome(&t, &quiet, DEADLINE - 1).status, Status::Open);
    let o = outcome(&t, &quiet, DEADLINE);
    assert_eq!((o.status, o.closed_ns), (Status::Adopted, Some(DEADLINE)));
    // Everyone approving does not close it early: silence runs its period.
    let all: Vec<Ballot> = ["CN", "KZ", "RU", "UZ"]
        .iter()
        .map(|s| ballot(s, Approve, 1))
        .collect();
    assert_eq!(outcome(&t, &all, DEADLINE - 1).status, Status::Open);
    let broken = vec![ballot("UZ", Object, 71)];
    let o = outcome(&t, &broken, DEADLINE + HOUR);
    assert_eq!(
        (o.status, o.closed_ns),
        (Status::Rejected, Some(OPEN + 71 * HOUR))
    );
    // An objection at or after the deadline is too late.
    let late = vec![ballot("UZ", Object, 72)];
    let o = outcome(&t, &late, DEADLINE + HOUR);
    assert_eq!(o.status, Status::Adopted);
    assert_eq!(o.refused, vec![(0, BallotRefusal::AfterClosing)]);
}

#[test]
fn consensus_minus_one_neither_waits_for_nor_is_blocked_by_the_state_concerned() {
    let t = terms(Procedure::ConsensusMinusOne {
        concerned: code("UZ"),
    });
    let ballots = vec![
        ballot("UZ", Object, 1),
        ballot("CN", Approve, 2),
        ballot("KZ", Approve, 3),
        ballot("RU", Abstain, 4),
    ];
    let o = outcome(&t, &ballots, OPEN + 5 * HOUR);
    assert_eq!(
        (o.status, o.closed_ns),
        (Status::Adopted, Some(OPEN + 4 * HOUR))
    );
    assert_eq!(o.votes[&code("UZ")], Object, "its position is on record");
    let one_more = vec![ballot("RU", Object, 1)];
    assert_eq!(
        outcome(&t, &one_more, OPEN + 2 * HOUR).status,
        Status::Rejected
    );
}

#[test]
fn ballots_that_count_for_nothing_say_why() {
    let t = terms(Procedure::Consensus);
    let mut forged = ballot("KZ", Object, 1);
    forged.signer = code("RU");
    let ballots = vec![
        ballot("AF", Object, 1),
        forged,
        ballot("CN", Object, -1),
        ballot("RU", Object, 50),
    ];
    let o = outcome(&t, &ballots, OPEN + 10 * HOUR);
    assert_eq!(o.status, Status::Open, "none of them blocks");
    let codes: Vec<&str> = o.refused.iter().map(|(_, r)| r.code()).collect();
    assert_eq!(
        codes,
        [
            "not_a_member",
            "signed_by_another_state",
            "before_opening",
            "cast_in_the_future"
        ]
    );
}

#[test]
fn a_withdrawn_decision_closes_as_withdrawn() {
    let mut t = terms(Procedure::Consensus);
    t.withdrawn_ns = Some(OPEN + 5 * HOUR);
    let ballots = vec![ballot("CN", Approve, 1), ballot("KZ", Object, 6)];
    let o = outcome(&t, &ballots, OPEN + 7 * HOUR);
    assert_eq!(
        (o.status, o.closed_ns),
        (Status::Withdrawn, Some(OPEN + 5 * HOUR))
    );
    assert_eq!(o.refused, vec![(1, BallotRefusal::AfterClosing)]);
    // Before the withdrawal is reached by the clock, it is still open.
    assert_eq!(
        outcome(&t, &ballots[..1], OPEN + 2 * HOUR).status,
        Status::Open
    );
}

#[test]
fn terms_are_checked_as_proposed() {
    assert!(terms(Procedure::Consensus).check(72 * HOUR).is_ok());
    let mut short = terms(Procedure::Silence);
    short.deadline_ns = OPEN + 24 * HOUR;
    assert!(short
        .check(72 * HOUR)
        .unwrap_err()
        .0
        .contains("at least 72 hours"));
    let outsider = terms(Procedure::ConsensusMinusOne {
        concerned: code("AF"),
    });
    assert!(outsider.check(72 * HOUR).is_err());
    let mut backwards = terms(Procedure::Consensus);
    backwards.deadline_ns = OPEN;
    assert!(backwards.check(72 * HOUR).is_err());
}

fn any_ballot() -> impl Strategy<Value = Ballot> {
    let states = prop::sample::select(vec!["CN", "KZ", "RU", "UZ", "AF"]);
    let votes = prop::sample::select(vec![Approve, Abstain, Object]);
    (states.clone(), states, votes, -2i64..80, 0u8..10).prop_map(|(s, signer, v, h, same)| {
        Ballot {
            state: code(s),
            // Mostly signed by its own state.
            signer: code(if same < 9 { s } else { signer }),
            vote: v,
            cast_ns: OPEN + h * HOUR,
        }
    })
}

fn any_procedure() -> impl Strategy<Value = Procedure> {
    prop_oneof![
        Just(Procedure::Consensus),
        Just(Procedure::Silence),
        Just(Procedure::ConsensusMinusOne {
            concerned: code("UZ")
        }),
    ]
}

proptest! {
    /// Every node derives the same outcome from the same ballots, whatever order they came in.
    #[test]
    fn the_order_ballots_arrive_in_never_changes_the_outcome(
        procedure in any_procedure(),
        ballots in prop::collection::vec(any_ballot(), 0..12),
        seed in any::<u64>(),
        hours in 0i64..90,
    ) {
        let t = terms(procedure);
        let now = OPEN + hours * HOUR;
        let mut shuffled: Vec<(usize, Ballot)> = ballots.iter().cloned().enumerate().collect();
        // A permutation from the seed (no randomness in the crate: a simple LCG walk).
        let mut x = seed;
        for i in (1..shuffled.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (x >> 33) as usize % (i + 1));
        }
        let a = outcome(&t, &ballots, now);
        let b = outcome(&t, &shuffled.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>(), now);
        prop_assert_eq!(a.status, b.status);
        prop_assert_eq!(a.closed_ns, b.closed_ns);
        prop_assert_eq!(a.tally, b.tally);
        prop_assert_eq!(&a.votes, &b.votes);
        prop_assert_eq!(a.refused.len(), b.refused.len());
    }

    /// Once closed, a decision stays as it closed: later ballots and a later clock change nothing.
    #[test]
    fn nothing_after_closing_changes_a_closed_decision(
        procedure in any_procedure(),
        ballots in prop::collection::vec(any_ballot(), 0..12),
        late in prop::collection::vec(any_ballot(), 0..6),
        hours in 0i64..90,
    ) {
        let t = terms(procedure);
        let now = OPEN + hours * HOUR;
        let before = outcome(&t, &ballots, now);
        if let Some(closed) = before.closed_ns {
            let mut more = ballots.clone();
            more.extend(late.into_iter().map(|mut b| {
                b.cast_ns = b.cast_ns.max(closed + 1);
                b
            }));
            let after = outcome(&t, &more, now + 100 * HOUR);
            prop_assert_eq!(before.status, after.status);
            prop_assert_eq!(before.closed_ns, after.closed_ns);
            prop_assert_eq!(&before.votes, &after.votes);
        }
    }
}
