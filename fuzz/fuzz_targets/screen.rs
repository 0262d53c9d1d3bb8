//! Screening any query (name, date of birth, nationality) against a small register in every
//! script: no panic, and scores stay within 0..=1.
#![no_main]
use entente_screen::matcher::{Entry, PartialDate, Query, Register};
use entente_screen::parts::Kind;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn register() -> &'static Register {
    static R: OnceLock<Register> = OnceLock::new();
    R.get_or_init(|| {
        let e = |id: &str, kind, names: &[&str], dob: Option<&str>| Entry {
            id: id.into(),
            kind,
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            birth_date: dob.and_then(|d| PartialDate::parse(d).ok()),
            nationality: vec!["KZ".into()],
        };
        Register::new(vec![
            e("a", Kind::Person, &["Igor Morgulov", "Моргулов Игорь Владимирович"], Some("1961-05")),
            e("b", Kind::Person, &["Cheng Guoping", "程国平"], None),
            e("c", Kind::Person, &["Muhammad Ahmad al-Masri", "محمد أحمد المصري"], Some("1970")),
            e("d", Kind::Organization, &["Vostok Trading LLC", "ООО «Восток Трейдинг»"], None),
            e("e", Kind::Person, &["Kassym-Jomart Tokayev"], Some("1953-05-17")),
        ])
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let mut it = s.splitn(3, '|');
    let name = it.next().unwrap_or_default().to_owned();
    let birth_date = it.next().and_then(|d| PartialDate::parse(d).ok());
    let nationality = it.next().map(|n| vec![n.to_owned()]).unwrap_or_default();
    let q = Query { name, birth_date, nationality };
    for m in register().screen(&q, 0.0, 10) {
        assert!((0.0..=1.0).contains(&m.score), "score {} for {s:?}", m.score);
    }
});
