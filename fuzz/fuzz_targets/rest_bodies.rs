//! The REST API's bodies and the TAXII query string, as the node reads them: strict JSON, then
//! each shape a route takes (a warning, a hit, names to screen) and its checks; the bytes also as
//! a query string. No panic, whatever the input; a name the checks accept is within the limits.
#![no_main]
use entente_core::warning::ReviewLimits;
use entente_node::warnings::{HitInput, WarningInput};
use entente_stix::json::{self, Limits};
use libfuzzer_sys::fuzz_target;

const NOW_NS: i64 = 1_780_000_000_000_000_000;

fuzz_target!(|data: &[u8]| {
    if let Ok(q) = std::str::from_utf8(data) {
        let _ = entente_server::taxii::query::parse(
            Some(q),
            &["id", "type", "version", "spec_version"],
            100,
            1000,
            50,
            entente_store::read::VersionMatch::last(),
        );
    }
    let Ok(body) = json::parse(
        data,
        Limits {
            max_values: 20_000,
            max_depth: 32,
        },
    ) else {
        return;
    };
    if let Ok(w) = serde_json::from_value::<WarningInput>(body.clone()) {
        let _ = w.fields(&ReviewLimits::default(), NOW_NS);
    }
    if let Ok(h) = serde_json::from_value::<HitInput>(body.clone()) {
        let _ = h.check(NOW_NS);
    }
    if let Ok(names) = serde_json::from_value::<Vec<String>>(body) {
        if entente_server::rest::check_names(&names).is_ok() {
            for n in &names {
                assert!(n.chars().count() <= entente_screen::matcher::MAX_NAME_CHARS);
                assert!(
                    entente_screen::matcher::name_size(n) <= entente_screen::matcher::MAX_NAME_PARTS
                );
            }
        }
    }
});
