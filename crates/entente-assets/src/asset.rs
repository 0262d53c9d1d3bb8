//! An asset as its STIX object says it, checked: `name`, `kind` (`pipeline`, `facility`,
//! `project`), `geometry` (GeoJSON `Point`, `LineString` or `Polygon`, WGS 84 longitude then
//! latitude), `corridor_m` (0 to 100,000 metres), `owners` (the states it belongs to, ISO 3166-1
//! alpha-2), `operator`, `criticality` (`low`, `medium`, `high`, `critical`).

use geo::{Coord, LineString, Point, Polygon};
use serde_json::Value;

/// The STIX type of protected infrastructure.
pub const ASSET_TYPE: &str = "x-entente-asset";

/// The widest corridor an asset may claim, in metres.
pub const MAX_CORRIDOR_M: f64 = 100_000.0;

/// The most positions one geometry holds.
pub const MAX_POSITIONS: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pipeline,
    Facility,
    Project,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Criticality {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    Point(Point<f64>),
    Line(LineString<f64>),
    Area(Polygon<f64>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub geometry: Geometry,
    pub corridor_m: f64,
    pub owners: Vec<String>,
    pub operator: Option<String>,
    pub criticality: Criticality,
}

fn bad(property: &str, why: impl std::fmt::Display) -> String {
    format!("`{property}`: {why}")
}

impl Asset {
    /// Reads and checks an `x-entente-asset`; refused with the property and the reason.
    pub fn from_stix(o: &Value) -> Result<Asset, String> {
        if o.get("type").and_then(Value::as_str) != Some(ASSET_TYPE) {
            return Err(format!("not an {ASSET_TYPE}"));
        }
        let text = |p: &str| -> Result<String, String> {
            o.get(p)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned)
                .ok_or_else(|| bad(p, "is required, a text"))
        };
        let id = text("id")?;
        let name = text("name")?;
        let kind = match text("kind")?.as_str() {
            "pipeline" => Kind::Pipeline,
            "facility" => Kind::Facility,
            "project" => Kind::Project,
            other => {
                return Err(bad(
                    "kind",
                    format!("`{other}` is not pipeline, facility or project"),
                ))
            }
        };
        let criticality = match text("criticality")?.as_str() {
            "low" => Criticality::Low,
            "medium" => Criticality::Medium,
            "high" => Criticality::High,
            "critical" => Criticality::Critical,
            other => {
                return Err(bad(
                    "criticality",
                    format!("`{other}` is not low, medium, high or critical"),
                ))
            }
        };
        let corridor_m = o
            .get("corridor_m")
            .and_then(Value::as_f64)
            .filter(|d| (0.0..=MAX_CORRIDOR_M).contains(d))
            .ok_or_else(|| {
                bad(
                    "corridor_m",
                    format!("a number of metres from 0 to {MAX_CORRIDOR_M}"),
                )
            })?;
        let owners: Vec<String> = o
            .get("owners")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if owners.is_empty()
            || owners
                .iter()
                .any(|s| s.len() != 2 || !s.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(bad(
                "owners",
                "the states it belongs to, ISO 3166-1 alpha-2 codes, at least one",
            ));
        }
        let operator = o.get("operator").and_then(Value::as_str).map(str::to_owned);
        let geometry = geometry(
            o.get("geometry")
                .ok_or_else(|| bad("geometry", "is required"))?,
        )?;
        Ok(Asset {
            id,
            name,
            kind,
            geometry,
            corridor_m,
            owners,
            operator,
            criticality,
        })
    }
}

fn position(v: &Value) -> Result<Coord<f64>, String> {
    let a = v
        .as_array()
        .ok_or_else(|| bad("geometry", "a position is [longitude, latitude]"))?;
    let (Some(x), Some(y)) = (
        a.first().and_then(Value::as_f64),
        a.get(1).and_then(Value::as_f64),
    ) else {
        return Err(bad("geometry", "a position is [longitude, latitude]"));
    };
    if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
        return Err(bad(
            "geometry",
            format!("[{x}, {y}] is not a WGS 84 longitude and latitude"),
        ));
    }
    Ok(Coord { x, y })
}

fn positions(v: &Value, at_least: usize) -> Result<Vec<Coord<f64>>, String> {
    let a = v
        .as_array()
        .ok_or_else(|| bad("geometry", "`coordinates` is a list of positions"))?;
    if a.len() < at_least || a.len() > MAX_POSITIONS {
        return Err(bad(
            "geometry",
            format!(
                "from {at_least} to {MAX_POSITIONS} positions, not {}",
                a.len()
            ),
        ));
    }
    a.iter().map(position).collect()
}

/// A GeoJSON geometry: `Point`, `LineString` or `Polygon` (its outer ring; holes are not kept).
pub fn geometry(g: &Value) -> Result<Geometry, String> {
    let c = g
        .get("coordinates")
        .ok_or_else(|| bad("geometry", "`coordinates` is required"))?;
    match g.get("type").and_then(Value::as_str) {
        Some("Point") => Ok(Geometry::Point(Point(position(c)?))),
        Some("LineString") => Ok(Geometry::Line(LineString(positions(c, 2)?))),
        Some("Polygon") => {
            let outer = c
                .as_array()
                .and_then(|r| r.first())
                .ok_or_else(|| bad("geometry", "a polygon has an outer ring"))?;
            let ring = positions(outer, 4)?;
            if ring.first() != ring.last() {
                return Err(bad("geometry", "a polygon's ring ends where it begins"));
            }
            Ok(Geometry::Area(Polygon::new(LineString(ring), Vec::new())))
        }
        other => Err(bad(
            "geometry",
            format!("{other:?}: a GeoJSON Point, LineString or Polygon"),
        )),
    }
}
