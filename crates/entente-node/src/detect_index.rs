//! The state detection keeps in a node: the index of indicators and the index of protected
//! assets, each rebuilt when what it is built from changes ([`Rebuilt`]; see [`crate::detection`]
//! for how they are built and asked), and what an envelope brings for them.
//! A leaf module (no module cycle): the node holds it, and ingest tells it what was stored.

use crate::error::NodeError;
use entente_core::AccessLabel;
use entente_pattern::index::Matcher;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// An index the node rebuilds when what it is built from changes: a generation counter bumped
/// by every relevant write, and the last build with the generation it was made at. A reader that
/// finds the build older than the counter rebuilds it first (one rebuild at a time), so no answer
/// misses a change acknowledged before it was asked.
pub struct Rebuilt<T> {
    generation: AtomicU64,
    current: RwLock<Option<(u64, Arc<T>)>>,
    rebuild: tokio::sync::Mutex<()>,
}

impl<T> Default for Rebuilt<T> {
    fn default() -> Self {
        Rebuilt {
            generation: AtomicU64::new(0),
            current: RwLock::new(None),
            rebuild: tokio::sync::Mutex::new(()),
        }
    }
}

impl<T> Rebuilt<T> {
    /// What it is built from changed: the next reader rebuilds first.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn fresh(&self, wanted: u64) -> Option<Arc<T>> {
        let c = self.current.read().ok()?;
        c.as_ref()
            .filter(|(g, _)| *g >= wanted)
            .map(|(_, b)| Arc::clone(b))
    }

    /// The build, made first by `build` if a change came since the last one.
    pub async fn current<F, Fut>(&self, build: F) -> Result<Arc<T>, NodeError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, NodeError>>,
    {
        let wanted = self.generation.load(Ordering::SeqCst);
        if let Some(b) = self.fresh(wanted) {
            return Ok(b);
        }
        let _one = self.rebuild.lock().await;
        if let Some(b) = self.fresh(wanted) {
            return Ok(b);
        }
        // Read before the scan: a change stored during it leaves the build older than the
        // counter, and the next reader rebuilds again.
        let generation = self.generation.load(Ordering::SeqCst);
        let built = Arc::new(build().await?);
        if let Ok(mut c) = self.current.write() {
            *c = Some((generation, Arc::clone(&built)));
        }
        Ok(built)
    }
}

/// The node's index of indicators.
pub type DetectionIndex = Rebuilt<Built>;

/// One build of the indicator index: the matcher, and for each of its patterns the indicator's
/// id and access label.
pub struct Built {
    matcher: Matcher,
    /// For each pattern of the matcher: the indicator's id and access label.
    pub indicators: Vec<(String, AccessLabel)>,
}

impl Built {
    /// Compiles what the index is built from (an indicator whose pattern does not compile is
    /// left out).
    pub fn new(loaded: Loaded) -> Result<Built, String> {
        let (mut compiled, mut indicators) = (Vec::new(), Vec::new());
        for (pattern, indicator) in loaded {
            if let Some(c) = entente_pattern::parse(&pattern)
                .ok()
                .and_then(|a| entente_pattern::compile::Compiled::new(&a).ok())
            {
                compiled.push(c);
                indicators.push(indicator);
            }
        }
        Ok(Built {
            matcher: Matcher::new(compiled)?,
            indicators,
        })
    }

    /// The matcher (for measurement: see `examples/detection_latency.rs`).
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }
}

/// Whether storing an object of this type may change what detection matches.
pub fn affects_detection(object_type: &str) -> bool {
    object_type == "indicator"
}

/// What an index is built from: each indicator's pattern, id and access label.
pub type Loaded = Vec<(String, (String, AccessLabel))>;

/// The observed-data of an envelope and the SCOs it carries (what an observation's references
/// may name besides what the node already holds), and the places it reports (`location` objects
/// with coordinates, and reports, sightings and observations with the Entente property
/// `coordinates`: id, longitude, latitude).
#[derive(Default)]
pub struct Envelope {
    pub observed: Vec<(String, Value)>,
    pub scos: HashMap<String, Value>,
    pub places: Vec<(String, f64, f64)>,
}

impl Envelope {
    /// Takes what detection needs from an object about to be stored.
    pub fn note(&mut self, id: &str, object_type: &str, json: &str) {
        if object_type == "observed-data" {
            if let Ok(v) = serde_json::from_str::<Value>(json) {
                self.place_on(id, &v);
                self.observed.push((id.to_owned(), v));
            }
        } else if matches!(object_type, "report" | "sighting") {
            if let Ok(v) = serde_json::from_str::<Value>(json) {
                self.place_on(id, &v);
            }
        } else if object_type == "location" {
            if let Ok(v) = serde_json::from_str::<Value>(json) {
                let at = |k: &str| v.get(k).and_then(Value::as_f64);
                if let (Some(lat), Some(lon)) = (at("latitude"), at("longitude")) {
                    self.places.push((id.to_owned(), lon, lat));
                }
            }
        } else if !entente_pattern::observed::NOT_OBSERVABLE.contains(&object_type)
            && !object_type.starts_with("x-entente-")
        {
            if let Ok(v) = serde_json::from_str(json) {
                self.scos.insert(id.to_owned(), v);
            }
        }
    }
}

impl Envelope {
    /// Whether detection reads objects of this type: observations, places, and what may carry
    /// coordinates. An envelope with none of them is not read again.
    pub fn reads(object_type: &str) -> bool {
        matches!(
            object_type,
            "observed-data" | "location" | "report" | "sighting"
        )
    }

    /// A report, sighting or observation with the Entente property `coordinates` is a place too.
    fn place_on(&mut self, id: &str, v: &Value) {
        let c = &v["extensions"][entente_stix::extension::ENTENTE_EXTENSION]["coordinates"];
        if let Ok((lon, lat)) = entente_stix::validate::coordinates(c) {
            self.places.push((id.to_owned(), lon, lat));
        }
    }
}

/// The node's index of protected assets (see `crate::detection::alerts`), rebuilt when an asset
/// is stored.
pub type AssetIndex = Rebuilt<AssetsBuilt>;

/// One build: the corridors, and each asset with its label.
pub struct AssetsBuilt {
    pub corridors: entente_assets::Corridors,
    pub assets: Vec<(entente_assets::Asset, AccessLabel)>,
}

impl AssetsBuilt {
    pub fn new(assets: Vec<(entente_assets::Asset, AccessLabel)>) -> AssetsBuilt {
        let list: Vec<entente_assets::Asset> = assets.iter().map(|(a, _)| a.clone()).collect();
        AssetsBuilt {
            corridors: entente_assets::Corridors::new(&list),
            assets,
        }
    }
}

/// Whether storing an object of this type may change the asset index.
pub fn affects_assets(object_type: &str) -> bool {
    object_type == entente_assets::asset::ASSET_TYPE
}
