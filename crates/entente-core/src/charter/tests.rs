//! The demo charter reads as the seeds describe the organization, and each kind of mistake is
//! refused with its line and a message that says what is wrong.

use super::*;

const SCO: &str = include_str!("../../../../examples/sco.toml");

fn code(s: &str) -> PartyCode {
    PartyCode::parse(s).unwrap()
}

#[test]
fn the_demo_charter_is_the_sco_of_2019() {
    let c = Charter::parse(SCO).unwrap();
    let codes = |t: Tier| {
        c.with_tier(t)
            .map(|p| p.code.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes(Tier::Member),
        ["CN", "IN", "KG", "KZ", "PK", "RU", "TJ", "UZ"]
    );
    assert_eq!(codes(Tier::Observer), ["AF", "BY", "IR", "MN"]);
    assert_eq!(
        codes(Tier::DialoguePartner),
        ["AM", "AZ", "KH", "LK", "NP", "TR"]
    );
    assert_eq!(codes(Tier::Secretariat), ["SECRETARIAT"]);
    assert_eq!(c.presiding(2018), Some(&code("KG")));
    assert_eq!(c.presiding(2019), Some(&code("RU")));
    assert_eq!(c.presiding(2024), Some(&code("CN")));
    assert_eq!(c.presiding(2026), Some(&code("KG")));
}

fn refused(text: &str) -> (usize, String) {
    match Charter::parse(text) {
        Err(CoreError::Charter { line, message }) => (line, message),
        other => panic!("expected a charter error, got {other:?}"),
    }
}

const HEAD: &str = "[organization]\nname = \"O\"\nabbreviation = \"O\"\nas_of = \"2019\"\n";
const TAIL: &str = "[[bodies]]\ncode = \"SECRETARIAT\"\nname = \"S\"\n[presidency]\norder = [\"KZ\"]\nepoch_year = 2018\n";

fn with_states(states: &str) -> String {
    format!("{HEAD}{states}{TAIL}")
}

#[test]
fn mistakes_are_refused_with_their_line() {
    let kz = "[[states]]\ncode = \"KZ\"\nname = \"K\"\ntier = \"member\"\n";
    assert!(Charter::parse(&with_states(kz)).is_ok());

    let cases: Vec<(String, usize, &str)> = vec![
        (
            with_states("[[states]]\ncode = \"KZ\"\nname = \"K\"\ntier = \"friend\"\n"),
            8,
            "not a tier",
        ),
        (with_states(&format!("{kz}{kz}")), 10, "listed twice"),
        (
            with_states(&format!("{kz}key = \"ed25519:AAAA\"\n")),
            9,
            "32 bytes",
        ),
        (
            with_states(&format!("{kz}key = \"rsa:AAAA\"\n")),
            9,
            "ed25519:",
        ),
        (
            with_states(&format!("{kz}key = \"ed25519:!!\"\n")),
            9,
            "base64",
        ),
        (
            with_states("[[states]]\ncode = \"Kaz\"\nname = \"K\"\ntier = \"member\"\n"),
            6,
            "not a state code",
        ),
        (
            with_states(&format!("{kz}colour = \"blue\"\n")),
            9,
            "unknown field",
        ),
        (
            with_states("[[states]]\ncode = \"KZ\"\nname = \"K\"\ntier = \"secretariat\"\n"),
            8,
            "secretariat",
        ),
        (
            with_states(&format!(
                "{kz}[[states]]\ncode = \"CN\"\nname = \"C\"\ntier = \"member\"\n"
            )),
            17,
            "missing from the presidency",
        ),
        (
            with_states(&format!(
                "{kz}[[states]]\ncode = \"MN\"\nname = \"M\"\ntier = \"observer\"\n"
            ))
            .replace("[\"KZ\"]", "[\"KZ\", \"MN\"]"),
            17,
            "cannot preside",
        ),
        (
            with_states(kz).replace("[\"KZ\"]", "[\"KZ\", \"KZ\"]"),
            13,
            "twice",
        ),
        (
            with_states(kz).replace("[\"KZ\"]", "[\"KZ\", \"US\"]"),
            13,
            "not a state of this charter",
        ),
        (
            format!("{HEAD}{kz}[presidency]\norder = [\"KZ\"]\nepoch_year = 2018\n"),
            12,
            "no secretariat",
        ),
        (
            with_states(kz).replace("name = \"S\"", "name = \"S\"\nname = \"T\""),
            12,
            "duplicate key",
        ),
        (
            format!(
                "{}[consultations]\nremind_hours = [24, 0]\n",
                with_states(kz)
            ),
            16,
            "1 to 8,784 hours",
        ),
    ];
    for (text, line, needle) in cases {
        let (got_line, message) = refused(&text);
        assert!(
            message.contains(needle),
            "{message:?} should say {needle:?}\n{text}"
        );
        assert_eq!(got_line, line, "{message}\n{text}");
    }
}

#[test]
fn reminders_before_a_deadline_default_to_a_day_and_two_hours() {
    let kz = "[[states]]\ncode = \"KZ\"\nname = \"K\"\ntier = \"member\"\n";
    let plain = Charter::parse(&with_states(kz)).expect("charter");
    assert_eq!(plain.remind_hours, vec![24, 2]);
    let set = format!("{}[consultations]\nremind_hours = [48]\n", with_states(kz));
    assert_eq!(
        Charter::parse(&set).expect("charter").remind_hours,
        vec![48]
    );
    let none = format!("{}[consultations]\nremind_hours = []\n", with_states(kz));
    assert!(Charter::parse(&none)
        .expect("charter")
        .remind_hours
        .is_empty());
}

#[test]
fn keys_round_trip() {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
    let text = NodeKey::encode(key.as_bytes());
    assert_eq!(NodeKey::parse(&text).unwrap().0, *key.as_bytes());
}
