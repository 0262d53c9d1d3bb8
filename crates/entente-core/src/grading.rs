//! Intelligence grading, as Europol's exchange does it (the 4×4 system and handling codes): how
//! reliable the source is (A–C, or X: cannot be judged), how accurate the information is (1–4),
//! and how the recipient may use it. Every warning and every shared report carries a grading in
//! the project's property extension (`"grading": {"source": "B", "information": "2",
//! "handling": ["H0", "H2"], "restrictions": "..."}`); the node enforces what it can of the
//! handling codes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The reliability of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Source {
    /// No doubt of the source's authenticity, trustworthiness and competence.
    A,
    /// A source whose information has in most instances proved reliable.
    B,
    /// A source whose information has in most instances proved unreliable.
    C,
    /// The reliability of the source cannot be judged.
    X,
}

/// The accuracy of the information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Information {
    /// Known to be true without reservation.
    #[serde(rename = "1")]
    One,
    /// Known personally to the source but not to the official passing it on.
    #[serde(rename = "2")]
    Two,
    /// Not known personally to the source, but corroborated by information already recorded.
    #[serde(rename = "3")]
    Three,
    /// Not known personally to the source and cannot be corroborated.
    #[serde(rename = "4")]
    Four,
}

/// What the recipient may do with the information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Handling {
    /// Only to prevent and combat crime.
    H0,
    /// Not to be used in judicial proceedings without the provider's permission.
    H1,
    /// Not to be passed on without the provider's permission.
    H2,
    /// Other restrictions, as written in `restrictions`.
    H3,
}

impl Handling {
    pub fn meaning(self) -> &'static str {
        match self {
            Handling::H0 => "use only to prevent and combat crime",
            Handling::H1 => "not to be used in court without the provider's permission",
            Handling::H2 => "not to be passed on without the provider's permission",
            Handling::H3 => "other restrictions, as written",
        }
    }
}

/// A grading, as it travels with an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grading {
    pub source: Source,
    pub information: Information,
    pub handling: Vec<Handling>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrictions: Option<String>,
}

impl Grading {
    /// What a node gives a shared report its author did not grade: neither source nor
    /// information can be judged, and it is for preventing and combating crime only.
    pub fn unjudged() -> Grading {
        Grading {
            source: Source::X,
            information: Information::Four,
            handling: vec![Handling::H0],
            restrictions: None,
        }
    }

    /// Reads a grading from its JSON form, saying what is wrong with it.
    pub fn from_json(value: &serde_json::Value) -> Result<Grading, crate::CoreError> {
        let g: Grading = serde_json::from_value(value.clone()).map_err(|e| {
            crate::CoreError::BadGrading(format!("`grading` {e}: it is {{\"source\": \"A\"|\"B\"|\"C\"|\"X\", \"information\": \"1\"-\"4\", \"handling\": [\"H0\"-\"H3\"], \"restrictions\": \"...\"}}"))
        })?;
        g.check()?;
        Ok(g)
    }

    fn check(&self) -> Result<(), crate::CoreError> {
        let bad = |m: &str| Err(crate::CoreError::BadGrading(m.to_owned()));
        if self.handling.is_empty() {
            return bad("`grading.handling` must hold at least one handling code (H0 to H3)");
        }
        let written = self
            .restrictions
            .as_deref()
            .is_some_and(|r| !crate::text::is_blank(r));
        if self.handling.contains(&Handling::H3) && !written {
            return bad(
                "handling code H3 needs the restrictions written in `grading.restrictions`",
            );
        }
        if let Some(r) = &self.restrictions {
            if r.chars().count() > 2000 {
                return bad("`grading.restrictions` is longer than 2,000 characters");
            }
        }
        Ok(())
    }

    /// Whether the provider forbade passing the information on (H2).
    pub fn no_onward_transmission(&self) -> bool {
        self.handling.contains(&Handling::H2)
    }

    /// Refuses a marking the handling forbids: what may not be passed on cannot be TLP:CLEAR, which
    /// anyone may export and publish.
    pub fn check_marking(&self, marking: crate::Tlp) -> Result<(), crate::CoreError> {
        if self.no_onward_transmission() && marking == crate::Tlp::Clear {
            return Err(crate::CoreError::H2WithClear);
        }
        Ok(())
    }
}

impl fmt::Display for Grading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = match self.information {
            Information::One => 1,
            Information::Two => 2,
            Information::Three => 3,
            Information::Four => 4,
        };
        write!(f, "{:?}{info}", self.source)?;
        for h in &self.handling {
            write!(f, " {h:?}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gradings_read_with_reasons() {
        let g = Grading::from_json(
            &json!({"source": "B", "information": "2", "handling": ["H0", "H2"]}),
        )
        .unwrap();
        assert_eq!(g.to_string(), "B2 H0 H2");
        assert!(g.no_onward_transmission());
        assert!(g.check_marking(crate::Tlp::Clear).is_err());
        assert!(g.check_marking(crate::Tlp::Green).is_ok());
        for (bad, says) in [
            (
                json!({"source": "D", "information": "2", "handling": ["H0"]}),
                "source",
            ),
            (
                json!({"source": "A", "information": "5", "handling": ["H0"]}),
                "information",
            ),
            (
                json!({"source": "A", "information": "1", "handling": []}),
                "at least one",
            ),
            (
                json!({"source": "A", "information": "1", "handling": ["H3"]}),
                "restrictions",
            ),
            (
                json!({"source": "A", "information": "1", "handling": ["H0"], "colour": 1}),
                "colour",
            ),
            (json!("B2"), "grading"),
        ] {
            let err = Grading::from_json(&bad).unwrap_err();
            assert!(err.to_string().contains(says), "{bad}: {err}");
        }
        let unjudged = Grading::unjudged();
        assert_eq!(unjudged.to_string(), "X4 H0");
        assert_eq!(
            Grading::from_json(&serde_json::to_value(&unjudged).unwrap()).unwrap(),
            unjudged
        );
    }
}
