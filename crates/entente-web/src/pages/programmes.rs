//! The organization's documents and programmes: each list, a document's page (its text in the
//! reader's language, its status, who signed and ratified, and the sign and ratify forms), a
//! programme's page (a strategy's indicators with each state's actuals, a facility's
//! commitments and disbursements as a chart and a ledger, with the forms its provider and its
//! beneficiaries use), and the drafting forms. The rules are `entente_workflow::document` and
//! `entente_workflow::programme`'s.

use super::extract::{Posted, Signed};
use super::{render, step_failed, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use entente_core::Role;
use entente_node::{governance, workflow};
use entente_workflow::document::{self, DocumentInput, Documents};
use entente_workflow::programme::{self, major, Indicator, ProgrammeInput, Programmes};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

fn commits(s: &Signed) -> bool {
    matches!(s.role, Role::Supervisor | Role::Admin)
}

fn may_draft(web: &Web, s: &Signed) -> bool {
    web.node.party.is_secretariat() || (commits(s) && web.node.tier() == entente_core::Tier::Member)
}

/// A document as a list or its page shows it, in the reader's language.
pub struct DocRow {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub text: String,
    pub status: String,
    pub drafted_by: String,
    pub signatures: Vec<String>,
    pub ratifications: Vec<String>,
    pub required: u64,
}

fn doc_row(t: &document::Thread, charter: &entente_core::Charter, lang: &str) -> DocRow {
    let pick = |m: &BTreeMap<String, String>| {
        m.get(lang)
            .or_else(|| m.get("en"))
            .cloned()
            .unwrap_or_default()
    };
    let names = |act: &str| t.states(act).into_iter().map(|s| s.to_string()).collect();
    DocRow {
        id: t.id.clone(),
        kind: t.input.kind.clone(),
        title: pick(&t.input.title),
        text: pick(&t.input.text),
        status: t.status(charter).to_owned(),
        drafted_by: t.drafter.to_string(),
        signatures: names("signature"),
        ratifications: names("ratification"),
        required: u64::from(t.input.ratifications_required.unwrap_or(0)),
    }
}

/// A programme as the list shows it.
pub struct ProgRow {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub status: String,
    pub drafted_by: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "programmes.html")]
struct ListPage {
    c: Chrome,
    documents: Vec<DocRow>,
    programmes: Vec<ProgRow>,
    may_draft: bool,
}

pub async fn list(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let node = &web.node;
    let current = match governance::refresh(node, false).await {
        Ok(c) => c,
        Err(e) => return step_failed(&web, &s, e),
    };
    let docs = match workflow::threads(node, &s.principal, &Documents, None).await {
        Ok(d) => d,
        Err(e) => return step_failed(&web, &s, e),
    };
    let progs = match workflow::threads(node, &s.principal, &Programmes, None).await {
        Ok(p) => p,
        Err(e) => return step_failed(&web, &s, e),
    };
    let charter = current.charter();
    let c = Chrome::new(&web, &s, "/programmes", "title-programmes");
    let lang = c.t.lang.code();
    let mut documents: Vec<DocRow> = docs.values().map(|t| doc_row(t, charter, lang)).collect();
    documents.sort_by(|a, b| a.title.cmp(&b.title));
    let mut programmes: Vec<ProgRow> = progs
        .values()
        .map(|t| {
            let v = programme::view(t, charter);
            let summary = if t.input.kind == "facility" {
                let cur = t.input.currency.clone().unwrap_or_default();
                format!(
                    "{} / {} {cur}",
                    major(t.ledger().committed),
                    major(t.input.total.unwrap_or(0))
                )
            } else {
                format!(
                    "{}–{}",
                    t.input.start_year.unwrap_or(0),
                    t.input.end_year.unwrap_or(0)
                )
            };
            ProgRow {
                id: t.id.clone(),
                kind: t.input.kind.clone(),
                title: t.input.title.clone(),
                status: v["status"].as_str().unwrap_or("").to_owned(),
                drafted_by: t.drafter.to_string(),
                summary,
            }
        })
        .collect();
    programmes.sort_by(|a, b| a.title.cmp(&b.title));
    let page = ListPage {
        documents,
        programmes,
        may_draft: may_draft(&web, &s),
        c,
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocPage {
    c: Chrome,
    d: DocRow,
    adopted_by: String,
    may_sign: bool,
    may_ratify: bool,
}

pub async fn document(State(web): State<Arc<Web>>, s: Signed, Path(id): Path<String>) -> Response {
    let node = &web.node;
    let t = match workflow::thread(node, &s.principal, &Documents, &id).await {
        Ok(t) => t,
        Err(e) => return step_failed(&web, &s, e),
    };
    let current = match governance::refresh(node, false).await {
        Ok(c) => c,
        Err(e) => return step_failed(&web, &s, e),
    };
    let charter = current.charter();
    let c = Chrome::new(&web, &s, "/programmes", "title-document");
    let d = doc_row(&t, charter, c.t.lang.code());
    let here = node.party.to_string();
    let adopted = charter.adopted.contains_key(&id);
    let member = node.tier() == entente_core::Tier::Member && commits(&s);
    let page = DocPage {
        adopted_by: charter.adopted.get(&id).cloned().unwrap_or_default(),
        may_sign: adopted && member && !d.signatures.contains(&here),
        may_ratify: adopted
            && member
            && d.kind == "convention"
            && d.signatures.contains(&here)
            && !d.ratifications.contains(&here),
        d,
        c,
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn document_step(
    State(web): State<Arc<Web>>,
    Path((id, step)): Path<(String, String)>,
    Posted(s, _): Posted<Empty>,
) -> Response {
    let action = match step.as_str() {
        "sign" => document::Action::Sign,
        "ratify" => document::Action::Ratify,
        _ => return super::not_found(&web, &s),
    };
    match governance::take_in(&web.node, &s.principal, &Documents, Some(&id), action).await {
        Ok(_) => super::see_other(&format!("/documents/{id}")),
        Err(e) => step_failed(&web, &s, e),
    }
}

/// An indicator with each state's reported actuals: (year, state, value).
type IndicatorRows = Vec<(Indicator, Vec<(i64, String, f64)>)>;

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgPage {
    c: Chrome,
    id: String,
    kind: String,
    title: String,
    description: String,
    status: String,
    drafted_by: String,
    period: String,
    objectives: Vec<String>,
    indicators: IndicatorRows,
    currency: String,
    total: String,
    committed: String,
    disbursed: String,
    confirmed: String,
    commitments: Vec<(String, String, String, String, String)>,
    disbursements: Vec<(String, String, String, String, bool, bool)>,
    chart: String,
    is_provider: bool,
    may_report: bool,
    adopted: bool,
}

pub async fn programme(State(web): State<Arc<Web>>, s: Signed, Path(id): Path<String>) -> Response {
    let node = &web.node;
    let t = match workflow::thread(node, &s.principal, &Programmes, &id).await {
        Ok(t) => t,
        Err(e) => return step_failed(&web, &s, e),
    };
    let current = match governance::refresh(node, false).await {
        Ok(c) => c,
        Err(e) => return step_failed(&web, &s, e),
    };
    let charter = current.charter();
    let c = Chrome::new(&web, &s, "/programmes", "title-programme");
    let adopted = charter.adopted.contains_key(&id);
    let here = node.party.to_string();
    let l = t.ledger();
    let actuals = t.actuals();
    let indicators = t
        .input
        .indicators
        .iter()
        .map(|i| {
            let rows = actuals
                .iter()
                .filter(|((k, _, _), _)| *k == i.key)
                .map(|((_, y, st), v)| (*y, st.clone(), *v))
                .collect();
            (i.clone(), rows)
        })
        .collect();
    // By beneficiary: committed and disbursed, as a chart.
    let mut by: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for cm in &l.commitments {
        let e = by.entry(cm.beneficiary.clone()).or_default();
        e.0 += cm.amount;
        e.1 += cm.disbursed;
    }
    let cur = t.input.currency.clone().unwrap_or_default();
    let bars: Vec<(String, f64)> = by
        .iter()
        .flat_map(|(b, (cm, d))| {
            [
                (
                    format!("{b} {}", c.t.m("ledger-committed")),
                    *cm as f64 / 100.0,
                ),
                (
                    format!("{b} {}", c.t.m("ledger-disbursed")),
                    *d as f64 / 100.0,
                ),
            ]
        })
        .collect();
    let chart = if bars.is_empty() {
        String::new()
    } else {
        super::dashboard::bar_chart(&c.t.m("ledger-chart"), &bars, &cur)
    };
    let commitments = l
        .commitments
        .iter()
        .map(|cm| {
            (
                cm.id.clone(),
                cm.project.clone(),
                cm.beneficiary.clone(),
                major(cm.amount),
                major(cm.disbursed),
            )
        })
        .collect();
    let disbursements = l
        .disbursements
        .iter()
        .map(|d| {
            (
                d.id.clone(),
                d.at.clone(),
                d.beneficiary.clone(),
                major(d.amount),
                d.confirmed.is_some(),
                d.confirmed.is_none() && d.beneficiary == here && commits(&s),
            )
        })
        .collect();
    let page = ProgPage {
        id: t.id.clone(),
        kind: t.input.kind.clone(),
        title: t.input.title.clone(),
        description: t.input.description.clone(),
        status: if adopted { "adopted" } else { "draft" }.into(),
        drafted_by: t.drafter.to_string(),
        period: format!(
            "{}–{}",
            t.input.start_year.unwrap_or(0),
            t.input.end_year.unwrap_or(0)
        ),
        objectives: t.input.objectives.clone(),
        indicators,
        total: major(t.input.total.unwrap_or(0)),
        committed: major(l.committed),
        disbursed: major(l.disbursed),
        confirmed: major(l.confirmed),
        currency: cur,
        commitments,
        disbursements,
        chart,
        is_provider: adopted && t.drafter.as_str() == here && commits(&s),
        may_report: adopted && commits(&s),
        adopted,
        c,
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Deserialize, Default)]
pub struct ProgrammeStepForm {
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    project: String,
    #[serde(default)]
    beneficiary: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    commitment: String,
    #[serde(default)]
    disbursement: String,
}

/// An amount typed as a decimal of the major unit (`1234.56`), in minor units.
pub fn minor(s: &str) -> Option<i64> {
    let s = s.trim().replace([',', ' '], "");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let cents = format!("{frac:0<2}").parse::<i64>().ok()?;
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

pub async fn programme_step(
    State(web): State<Arc<Web>>,
    Path((id, step)): Path<(String, String)>,
    Posted(s, f): Posted<ProgrammeStepForm>,
) -> Response {
    let bad = |web: &Arc<Web>, s: &Signed, what: &str| {
        super::refused(
            web,
            s,
            "error-invalid_input",
            Some(format!("`{what}` is not a number")),
        )
    };
    let action = match step.as_str() {
        "report" => {
            let (Ok(year), Ok(value)) = (f.year.trim().parse(), f.value.trim().parse::<f64>())
            else {
                return bad(&web, &s, "year / value");
            };
            programme::Action::Report {
                indicator: f.indicator,
                year,
                value,
            }
        }
        "commit" => {
            let Some(amount) = minor(&f.amount) else {
                return bad(&web, &s, "amount");
            };
            programme::Action::Commit {
                project: f.project,
                beneficiary: f.beneficiary.trim().to_uppercase(),
                amount,
            }
        }
        "disburse" => {
            let Some(amount) = minor(&f.amount) else {
                return bad(&web, &s, "amount");
            };
            programme::Action::Disburse {
                commitment: f.commitment,
                amount,
            }
        }
        "confirm" => programme::Action::Confirm {
            disbursement: f.disbursement,
        },
        _ => return super::not_found(&web, &s),
    };
    match governance::take_in(&web.node, &s.principal, &Programmes, Some(&id), action).await {
        Ok(_) => super::see_other(&format!("/programmes/{id}")),
        Err(e) => step_failed(&web, &s, e),
    }
}

#[derive(Template)]
#[template(path = "programme_new.html")]
struct NewPage {
    c: Chrome,
}

pub async fn new_form(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let page = NewPage {
        c: Chrome::new(&web, &s, "/programmes", "title-programme-new"),
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Deserialize, Default)]
pub struct DraftForm {
    #[serde(default)]
    what: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    title_ru: String,
    #[serde(default)]
    title_zh: String,
    #[serde(default)]
    text_en: String,
    #[serde(default)]
    text_ru: String,
    #[serde(default)]
    text_zh: String,
    #[serde(default)]
    ratifications_required: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    start_year: String,
    #[serde(default)]
    end_year: String,
    #[serde(default)]
    objectives: String,
    /// One indicator a line: `key; name; unit; baseline; target`.
    #[serde(default)]
    indicators: String,
    #[serde(default)]
    total: String,
    #[serde(default)]
    currency: String,
}

fn three(en: String, ru: String, zh: String) -> BTreeMap<String, String> {
    [("en", en), ("ru", ru), ("zh", zh)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

pub async fn create(State(web): State<Arc<Web>>, Posted(s, f): Posted<DraftForm>) -> Response {
    let node = &web.node;
    if f.what == "document" {
        let input = DocumentInput {
            kind: f.kind,
            title: three(f.title_en, f.title_ru, f.title_zh),
            text: three(f.text_en, f.text_ru, f.text_zh),
            ratifications_required: f.ratifications_required.trim().parse().ok(),
        };
        return match governance::take_in(
            node,
            &s.principal,
            &Documents,
            None,
            document::Action::Draft(input),
        )
        .await
        {
            Ok(t) => super::see_other(&format!("/documents/{}", t.root)),
            Err(e) => step_failed(&web, &s, e),
        };
    }
    let indicators = f
        .indicators
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let p: Vec<&str> = l.split(';').map(str::trim).collect();
            let num = |i: usize| {
                p.get(i)
                    .and_then(|x| x.parse::<f64>().ok())
                    .unwrap_or(f64::NAN)
            };
            Indicator {
                key: p.first().copied().unwrap_or("").to_owned(),
                name: p.get(1).copied().unwrap_or("").to_owned(),
                unit: p.get(2).copied().unwrap_or("").to_owned(),
                baseline: num(3),
                target: num(4),
            }
        })
        .collect();
    let facility = f.kind == "facility";
    let input = ProgrammeInput {
        kind: f.kind,
        title: f.title_en,
        description: f.description,
        start_year: f.start_year.trim().parse().ok(),
        end_year: f.end_year.trim().parse().ok(),
        objectives: f
            .objectives
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        indicators,
        total: if facility { minor(&f.total) } else { None },
        currency: Some(f.currency.trim().to_uppercase()).filter(|c| !c.is_empty()),
    };
    match governance::take_in(
        node,
        &s.principal,
        &Programmes,
        None,
        programme::Action::Draft(input),
    )
    .await
    {
        Ok(t) => super::see_other(&format!("/programmes/{}", t.root)),
        Err(e) => step_failed(&web, &s, e),
    }
}
