//! Joint warnings: the list with its filters, a warning's page (its fields, its life as a
//! timeline, and a form for each step the user may take now), and the draft form. Which steps a
//! page offers is asked of the workflow itself ([`offered`]): the step is admitted and planned on
//! the thread as the user sees it, with placeholder input; a step refused for its input is
//! offered (the form supplies the input), one refused for the role or the warning's state is not.

use super::extract::{Posted, Signed};
use super::{render, step_failed, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use entente_node::auth::Principal;
use entente_node::screening::strings_in;
use entente_node::workflow;
use entente_workflow::warning::{self, Action, HitInput, Subject, WarningInput};
use entente_workflow::{Actor, Context, Ids, RefusalClass, Warnings, Workflow};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

pub const WARNINGS: Warnings = Warnings::new(Vec::new());

/// A warning as a list shows it.
pub struct Row {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub colour: String,
    pub status: String,
    pub issuer: String,
    pub modified: String,
    pub review_date: String,
    pub hits: usize,
    pub acknowledgements: usize,
    /// The steps this user may take now.
    pub steps: Vec<&'static str>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_owned()
}

/// Ids that are never stored: a plan made only to see whether a step is open.
struct Placeholder;

impl Ids for Placeholder {
    fn id(&mut self, object_type: &str) -> String {
        format!("{object_type}--00000000-0000-4000-8000-000000000000")
    }
}

/// The steps `principal` may take now on the warning, by name.
pub fn offered(
    web: &Web,
    principal: &Principal,
    root: &str,
    thread: &<Warnings as Workflow>::Thread,
    view: &Value,
) -> Vec<&'static str> {
    let entente_core::Viewer::User { user, role, .. } = &principal.viewer else {
        return Vec::new();
    };
    let node = &web.node;
    let actor = Actor {
        party: user.party().clone(),
        role: *role,
    };
    let now_ns = node.now_us().saturating_mul(1000);
    let current = node.effective.current();
    let ctx = Context {
        here: &node.party,
        actor: &actor,
        now_ns,
        charter: current.charter(),
    };
    let later = chrono::DateTime::from_timestamp_micros(node.now_us() + 30 * 86_400_000_000)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let now = chrono::DateTime::from_timestamp_micros(node.now_us())
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let first_hit = view
        .get("hit_reports")
        .and_then(Value::as_array)
        .and_then(|h| h.first())
        .map(|h| text(h, "id"));
    let mut candidates: Vec<(&'static str, Action)> = vec![
        ("submit", Action::Submit),
        (
            "accept",
            Action::Review {
                verdict: entente_core::warning::Verdict::Accepted,
                reasons: "-".into(),
            },
        ),
        (
            "refuse",
            Action::Review {
                verdict: entente_core::warning::Verdict::Refused,
                reasons: "-".into(),
            },
        ),
        ("publish", Action::Publish),
        (
            "extend",
            Action::Extend {
                review_date: later,
                justification: "-".into(),
            },
        ),
        ("cancel", Action::Cancel { reason: "-".into() }),
        ("acknowledge", Action::Acknowledge),
        (
            "hit",
            Action::ReportHit(HitInput {
                when: now,
                location: "-".into(),
                action_taken: "-".into(),
                details: None,
            }),
        ),
    ];
    // Revising is offered when the warning's own fields, written again, would be taken.
    if let Some(again) = view
        .get("warning")
        .and_then(Value::as_object)
        .and_then(warning::input_of)
    {
        candidates.insert(0, ("revise", Action::Revise(again)));
    }
    if let Some(hit) = first_hit {
        candidates.push((
            "follow-up",
            Action::FollowUp {
                hit,
                message: "-".into(),
            },
        ));
    }
    candidates
        .into_iter()
        .filter(|(_, action)| match WARNINGS.admit(&ctx, action) {
            Err(r) => r.class() == RefusalClass::Invalid,
            Ok(()) => true,
        })
        .filter_map(|(name, action)| {
            match WARNINGS.plan(&ctx, Some((root, thread)), action, &mut Placeholder) {
                Ok(_) => Some(name),
                Err(r) if r.class() == RefusalClass::Invalid => Some(name),
                Err(_) => None,
            }
        })
        .collect()
}

/// Every warning the user may see, as rows, with its thread's view in detail.
pub async fn rows(web: &Web, s: &Signed) -> Result<Vec<(Row, Value)>, entente_node::NodeError> {
    let node = &web.node;
    let now = node.now_us().saturating_mul(1000);
    let threads = workflow::threads(node, &s.principal, &WARNINGS, None).await?;
    let mut out = Vec::new();
    for (id, thread) in &threads {
        let Some(view) = warning::view(
            id,
            thread,
            now,
            true,
            node.effective.current().charter(),
            &s.principal.viewer,
        ) else {
            continue;
        };
        let steps = offered(web, &s.principal, id, thread, &view);
        out.push((row_of(id, &view, steps), view));
    }
    out.sort_by(|a, b| b.0.modified.cmp(&a.0.modified));
    Ok(out)
}

fn row_of(id: &str, view: &Value, steps: Vec<&'static str>) -> Row {
    Row {
        id: id.to_owned(),
        title: text(view, "title"),
        kind: text(view, "kind"),
        colour: text(view, "colour"),
        status: text(view, "status"),
        issuer: text(view, "issuer"),
        modified: text(view, "modified"),
        review_date: text(view, "review_date"),
        hits: view.get("hits").and_then(Value::as_u64).unwrap_or(0) as usize,
        acknowledgements: view
            .get("acknowledged_by")
            .and_then(Value::as_array)
            .map_or(0, Vec::len),
        steps,
    }
}

#[derive(Template)]
#[template(path = "warnings.html")]
struct List {
    c: Chrome,
    rows: Vec<Row>,
    status: String,
    kind: String,
    statuses: Vec<&'static str>,
    kinds: Vec<&'static str>,
}

#[derive(Deserialize)]
pub struct Filter {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
}

pub const STATUSES: [&str; 8] = [
    "draft",
    "submitted",
    "accepted",
    "refused",
    "published",
    "cancelled",
    "expired",
    "irregular",
];
pub const KINDS: [&str; 7] = [
    "wanted",
    "locate",
    "missing",
    "threat",
    "modus-operandi",
    "watch",
    "unidentified",
];

pub async fn list(State(web): State<Arc<Web>>, s: Signed, Query(f): Query<Filter>) -> Response {
    let all = match rows(&web, &s).await {
        Ok(r) => r,
        Err(e) => return super::failure(&web, s.lang, e),
    };
    let ids: Vec<String> = all.iter().map(|(r, _)| r.id.clone()).collect();
    if let Err(e) = super::audit::read(&web, &s, "read-warnings", ids).await {
        return super::failure(&web, s.lang, e);
    }
    let rows = all
        .into_iter()
        .map(|(r, _)| r)
        .filter(|r| f.status.is_empty() || r.status == f.status)
        .filter(|r| f.kind.is_empty() || r.kind == f.kind)
        .collect();
    let c = Chrome::new(&web, &s, "/warnings", "title-warnings");
    let page = List {
        c,
        rows,
        status: f.status,
        kind: f.kind,
        statuses: STATUSES.to_vec(),
        kinds: KINDS.to_vec(),
    };
    render(StatusCode::OK, &page, &page.c)
}

/// One moment of a warning's life.
pub struct Event {
    pub at: String,
    pub key: &'static str,
    pub by: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "warning.html")]
struct One {
    c: Chrome,
    row: Row,
    fields: Vec<(&'static str, String)>,
    names: Vec<String>,
    timeline: Vec<Event>,
    awaiting: Vec<String>,
    acknowledged: Vec<String>,
    hits: Vec<(String, String)>,
    today: String,
}

fn timeline(view: &Value) -> Vec<Event> {
    let mut out = Vec::new();
    let list = |k: &str| {
        view.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let issuer = text(view, "issuer");
    for v in list("versions") {
        out.push(Event {
            at: text(&v, "modified"),
            key: "event-version",
            by: issuer.clone(),
            text: text(&v, "stage"),
        });
    }
    for r in list("reviews") {
        out.push(Event {
            at: text(&r, "at"),
            key: if text(&r, "verdict") == "accepted" {
                "event-accepted"
            } else {
                "event-refused"
            },
            by: "SECRETARIAT".into(),
            text: text(&r, "reasons"),
        });
    }
    for h in list("hit_reports") {
        out.push(Event {
            at: text(&h, "when"),
            key: "event-hit",
            by: text(&h, "by"),
            text: format!("{} — {}", text(&h, "location"), text(&h, "action_taken")),
        });
    }
    for f in list("thread") {
        out.push(Event {
            at: text(&f, "at"),
            key: "event-follow-up",
            by: text(&f, "by"),
            text: text(&f, "message"),
        });
    }
    for r in list("reminders") {
        out.push(Event {
            at: text(&r, "at"),
            key: "event-reminder",
            by: issuer.clone(),
            text: text(&r, "review_date"),
        });
    }
    out.sort_by(|a, b| a.at.cmp(&b.at));
    out
}

pub async fn one(State(web): State<Arc<Web>>, s: Signed, Path(id): Path<String>) -> Response {
    let node = &web.node;
    let thread = match workflow::thread(node, &s.principal, &WARNINGS, &id).await {
        Ok(t) => t,
        Err(e) => return step_failed(&web, &s, e),
    };
    let now = node.now_us().saturating_mul(1000);
    let Some(view) = warning::view(
        &id,
        &thread,
        now,
        true,
        node.effective.current().charter(),
        &s.principal.viewer,
    ) else {
        return super::not_found(&web, &s);
    };
    if let Err(e) = super::audit::read(&web, &s, "read-warnings", vec![id.clone()]).await {
        return super::failure(&web, s.lang, e);
    }
    let steps = offered(&web, &s.principal, &id, &thread, &view);
    let w = view.get("warning").cloned().unwrap_or(json!({}));
    let fields = [
        ("field-legal-basis", "legal_basis"),
        ("field-issuing-authority", "issuing_authority"),
        ("field-action-requested", "action_requested"),
        ("field-contact", "contact"),
        ("field-purpose", "purpose"),
        ("field-source", "source"),
    ]
    .into_iter()
    .map(|(k, f)| (k, text(&w, f)))
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let names = strings_in(w.get("subject").and_then(|s| s.get("names")));
    let strings = |k: &str| strings_in(view.get(k));
    let hits = view
        .get("hit_reports")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|h| {
                    (
                        text(h, "id"),
                        format!("{} · {}", text(h, "by"), text(h, "location")),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let c = Chrome::new(&web, &s, "/warnings", "title-warning");
    let page = One {
        today: chrono::DateTime::from_timestamp_micros(node.now_us())
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        timeline: timeline(&view),
        awaiting: strings("awaiting_acknowledgement"),
        acknowledged: strings("acknowledged_by"),
        row: row_of(&id, &view, steps),
        fields,
        names,
        hits,
        c,
    };
    render(StatusCode::OK, &page, &page.c)
}

/// What a step's form gives (each step reads the fields it needs).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    reasons: String,
    reason: String,
    review_date: String,
    justification: String,
    when: String,
    location: String,
    action_taken: String,
    details: String,
    hit: String,
    message: String,
}

/// A day (`YYYY-MM-DD`) as the end of that day in UTC, or the text as given (the rules refuse it).
fn end_of_day(d: &str) -> String {
    if d.len() == 10 {
        format!("{d}T23:59:59Z")
    } else {
        d.to_owned()
    }
}

/// A moment from a `datetime-local` field (`YYYY-MM-DDTHH:MM`), read as UTC.
pub fn moment_of(d: &str) -> String {
    if d.len() == 16 {
        format!("{d}:00Z")
    } else {
        d.to_owned()
    }
}

pub async fn step(
    State(web): State<Arc<Web>>,
    Path((id, step)): Path<(String, String)>,
    Posted(s, f): Posted<StepForm>,
) -> Response {
    use entente_core::warning::Verdict;
    let action = match step.as_str() {
        "submit" => Action::Submit,
        "accept" => Action::Review {
            verdict: Verdict::Accepted,
            reasons: f.reasons,
        },
        "refuse" => Action::Review {
            verdict: Verdict::Refused,
            reasons: f.reasons,
        },
        "publish" => Action::Publish,
        "extend" => Action::Extend {
            review_date: end_of_day(&f.review_date),
            justification: f.justification,
        },
        "cancel" => Action::Cancel { reason: f.reason },
        "acknowledge" => Action::Acknowledge,
        "hit" => Action::ReportHit(HitInput {
            when: moment_of(&f.when),
            location: f.location,
            action_taken: f.action_taken,
            details: Some(f.details).filter(|d| !entente_core::text::is_blank(d)),
        }),
        "follow-up" => Action::FollowUp {
            hit: f.hit,
            message: f.message,
        },
        _ => return super::not_found(&web, &s),
    };
    match workflow::take(&web.node, &s.principal, &WARNINGS, Some(&id), action).await {
        Ok(_) => super::see_other(&format!("/warnings/{id}")),
        Err(e) => step_failed(&web, &s, e),
    }
}

#[derive(Template)]
#[template(path = "warning_new.html")]
struct New {
    c: Chrome,
    kinds: Vec<&'static str>,
    markings: Vec<&'static str>,
    states: Vec<String>,
    /// Where the form posts: a new draft, or a revision of the warning it was filled from.
    action: String,
    form: DraftForm,
}

impl New {
    fn page(web: &Web, s: &Signed, title: &str, action: String, form: DraftForm) -> New {
        New {
            c: Chrome::new(web, s, "/warnings", title),
            kinds: KINDS.to_vec(),
            markings: super::intel::MARKINGS.to_vec(),
            states: super::intel::states(web),
            action,
            form,
        }
    }
}

pub async fn new_form(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let form = DraftForm {
        kind: KINDS[0].to_owned(),
        grading_source: "B".into(),
        grading_information: "2".into(),
        marking: "TLP:AMBER".into(),
        ..Default::default()
    };
    let page = New::page(&web, &s, "title-warning-new", "/warnings/new".into(), form);
    render(StatusCode::OK, &page, &page.c)
}

/// The draft form's fields, as posted or as filled from a warning to revise.
#[derive(Default)]
pub struct DraftForm {
    kind: String,
    title: String,
    names: String,
    birth_dates: String,
    nationalities: String,
    category: String,
    description: String,
    legal_basis: String,
    issuing_authority: String,
    action_requested: String,
    contact: String,
    purpose: String,
    source: String,
    review_date: String,
    grading_source: String,
    grading_information: String,
    marking: String,
    audience_states: Vec<String>,
}

impl DraftForm {
    /// The form's fields from a posted form (the audience's states may repeat).
    fn posted(pairs: Vec<(String, String)>) -> DraftForm {
        let mut f = DraftForm::default();
        for (k, v) in pairs {
            let field = match k.as_str() {
                "audience_states" => {
                    f.audience_states.push(v);
                    continue;
                }
                "kind" => &mut f.kind,
                "title" => &mut f.title,
                "names" => &mut f.names,
                "birth_dates" => &mut f.birth_dates,
                "nationalities" => &mut f.nationalities,
                "category" => &mut f.category,
                "description" => &mut f.description,
                "legal_basis" => &mut f.legal_basis,
                "issuing_authority" => &mut f.issuing_authority,
                "action_requested" => &mut f.action_requested,
                "contact" => &mut f.contact,
                "purpose" => &mut f.purpose,
                "source" => &mut f.source,
                "review_date" => &mut f.review_date,
                "grading_source" => &mut f.grading_source,
                "grading_information" => &mut f.grading_information,
                "marking" => &mut f.marking,
                _ => continue,
            };
            *field = v;
        }
        f
    }

    /// The form filled from a warning's input (what `input_of` reads back from its version).
    fn filled(input: &WarningInput) -> DraftForm {
        let grading = |k: &str| text(&input.grading, k);
        let subject = &input.subject;
        DraftForm {
            kind: input.kind.clone(),
            title: input.title.clone(),
            names: subject.names.join("\n"),
            birth_dates: subject.birth_dates.join(" "),
            nationalities: subject.nationalities.join(" "),
            category: subject.category.clone().unwrap_or_default(),
            description: subject.description.clone().unwrap_or_default(),
            legal_basis: input.legal_basis.clone(),
            issuing_authority: input.issuing_authority.clone(),
            action_requested: input.action_requested.clone(),
            contact: input.contact.clone(),
            purpose: input.purpose.clone(),
            source: input.source.clone(),
            review_date: input.review_date.chars().take(10).collect(),
            grading_source: grading("source"),
            grading_information: grading("information"),
            marking: input.marking.clone().unwrap_or_default(),
            audience_states: strings_in(input.audience.as_ref().and_then(|a| a.get("states"))),
        }
    }

    /// What the form asks for, as the workflow takes it. A revision keeps what the form does not
    /// show (identifiers, a photo, the audience's tiers and users, the handling codes).
    fn input(self, kept: Option<&WarningInput>) -> WarningInput {
        let person = self.category.is_empty();
        let kept_subject = kept.map(|k| k.subject.clone()).unwrap_or_default();
        let mut audience = kept
            .and_then(|k| k.audience.clone())
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({}));
        audience["states"] = json!(self.audience_states);
        let handling = kept
            .and_then(|k| k.grading.get("handling").cloned())
            .unwrap_or_else(|| json!(["H0"]));
        let audience_empty = audience
            .as_object()
            .is_none_or(|a| a.values().all(|v| v.as_array().is_some_and(Vec::is_empty)));
        WarningInput {
            kind: self.kind,
            title: self.title,
            subject: Subject {
                names: if person {
                    lines(&self.names)
                } else {
                    Vec::new()
                },
                birth_dates: items(&self.birth_dates),
                nationalities: items(&self.nationalities),
                category: Some(self.category).filter(|c| !c.is_empty()),
                description: Some(self.description).filter(|d| !entente_core::text::is_blank(d)),
                ..kept_subject
            },
            legal_basis: self.legal_basis,
            issuing_authority: self.issuing_authority,
            action_requested: self.action_requested,
            contact: self.contact,
            purpose: self.purpose,
            source: self.source,
            review_date: end_of_day(&self.review_date),
            grading: json!({"source": self.grading_source, "information": self.grading_information, "handling": handling}),
            marking: Some(self.marking).filter(|m| !m.is_empty()),
            audience: (!audience_empty).then_some(audience),
        }
    }
}

/// The lines of a text area that hold something.
pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The items of a field that lists short codes or dates, separated by spaces, commas or lines.
fn items(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|i| !i.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn create(
    State(web): State<Arc<Web>>,
    Posted(s, pairs): Posted<Vec<(String, String)>>,
) -> Response {
    let input = DraftForm::posted(pairs).input(None);
    match workflow::take(
        &web.node,
        &s.principal,
        &WARNINGS,
        None,
        Action::Draft(input),
    )
    .await
    {
        Ok(taken) => super::see_other(&format!("/warnings/{}", taken.root)),
        Err(e) => step_failed(&web, &s, e),
    }
}

/// The input of the latest version of a warning the user may see, or the page to answer with.
async fn current_input(web: &Arc<Web>, s: &Signed, id: &str) -> Result<WarningInput, Response> {
    let node = &web.node;
    let thread = workflow::thread(node, &s.principal, &WARNINGS, id)
        .await
        .map_err(|e| step_failed(web, s, e))?;
    let now = node.now_us().saturating_mul(1000);
    warning::view(
        id,
        &thread,
        now,
        true,
        node.effective.current().charter(),
        &s.principal.viewer,
    )
    .as_ref()
    .and_then(|v| v.get("warning"))
    .and_then(Value::as_object)
    .and_then(warning::input_of)
    .ok_or_else(|| super::not_found(web, s))
}

/// The draft form, filled from the warning's latest version, posting a revision.
pub async fn revise_form(
    State(web): State<Arc<Web>>,
    s: Signed,
    Path(id): Path<String>,
) -> Response {
    let input = match current_input(&web, &s, &id).await {
        Ok(i) => i,
        Err(page) => return page,
    };
    let form = DraftForm::filled(&input);
    let page = New::page(
        &web,
        &s,
        "title-warning-revise",
        format!("/warnings/{id}/revise"),
        form,
    );
    render(StatusCode::OK, &page, &page.c)
}

pub async fn revise(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    Posted(s, pairs): Posted<Vec<(String, String)>>,
) -> Response {
    let kept = match current_input(&web, &s, &id).await {
        Ok(i) => i,
        Err(page) => return page,
    };
    let input = DraftForm::posted(pairs).input(Some(&kept));
    match workflow::take(
        &web.node,
        &s.principal,
        &WARNINGS,
        Some(&id),
        Action::Revise(input),
    )
    .await
    {
        Ok(_) => super::see_other(&format!("/warnings/{id}")),
        Err(e) => step_failed(&web, &s, e),
    }
}
