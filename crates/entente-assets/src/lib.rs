//! Protected infrastructure (issue 16, item 5), with no I/O: an asset — a pipeline, a facility or a
//! project — as an `x-entente-asset` STIX object ([`asset`]: its GeoJSON geometry in WGS 84, its
//! protection corridor in metres, owner states, operator and criticality), and the index that
//! says which corridors a point falls in ([`corridor`]).
//!
//! Distances are great-circle (haversine, the `geo` crate's); the index is an R-tree of line
//! segments (`rstar`), each kept by its bounding box widened by its asset's corridor, so a point is
//! checked exactly against the few segments whose widened box holds it — the cost of an incident
//! does not grow with the length of the pipelines.

pub mod asset;
pub mod corridor;

pub use asset::{Asset, Criticality, Geometry, Kind};
pub use corridor::{Corridors, Near};
