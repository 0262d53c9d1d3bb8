//! The map of protected infrastructure: the assets the user may see (pipelines as lines with
//! their protection corridor drawn to scale, facilities as areas or points), the places reported
//! (STIX locations with coordinates), and the alerts raised where a place fell inside a corridor
//! (the place, a line to the asset's closest point, the distance and kilometre post) — drawn as
//! server-side SVG over the country outlines of [`crate::map`], framed around what there is to see;
//! below the map, the same as tables, each row linking to the object's page. Everything comes
//! from `entente_node::detection::view`, so the map shows what the REST views show, no more.

use super::extract::Signed;
use super::{render, Chrome};
use crate::map::Frame;
use crate::Web;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// An asset as drawn and listed.
pub struct Asset {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub owners: String,
    pub operator: String,
    pub criticality: String,
    pub corridor_km: String,
    /// Path data of a line, or of an area's rings; empty for a point.
    pub line: String,
    pub area: String,
    /// The corridor's width on the map (SVG units), and a point's place.
    pub corridor_w: f64,
    pub point: Option<(f64, f64)>,
}

/// A place reported, as drawn and listed.
pub struct Place {
    pub id: String,
    pub name: String,
    pub by: String,
    pub at: String,
    pub x: f64,
    pub y: f64,
    pub alerted: bool,
}

/// An alert, as drawn (a line from the place to the asset's closest point) and listed.
pub struct Alert {
    pub id: String,
    pub at: String,
    pub asset_id: String,
    pub asset_name: String,
    pub incident: String,
    /// The incident's name, once the places are known (else its id).
    pub incident_name: String,
    pub distance_km: String,
    pub km_post: String,
    pub link: Option<(f64, f64, f64, f64)>,
}

#[derive(Template)]
#[template(path = "map.html")]
struct Page {
    c: Chrome,
    width: f64,
    height: f64,
    outlines: bool,
    graticule: String,
    countries: Vec<(String, String)>,
    assets: Vec<Asset>,
    places: Vec<Place>,
    alerts: Vec<Alert>,
    more: bool,
}

fn list(v: &Option<Value>, key: &str) -> Vec<Value> {
    v.as_ref()
        .and_then(|v| v[key].as_array().cloned())
        .unwrap_or_default()
}

/// (longitude, latitude) of a GeoJSON position.
fn position(p: &Value) -> Option<(f64, f64)> {
    Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))
}

fn positions(v: &Value) -> Vec<(f64, f64)> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(position)
        .collect()
}

/// Every position of a geometry.
fn all_positions(g: &Value) -> Vec<(f64, f64)> {
    match g["type"].as_str() {
        Some("Point") => position(&g["coordinates"]).into_iter().collect(),
        Some("LineString") => positions(&g["coordinates"]),
        Some("Polygon") => g["coordinates"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(positions)
            .collect(),
        _ => Vec::new(),
    }
}

pub async fn page(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let mut got = HashMap::new();
    for what in ["assets", "alerts", "places"] {
        match entente_node::detection::view(&web.node, &s.principal, what).await {
            Ok(v) => {
                got.insert(what, v);
            }
            Err(e) => return super::failure(&web, s.lang, e),
        }
    }
    let (assets, alerts, places) = (
        list(&got["assets"], "assets"),
        list(&got["alerts"], "alerts"),
        list(&got["places"], "places"),
    );
    let more = got
        .values()
        .any(|v| v.as_ref().is_some_and(|v| v["more"] == true));
    // Where each place is: the locations, and the incidents alerts name (a report or an
    // observation with coordinates is a place only through its alert).
    let mut at: HashMap<String, (f64, f64)> = places
        .iter()
        .filter_map(|p| {
            Some((
                p["id"].as_str()?.to_owned(),
                (p["longitude"].as_f64()?, p["latitude"].as_f64()?),
            ))
        })
        .collect();
    for a in &alerts {
        if let (Some(id), Some(p)) = (a["incident"].as_str(), position(&a["incident_at"])) {
            at.entry(id.to_owned()).or_insert(p);
        }
    }
    let frame = Frame::around(
        assets
            .iter()
            .flat_map(|a| all_positions(&a["geometry"]))
            .chain(at.values().copied()),
    );
    let c = Chrome::new(&web, &s, "/map", "title-map");
    let names: HashMap<&str, &str> = assets
        .iter()
        .filter_map(|a| Some((a["id"].as_str()?, a["name"].as_str()?)))
        .collect();
    let mut alerts: Vec<Alert> = alerts
        .iter()
        .map(|a| {
            let asset_id = a["asset"].as_str().unwrap_or_default().to_owned();
            let incident = a["incident"].as_str().unwrap_or_default().to_owned();
            let link = at.get(&incident).zip(position(&a["nearest"])).map(
                |(&(lon, lat), (nlon, nlat))| {
                    let (x1, y1) = frame.project(lon, lat);
                    let (x2, y2) = frame.project(nlon, nlat);
                    (round(x1), round(y1), round(x2), round(y2))
                },
            );
            Alert {
                id: a["id"].as_str().unwrap_or_default().to_owned(),
                at: c.when(a["at"].as_str().unwrap_or_default()),
                asset_name: names
                    .get(asset_id.as_str())
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| asset_id.clone()),
                asset_id,
                incident_name: incident.clone(),
                incident,
                distance_km: a["distance_m"]
                    .as_f64()
                    .map(|m| format!("{:.1}", m / 1000.0))
                    .unwrap_or_default(),
                km_post: a["km_post"]
                    .as_f64()
                    .map(|k| format!("{k:.1}"))
                    .unwrap_or_default(),
                link,
            }
        })
        .collect();
    let alerted: std::collections::HashSet<&str> =
        alerts.iter().map(|a| a.incident.as_str()).collect();
    let mut drawn: Vec<Place> = places
        .iter()
        .filter_map(|p| {
            let id = p["id"].as_str()?.to_owned();
            let (x, y) = frame.project(p["longitude"].as_f64()?, p["latitude"].as_f64()?);
            Some(Place {
                alerted: alerted.contains(id.as_str()),
                name: p["name"].as_str().unwrap_or(&id).to_owned(),
                by: p["by"].as_str().unwrap_or_default().to_owned(),
                at: c.when(p["created"].as_str().unwrap_or_default()),
                x: round(x),
                y: round(y),
                id,
            })
        })
        .collect();
    // Incidents known only through their alert (a report with coordinates, say): their names,
    // as the user may see them (an incident the user may not see keeps its id).
    let others: Vec<String> = alerts
        .iter()
        .filter(|a| !drawn.iter().any(|p| p.id == a.incident))
        .map(|a| a.incident.clone())
        .collect::<std::collections::BTreeSet<String>>()
        .into_iter()
        .collect();
    let known = match incidents(&web, &s, others).await {
        Ok(k) => k,
        Err(e) => return super::failure(&web, s.lang, e),
    };
    for a in &alerts {
        if drawn.iter().any(|p| p.id == a.incident) {
            continue;
        }
        if let Some((x, y, ..)) = a.link {
            let (name, by) = known.get(&a.incident).cloned().unwrap_or_default();
            drawn.push(Place {
                id: a.incident.clone(),
                name: if name.is_empty() {
                    a.incident.clone()
                } else {
                    name
                },
                by,
                at: a.at.clone(),
                x,
                y,
                alerted: true,
            });
        }
    }
    for a in &mut alerts {
        if let Some(p) = drawn.iter().find(|p| p.id == a.incident) {
            a.incident_name = p.name.clone();
        }
    }
    let assets: Vec<Asset> = assets.iter().map(|a| asset(&frame, a)).collect();
    let page = Page {
        width: crate::map::WIDTH,
        height: frame.height(),
        outlines: crate::map::outlines_built_in(),
        graticule: frame.graticule(),
        countries: frame.countries(),
        assets,
        places: drawn,
        alerts,
        more,
        c,
    };
    render(StatusCode::OK, &page, &page.c)
}

/// The names and originators of these objects, the latest version of each the user may see.
async fn incidents(
    web: &Web,
    s: &Signed,
    ids: Vec<String>,
) -> Result<HashMap<String, (String, String)>, entente_node::NodeError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let query = entente_store::read::Query {
        ids,
        versions: entente_store::read::VersionMatch::last(),
        spec_version_matches: true,
        ..Default::default()
    };
    let page = entente_node::read::page(
        &web.node,
        &s.principal,
        &query,
        None,
        entente_node::detection::MAX_LISTED,
        true,
    )
    .await?;
    Ok(page
        .rows
        .into_iter()
        .map(|r| {
            let o: Value = serde_json::from_str(&r.json).unwrap_or_default();
            let name = super::intel::name_of(&o, &r.id);
            (r.id, (name, r.label.originator.to_string()))
        })
        .collect())
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn asset(frame: &Frame, a: &Value) -> Asset {
    let g = &a["geometry"];
    let corridor_m = a["corridor_m"].as_f64().unwrap_or(0.0);
    let text = |k: &str| a[k].as_str().unwrap_or_default().to_owned();
    let (mut line, mut area, mut point) = (String::new(), String::new(), None);
    match g["type"].as_str() {
        Some("LineString") => line = frame.line(&positions(&g["coordinates"])),
        Some("Polygon") => {
            let rings: Vec<Vec<(f64, f64)>> = g["coordinates"]
                .as_array()
                .into_iter()
                .flatten()
                .map(positions)
                .collect();
            area = frame.rings(&rings);
        }
        Some("Point") => {
            point = position(&g["coordinates"]).map(|(lon, lat)| {
                let (x, y) = frame.project(lon, lat);
                (round(x), round(y))
            })
        }
        _ => {}
    }
    Asset {
        id: text("id"),
        name: text("name"),
        kind: text("kind"),
        owners: a["owners"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        operator: text("operator"),
        criticality: text("criticality"),
        corridor_km: format!("{:.1}", corridor_m / 1000.0),
        // Twice the corridor across, to scale, but never narrower than can be seen.
        corridor_w: frame.metres(2.0 * corridor_m, 7.0),
        line,
        area,
        point,
    }
}
