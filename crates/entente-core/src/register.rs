//! The life of a register entry (`x-entente-register-entry`): its status and the transitions
//! between them. An entry is `proposed` (being prepared, never screened), `designated` (on the
//! list: screened against), then `delisted`. Each version the originating state issues carries its
//! status; the transition a version makes is from the status of the latest version held before it.
//! Who may make which transition is the write policy's ([`crate::write`]).

use std::fmt;

/// The status a version of a register entry carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryStatus {
    Proposed,
    Designated,
    Delisted,
}

impl EntryStatus {
    pub const ALL: [EntryStatus; 3] = [
        EntryStatus::Proposed,
        EntryStatus::Designated,
        EntryStatus::Delisted,
    ];

    pub fn parse(s: &str) -> Result<EntryStatus, crate::CoreError> {
        EntryStatus::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| crate::CoreError::UnknownEntryStatus(s.to_owned()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Proposed => "proposed",
            EntryStatus::Designated => "designated",
            EntryStatus::Delisted => "delisted",
        }
    }
}

impl fmt::Display for EntryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a new version of an entry does, from the status of the latest version held (`None`: the
/// first version) to the status it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryStep {
    /// A first or revised proposal.
    Propose,
    /// Put on the list: a first designation, the designation of a proposal, or a re-designation.
    Designate,
    /// A designated entry's details changed (names, dates...), still designated.
    Amend,
    Delist,
}

impl EntryStep {
    /// Whether the step commits the state (a supervisor's to take).
    pub fn commits_the_state(self) -> bool {
        !matches!(self, EntryStep::Propose)
    }
}

/// The table of an entry's life: the step a version with status `to` makes after `from`, or why
/// it may not be made.
pub fn entry_step(
    from: Option<EntryStatus>,
    to: EntryStatus,
) -> Result<EntryStep, EntryStepRefused> {
    use EntryStatus::*;
    match (from, to) {
        (None | Some(Proposed), Proposed) => Ok(EntryStep::Propose),
        (None | Some(Proposed) | Some(Delisted), Designated) => Ok(EntryStep::Designate),
        (Some(Designated), Designated) => Ok(EntryStep::Amend),
        (Some(Designated), Delisted) => Ok(EntryStep::Delist),
        (Some(Delisted), Delisted) => Err(EntryStepRefused::AlreadyDelisted),
        (None | Some(Proposed), Delisted) => Err(EntryStepRefused::NotDesignated),
        (Some(s @ (Designated | Delisted)), Proposed) => {
            Err(EntryStepRefused::NoLongerAProposal(s))
        }
    }
}

/// A step an entry's life does not allow (see [`entry_step`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EntryStepRefused {
    #[error("the entry is already delisted")]
    AlreadyDelisted,
    #[error("only a designated entry can be delisted; this one is not designated")]
    NotDesignated,
    #[error("the entry is {}: it cannot become a proposal again", .0.as_str())]
    NoLongerAProposal(EntryStatus),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every allowed step, by hand from DESIGN.md (proposed → designated → delisted).
    const ALLOWED: [(Option<EntryStatus>, EntryStatus, EntryStep); 7] = [
        (None, EntryStatus::Proposed, EntryStep::Propose),
        (
            Some(EntryStatus::Proposed),
            EntryStatus::Proposed,
            EntryStep::Propose,
        ),
        (None, EntryStatus::Designated, EntryStep::Designate),
        (
            Some(EntryStatus::Proposed),
            EntryStatus::Designated,
            EntryStep::Designate,
        ),
        (
            Some(EntryStatus::Delisted),
            EntryStatus::Designated,
            EntryStep::Designate,
        ),
        (
            Some(EntryStatus::Designated),
            EntryStatus::Designated,
            EntryStep::Amend,
        ),
        (
            Some(EntryStatus::Designated),
            EntryStatus::Delisted,
            EntryStep::Delist,
        ),
    ];

    #[test]
    fn every_status_pair_against_the_table() {
        let mut froms = vec![None];
        froms.extend(EntryStatus::ALL.map(Some));
        for from in froms {
            for to in EntryStatus::ALL {
                let want = ALLOWED
                    .iter()
                    .find(|(f, t, _)| *f == from && *t == to)
                    .map(|(_, _, s)| *s);
                match (entry_step(from, to), want) {
                    (Ok(got), Some(w)) => assert_eq!(got, w),
                    (Err(why), None) => assert!(!why.to_string().is_empty()),
                    (got, want) => panic!("{from:?} → {to:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn statuses_parse_and_refuse() {
        for s in EntryStatus::ALL {
            assert_eq!(EntryStatus::parse(s.as_str()), Ok(s));
        }
        assert!(EntryStatus::parse("listed")
            .unwrap_err()
            .to_string()
            .contains("listed"));
    }
}
