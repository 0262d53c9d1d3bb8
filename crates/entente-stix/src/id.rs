//! `StixId`: a STIX identifier, `type--uuid`, with an RFC 4122 UUID in lowercase.

use crate::error::StixError;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StixId(String);

/// Whether `t` is a valid STIX type name: 3 to 250 of a-z, 0-9 and `-`, not starting or ending
/// with `-` and without `--`.
pub fn is_type_name(t: &str) -> bool {
    (3..=250).contains(&t.len())
        && t.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !t.starts_with('-')
        && !t.ends_with('-')
        && !t.contains("--")
}

fn is_uuid(u: &str) -> bool {
    let b = u.as_bytes();
    if b.len() != 36 {
        return false;
    }
    for (i, &c) in b.iter().enumerate() {
        let ok = match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        };
        if !ok {
            return false;
        }
    }
    // RFC 4122 variant: the first hex digit of the fourth group is 8, 9, a or b.
    matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

impl StixId {
    pub fn parse(s: &str) -> Result<StixId, StixError> {
        let (ty, uuid) = s
            .split_once("--")
            .ok_or_else(|| StixError::BadId(s.to_owned()))?;
        if !is_type_name(ty) {
            return Err(StixError::BadIdType {
                id: s.to_owned(),
                part: ty.to_owned(),
            });
        }
        if !is_uuid(uuid) {
            return Err(StixError::BadIdUuid(s.to_owned()));
        }
        Ok(StixId(s.to_owned()))
    }

    pub fn parse_property(property: &str, s: &str) -> Result<StixId, StixError> {
        StixId::parse(s).map_err(|m| StixError::invalid(property, m.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn object_type(&self) -> &str {
        self.0.split_once("--").map_or("", |(t, _)| t)
    }
}

impl fmt::Display for StixId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        let id = StixId::parse("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f").unwrap();
        assert_eq!(id.object_type(), "indicator");
        for bad in [
            "indicator",
            "indicator--",
            "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3",
            "indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F",
            "indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f",
            "In--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "a--b--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        ] {
            assert!(StixId::parse(bad).is_err(), "{bad}");
        }
    }
}
