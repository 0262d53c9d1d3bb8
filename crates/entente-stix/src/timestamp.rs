//! `Timestamp`: a STIX timestamp (`YYYY-MM-DDTHH:MM:SS[.s+]Z`, UTC), held as nanoseconds since the
//! Unix epoch so that versions compare and index as integers.

use crate::error::StixError;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub fn parse(s: &str) -> Result<Timestamp, StixError> {
        let bad = || StixError::BadTimestamp(s.to_owned());
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
        // Digits read directly (chrono's format parser was 2% of ingest); anything the direct
        // reading does not take, a leap second for one, goes through chrono.
        let naive = match read_digits(b) {
            Some(naive) => naive,
            None => NaiveDateTime::parse_from_str(&s[..s.len() - 1], "%Y-%m-%dT%H:%M:%S%.f")
                .map_err(|_| bad())?,
        };
        let nanos = naive
            .and_utc()
            .timestamp_nanos_opt()
            .ok_or_else(|| StixError::TimestampOutOfRange(s.to_owned()))?;
        Ok(Timestamp(nanos))
    }

    /// A moment a person or a client gives (a deadline, say): a STIX timestamp, or any RFC 3339
    /// date-time with an offset, which is read as the UTC moment it names.
    pub fn parse_rfc3339(s: &str) -> Result<Timestamp, StixError> {
        if let Ok(t) = Timestamp::parse(s) {
            return Ok(t);
        }
        let at =
            DateTime::parse_from_rfc3339(s).map_err(|_| StixError::BadTimestamp(s.to_owned()))?;
        at.with_timezone(&Utc)
            .timestamp_nanos_opt()
            .map(Timestamp)
            .ok_or_else(|| StixError::TimestampOutOfRange(s.to_owned()))
    }

    pub fn parse_property(property: &str, s: &str) -> Result<Timestamp, StixError> {
        Timestamp::parse(s).map_err(|m| StixError::invalid(property, m.to_string()))
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

/// Reads `YYYY-MM-DDTHH:MM:SS[.fffffffff]Z` (shape already checked) when every field is digits
/// and in range; `None` otherwise.
fn read_digits(b: &[u8]) -> Option<NaiveDateTime> {
    let num = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0, 4)?).ok()?, num(5, 7)?, num(8, 10)?)?;
    let nanos = if b.len() == 20 {
        0
    } else {
        let digits = b.len() - 21;
        num(20, b.len() - 1)? * 10u32.pow(9 - u32::try_from(digits).ok()?)
    };
    date.and_hms_nano_opt(num(11, 13)?, num(14, 16)?, num(17, 19)?, nanos)
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
    fn a_moment_with_an_offset_is_the_utc_moment_it_names() {
        let z = Timestamp::parse("2026-12-02T14:00:00Z").unwrap();
        assert_eq!(
            Timestamp::parse_rfc3339("2026-12-02T19:00:00+05:00").unwrap(),
            z
        );
        assert_eq!(Timestamp::parse_rfc3339("2026-12-02T14:00:00Z").unwrap(), z);
        assert!(
            Timestamp::parse("2026-12-02T19:00:00+05:00").is_err(),
            "STIX itself is UTC"
        );
        assert!(Timestamp::parse_rfc3339("2026-12-02 14:00").is_err());
    }

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
        // A leap second is left to chrono, as before.
        assert!(Timestamp::parse("2016-12-31T23:59:60.500Z").is_ok());
    }

    proptest::proptest! {
        /// Reading the digits directly agrees with chrono's parser on every well-shaped input.
        #[test]
        fn direct_reading_agrees_with_chrono(
            s in "[0-9]{4}-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?Z"
        ) {
            let chrono = NaiveDateTime::parse_from_str(&s[..s.len() - 1], "%Y-%m-%dT%H:%M:%S%.f").ok();
            proptest::prop_assert_eq!(read_digits(s.as_bytes()), chrono);
        }
    }
}
