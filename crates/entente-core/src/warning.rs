//! Joint warnings: their kinds, the life of a warning as a state machine, and its status as every
//! node derives it from the signed objects it holds.
//!
//! The life (DESIGN.md, Workflows): a warning is drafted, submitted to the secretariat, reviewed
//! (accepted, or refused with reasons), published to its audience, updated, extended, cancelled,
//! and it expires at its review date unless extended. [`transition`] is the one table of what may
//! follow what; a node refuses any action it does not allow.
//!
//! The status is never stored: [`derive`] computes it from the issuer's versions of the warning
//! (each carries its `stage`) and the secretariat's reviews, with the node's clock for expiry, so
//! two nodes holding the same objects show the same status. A node that sees only part of the
//! story (a state addressed by the published warning never sees the draft or the submitted
//! version) still derives it: a published version counts only if the latest review before it is
//! the secretariat's acceptance; otherwise the warning is `irregular` and is not active anywhere.

use crate::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds of warning, modelled on the international notices and diffusions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Wanted for arrest with a view to extradition (a red notice).
    Wanted,
    /// Locate a person of interest in an investigation (blue).
    Locate,
    /// A missing person (yellow).
    Missing,
    /// An imminent threat to persons or property (orange).
    Threat,
    /// A method of attack or of hiding (purple).
    ModusOperandi,
    /// A person to watch for: criminal activity likely (green).
    Watch,
    /// An unidentified person or body (black).
    Unidentified,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Wanted,
        Kind::Locate,
        Kind::Missing,
        Kind::Threat,
        Kind::ModusOperandi,
        Kind::Watch,
        Kind::Unidentified,
    ];

    pub fn parse(s: &str) -> Result<Kind, CoreError> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| CoreError::UnknownKind(s.to_owned()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Wanted => "wanted",
            Kind::Locate => "locate",
            Kind::Missing => "missing",
            Kind::Threat => "threat",
            Kind::ModusOperandi => "modus-operandi",
            Kind::Watch => "watch",
            Kind::Unidentified => "unidentified",
        }
    }

    /// The colour of the corresponding international notice.
    pub fn colour(self) -> &'static str {
        match self {
            Kind::Wanted => "red",
            Kind::Locate => "blue",
            Kind::Missing => "yellow",
            Kind::Threat => "orange",
            Kind::ModusOperandi => "purple",
            Kind::Watch => "green",
            Kind::Unidentified => "black",
        }
    }

    /// Whether the subject is a person (names, birth date, nationality) rather than an object,
    /// event or method described.
    pub fn about_a_person(self) -> bool {
        !matches!(self, Kind::Threat | Kind::ModusOperandi)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a version of a warning, signed by its issuer, says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    Draft,
    Submitted,
    Published,
    Cancelled,
}

impl Stage {
    pub fn parse(s: &str) -> Result<Stage, CoreError> {
        match s {
            "draft" => Ok(Stage::Draft),
            "submitted" => Ok(Stage::Submitted),
            "published" => Ok(Stage::Published),
            "cancelled" => Ok(Stage::Cancelled),
            other => Err(CoreError::UnknownStage(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::Submitted => "submitted",
            Stage::Published => "published",
            Stage::Cancelled => "cancelled",
        }
    }
}

/// The secretariat's compliance review of a submitted version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Accepted,
    Refused,
}

/// Where a warning stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Submitted,
    Accepted,
    Refused,
    Published,
    Cancelled,
    Expired,
    /// Published without an accepting review: shown to no one as active.
    Irregular,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Submitted,
        Status::Accepted,
        Status::Refused,
        Status::Published,
        Status::Cancelled,
        Status::Expired,
        Status::Irregular,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::Refused => "refused",
            Status::Published => "published",
            Status::Cancelled => "cancelled",
            Status::Expired => "expired",
            Status::Irregular => "irregular",
        }
    }

    pub fn parse(s: &str) -> Result<Status, CoreError> {
        Status::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| CoreError::UnknownStatus(s.to_owned()))
    }

    /// Whether the warning is in force: shown in active views, acknowledged, matched in screening.
    pub fn is_active(self) -> bool {
        self == Status::Published
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What someone does to a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Write a draft, or revise one (or a refused warning).
    Edit,
    Submit,
    Accept,
    Refuse,
    Publish,
    /// Change a published warning.
    Update,
    /// Move a published warning's review date later, with a written justification.
    Extend,
    Cancel,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::Edit,
        Action::Submit,
        Action::Accept,
        Action::Refuse,
        Action::Publish,
        Action::Update,
        Action::Extend,
        Action::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Edit => "edited",
            Action::Submit => "submitted",
            Action::Accept => "accepted",
            Action::Refuse => "refused",
            Action::Publish => "published",
            Action::Update => "updated",
            Action::Extend => "extended",
            Action::Cancel => "cancelled",
        }
    }
}

/// A step taken on a warning, as the write policy sees it: an action of its life (on the warning's
/// own versions, or the secretariat's review), or one of the objects other states add to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Life(Action),
    Acknowledge,
    ReportHit,
    FollowUp,
    /// The issuing node's own reminder that the review date nears.
    Remind,
}

impl Step {
    pub const ALL: [Step; 12] = [
        Step::Life(Action::Edit),
        Step::Life(Action::Submit),
        Step::Life(Action::Accept),
        Step::Life(Action::Refuse),
        Step::Life(Action::Publish),
        Step::Life(Action::Update),
        Step::Life(Action::Extend),
        Step::Life(Action::Cancel),
        Step::Acknowledge,
        Step::ReportHit,
        Step::FollowUp,
        Step::Remind,
    ];
}

/// The table of the life of a warning: the status an action leads to, or why it may not be taken.
/// `None` is a warning not yet written; only editing (writing the draft) starts one.
pub fn transition(from: Option<Status>, action: Action) -> Result<Status, StepRefused> {
    use Action::*;
    use Status::*;
    let to = match (from, action) {
        (None, Edit) => Some(Draft),
        (Some(Draft), Edit) => Some(Draft),
        (Some(Draft), Submit) => Some(Submitted),
        (Some(Submitted), Accept) => Some(Accepted),
        (Some(Submitted), Refuse) => Some(Refused),
        (Some(Accepted), Publish) => Some(Published),
        (Some(Refused), Edit) => Some(Draft),
        (Some(Published), Update | Extend) => Some(Published),
        (Some(Draft | Submitted | Accepted | Refused | Published), Cancel) => Some(Cancelled),
        _ => None,
    };
    to.ok_or(StepRefused { from, action })
}

/// An action the life of a warning does not allow from its status (see [`transition`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepRefused {
    pub from: Option<Status>,
    pub action: Action,
}

impl std::error::Error for StepRefused {}

impl fmt::Display for StepRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Status::*;
        let StepRefused { from, action } = *self;
        f.write_str(&match from {
            None => "there is no such warning yet: write a draft first".to_owned(),
            Some(s) => format!(
                "a warning that is {s} cannot be {}{}",
                action.as_str(),
                match s {
                    Draft => ": a draft is submitted to the secretariat, edited or cancelled",
                    Submitted => ": it awaits the secretariat's review (or may be cancelled)",
                    Accepted => ": it was accepted and may be published (or cancelled)",
                    Refused => ": it was refused; edit it into a new draft, or cancel it",
                    Published => ": a published warning is updated, extended or cancelled",
                    Cancelled => ": a cancelled warning is final",
                    Expired => ": it passed its review date; issue a new warning",
                    Irregular => ": it was published without the secretariat's acceptance",
                }
            ),
        })
    }
}

/// A version of a warning as the node holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub modified_ns: i64,
    pub stage: Stage,
    /// When the warning must be reviewed; past it, a published warning has expired.
    pub review_date_ns: i64,
}

/// A review by the secretariat, of the submitted version with `reviewed_version_ns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    pub reviewed_version_ns: i64,
    pub verdict: Verdict,
    /// When the review was made (its own `modified`).
    pub at_ns: i64,
}

/// A warning's status and the version it was derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derived {
    pub status: Status,
    /// The latest version the node holds.
    pub latest: Version,
}

/// The latest review of those `keep` selects: by the version reviewed, then by when; of two made
/// at the same instant, the refusal (so the order the node learnt them in does not matter).
fn last_review(reviews: &[Review], keep: impl Fn(&Review) -> bool) -> Option<&Review> {
    reviews.iter().filter(|r| keep(r)).max_by_key(|r| {
        (
            r.reviewed_version_ns,
            r.at_ns,
            r.verdict == Verdict::Refused,
        )
    })
}

/// The status of a warning from the versions and reviews a node holds, at `now_ns`. `None` when
/// the node holds no version of it. Pure: the same objects and clock give the same status.
pub fn derive(versions: &[Version], reviews: &[Review], now_ns: i64) -> Option<Derived> {
    let latest = *versions.iter().max_by_key(|v| v.modified_ns)?;
    let status = match latest.stage {
        Stage::Draft => Status::Draft,
        Stage::Cancelled => Status::Cancelled,
        Stage::Submitted => {
            match last_review(reviews, |r| r.reviewed_version_ns == latest.modified_ns) {
                Some(r) if r.verdict == Verdict::Accepted => Status::Accepted,
                Some(_) => Status::Refused,
                None => Status::Submitted,
            }
        }
        Stage::Published => {
            match last_review(reviews, |r| r.reviewed_version_ns < latest.modified_ns) {
                Some(r) if r.verdict == Verdict::Accepted => {
                    if now_ns >= latest.review_date_ns {
                        Status::Expired
                    } else {
                        Status::Published
                    }
                }
                _ => Status::Irregular,
            }
        }
    };
    Some(Derived { status, latest })
}

/// How far ahead a warning's review date may be, by the organization's rules (the charter's
/// `[warnings]`): at most five years for warnings on persons, one year for threats and methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewLimits {
    pub person_days: u32,
    pub matter_days: u32,
}

impl Default for ReviewLimits {
    fn default() -> Self {
        ReviewLimits {
            person_days: 5 * 365 + 1,
            matter_days: 365,
        }
    }
}

const DAY_NS: i64 = 86_400 * 1_000_000_000;

impl ReviewLimits {
    pub fn days_for(&self, kind: Kind) -> u32 {
        if kind.about_a_person() {
            self.person_days
        } else {
            self.matter_days
        }
    }

    /// Checks a review date set at `now_ns` (when the warning is written or extended).
    pub fn check(&self, kind: Kind, review_date_ns: i64, now_ns: i64) -> Result<(), CoreError> {
        let days = self.days_for(kind);
        if review_date_ns <= now_ns {
            return Err(CoreError::ReviewDatePast);
        }
        if review_date_ns > now_ns.saturating_add(i64::from(days).saturating_mul(DAY_NS)) {
            return Err(CoreError::ReviewDateTooFar {
                days,
                kind: kind.to_string(),
            });
        }
        Ok(())
    }
}

/// The reminders due for a warning reviewed at `review_date_ns`: each of `remind_days` (days
/// before the review date) that `now_ns` has reached, the most urgent (fewest days) first. A reminder of `d` days is due
/// from `d` days before the review date until the date itself.
pub fn reminders_due(review_date_ns: i64, now_ns: i64, remind_days: &[u32]) -> Vec<u32> {
    let mut due: Vec<u32> = remind_days
        .iter()
        .copied()
        .filter(|d| {
            let from = review_date_ns.saturating_sub(i64::from(*d).saturating_mul(DAY_NS));
            now_ns >= from && now_ns < review_date_ns
        })
        .collect();
    due.sort_unstable();
    due
}

#[cfg(test)]
mod tests;
