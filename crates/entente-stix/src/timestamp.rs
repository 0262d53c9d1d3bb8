//! `Timestamp`: a STIX timestamp (`YYYY-MM-DDTHH:MM:SS[.s+]Z`, UTC), held as nanoseconds since the
//! Unix epoch so that versions compare and index as integers.

use crate::error::StixError;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub fn parse(s: &str) -> Result<Timestamp, String> {
        let bad = || format!("`{s}` is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.sss]Z, in UTC)");
        let b = s.as_bytes();
        let shape_ok = b.len() >= 20
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && b[b.len() - 1] == b'Z'
            && (b.len() == 20 || (b[19] == b'.' && b.len() > 21 && b.len() <= 30));
        if !shape_ok {
            return Err(bad());
        }
        let naive = NaiveDateTime::parse_from_str(&s[..s.len() - 1], "%Y-%m-%dT%H:%M:%S%.f")
            .map_err(|_| bad())?;
        let nanos = naive.and_utc().timestamp_nanos_opt().ok_or_else(|| {
            format!("`{s}` is outside the years 1677 to 2262 this node can store")
        })?;
        Ok(Timestamp(nanos))
    }

    pub fn parse_property(property: &str, s: &str) -> Result<Timestamp, StixError> {
        Timestamp::parse(s).map_err(|m| StixError::invalid(property, m))
    }

    pub fn from_nanos(n: i64) -> Timestamp {
        Timestamp(n)
    }

    pub fn from_micros(us: i64) -> Timestamp {
        Timestamp(us.saturating_mul(1000))
    }

    pub fn nanos(self) -> i64 {
        self.0
    }

    pub fn micros(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// The timestamp in STIX form with microsecond precision, as TAXII `date_added` values are.
    pub fn to_micros_string(self) -> String {
        let dt = DateTime::<Utc>::from_timestamp_nanos(self.0);
        dt.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }

    /// The timestamp in STIX form with the precision it needs: milliseconds at least, more when
    /// the value has them, so that it parses back to the same instant.
    pub fn to_stix_string(self) -> String {
        let dt = DateTime::<Utc>::from_timestamp_nanos(self.0);
        let sub = self.0.rem_euclid(1_000_000_000);
        let fmt = if sub % 1_000_000 == 0 {
            "%Y-%m-%dT%H:%M:%S%.3fZ"
        } else if sub % 1000 == 0 {
            "%Y-%m-%dT%H:%M:%S%.6fZ"
        } else {
            "%Y-%m-%dT%H:%M:%S%.9fZ"
        };
        dt.format(fmt).to_string()
    }

    /// The timestamp in STIX form with millisecond precision, as STIX `created`/`modified` usually are.
    pub fn to_millis_string(self) -> String {
        let dt = DateTime::<Utc>::from_timestamp_nanos(self.0);
        dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_micros_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let t = Timestamp::parse("2016-04-06T20:03:48.000Z").unwrap();
        assert_eq!(t.micros(), 1_459_973_028_000_000);
        assert_eq!(t.to_micros_string(), "2016-04-06T20:03:48.000000Z");
        assert_eq!(Timestamp::parse("2016-04-06T20:03:48Z").unwrap(), t);
        assert!(Timestamp::parse("2016-04-06T20:03:48.123456789Z").is_ok());
        for exact in [
            "2016-04-06T20:03:48.000Z",
            "2016-04-06T20:03:48.120Z",
            "2016-04-06T20:03:48.123456Z",
            "2016-04-06T20:03:48.123456789Z",
        ] {
            assert_eq!(Timestamp::parse(exact).unwrap().to_stix_string(), exact);
        }
        for bad in [
            "",
            "2016-04-06",
            "2016-04-06T20:03:48",
            "2016-04-06T20:03:48+00:00",
            "2016-04-06 20:03:48Z",
            "2016-13-06T20:03:48Z",
            "2016-04-06T20:03:48.Z",
            "9999-04-06T20:03:48Z",
            "2016-04-06T20:03:48.1234567890Z",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }
}
