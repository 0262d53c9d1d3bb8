//! `Tlp`: the Traffic Light Protocol 2.0 levels, their fixed OASIS marking-definition ids, and the
//! rule that an object with several markings is governed by the strictest.
//!
//! TLP 1.0 marking definitions (as the `stix2` library still emits) are read as their TLP 2.0
//! counterparts (WHITE as CLEAR), so that objects from older tools keep their meaning.

use crate::error::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Ordered from the most open to the strictest, so `max` gives the governing marking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

pub const TLP_CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
pub const TLP_GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
pub const TLP_AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
pub const TLP_AMBER_STRICT: &str = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
pub const TLP_RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

const TLP1_WHITE: &str = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";
const TLP1_GREEN: &str = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
const TLP1_AMBER: &str = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
const TLP1_RED: &str = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";

impl Tlp {
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// The marking a marking-definition id stands for, if it is one of the TLP definitions.
    pub fn from_marking_ref(id: &str) -> Option<Tlp> {
        match id {
            TLP_CLEAR | TLP1_WHITE => Some(Tlp::Clear),
            TLP_GREEN | TLP1_GREEN => Some(Tlp::Green),
            TLP_AMBER | TLP1_AMBER => Some(Tlp::Amber),
            TLP_AMBER_STRICT => Some(Tlp::AmberStrict),
            TLP_RED | TLP1_RED => Some(Tlp::Red),
            _ => None,
        }
    }

    /// The TLP 2.0 marking-definition id of this level.
    pub fn marking_ref(self) -> &'static str {
        match self {
            Tlp::Clear => TLP_CLEAR,
            Tlp::Green => TLP_GREEN,
            Tlp::Amber => TLP_AMBER,
            Tlp::AmberStrict => TLP_AMBER_STRICT,
            Tlp::Red => TLP_RED,
        }
    }

    /// The governing marking of a list of marking refs: the strictest TLP among them, `None` when
    /// none is a TLP marking. Unknown refs are an error: an object must not carry a marking the
    /// node cannot honour.
    pub fn strictest<'a>(
        refs: impl IntoIterator<Item = &'a str>,
    ) -> Result<Option<Tlp>, CoreError> {
        let mut governing = None;
        for r in refs {
            let tlp =
                Tlp::from_marking_ref(r).ok_or_else(|| CoreError::UnknownMarking(r.to_owned()))?;
            governing = governing.max(Some(tlp));
        }
        Ok(governing)
    }

    pub fn parse_name(s: &str) -> Result<Tlp, CoreError> {
        match s.to_ascii_lowercase().as_str() {
            "clear" | "tlp:clear" => Ok(Tlp::Clear),
            "green" | "tlp:green" => Ok(Tlp::Green),
            "amber" | "tlp:amber" => Ok(Tlp::Amber),
            "amber+strict" | "tlp:amber+strict" => Ok(Tlp::AmberStrict),
            "red" | "tlp:red" => Ok(Tlp::Red),
            _ => Err(CoreError::UnknownMarking(s.to_owned())),
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(c: u8) -> Option<Tlp> {
        Tlp::ALL.get(usize::from(c)).copied()
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strictest_wins_and_unknown_is_refused() {
        assert_eq!(
            Tlp::strictest([TLP_GREEN, TLP_RED, TLP_CLEAR]).unwrap(),
            Some(Tlp::Red)
        );
        assert_eq!(Tlp::strictest([]).unwrap(), None);
        assert_eq!(Tlp::strictest([TLP1_WHITE]).unwrap(), Some(Tlp::Clear));
        assert!(
            Tlp::strictest(["marking-definition--00000000-0000-4000-8000-000000000000"]).is_err()
        );
        for t in Tlp::ALL {
            assert_eq!(Tlp::from_marking_ref(t.marking_ref()), Some(t));
            assert_eq!(Tlp::from_code(t.code()), Some(t));
        }
    }
}
