//! What the workflows' table tests share: counted ids, party codes, and objects labelled as a
//! node labels them (the marking and the Entente extension's audience, read back).

use crate::{Ids, Part};
use entente_core::{AccessLabel, Audience, PartyCode, Tlp};
use entente_stix::Timestamp;
use serde_json::{Map, Value};

/// Ids counted from the start given (`{type}--00000000-0000-4000-8000-{n:012}`).
pub struct Counted(pub u64);

impl Ids for Counted {
    fn id(&mut self, object_type: &str) -> String {
        self.0 += 1;
        format!("{object_type}--00000000-0000-4000-8000-{:012}", self.0)
    }
}

pub fn code(s: &str) -> PartyCode {
    PartyCode::parse(s).unwrap()
}

/// `object`, made by `originator`'s node, as a thread holds it.
pub fn part(originator: &str, object: Value) -> Part {
    let object: Map<String, Value> = object.as_object().unwrap().clone();
    let marking =
        Tlp::from_marking_ref(object["object_marking_refs"][0].as_str().unwrap()).unwrap();
    let audience = entente_stix::extension::entente_extension(&object)
        .and_then(|e| e.get("audience"))
        .map(|a| Audience::from_json(a).unwrap());
    let version_ns = Timestamp::parse(object["modified"].as_str().unwrap())
        .unwrap()
        .nanos();
    Part {
        originator: code(originator),
        label: AccessLabel::new(code(originator), marking, audience).unwrap(),
        version_ns,
        object,
    }
}
