//! A TAXII POST body, as the node reads it: strict bounded JSON, the envelope, then each object
//! validated and, when valid, put in canonical form and read back. No panic, whatever the bytes;
//! a parse never holds more values than its limit; a valid object's canonical form parses back
//! to the same object.
#![no_main]
use entente_stix::json::{self, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_values: 20_000,
        max_depth: 32,
    };
    let Ok(body) = json::parse(data, limits) else {
        return;
    };
    let Ok(objects) = entente_server::body::envelope_objects(body) else {
        return;
    };
    for object in objects {
        if let Ok(valid) = entente_stix::validate(object) {
            let _ = valid.version();
            if let Ok(text) = entente_stix::canonical::canonical_map(&valid.object) {
                let back = json::parse_object(&text).expect("canonical JSON parses");
                assert_eq!(back, valid.object);
            }
        }
    }
});
