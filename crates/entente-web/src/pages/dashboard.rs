//! The dashboard: what needs the user now (warnings to acknowledge, to review, to submit or
//! publish, hits on the state's warnings, review dates coming; invitations to answer; the state's
//! open improvement items), what is new, the federation at a
//! glance, and warnings and hits over the last twelve weeks as a chart drawn on the server (SVG).

use super::extract::Signed;
use super::warnings::{rows, Row};
use super::{render, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Page {
    c: Chrome,
    to_acknowledge: Vec<Row>,
    to_review: Vec<Row>,
    to_take: Vec<Row>,
    with_hits: Vec<Row>,
    review_soon: Vec<Row>,
    recent: Vec<Row>,
    links: Vec<super::federation::Link>,
    chart: String,
    /// Objects added this week that the user may see, counted up to [`NEW_CAP`], and the day the
    /// week began (for the link to them).
    new_objects: usize,
    week_start: String,
    /// Consultations whose invitation this node's state has not answered, before the deadline.
    invitations: Vec<super::consultations::Row>,
    /// The state's improvement items still open, from its after-action sections.
    items: Vec<super::exercises::OpenItem>,
}

/// The most new objects the dashboard counts (a bounded read; past it, it says "at least").
pub const NEW_CAP: usize = 200;

const DAY_US: i64 = 86_400_000_000;

pub async fn page(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let all = match rows(&web, &s).await {
        Ok(r) => r,
        Err(e) => return super::failure(&web, s.lang, e),
    };
    let links = match super::federation::links(&web).await {
        Ok(l) => l,
        Err(e) => return super::failure(&web, s.lang, e),
    };
    let ids: Vec<String> = all.iter().map(|(r, _)| r.id.clone()).collect();
    if let Err(e) = super::audit::read(&web, &s, "read-warnings", ids).await {
        return super::failure(&web, s.lang, e);
    }
    let now = web.node.now_us();
    let ours = web.node.party.to_string();
    let soon = chrono::DateTime::from_timestamp_micros(now + 14 * DAY_US)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let week_ago = chrono::DateTime::from_timestamp_micros(now - 7 * DAY_US)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let query = entente_store::read::Query {
        versions: entente_store::read::VersionMatch::last(),
        spec_version_matches: true,
        added_after_us: Some(now - 7 * DAY_US),
        ..Default::default()
    };
    let new_objects =
        match entente_node::read::page(&web.node, &s.principal, &query, None, NEW_CAP, false).await
        {
            Ok(p) => p.rows.len(),
            Err(e) => return super::failure(&web, s.lang, e),
        };
    let week_start = chrono::DateTime::from_timestamp_micros(now - 7 * DAY_US)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let invitations = match super::consultations::awaiting_us(&web, &s).await {
        Ok(i) => i,
        Err(e) => return super::failure(&web, s.lang, e),
    };
    let items = match super::exercises::our_open_items(&web, &s).await {
        Ok(i) => i,
        Err(e) => return super::failure(&web, s.lang, e),
    };
    let c = Chrome::new(&web, &s, "/", "title-dashboard");
    let chart = weekly_chart(&c, &all, now);
    let mut page = Page {
        c,
        to_acknowledge: Vec::new(),
        to_review: Vec::new(),
        to_take: Vec::new(),
        with_hits: Vec::new(),
        review_soon: Vec::new(),
        recent: Vec::new(),
        links,
        chart,
        new_objects,
        week_start,
        invitations,
        items,
    };
    for (row, _) in all {
        let has = |s: &str| row.steps.contains(&s);
        let recent = row.modified > week_ago;
        if has("acknowledge") {
            page.to_acknowledge.push(row);
        } else if has("accept") {
            page.to_review.push(row);
        } else if has("submit") || has("publish") {
            page.to_take.push(row);
        } else if row.issuer == ours && row.hits > 0 && row.status == "published" {
            page.with_hits.push(row);
        } else if row.issuer == ours && row.status == "published" && row.review_date < soon {
            page.review_soon.push(row);
        } else if recent {
            page.recent.push(row);
        }
    }
    page.recent.truncate(10);
    render(StatusCode::OK, &page, &page.c)
}

/// Warnings first published and hits reported, per week, over the last twelve weeks.
fn weekly_chart(c: &Chrome, all: &[(Row, Value)], now_us: i64) -> String {
    const WEEKS: usize = 12;
    let mut warnings = [0f64; WEEKS];
    let mut hits = [0f64; WEEKS];
    let week_of = |s: &str| -> Option<usize> {
        let t = chrono::DateTime::parse_from_rfc3339(s)
            .ok()?
            .timestamp_micros();
        let ago = (now_us - t) / (7 * DAY_US);
        (0..WEEKS as i64)
            .contains(&ago)
            .then(|| WEEKS - 1 - ago as usize)
    };
    for (_, view) in all {
        let first = view
            .get("versions")
            .and_then(Value::as_array)
            .and_then(|v| v.first())
            .and_then(|v| v.get("modified"))
            .and_then(Value::as_str);
        if let Some(w) = first.and_then(week_of) {
            warnings[w] += 1.0;
        }
        for h in view
            .get("hit_reports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(w) = h.get("when").and_then(Value::as_str).and_then(week_of) {
                hits[w] += 1.0;
            }
        }
    }
    let labels: Vec<String> = (0..WEEKS)
        .map(|i| {
            let ago = (WEEKS - 1 - i) as i64;
            chrono::DateTime::from_timestamp_micros(now_us - ago * 7 * DAY_US)
                .map(|d| d.format("%m-%d").to_string())
                .unwrap_or_default()
        })
        .collect();
    pair_chart(
        &c.t.m("chart-weekly"),
        &labels,
        (&c.t.m("chart-warnings"), &warnings),
        (&c.t.m("chart-hits"), &hits),
    )
}

/// Escapes a text for SVG (the chart is written here, not by a template).
fn esc(s: &str) -> String {
    super::escape(s)
}

/// Two series side by side per label, as an accessible SVG (a title, and each bar's value).
pub fn pair_chart(title: &str, labels: &[String], a: (&str, &[f64]), b: (&str, &[f64])) -> String {
    let max = a.1.iter().chain(b.1).cloned().fold(1.0, f64::max);
    let (w, h, pad) = (600.0, 180.0, 24.0);
    let step = (w - pad) / labels.len().max(1) as f64;
    let bar = step / 3.0;
    let mut out = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {w} {}" aria-label="{}"><title>{}</title>"#,
        h + 40.0,
        esc(title),
        esc(title)
    );
    for (i, label) in labels.iter().enumerate() {
        let x = pad + i as f64 * step;
        for (j, (name, series)) in [a, b].iter().enumerate() {
            let v = series.get(i).copied().unwrap_or(0.0);
            let bh = v / max * h;
            out.push_str(&format!(
                r#"<rect class="s{j}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{} {}: {}</title></rect>"#,
                x + j as f64 * bar,
                h - bh + 10.0,
                bar,
                bh,
                esc(name),
                esc(label),
                v
            ));
        }
        out.push_str(&format!(
            r#"<text x="{:.1}" y="{}" font-size="10">{}</text>"#,
            x,
            h + 25.0,
            esc(label)
        ));
    }
    out.push_str(&format!(
        r#"<g class="legend"><rect class="s0" x="{pad}" y="{}" width="10" height="10"></rect><text x="{}" y="{}" font-size="11">{}</text><rect class="s1" x="{}" y="{}" width="10" height="10"></rect><text x="{}" y="{}" font-size="11">{}</text></g></svg>"#,
        h + 30.0, pad + 14.0, h + 39.0, esc(a.0), pad + 120.0, h + 30.0, pad + 134.0, h + 39.0, esc(b.0)
    ));
    out
}

/// One value per label, as horizontal bars (the federation's lag per peer).
pub fn bar_chart(title: &str, bars: &[(String, f64)], unit: &str) -> String {
    let max = bars.iter().map(|b| b.1).fold(1.0, f64::max);
    let row = 22.0;
    let h = row * bars.len().max(1) as f64 + 10.0;
    // The label column is as wide as the longest label (about 7 px a character at 12 px; wide
    // characters count double), so no label runs under its bar.
    let width_of = |s: &str| -> f64 {
        s.chars()
            .map(|c| if (c as u32) >= 0x2E80 { 2.0 } else { 1.0 })
            .sum::<f64>()
            * 7.0
    };
    let label_w = bars
        .iter()
        .map(|(l, _)| width_of(l))
        .fold(60.0, f64::max)
        .min(240.0)
        + 6.0;
    let bar_w = 600.0 - label_w - 100.0;
    let mut out = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 600 {h}" aria-label="{}"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = 5.0 + i as f64 * row;
        let bw = v / max * bar_w;
        out.push_str(&format!(
            r#"<text x="0" y="{:.1}" font-size="12">{}</text><rect class="s0" x="{label_w:.1}" y="{:.1}" width="{:.1}" height="14"><title>{}: {} {}</title></rect><text x="{:.1}" y="{:.1}" font-size="11">{} {}</text>"#,
            y + 12.0,
            esc(label),
            y,
            bw.max(1.0),
            esc(label),
            v,
            esc(unit),
            label_w + 6.0 + bw,
            y + 12.0,
            v,
            esc(unit)
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::bar_chart;

    /// The x of every bar in a chart.
    fn bar_xs(svg: &str) -> Vec<f64> {
        svg.split("<rect class=\"s0\" x=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .collect()
    }

    #[test]
    fn bars_start_after_the_longest_label() {
        let short = bar_chart("t", &[("KZ".into(), 1.0)], "s");
        assert_eq!(bar_xs(&short), [66.0]);
        let long = bar_chart(
            "t",
            &[("not yet answered".into(), 4.0), ("a".into(), 1.0)],
            "states",
        );
        assert!(bar_xs(&long).iter().all(|x| *x >= 16.0 * 7.0), "{long}");
        let chinese = bar_chart("t", &[("尚未答复".into(), 4.0)], "国");
        assert!(
            bar_xs(&chinese).iter().all(|x| *x >= 8.0 * 7.0),
            "{chinese}"
        );
    }
}
