//! The organization's programmes (`x-entente-programme`), adopted by a decision (effect
//! `adopt-programme`):
//!
//! - a **strategy**: its period (first and last year), objectives and indicators (each with a
//!   baseline and a target); each state reports its yearly actual of an indicator (the latest
//!   report of a state for an indicator and year counts);
//! - a **financing facility**: its total and currency (ISO 4217, amounts in minor units — cents —
//!   as integers, never floating point), provided by the state that drafted it; the provider
//!   records commitments (a project and a beneficiary state) and disbursements against them, and
//!   the beneficiary confirms each disbursement it received. What is committed ("in place"),
//!   disbursed and confirmed is derived, never entered; a commitment beyond the total, or a
//!   disbursement beyond its commitment, is refused. The ledger exports as IATI transactions
//!   ([`iati_xml`]: commitment code 2, disbursement code 3).
//!
//! Reports, commitments, disbursements and confirmations are `note`s of the acting state's node,
//! TLP:GREEN, naming the programme (`object_refs`), with the entry in the project extension
//! (`programme.act` and its fields).

use crate::{
    extensions, now_str, role_may, Basis, Context, Ids, Invalid, Life, Part, Plan, Refusal,
    Workflow, Write,
};
use entente_core::text::is_blank;
use entente_core::write::{Class, DecisionStep, WorkflowStep};
use entente_core::{AccessLabel, Charter, PartyCode, Tlp};
use entente_stix::extension::{entente_extension, ENTENTE_EXTENSION};
use entente_stix::identity::party_identity_id;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const PROGRAMME_TYPE: &str = "x-entente-programme";
const MAX_TEXT: usize = 20_000;
const MAX_ITEMS: usize = 100;
/// The largest amount in minor units: a trillion units of a currency, in cents.
const MAX_AMOUNT: i64 = 100_000_000_000_000;

/// Programmes: drafting, reporting, the facility's ledger.
#[derive(Debug, Clone, Copy, Default)]
pub struct Programmes;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
}

/// A programme as a user gives it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeInput {
    /// `strategy` or `facility`.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// A strategy's first and last year.
    #[serde(default)]
    pub start_year: Option<i32>,
    #[serde(default)]
    pub end_year: Option<i32>,
    #[serde(default)]
    pub objectives: Vec<String>,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// A facility's total, in minor units of `currency`.
    #[serde(default)]
    pub total: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
}

fn bad(m: impl Into<String>) -> Invalid {
    Invalid(m.into())
}

fn amount_ok(field: &str, a: i64) -> Result<(), Invalid> {
    if a <= 0 || a > MAX_AMOUNT {
        return Err(bad(format!(
            "`{field}` is an amount in minor units (cents): a whole number from 1 to {MAX_AMOUNT}"
        )));
    }
    Ok(())
}

impl ProgrammeInput {
    pub fn check(&self) -> Result<(), Invalid> {
        if is_blank(&self.title) || self.title.chars().count() > 500 {
            return Err(bad("`title` is required, at most 500 characters"));
        }
        if self.description.chars().count() > MAX_TEXT {
            return Err(bad("`description` is longer than 20000 characters"));
        }
        match self.kind.as_str() {
            "strategy" => {
                let (Some(a), Some(b)) = (self.start_year, self.end_year) else {
                    return Err(bad(
                        "a strategy has its period: `start_year` and `end_year`",
                    ));
                };
                if !(1900..=3000).contains(&a) || b < a || b - a > 50 {
                    return Err(bad(
                        "a strategy's period runs forward, 1900 to 3000, at most 50 years",
                    ));
                }
                if self.objectives.len() > MAX_ITEMS || self.indicators.len() > MAX_ITEMS {
                    return Err(bad(
                        "a strategy holds at most 100 objectives and 100 indicators",
                    ));
                }
                if self
                    .objectives
                    .iter()
                    .any(|o| is_blank(o) || o.chars().count() > MAX_TEXT)
                {
                    return Err(bad("an objective is a text, not empty"));
                }
                let mut keys: Vec<&str> = Vec::new();
                for i in &self.indicators {
                    if is_blank(&i.key) || i.key.len() > 64 || is_blank(&i.name) {
                        return Err(bad(
                            "an indicator has a `key` (at most 64 bytes) and a `name`",
                        ));
                    }
                    if keys.contains(&i.key.as_str()) {
                        return Err(bad(format!("indicator `{}` is listed twice", i.key)));
                    }
                    if !i.baseline.is_finite() || !i.target.is_finite() {
                        return Err(bad(format!(
                            "indicator `{}`: baseline and target are numbers",
                            i.key
                        )));
                    }
                    keys.push(&i.key);
                }
                if self.total.is_some() || self.currency.is_some() {
                    return Err(bad("`total` and `currency` are a facility's"));
                }
            }
            "facility" => {
                amount_ok(
                    "total",
                    self.total
                        .ok_or_else(|| bad("a facility has its `total`"))?,
                )?;
                let c = self.currency.as_deref().unwrap_or("");
                if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(bad(
                        "`currency` is an ISO 4217 code (three capital letters)",
                    ));
                }
                if self.start_year.is_some()
                    || !self.objectives.is_empty()
                    || !self.indicators.is_empty()
                {
                    return Err(bad("a period, objectives and indicators are a strategy's"));
                }
            }
            other => {
                return Err(bad(format!(
                    "`kind` is `{other}`; it is `strategy` or `facility`"
                )))
            }
        }
        Ok(())
    }
}

/// What a principal asks of a programme.
#[derive(Debug, Clone)]
pub enum Action {
    Draft(ProgrammeInput),
    /// A state's yearly actual of an indicator.
    Report {
        indicator: String,
        year: i32,
        value: f64,
    },
    /// The provider commits an amount to a project of a beneficiary state.
    Commit {
        project: String,
        beneficiary: String,
        amount: i64,
    },
    /// The provider records a disbursement against a commitment.
    Disburse {
        commitment: String,
        amount: i64,
    },
    /// The beneficiary confirms it received a disbursement.
    Confirm {
        disbursement: String,
    },
}

/// One entry of a programme's record, as held.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    pub by: PartyCode,
    pub at: String,
    pub act: String,
    pub fields: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct Thread {
    pub id: String,
    pub drafter: PartyCode,
    pub created: String,
    pub input: ProgrammeInput,
    pub entries: Vec<Entry>,
}

fn entry_of(o: &Map<String, Value>) -> Option<&Map<String, Value>> {
    entente_extension(o)?.get("programme")?.as_object()
}

/// The root a programme's object names.
pub fn root_of(object_type: &str, o: &Map<String, Value>) -> Option<String> {
    match object_type {
        PROGRAMME_TYPE => o.get("id").and_then(Value::as_str).map(str::to_owned),
        "note" if entry_of(o).is_some() => o
            .get("object_refs")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .find(|r| r.starts_with(&format!("{PROGRAMME_TYPE}--")))
            .map(str::to_owned),
        _ => None,
    }
}

fn input_of(o: &Map<String, Value>) -> Result<ProgrammeInput, Invalid> {
    let mut m = Map::new();
    for k in [
        "kind",
        "title",
        "description",
        "start_year",
        "end_year",
        "objectives",
        "indicators",
        "total",
        "currency",
    ] {
        if let Some(v) = o.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    let input: ProgrammeInput =
        serde_json::from_value(Value::Object(m)).map_err(|e| bad(format!("a programme: {e}")))?;
    input.check()?;
    Ok(input)
}

fn int(f: &Map<String, Value>, k: &str) -> i64 {
    f.get(k).and_then(Value::as_i64).unwrap_or(0)
}

fn text<'a>(f: &'a Map<String, Value>, k: &str) -> &'a str {
    f.get(k).and_then(Value::as_str).unwrap_or("")
}

impl Thread {
    pub fn of(root: &str, parts: Vec<Part>) -> Option<Thread> {
        let first = parts
            .iter()
            .filter(|p| p.object_type() == PROGRAMME_TYPE && p.id() == root)
            .min_by_key(|p| p.version_ns)?;
        let mut entries: Vec<Entry> = parts
            .iter()
            .filter(|p| {
                p.object_type() == "note" && root_of("note", &p.object).as_deref() == Some(root)
            })
            .filter_map(|p| {
                let f = entry_of(&p.object)?;
                Some(Entry {
                    id: p.id().to_owned(),
                    by: p.originator.clone(),
                    at: p.object.get("modified")?.as_str()?.to_owned(),
                    act: f.get("act")?.as_str()?.to_owned(),
                    fields: f.clone(),
                })
            })
            .collect();
        entries.sort_by(|a, b| (&a.at, &a.id).cmp(&(&b.at, &b.id)));
        entries.dedup_by(|a, b| a.id == b.id);
        Some(Thread {
            id: root.to_owned(),
            drafter: first.originator.clone(),
            created: first
                .object
                .get("created")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            input: input_of(&first.object).ok()?,
            entries,
        })
    }

    /// The facility's ledger as it counts: commitments by the provider (within the total, in
    /// order), disbursements by the provider within their commitment, confirmations by the
    /// commitment's beneficiary.
    pub fn ledger(&self) -> Ledger {
        let total = self.input.total.unwrap_or(0);
        let mut l = Ledger::default();
        for e in &self.entries {
            match e.act.as_str() {
                "commitment" if e.by == self.drafter => {
                    let amount = int(&e.fields, "amount");
                    if amount <= 0 || l.committed.saturating_add(amount) > total {
                        continue;
                    }
                    l.committed += amount;
                    l.commitments.push(Commitment {
                        id: e.id.clone(),
                        at: e.at.clone(),
                        project: text(&e.fields, "project").to_owned(),
                        beneficiary: text(&e.fields, "beneficiary").to_owned(),
                        amount,
                        disbursed: 0,
                    });
                }
                "disbursement" if e.by == self.drafter => {
                    let amount = int(&e.fields, "amount");
                    let of = text(&e.fields, "commitment");
                    let Some(c) = l.commitments.iter_mut().find(|c| c.id == of) else {
                        continue;
                    };
                    if amount <= 0 || c.disbursed.saturating_add(amount) > c.amount {
                        continue;
                    }
                    c.disbursed += amount;
                    l.disbursed += amount;
                    l.disbursements.push(Disbursement {
                        id: e.id.clone(),
                        at: e.at.clone(),
                        commitment: of.to_owned(),
                        beneficiary: c.beneficiary.clone(),
                        amount,
                        confirmed: None,
                    });
                }
                "confirmation" => {
                    let of = text(&e.fields, "disbursement");
                    if let Some(d) = l.disbursements.iter_mut().find(|d| {
                        d.id == of && d.confirmed.is_none() && d.beneficiary == e.by.as_str()
                    }) {
                        d.confirmed = Some(e.at.clone());
                        l.confirmed += d.amount;
                    }
                }
                _ => {}
            }
        }
        l
    }

    /// Each state's latest actual of each indicator and year: (indicator, year, state) → value.
    pub fn actuals(&self) -> BTreeMap<(String, i64, String), f64> {
        let mut out = BTreeMap::new();
        for e in self.entries.iter().filter(|e| e.act == "indicator") {
            let Some(v) = e.fields.get("value").and_then(Value::as_f64) else {
                continue;
            };
            out.insert(
                (
                    text(&e.fields, "indicator").to_owned(),
                    int(&e.fields, "year"),
                    e.by.as_str().to_owned(),
                ),
                v,
            );
        }
        out
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Commitment {
    pub id: String,
    pub at: String,
    pub project: String,
    pub beneficiary: String,
    pub amount: i64,
    pub disbursed: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Disbursement {
    pub id: String,
    pub at: String,
    pub commitment: String,
    pub beneficiary: String,
    pub amount: i64,
    pub confirmed: Option<String>,
}

/// A facility's ledger, derived.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    pub commitments: Vec<Commitment>,
    pub disbursements: Vec<Disbursement>,
    pub committed: i64,
    pub disbursed: i64,
    pub confirmed: i64,
}

/// A programme's view in the effective charter `charter`.
pub fn view(t: &Thread, charter: &Charter) -> Value {
    let i = &t.input;
    let mut v = json!({
        "id": t.id, "kind": i.kind, "title": i.title, "description": i.description,
        "drafted_by": t.drafter.as_str(), "created": t.created,
        "status": if charter.adopted.contains_key(&t.id) { "adopted" } else { "draft" },
        "adopted_by": charter.adopted.get(&t.id),
    });
    if i.kind == "strategy" {
        v["start_year"] = json!(i.start_year);
        v["end_year"] = json!(i.end_year);
        v["objectives"] = json!(i.objectives);
        let actuals = t.actuals();
        v["indicators"] = json!(i
            .indicators
            .iter()
            .map(|ind| {
                let reported: Vec<Value> = actuals
                    .iter()
                    .filter(|((k, _, _), _)| *k == ind.key)
                    .map(|((_, y, s), val)| json!({"year": y, "state": s, "value": val}))
                    .collect();
                json!({"key": ind.key, "name": ind.name, "unit": ind.unit,
                       "baseline": ind.baseline, "target": ind.target, "actuals": reported})
            })
            .collect::<Vec<_>>());
    } else {
        let l = t.ledger();
        v["provider"] = json!(t.drafter.as_str());
        v["currency"] = json!(i.currency);
        v["total"] = json!(i.total);
        v["committed"] = json!(l.committed);
        v["in_place"] = json!(l.committed);
        v["disbursed"] = json!(l.disbursed);
        v["confirmed"] = json!(l.confirmed);
        v["commitments"] = json!(l
            .commitments
            .iter()
            .map(|c| json!({"id": c.id, "at": c.at, "project": c.project, "beneficiary": c.beneficiary, "amount": c.amount, "disbursed": c.disbursed}))
            .collect::<Vec<_>>());
        v["disbursements"] = json!(l
            .disbursements
            .iter()
            .map(|d| json!({"id": d.id, "at": d.at, "commitment": d.commitment, "beneficiary": d.beneficiary, "amount": d.amount, "confirmed": d.confirmed}))
            .collect::<Vec<_>>());
    }
    v
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// An amount in minor units as a decimal of the major unit (two decimals: ISO 4217 minor unit
/// of the facility's currencies).
pub fn major(amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let a = amount.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// The facility's ledger as an IATI activity (IATI Standard 2.03): each commitment a
/// transaction of type 2 (Outgoing Commitment), each disbursement of type 3 (Disbursement), with
/// the beneficiary state as the receiver organisation.
pub fn iati_xml(t: &Thread, org: &str, generated: &str) -> String {
    let l = t.ledger();
    let cur = t.input.currency.as_deref().unwrap_or("USD");
    let date = |at: &str| at.get(..10).unwrap_or("").to_owned();
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<iati-activities version=\"2.03\" generated-datetime=\"{}\">\n<iati-activity default-currency=\"{}\">\n",
        xml_escape(generated),
        xml_escape(cur)
    ));
    x.push_str(&format!(
        "<iati-identifier>{}</iati-identifier>\n<reporting-org ref=\"{}\" type=\"40\"><narrative>{}</narrative></reporting-org>\n<title><narrative>{}</narrative></title>\n",
        xml_escape(&t.id),
        xml_escape(t.drafter.as_str()),
        xml_escape(org),
        xml_escape(&t.input.title)
    ));
    let tx = |code: u8, at: &str, amount: i64, receiver: &str, desc: &str| {
        format!(
            "<transaction><transaction-type code=\"{code}\"/><transaction-date iso-date=\"{d}\"/><value currency=\"{c}\" value-date=\"{d}\">{v}</value><description><narrative>{desc}</narrative></description><receiver-org ref=\"{r}\"><narrative>{r}</narrative></receiver-org></transaction>\n",
            d = xml_escape(&date(at)),
            c = xml_escape(cur),
            v = major(amount),
            desc = xml_escape(desc),
            r = xml_escape(receiver),
        )
    };
    for c in &l.commitments {
        x.push_str(&tx(2, &c.at, c.amount, &c.beneficiary, &c.project));
    }
    for d in &l.disbursements {
        let project = l
            .commitments
            .iter()
            .find(|c| c.id == d.commitment)
            .map_or("", |c| c.project.as_str());
        x.push_str(&tx(3, &d.at, d.amount, &d.beneficiary, project));
    }
    x.push_str("</iati-activity>\n</iati-activities>\n");
    x
}

impl Life for Programmes {
    fn name(&self) -> &'static str {
        "programme"
    }
    fn root_type(&self) -> &'static str {
        PROGRAMME_TYPE
    }
    fn types(&self) -> &'static [&'static str] {
        &[PROGRAMME_TYPE, "note"]
    }
    fn claims(&self, object_type: &str, object: &Map<String, Value>) -> bool {
        object_type == PROGRAMME_TYPE || (object_type == "note" && entry_of(object).is_some())
    }
    fn root_of(&self, object_type: &str, object: &Map<String, Value>) -> Option<String> {
        root_of(object_type, object)
    }
    fn class(&self, step: Option<WorkflowStep>) -> Class {
        match step {
            Some(WorkflowStep::Decision(s @ (DecisionStep::Draft | DecisionStep::Report))) => {
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
        if object_type == PROGRAMME_TYPE {
            input_of(object)?;
            return Ok(());
        }
        let f = entry_of(object).ok_or("a programme's entry carries `programme`")?;
        match text(f, "act") {
            "indicator" => {
                if f.get("value").and_then(Value::as_f64).is_none_or(|v| !v.is_finite()) {
                    return Err("an indicator report carries its `value`".into());
                }
            }
            "commitment" | "disbursement" => amount_ok("amount", int(f, "amount"))?,
            "confirmation" => {}
            _ => return Err("a programme's entry is an indicator report, commitment, disbursement or confirmation".into()),
        }
        if root_of(object_type, object).is_none() {
            return Err("a programme's entry names its programme in `object_refs`".into());
        }
        Ok(())
    }
}

fn entry_object(id: &str, programme: &str, by: &PartyCode, fields: Value, now: &str) -> Value {
    let act = fields["act"].as_str().unwrap_or("").to_owned();
    let mut ext = json!({"extension_type": "property-extension"});
    ext["programme"] = fields;
    json!({
        "type": "note", "spec_version": "2.1", "id": id,
        "created": now, "modified": now,
        "created_by_ref": party_identity_id(by),
        "abstract": act,
        "content": format!("{by}: {act} of the programme."),
        "object_refs": [programme],
        "object_marking_refs": [Tlp::Green.marking_ref()],
        "extensions": { ENTENTE_EXTENSION: ext },
    })
}

impl Workflow for Programmes {
    type Thread = Thread;
    type Action = Action;

    fn thread(&self, root: &str, parts: Vec<Part>) -> Option<Thread> {
        Thread::of(root, parts)
    }

    fn admit(&self, ctx: &Context, action: &Action) -> Result<(), Refusal> {
        match action {
            Action::Draft(input) => {
                input.check()?;
                return role_may(ctx, DecisionStep::Draft);
            }
            Action::Report { value, .. } if !value.is_finite() => {
                return Err(Invalid::from("`value` is a number").into())
            }
            Action::Commit {
                amount, project, ..
            } => {
                amount_ok("amount", *amount)?;
                if is_blank(project) || project.chars().count() > 500 {
                    return Err(Invalid::from(
                        "`project` names the project, at most 500 characters",
                    )
                    .into());
                }
            }
            Action::Disburse { amount, .. } => amount_ok("amount", *amount)?,
            _ => {}
        }
        role_may(ctx, DecisionStep::Report)
    }

    fn plan(
        &self,
        ctx: &Context,
        thread: Option<(&str, &Thread)>,
        action: Action,
        ids: &mut dyn Ids,
    ) -> Result<Plan, Refusal> {
        let now = now_str(ctx.now_ns);
        let (root, t) = match (&action, thread) {
            (Action::Draft(input), None) => {
                input.check()?;
                let id = ids.id(PROGRAMME_TYPE);
                let mut o = serde_json::to_value(input).map_err(|e| Invalid(e.to_string()))?;
                if let Value::Object(m) = &mut o {
                    m.retain(|_, v| !v.is_null() && v != &json!([]) && v != &json!(""));
                    m.insert("type".into(), json!(PROGRAMME_TYPE));
                    m.insert("spec_version".into(), json!("2.1"));
                    m.insert("id".into(), json!(id));
                    m.insert("created".into(), json!(now));
                    m.insert("modified".into(), json!(now));
                    m.insert("created_by_ref".into(), json!(party_identity_id(ctx.here)));
                    m.insert(
                        "object_marking_refs".into(),
                        json!([Tlp::Green.marking_ref()]),
                    );
                    m.insert("extensions".into(), extensions(PROGRAMME_TYPE));
                }
                return Ok(Plan {
                    root: id,
                    writes: vec![Write {
                        object: o,
                        step: DecisionStep::Draft.into(),
                        audit: "programme.draft",
                        based_on: Basis::Nothing,
                    }],
                });
            }
            (Action::Draft(_), Some(_)) | (_, None) => return Err(Refusal::NotFound),
            (_, Some(rt)) => rt,
        };
        if !ctx.charter.adopted.contains_key(root) {
            return Err(Refusal::NotAdopted("programme"));
        }
        let facility = t.input.kind == "facility";
        let provider_only = |what: &str| -> Result<(), Refusal> {
            if !facility {
                return Err(
                    Invalid(format!("a strategy has no {what}: it is a facility's")).into(),
                );
            }
            if *ctx.here != t.drafter {
                return Err(Refusal::NotYours(format!(
                    "{} provides this facility: only its node records {what}s",
                    t.drafter
                )));
            }
            Ok(())
        };
        let (fields, audit) = match action {
            Action::Draft(_) => return Err(Refusal::NotFound),
            Action::Report {
                indicator,
                year,
                value,
            } => {
                if facility {
                    return Err(
                        Invalid::from("a facility has no indicators: it is a strategy's").into(),
                    );
                }
                if !t.input.indicators.iter().any(|i| i.key == indicator) {
                    return Err(
                        Invalid(format!("this strategy has no indicator `{indicator}`")).into(),
                    );
                }
                let (a, b) = (
                    t.input.start_year.unwrap_or(0),
                    t.input.end_year.unwrap_or(0),
                );
                if !(a..=b).contains(&year) {
                    return Err(Invalid(format!(
                        "`year` is within the strategy's period, {a} to {b}"
                    ))
                    .into());
                }
                (
                    json!({"act": "indicator", "indicator": indicator, "year": year, "value": value}),
                    "programme.report",
                )
            }
            Action::Commit {
                project,
                beneficiary,
                amount,
            } => {
                provider_only("commitment")?;
                let b = PartyCode::parse(&beneficiary)
                    .map_err(|e| Invalid(format!("`beneficiary`: {e}")))?;
                if ctx.charter.party(&b).is_none() {
                    return Err(Invalid(format!("`beneficiary`: {b} is not a party")).into());
                }
                let l = t.ledger();
                let left = t.input.total.unwrap_or(0) - l.committed;
                if amount > left {
                    return Err(Refusal::AlreadyDone(format!(
                        "the facility has {} {} left to commit; {} is more",
                        major(left),
                        t.input.currency.as_deref().unwrap_or(""),
                        major(amount)
                    )));
                }
                (
                    json!({"act": "commitment", "project": project.trim(), "beneficiary": b.as_str(), "amount": amount}),
                    "programme.commit",
                )
            }
            Action::Disburse { commitment, amount } => {
                provider_only("disbursement")?;
                let l = t.ledger();
                let c = l
                    .commitments
                    .iter()
                    .find(|c| c.id == commitment)
                    .ok_or_else(|| {
                        Invalid(format!(
                            "`commitment`: this facility has no commitment `{commitment}`"
                        ))
                    })?;
                if c.disbursed + amount > c.amount {
                    return Err(Refusal::AlreadyDone(format!(
                        "the commitment has {} left to disburse; {} is more",
                        major(c.amount - c.disbursed),
                        major(amount)
                    )));
                }
                (
                    json!({"act": "disbursement", "commitment": commitment, "amount": amount}),
                    "programme.disburse",
                )
            }
            Action::Confirm { disbursement } => {
                let l = t.ledger();
                let d = l
                    .disbursements
                    .iter()
                    .find(|d| d.id == disbursement)
                    .ok_or_else(|| {
                        Invalid(format!(
                            "`disbursement`: this facility has no disbursement `{disbursement}`"
                        ))
                    })?;
                if d.beneficiary != ctx.here.as_str() {
                    return Err(Refusal::NotYours(format!(
                        "only {}, which received it, confirms this disbursement",
                        d.beneficiary
                    )));
                }
                if d.confirmed.is_some() {
                    return Err(Refusal::AlreadyDone(
                        "this disbursement is confirmed already".into(),
                    ));
                }
                (
                    json!({"act": "confirmation", "disbursement": disbursement}),
                    "programme.confirm",
                )
            }
        };
        let object = entry_object(&ids.id("note"), root, ctx.here, fields, &now);
        Ok(Plan {
            root: root.to_owned(),
            writes: vec![Write {
                object,
                step: DecisionStep::Report.into(),
                audit,
                based_on: Basis::Nothing,
            }],
        })
    }

    fn due(&self, _: &Context, _: &str, _: &Thread, _: &mut dyn Ids) -> Vec<Write> {
        Vec::new()
    }
}
