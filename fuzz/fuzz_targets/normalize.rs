//! The normalizer and every reading of a name: no panic on any text, and normalizing twice
//! changes nothing.
#![no_main]
use entente_screen::{normalize, parts::Kind, readings::readings, variants::variant_key, wade_giles};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let n = normalize(s);
    assert_eq!(normalize(&n), n, "normalizing twice changed {s:?}");
    for kind in [Kind::Person, Kind::Organization] {
        for r in readings(s, kind) {
            for p in r {
                let _ = variant_key(&p.text);
            }
        }
    }
    let _ = wade_giles::readings(&entente_screen::parts(s));
    let _ = entente_screen::groups::NameGroups::parse(s);
});
