//! The core crate's domain errors: one enum, each variant a sentence a user can act on.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CoreError {
    #[error(
        "`{0}` is not a state code: use an ISO 3166-1 alpha-2 code such as `KZ`, or `SECRETARIAT`"
    )]
    BadPartyCode(String),
    #[error("`{0}` is not a tier: use one of member, observer, dialogue-partner, secretariat")]
    BadTier(String),
    #[error("`{0}` is not a user reference: write users as `CODE:name`, e.g. `KZ:liaison1`")]
    BadUserRef(String),
    #[error("`{0}` is not a role: use one of analyst, supervisor, admin")]
    BadRole(String),
    #[error("`{0}` is not a known marking: use a TLP 2.0 marking-definition id")]
    UnknownMarking(String),
    #[error("TLP:RED must name its users in the audience (`users`: [\"CODE:name\", ...])")]
    RedWithoutUsers,
    #[error("the audience is malformed: {0}")]
    BadAudience(String),
    #[error("charter line {line}: {message}")]
    Charter { line: usize, message: String },
    #[error("`{0}` is not a kind of warning: use one of wanted, locate, missing, threat, modus-operandi, watch, unidentified")]
    UnknownKind(String),
    #[error("`{0}` is not a stage: use draft, submitted, published or cancelled")]
    UnknownStage(String),
    #[error("`{0}` is not a status: use one of draft, submitted, accepted, refused, published, cancelled, expired, irregular")]
    UnknownStatus(String),
    #[error("a register entry's `status` is `{0}`: it must be proposed, designated or delisted")]
    UnknownEntryStatus(String),
    /// A node key that does not read, saying why.
    #[error("{0}")]
    BadKey(String),
    /// A grading that is malformed or incomplete, saying what is wrong.
    #[error("{0}")]
    BadGrading(String),
    #[error("handling code H2 (not to be passed on) cannot go with TLP:CLEAR, which may be passed to anyone: mark it GREEN or stricter")]
    H2WithClear,
    #[error("the review date must be in the future")]
    ReviewDatePast,
    #[error("the review date may be at most {days} days ahead for a {kind} warning (the charter's limit)")]
    ReviewDateTooFar { days: u32, kind: String },
}
