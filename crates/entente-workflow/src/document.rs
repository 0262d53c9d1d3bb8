//! The organization's documents (`x-entente-document`): a declaration, convention, strategy or
//! agreement with its title and text in English, Russian and Chinese, drafted by a member state
//! or the secretariat, adopted by a decision (effect `adopt-document`), then signed and — for a
//! convention — ratified by each member state. Its status is derived, never set:
//!
//! - `draft` until a decision adopting it is adopted (the effective charter's `adopted`);
//! - `adopted` for a declaration, strategy or agreement once adopted;
//! - a convention, once adopted, is `open-for-signature` until the number of ratifications it
//!   names is reached, and then `in-force`.
//!
//! A signature or ratification is a `note` of the signing state's node, TLP:GREEN, naming the
//! document (`object_refs`) with the act in the project extension (`document.act`: `signature`
//! or `ratification`). Only member states sign and ratify, each once; a state ratifies what it
//! signed.

use crate::{
    extensions, now_str, role_may, Basis, Context, Ids, Invalid, Life, Part, Plan, Refusal,
    Workflow, Write,
};
use entente_core::text::is_blank;
use entente_core::write::{Class, DecisionStep, WorkflowStep};
use entente_core::{AccessLabel, Charter, PartyCode, Tlp};
use entente_stix::extension::{entente_extension, ENTENTE_EXTENSION};
use entente_stix::identity::party_identity_id;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const DOCUMENT_TYPE: &str = "x-entente-document";
/// The languages every document is written in.
pub const LANGUAGES: [&str; 3] = ["en", "ru", "zh"];
pub const KINDS: [&str; 4] = ["declaration", "convention", "strategy", "agreement"];
const MAX_TITLE: usize = 500;
const MAX_TEXT: usize = 200_000;

/// Documents: drafting, signing, ratifying.
#[derive(Debug, Clone, Copy, Default)]
pub struct Documents;

/// A document as a user gives it.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    pub kind: String,
    /// The title in each language: `{"en": ..., "ru": ..., "zh": ...}`.
    pub title: BTreeMap<String, String>,
    /// The text in each language.
    pub text: BTreeMap<String, String>,
    /// For a convention: how many ratifications bring it into force.
    #[serde(default)]
    pub ratifications_required: Option<u32>,
}

fn in_languages(field: &str, m: &BTreeMap<String, String>, max: usize) -> Result<(), Invalid> {
    for lang in LANGUAGES {
        let v = m.get(lang).map(String::as_str).unwrap_or("");
        if is_blank(v) {
            return Err(Invalid(format!(
                "`{field}.{lang}` is required: a document is written in English, Russian and Chinese"
            )));
        }
        if v.chars().count() > max {
            return Err(Invalid(format!(
                "`{field}.{lang}` is longer than {max} characters"
            )));
        }
    }
    if let Some(k) = m.keys().find(|k| !LANGUAGES.contains(&k.as_str())) {
        return Err(Invalid(format!(
            "`{field}.{k}`: a document's languages are en, ru and zh"
        )));
    }
    Ok(())
}

impl DocumentInput {
    pub fn check(&self) -> Result<(), Invalid> {
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(Invalid(format!(
                "`kind` is `{}`; it is one of {}",
                self.kind,
                KINDS.join(", ")
            )));
        }
        in_languages("title", &self.title, MAX_TITLE)?;
        in_languages("text", &self.text, MAX_TEXT)?;
        match (self.kind.as_str(), self.ratifications_required) {
            ("convention", Some(n)) if (1..=256).contains(&n) => Ok(()),
            ("convention", _) => Err(
                "a convention names how many ratifications bring it into force: `ratifications_required` (1 to 256)".into(),
            ),
            (_, Some(_)) => Err("only a convention is ratified: `ratifications_required` is for conventions".into()),
            _ => Ok(()),
        }
    }
}

/// What a principal asks of a document.
#[derive(Debug, Clone)]
pub enum Action {
    Draft(DocumentInput),
    Sign,
    Ratify,
}

/// A signature or ratification held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Act {
    pub state: PartyCode,
    pub act: String,
    pub at: String,
}

/// A document's thread: its first version and the acts on it.
#[derive(Debug, Clone)]
pub struct Thread {
    pub id: String,
    pub drafter: PartyCode,
    pub input: DocumentInput,
    pub created: String,
    pub acts: Vec<Act>,
}

fn act_of(o: &Map<String, Value>) -> Option<&str> {
    entente_extension(o)?.get("document")?.get("act")?.as_str()
}

fn input_of(o: &Map<String, Value>) -> Result<DocumentInput, Invalid> {
    let strings = |k: &str| -> BTreeMap<String, String> {
        o.get(k)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(l, v)| Some((l.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let input = DocumentInput {
        kind: o
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        title: strings("title"),
        text: strings("text"),
        ratifications_required: o
            .get("ratifications_required")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok()),
    };
    input.check()?;
    Ok(input)
}

impl Thread {
    pub fn of(root: &str, parts: Vec<Part>) -> Option<Thread> {
        let first = parts
            .iter()
            .filter(|p| p.object_type() == DOCUMENT_TYPE && p.id() == root)
            .min_by_key(|p| p.version_ns)?;
        let mut acts: Vec<Act> = parts
            .iter()
            .filter(|p| {
                p.object_type() == "note" && root_of("note", &p.object).as_deref() == Some(root)
            })
            .filter_map(|p| {
                Some(Act {
                    state: p.originator.clone(),
                    act: act_of(&p.object)?.to_owned(),
                    at: p.object.get("modified")?.as_str()?.to_owned(),
                })
            })
            .collect();
        acts.sort_by(|a, b| (&a.at, &a.state, &a.act).cmp(&(&b.at, &b.state, &b.act)));
        acts.dedup_by(|a, b| a.state == b.state && a.act == b.act);
        Some(Thread {
            id: root.to_owned(),
            drafter: first.originator.clone(),
            input: input_of(&first.object).ok()?,
            created: first
                .object
                .get("created")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            acts,
        })
    }

    /// The states that took `act`, each once, in the order they did.
    pub fn states(&self, act: &str) -> Vec<&PartyCode> {
        let mut out: Vec<&PartyCode> = Vec::new();
        for a in self.acts.iter().filter(|a| a.act == act) {
            if !out.contains(&&a.state) {
                out.push(&a.state);
            }
        }
        out
    }

    /// The status in the effective charter `charter` (see the module doc).
    pub fn status(&self, charter: &Charter) -> &'static str {
        if !charter.adopted.contains_key(&self.id) {
            return "draft";
        }
        match (self.input.kind.as_str(), self.input.ratifications_required) {
            ("convention", Some(n)) => {
                // Ratifications count from the states that are members in the charter.
                let ratified = self
                    .states("ratification")
                    .into_iter()
                    .filter(|s| charter.tier_of(s) == Some(entente_core::Tier::Member))
                    .count();
                if ratified >= n as usize {
                    "in-force"
                } else {
                    "open-for-signature"
                }
            }
            _ => "adopted",
        }
    }
}

/// A document's view.
pub fn view(t: &Thread, charter: &Charter) -> Value {
    let names = |act: &str| {
        t.states(act)
            .into_iter()
            .map(|s| s.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    json!({
        "id": t.id,
        "kind": t.input.kind,
        "title": t.input.title,
        "text": t.input.text,
        "drafted_by": t.drafter.as_str(),
        "created": t.created,
        "status": t.status(charter),
        "adopted_by": charter.adopted.get(&t.id),
        "ratifications_required": t.input.ratifications_required,
        "signatures": names("signature"),
        "ratifications": names("ratification"),
        "acts": t.acts.iter().map(|a| json!({"state": a.state.as_str(), "act": a.act, "at": a.at})).collect::<Vec<_>>(),
    })
}

/// The root a document's object names.
pub fn root_of(object_type: &str, o: &Map<String, Value>) -> Option<String> {
    match object_type {
        DOCUMENT_TYPE => o.get("id").and_then(Value::as_str).map(str::to_owned),
        "note" if act_of(o).is_some() => o
            .get("object_refs")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .find(|r| r.starts_with(&format!("{DOCUMENT_TYPE}--")))
            .map(str::to_owned),
        _ => None,
    }
}

impl Life for Documents {
    fn name(&self) -> &'static str {
        "document"
    }
    fn root_type(&self) -> &'static str {
        DOCUMENT_TYPE
    }
    fn types(&self) -> &'static [&'static str] {
        &[DOCUMENT_TYPE, "note"]
    }
    fn claims(&self, object_type: &str, object: &Map<String, Value>) -> bool {
        object_type == DOCUMENT_TYPE || (object_type == "note" && act_of(object).is_some())
    }
    fn root_of(&self, object_type: &str, object: &Map<String, Value>) -> Option<String> {
        root_of(object_type, object)
    }
    fn class(&self, step: Option<WorkflowStep>) -> Class {
        match step {
            Some(WorkflowStep::Decision(s @ (DecisionStep::Draft | DecisionStep::Sign))) => {
                Class::Decision(Some(s))
            }
            _ => Class::Decision(None),
        }
    }
    fn check_entry(
        &self,
        object_type: &str,
        object: &Map<String, Value>,
        label: &AccessLabel,
    ) -> Result<(), Invalid> {
        crate::green_record(object_type, label)?;
        if object_type == DOCUMENT_TYPE {
            input_of(object)?;
        } else {
            if !matches!(act_of(object), Some("signature" | "ratification")) {
                return Err("a document's act is `signature` or `ratification`".into());
            }
            if root_of(object_type, object).is_none() {
                return Err(
                    "a signature or ratification names its document in `object_refs`".into(),
                );
            }
        }
        Ok(())
    }
}

fn act_object(id: &str, document: &str, by: &PartyCode, act: &str, now: &str) -> Value {
    json!({
        "type": "note", "spec_version": "2.1", "id": id,
        "created": now, "modified": now,
        "created_by_ref": party_identity_id(by),
        "abstract": if act == "signature" { "Signature" } else { "Ratification" },
        "content": format!("{by}: {act} of the document."),
        "object_refs": [document],
        "object_marking_refs": [Tlp::Green.marking_ref()],
        "extensions": { ENTENTE_EXTENSION: {"extension_type": "property-extension", "document": {"act": act}} },
    })
}

impl Workflow for Documents {
    type Thread = Thread;
    type Action = Action;

    fn thread(&self, root: &str, parts: Vec<Part>) -> Option<Thread> {
        Thread::of(root, parts)
    }

    fn admit(&self, ctx: &Context, action: &Action) -> Result<(), Refusal> {
        match action {
            Action::Draft(input) => {
                input.check()?;
                role_may(ctx, DecisionStep::Draft)
            }
            Action::Sign | Action::Ratify => role_may(ctx, DecisionStep::Sign),
        }
    }

    fn plan(
        &self,
        ctx: &Context,
        thread: Option<(&str, &Thread)>,
        action: Action,
        ids: &mut dyn Ids,
    ) -> Result<Plan, Refusal> {
        let now = now_str(ctx.now_ns);
        match (action, thread) {
            (Action::Draft(input), None) => {
                input.check()?;
                let id = ids.id(DOCUMENT_TYPE);
                let mut o = json!({
                    "type": DOCUMENT_TYPE, "spec_version": "2.1", "id": id,
                    "created": now, "modified": now,
                    "created_by_ref": party_identity_id(ctx.here),
                    "kind": input.kind, "title": input.title, "text": input.text,
                    "object_marking_refs": [Tlp::Green.marking_ref()],
                    "extensions": extensions(DOCUMENT_TYPE),
                });
                if let Some(n) = input.ratifications_required {
                    o["ratifications_required"] = json!(n);
                }
                Ok(Plan {
                    root: id,
                    writes: vec![Write {
                        object: o,
                        step: DecisionStep::Draft.into(),
                        audit: "document.draft",
                        based_on: Basis::Nothing,
                    }],
                })
            }
            (Action::Draft(_), Some(_)) | (_, None) => Err(Refusal::NotFound),
            (action, Some((root, t))) => {
                if !ctx.charter.adopted.contains_key(root) {
                    return Err(Refusal::NotAdopted("document"));
                }
                let act = match action {
                    Action::Ratify => {
                        if t.input.kind != "convention" {
                            return Err(Invalid::from(
                                "only a convention is ratified; sign this document instead",
                            )
                            .into());
                        }
                        if !t.states("signature").contains(&ctx.here) {
                            return Err(Refusal::AlreadyDone(format!(
                                "{} ratifies what it signed: sign the convention first",
                                ctx.here
                            )));
                        }
                        "ratification"
                    }
                    _ => "signature",
                };
                if t.states(act).contains(&ctx.here) {
                    return Err(Refusal::AlreadyDone(format!(
                        "{} has already made its {act} of this document",
                        ctx.here
                    )));
                }
                let object = act_object(&ids.id("note"), root, ctx.here, act, &now);
                Ok(Plan {
                    root: root.to_owned(),
                    writes: vec![Write {
                        object,
                        step: DecisionStep::Sign.into(),
                        audit: if act == "signature" {
                            "document.sign"
                        } else {
                            "document.ratify"
                        },
                        based_on: Basis::Nothing,
                    }],
                })
            }
        }
    }

    fn due(&self, _: &Context, _: &str, _: &Thread, _: &mut dyn Ids) -> Vec<Write> {
        Vec::new()
    }
}
