//! Numbers and dates as each language writes them. Written by hand: the forms needed are few
//! (grouped integers; a day with its month's name; a time in UTC) and the ICU crates that do
//! everything weigh tens of megabytes of data. Month names come from the catalogues.

use crate::i18n::{Lang, Tr};

pub use crate::i18n::number;

/// A moment (microseconds since the epoch, UTC) as the language writes a date and time.
pub fn moment(t: &Tr, us: i64) -> String {
    let Some(dt) = chrono::DateTime::from_timestamp_micros(us) else {
        return String::new();
    };
    stamp(t, dt.naive_utc(), true)
}

/// A STIX timestamp (`2026-12-02T05:10:00.000Z`) as the language writes it, or as given when it
/// does not read.
pub fn timestamp(t: &Tr, s: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(dt) => stamp(t, dt.naive_utc(), true),
        Err(_) => s.to_owned(),
    }
}

/// A date alone (`2027-03-01T00:00:00Z` or `2027-03-01`) as the language writes it.
pub fn date(t: &Tr, s: &str) -> String {
    let day = s.get(..10).unwrap_or(s);
    match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(d) => stamp(t, d.and_time(chrono::NaiveTime::MIN), false),
        Err(_) => s.to_owned(),
    }
}

fn stamp(t: &Tr, dt: chrono::NaiveDateTime, with_time: bool) -> String {
    use chrono::{Datelike, Timelike};
    let month = t.m(&format!("month-{}", dt.month()));
    let day = dt.day();
    let year = dt.year();
    let date = match t.lang {
        Lang::En => format!("{day} {month} {year}"),
        Lang::Ru => format!("{day} {month} {year}\u{a0}г."),
        Lang::Zh => format!("{year}年{}月{day}日", dt.month()),
    };
    if with_time {
        format!("{date}, {:02}:{:02} UTC", dt.hour(), dt.minute())
    } else {
        date
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Catalogues;
    use std::sync::Arc;

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(number(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(number(Lang::Ru, 1_234_567), "1\u{a0}234\u{a0}567");
        assert_eq!(number(Lang::Zh, 999), "999");
        assert_eq!(number(Lang::En, -1000), "-1,000");
    }

    #[test]
    fn dates_read_in_each_language() {
        let c = Arc::new(Catalogues::load().unwrap());
        let s = "2026-12-02T05:10:00.000Z";
        assert_eq!(
            timestamp(&Tr::new(c.clone(), Lang::En), s),
            "2 December 2026, 05:10 UTC"
        );
        assert_eq!(
            timestamp(&Tr::new(c.clone(), Lang::Ru), s),
            "2 декабря 2026\u{a0}г., 05:10 UTC"
        );
        assert_eq!(
            timestamp(&Tr::new(c.clone(), Lang::Zh), s),
            "2026年12月2日, 05:10 UTC"
        );
        assert_eq!(date(&Tr::new(c, Lang::En), "2027-03-01"), "1 March 2027");
    }
}
