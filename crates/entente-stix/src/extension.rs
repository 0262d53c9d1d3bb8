//! The project's fixed extension identifiers (DESIGN.md, a contract) and access to the property
//! extension every Entente object carries: its `audience` and its `signature`.

use serde_json::{Map, Value};

/// The property extension holding `audience` and `signature`.
pub const ENTENTE_EXTENSION: &str = "extension-definition--84bb86cc-86f5-5b0d-a56d-92409f953efa";

/// The project's own object types and the `new-sdo` extension definition each must declare.
pub const ENTENTE_TYPES: [(&str, &str); 11] = [
    (
        "x-entente-warning",
        "extension-definition--8ca0d952-cb36-568f-ad79-ebadb1b4a9a2",
    ),
    (
        "x-entente-register-entry",
        "extension-definition--2fe2ba3d-e9f3-5da0-9d56-f64569f208bc",
    ),
    (
        "x-entente-decision",
        "extension-definition--a0a0109f-f497-5bf2-9540-9f849398535c",
    ),
    (
        "x-entente-ballot",
        "extension-definition--785dfd1e-f261-51bd-8fe6-6412555e4dc4",
    ),
    (
        "x-entente-consultation",
        "extension-definition--374be774-435d-5c23-9716-3b1caf068539",
    ),
    (
        "x-entente-response",
        "extension-definition--a1268c7e-f549-5ea1-b950-4fea9eb806a0",
    ),
    (
        "x-entente-exercise",
        "extension-definition--a6ba2b22-535b-5c85-8863-dbbfc6fc6e86",
    ),
    (
        "x-entente-programme",
        "extension-definition--c05e33c0-1075-5f7f-a821-d6b09808e209",
    ),
    (
        "x-entente-asset",
        "extension-definition--02767541-b696-5cd5-b7b5-2c3a31d53d2a",
    ),
    (
        "x-entente-document",
        "extension-definition--fccc40db-315a-57ce-8c0c-2838d6752465",
    ),
    (
        "x-entente-application",
        "extension-definition--ea66ddaf-6873-5b50-8b1d-3f3ac69a3eab",
    ),
];

/// The extension definition a project type must declare, if `ty` is one of the project's types.
pub fn definition_for_type(ty: &str) -> Option<&'static str> {
    ENTENTE_TYPES
        .iter()
        .find(|(t, _)| *t == ty)
        .map(|(_, d)| *d)
}

/// The object's Entente property extension, if it carries one.
pub fn entente_extension(obj: &Map<String, Value>) -> Option<&Map<String, Value>> {
    obj.get("extensions")?
        .as_object()?
        .get(ENTENTE_EXTENSION)?
        .as_object()
}

/// The object's Entente property extension, created (empty but for its type) when absent.
pub fn entente_extension_mut(obj: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    let exts = obj
        .entry("extensions")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()?;
    exts.entry(ENTENTE_EXTENSION)
        .or_insert_with(|| {
            let mut m = Map::new();
            m.insert(
                "extension_type".into(),
                Value::String("property-extension".into()),
            );
            Value::Object(m)
        })
        .as_object_mut()
}
