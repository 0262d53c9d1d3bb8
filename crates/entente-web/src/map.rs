//! The map's geometry: the country outlines (Natural Earth's 1:50m countries, from the npm package
//! `world-atlas`, built in by `build.rs` and decoded once with the `topojson` crate), and a
//! [`Frame`] — a box of longitudes and latitudes around what a page shows, projected onto the
//! page's SVG (equirectangular, true to scale at the frame's middle latitude, which is what a
//! region the size of Central Asia needs) with the outlines clipped to it, so that a page carries
//! only the coastlines and borders that show.
//!
//! Written here rather than taken from a crate: clipping rings to a rectangle
//! (Sutherland–Hodgman) and writing SVG path data are a few lines each, and no crate of the field
//! draws server-side SVG maps without a browser-side library, which the UI's policy (no script
//! but our own) rules out.

use std::sync::OnceLock;

/// One country: its English name (Natural Earth's), its bounding box (west, south, east, north)
/// and its rings (longitude, latitude), outer and holes alike.
pub struct Country {
    pub name: String,
    pub bbox: [f64; 4],
    pub rings: Vec<Vec<(f64, f64)>>,
}

#[cfg(entente_world_atlas)]
const WORLD_ATLAS: Option<&str> = Some(include_str!(concat!(
    env!("OUT_DIR"),
    "/countries-50m.json"
)));
#[cfg(not(entente_world_atlas))]
const WORLD_ATLAS: Option<&str> = None;

/// Whether this binary has the country outlines built in (see `build.rs`).
pub fn outlines_built_in() -> bool {
    WORLD_ATLAS.is_some() && !countries().is_empty()
}

/// The countries, decoded on first use; none when the outlines were not built in.
pub fn countries() -> &'static [Country] {
    static COUNTRIES: OnceLock<Vec<Country>> = OnceLock::new();
    COUNTRIES.get_or_init(|| match WORLD_ATLAS.map(decode) {
        Some(Ok(c)) => c,
        Some(Err(e)) => {
            tracing::error!(error = %e, "the built-in country outlines could not be read");
            Vec::new()
        }
        None => Vec::new(),
    })
}

/// Decodes world-atlas's TopoJSON into countries.
fn decode(topojson_text: &str) -> Result<Vec<Country>, String> {
    let topology = match topojson_text
        .parse::<topojson::TopoJson>()
        .map_err(|e| e.to_string())?
    {
        topojson::TopoJson::Topology(t) => t,
        _ => return Err("not a TopoJSON topology".into()),
    };
    let features = topojson::to_geojson(&topology, "countries").map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for f in features.features {
        let name = f
            .properties
            .as_ref()
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_owned();
        let geometry = serde_json::to_value(&f.geometry).map_err(|e| e.to_string())?;
        let polygons = match geometry["type"].as_str() {
            Some("Polygon") => vec![geometry["coordinates"].clone()],
            Some("MultiPolygon") => geometry["coordinates"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
            _ => continue,
        };
        let rings: Vec<Vec<(f64, f64)>> = polygons
            .iter()
            .filter_map(|p| p.as_array())
            .flatten()
            .filter_map(|r| r.as_array())
            .map(|r| {
                r.iter()
                    .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                    .collect()
            })
            .collect();
        let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for &(lon, lat) in rings.iter().flatten() {
            bbox = [
                bbox[0].min(lon),
                bbox[1].min(lat),
                bbox[2].max(lon),
                bbox[3].max(lat),
            ];
        }
        out.push(Country { name, bbox, rings });
    }
    Ok(out)
}

/// The SVG's width in its own units; its height follows from the frame.
pub const WIDTH: f64 = 1000.0;

/// Metres in a degree of latitude (a mean; the map is for seeing, the alerts measure).
const METRES_PER_DEGREE: f64 = 111_320.0;

/// A box of longitudes and latitudes and its projection onto the SVG.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
    /// SVG units per degree of latitude.
    k: f64,
    /// The cosine of the middle latitude (a degree of longitude there, in degrees of latitude).
    cos: f64,
}

impl Frame {
    /// The region the organization's states lie in, shown when there is nothing to frame.
    pub fn region() -> Frame {
        Frame::new(20.0, 5.0, 140.0, 62.0)
    }

    /// A frame around these points (longitude, latitude) with a margin, at least 12° by 8°, and
    /// not taller than it is wide; the region when there are none.
    pub fn around(points: impl IntoIterator<Item = (f64, f64)>) -> Frame {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for (lon, lat) in points {
            if lon.is_finite() && lat.is_finite() {
                b = [b[0].min(lon), b[1].min(lat), b[2].max(lon), b[3].max(lat)];
            }
        }
        if b[0] > b[2] {
            return Frame::region();
        }
        let (mut w, mut s, mut e, mut n) = (b[0], b[1], b[2], b[3]);
        let (dx, dy) = ((e - w) * 0.2, (n - s) * 0.2);
        (w, e, s, n) = (w - dx, e + dx, s - dy, n + dy);
        widen(&mut w, &mut e, 12.0);
        widen(&mut s, &mut n, 8.0);
        let cos = ((s + n) / 2.0).to_radians().cos().max(0.2);
        // At least 1.4 times as wide as tall (a page is wider than it is tall).
        let tall = (n - s) * 1.4 / cos;
        widen(&mut w, &mut e, tall);
        Frame::new(w, s.max(-85.0), e, n.min(85.0))
    }

    fn new(west: f64, south: f64, east: f64, north: f64) -> Frame {
        let cos = ((south + north) / 2.0).to_radians().cos().max(0.2);
        let k = WIDTH / ((east - west) * cos);
        Frame {
            west,
            south,
            east,
            north,
            k,
            cos,
        }
    }

    /// The SVG's height.
    pub fn height(&self) -> f64 {
        ((self.north - self.south) * self.k).round()
    }

    /// Where a point lies on the SVG.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.west) * self.cos * self.k,
            (self.north - lat) * self.k,
        )
    }

    /// So many metres on the ground, in SVG units (at least `min`).
    pub fn metres(&self, m: f64, min: f64) -> f64 {
        round1((m / METRES_PER_DEGREE * self.k).max(min))
    }

    /// Whether a box (west, south, east, north) overlaps the frame.
    pub fn overlaps(&self, b: &[f64; 4]) -> bool {
        b[0] <= self.east && b[2] >= self.west && b[1] <= self.north && b[3] >= self.south
    }

    /// SVG path data of a line through these points.
    pub fn line(&self, points: &[(f64, f64)]) -> String {
        let projected: Vec<(f64, f64)> = points.iter().map(|&(x, y)| self.project(x, y)).collect();
        path(&projected, false)
    }

    /// SVG path data of closed rings, clipped to the frame (with a margin, so that the clipped
    /// edges lie outside what shows); empty when nothing of them shows.
    pub fn rings<'a>(&self, rings: impl IntoIterator<Item = &'a Vec<(f64, f64)>>) -> String {
        let margin = 10.0;
        let (x0, y0, x1, y1) = (-margin, -margin, WIDTH + margin, self.height() + margin);
        let mut d = String::new();
        for ring in rings {
            let projected: Vec<(f64, f64)> =
                ring.iter().map(|&(x, y)| self.project(x, y)).collect();
            let clipped = clip(&projected, x0, y0, x1, y1);
            if clipped.len() >= 3 {
                d.push_str(&path(&clipped, true));
            }
        }
        d
    }

    /// The outlines of every country that shows, as (name, path data).
    pub fn countries(&self) -> Vec<(String, String)> {
        countries()
            .iter()
            .filter(|c| self.overlaps(&c.bbox))
            .map(|c| (c.name.clone(), self.rings(&c.rings)))
            .filter(|(_, d)| !d.is_empty())
            .collect()
    }

    /// Lines of longitude and latitude every 5 or 10 degrees, as path data.
    pub fn graticule(&self) -> String {
        let step = if self.east - self.west > 60.0 {
            10.0
        } else {
            5.0
        };
        let mut d = String::new();
        let mut lon = (self.west / step).ceil() * step;
        while lon <= self.east {
            d.push_str(&self.line(&[(lon, self.south), (lon, self.north)]));
            lon += step;
        }
        let mut lat = (self.south / step).ceil() * step;
        while lat <= self.north {
            d.push_str(&self.line(&[(self.west, lat), (self.east, lat)]));
            lat += step;
        }
        d
    }
}

/// Widens `lo..hi` about its middle to at least `span`.
fn widen(lo: &mut f64, hi: &mut f64, span: f64) {
    if *hi - *lo < span {
        let mid = (*lo + *hi) / 2.0;
        (*lo, *hi) = (mid - span / 2.0, mid + span / 2.0);
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Path data through projected points, dropping points within half a unit of the last one kept.
fn path(points: &[(f64, f64)], closed: bool) -> String {
    let mut d = String::new();
    let mut last: Option<(f64, f64)> = None;
    for &(x, y) in points {
        if last.is_some_and(|(lx, ly)| (x - lx).abs() < 0.5 && (y - ly).abs() < 0.5) {
            continue;
        }
        d.push(if last.is_none() { 'M' } else { 'L' });
        d.push_str(&format!("{} {}", round1(x), round1(y)));
        last = Some((x, y));
    }
    if closed && !d.is_empty() {
        d.push('Z');
    }
    d
}

/// A ring clipped to the rectangle (Sutherland–Hodgman, one edge at a time).
fn clip(ring: &[(f64, f64)], x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<(f64, f64)> {
    type Inside = fn(&(f64, f64), f64) -> bool;
    let edges: [(Inside, f64, bool); 4] = [
        (|p, v| p.0 >= v, x0, true),
        (|p, v| p.0 <= v, x1, true),
        (|p, v| p.1 >= v, y0, false),
        (|p, v| p.1 <= v, y1, false),
    ];
    let mut out: Vec<(f64, f64)> = ring.to_vec();
    for (inside, v, vertical) in edges {
        if out.is_empty() {
            break;
        }
        let input = std::mem::take(&mut out);
        let cross = |a: (f64, f64), b: (f64, f64)| {
            if vertical {
                let t = (v - a.0) / (b.0 - a.0);
                (v, a.1 + t * (b.1 - a.1))
            } else {
                let t = (v - a.1) / (b.1 - a.1);
                (a.0 + t * (b.0 - a.0), v)
            }
        };
        let mut prev = input[input.len() - 1];
        for &cur in &input {
            match (inside(&cur, v), inside(&prev, v)) {
                (true, true) => out.push(cur),
                (true, false) => {
                    out.push(cross(prev, cur));
                    out.push(cur);
                }
                (false, true) => out.push(cross(prev, cur)),
                (false, false) => {}
            }
            prev = cur;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_holds_its_points_with_a_margin_and_is_wider_than_tall() {
        let f = Frame::around([(51.9, 47.1), (82.6, 45.2), (62.0, 37.5)]);
        for (lon, lat) in [(51.9, 47.1), (82.6, 45.2), (62.0, 37.5)] {
            let (x, y) = f.project(lon, lat);
            assert!(x > 0.0 && x < WIDTH && y > 0.0 && y < f.height(), "{f:?}");
        }
        assert!(f.height() < WIDTH / 1.3, "{}", f.height());
        assert_eq!(Frame::around([]), Frame::region());
        let one = Frame::around([(80.0, 45.0)]);
        assert!(one.east - one.west >= 12.0 && one.north - one.south >= 8.0);
    }

    #[test]
    fn rings_are_clipped_to_the_frame_and_vanish_outside_it() {
        let f = Frame::around([(70.0, 40.0), (80.0, 45.0)]);
        let square = vec![(60.0, 35.0), (90.0, 35.0), (90.0, 50.0), (60.0, 50.0)];
        let d = f.rings([&square]);
        assert!(d.starts_with('M') && d.ends_with('Z'), "{d}");
        for n in d
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter(|s| !s.is_empty())
        {
            let v: f64 = n.parse().unwrap();
            assert!((-10.5..=WIDTH + 10.5).contains(&v), "{v} in {d}");
        }
        let far = vec![(-10.0, 0.0), (-5.0, 0.0), (-5.0, 5.0)];
        assert_eq!(f.rings([&far]), "");
    }

    #[test]
    fn the_outlines_are_built_in_and_hold_the_organizations_states() {
        assert!(
            outlines_built_in(),
            "this binary was built without the country outlines: run scripts/fetch-world-atlas \
             (npm) and build again"
        );
        let names: Vec<&str> = countries().iter().map(|c| c.name.as_str()).collect();
        for state in [
            "Kazakhstan",
            "China",
            "Kyrgyzstan",
            "Tajikistan",
            "Uzbekistan",
            "Russia",
        ] {
            assert!(names.contains(&state), "{state} missing");
        }
        let kz = countries().iter().find(|c| c.name == "Kazakhstan").unwrap();
        assert!(
            kz.bbox[0] > 45.0 && kz.bbox[2] < 88.0 && kz.bbox[1] > 40.0,
            "{:?}",
            kz.bbox
        );
        // The region's outlines, clipped, stay a modest page.
        let drawn: usize = Frame::around([(51.9, 47.1), (82.6, 45.2)])
            .countries()
            .iter()
            .map(|(_, d)| d.len())
            .sum();
        assert!(
            drawn > 10_000 && drawn < 400_000,
            "{drawn} bytes of outlines"
        );
    }
}
