//! Which protection corridors a point falls in (a line's segments are the great-circle arcs
//! between its positions): an R-tree of every asset's segments (and of each
//! area's interior), each by its bounding box widened by the asset's corridor; a point is checked
//! exactly — the great-circle distance to the segment's closest point — only against the entries
//! whose widened box holds it. For a line, the closest point is also given as a kilometre post:
//! the distance along the line from its first position.
//!
//! Boxes are in degrees, widened by the corridor at the segment's highest latitude (so never too
//! narrow); assets that cross the antimeridian are not handled (none of the organization's do).

use crate::asset::{Asset, Geometry};
use geo::{Closest, Contains, Distance, Haversine, HaversineClosestPoint, Line, Point, Polygon};
use rstar::{RTree, RTreeObject, AABB};

/// Metres per degree of latitude (mean Earth radius, as the haversine distances use).
const M_PER_DEG: f64 = 111_195.0;

/// A point near an asset: which (its index among the assets given), how far, the closest point
/// of the asset (longitude, latitude), and for a line the kilometre post of that point.
#[derive(Debug, Clone, PartialEq)]
pub struct Near {
    pub asset: usize,
    pub distance_m: f64,
    pub nearest: (f64, f64),
    pub km_post: Option<f64>,
}

enum Part {
    /// A segment of a line or of an area's ring; `start_m`: how far along the line it begins
    /// (`None` for a ring).
    Segment {
        line: Line<f64>,
        start_m: Option<f64>,
    },
    Spot(Point<f64>),
    Interior(Polygon<f64>),
}

struct Entry {
    asset: u32,
    part: Part,
    envelope: AABB<[f64; 2]>,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// The corridors of a set of assets, indexed.
pub struct Corridors {
    tree: RTree<Entry>,
    corridor_m: Vec<f64>,
    segments: usize,
}

/// The box `[min, max]` widened by `metres` on every side.
fn widened(min: [f64; 2], max: [f64; 2], metres: f64) -> AABB<[f64; 2]> {
    let dlat = metres / M_PER_DEG;
    let top = (min[1].abs().max(max[1].abs()) + dlat).min(89.9);
    let dlon = (metres / (M_PER_DEG * top.to_radians().cos())).min(360.0);
    AABB::from_corners(
        [min[0] - dlon, (min[1] - dlat).max(-90.0)],
        [max[0] + dlon, (max[1] + dlat).min(90.0)],
    )
}

fn bounds(points: impl Iterator<Item = (f64, f64)>) -> ([f64; 2], [f64; 2]) {
    let mut min = [f64::INFINITY, f64::INFINITY];
    let mut max = [f64::NEG_INFINITY, f64::NEG_INFINITY];
    for (x, y) in points {
        min = [min[0].min(x), min[1].min(y)];
        max = [max[0].max(x), max[1].max(y)];
    }
    (min, max)
}

impl Corridors {
    pub fn new(assets: &[Asset]) -> Corridors {
        let mut entries = Vec::new();
        let mut segments = 0;
        for (i, a) in assets.iter().enumerate() {
            let asset = i as u32;
            let d = a.corridor_m;
            let mut add_line = |coords: &[geo::Coord<f64>], along: bool| {
                let mut start = 0.0;
                for w in coords.windows(2) {
                    let line = Line::new(w[0], w[1]);
                    let (min, max) = bounds([(w[0].x, w[0].y), (w[1].x, w[1].y)].into_iter());
                    entries.push(Entry {
                        asset,
                        part: Part::Segment {
                            line,
                            start_m: along.then_some(start),
                        },
                        envelope: widened(min, max, d),
                    });
                    start += Haversine.distance(Point(w[0]), Point(w[1]));
                    segments += 1;
                }
            };
            match &a.geometry {
                Geometry::Line(ls) => add_line(&ls.0, true),
                Geometry::Area(p) => {
                    add_line(&p.exterior().0, false);
                    let (min, max) = bounds(p.exterior().0.iter().map(|c| (c.x, c.y)));
                    entries.push(Entry {
                        asset,
                        part: Part::Interior(p.clone()),
                        envelope: AABB::from_corners(min, max),
                    });
                }
                Geometry::Point(p) => {
                    entries.push(Entry {
                        asset,
                        part: Part::Spot(*p),
                        envelope: widened([p.x(), p.y()], [p.x(), p.y()], d),
                    });
                    segments += 1;
                }
            }
        }
        Corridors {
            tree: RTree::bulk_load(entries),
            corridor_m: assets.iter().map(|a| a.corridor_m).collect(),
            segments,
        }
    }

    /// How many segments (and points) the index holds.
    pub fn segments(&self) -> usize {
        self.segments
    }

    /// The assets whose corridor holds the point (`lon`, `lat`), nearest first: one [`Near`] per
    /// asset, at its closest point.
    pub fn near(&self, lon: f64, lat: f64) -> Vec<Near> {
        let p = Point::new(lon, lat);
        let mut best: Vec<Near> = Vec::new();
        for e in self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
        {
            let found = match &e.part {
                Part::Interior(poly) => poly.contains(&p).then_some((0.0, (lon, lat), None)),
                Part::Spot(s) => Some((Haversine.distance(p, *s), (s.x(), s.y()), None)),
                Part::Segment { line, start_m } => match line.haversine_closest_point(&p) {
                    Closest::Intersection(c) | Closest::SinglePoint(c) => Some((
                        Haversine.distance(p, c),
                        (c.x(), c.y()),
                        start_m.map(|s| (s + Haversine.distance(Point(line.start), c)) / 1000.0),
                    )),
                    Closest::Indeterminate => None,
                },
            };
            let Some((distance_m, nearest, km_post)) = found else {
                continue;
            };
            let asset = e.asset as usize;
            if distance_m > self.corridor_m[asset] {
                continue;
            }
            match best.iter_mut().find(|n| n.asset == asset) {
                Some(n) if n.distance_m <= distance_m => {}
                Some(n) => {
                    *n = Near {
                        asset,
                        distance_m,
                        nearest,
                        km_post,
                    }
                }
                None => best.push(Near {
                    asset,
                    distance_m,
                    nearest,
                    km_post,
                }),
            }
        }
        best.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asset::Asset;
    use serde_json::json;

    fn asset(id: &str, geometry: serde_json::Value, corridor_m: f64) -> Asset {
        Asset::from_stix(&json!({
            "type": "x-entente-asset", "id": id, "name": id, "kind": "pipeline",
            "geometry": geometry, "corridor_m": corridor_m, "owners": ["KZ", "CN"],
            "criticality": "critical",
        }))
        .unwrap()
    }

    #[test]
    fn a_point_is_in_the_corridors_that_hold_it_with_its_distance_and_kilometre_post() {
        // Due east along the 45th parallel, about 78.7 km.
        let line = asset(
            "line",
            json!({"type": "LineString", "coordinates": [[80.0, 45.0], [80.5, 45.0], [81.0, 45.0]]}),
            2000.0,
        );
        let area = asset(
            "area",
            json!({"type": "Polygon", "coordinates": [[[80.4, 44.9], [80.6, 44.9], [80.6, 45.1], [80.4, 45.1], [80.4, 44.9]]]}),
            500.0,
        );
        let spot = asset(
            "spot",
            json!({"type": "Point", "coordinates": [81.0, 45.0]}),
            1000.0,
        );
        let c = Corridors::new(&[line, area, spot]);
        assert_eq!(c.segments(), 2 + 4 + 1);
        // 1 km north of the 45th parallel, a quarter of the way along: the segment is the
        // great-circle arc between its positions, which bows some 30 m north of the parallel.
        let lat = 45.0 + 1000.0 / M_PER_DEG;
        let near = c.near(80.25, lat);
        assert_eq!(near.len(), 1, "{near:?}");
        assert_eq!(near[0].asset, 0);
        assert!((near[0].distance_m - 970.0).abs() < 5.0, "{near:?}");
        let km = near[0].km_post.unwrap();
        assert!((km - 19.7).abs() < 0.3, "{km}");
        // 3 km north: outside a 2 km corridor.
        assert!(c.near(80.25, 45.0 + 3000.0 / M_PER_DEG).is_empty());
        // Inside the area and on the line: both, the area at 0.
        let both = c.near(80.5, 45.0);
        assert_eq!(both.iter().map(|n| n.asset).collect::<Vec<_>>(), [1, 0]);
        assert_eq!(both[0].distance_m, 0.0);
        assert!(both[0].km_post.is_none());
        // Near the end of the line and the point asset there.
        let end = c.near(81.0, 45.0 + 500.0 / M_PER_DEG);
        assert_eq!(end.len(), 2, "{end:?}");
        assert!(end
            .iter()
            .any(|n| n.asset == 2 && (n.distance_m - 500.0).abs() < 10.0));
        // Far away: nothing.
        assert!(c.near(60.0, 40.0).is_empty());
    }

    #[test]
    fn assets_are_refused_with_the_property_and_the_reason() {
        let base = json!({"type": "x-entente-asset", "id": "x-entente-asset--1", "name": "n", "kind": "pipeline",
                          "geometry": {"type": "LineString", "coordinates": [[80.0, 45.0], [81.0, 45.0]]},
                          "corridor_m": 1000, "owners": ["KZ"], "criticality": "high"});
        assert!(Asset::from_stix(&base).is_ok());
        for (k, v, why) in [
            ("kind", json!("road"), "`kind`"),
            ("criticality", json!("extreme"), "`criticality`"),
            ("corridor_m", json!(200_000), "`corridor_m`"),
            ("owners", json!(["kz"]), "`owners`"),
            (
                "geometry",
                json!({"type": "LineString", "coordinates": [[80.0, 45.0]]}),
                "from 2",
            ),
            (
                "geometry",
                json!({"type": "LineString", "coordinates": [[200.0, 45.0], [81.0, 45.0]]}),
                "WGS 84",
            ),
            (
                "geometry",
                json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]]}),
                "ends where it begins",
            ),
            (
                "geometry",
                json!({"type": "MultiPoint", "coordinates": []}),
                "Point, LineString or Polygon",
            ),
        ] {
            let mut o = base.clone();
            o[k] = v;
            let e = Asset::from_stix(&o).unwrap_err();
            assert!(e.contains(why), "{k}: {e}");
        }
    }
}
