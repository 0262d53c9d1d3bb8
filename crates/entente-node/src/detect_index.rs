//! The state detection keeps in a node: the index of indicators and the generation it follows
//! (see [`crate::detection`] for how it is built and asked), and what an envelope brings for it.
//! A leaf module (no module cycle): the node holds it, and ingest tells it what was stored.

use crate::error::NodeError;
use entente_core::AccessLabel;
use entente_pattern::index::Matcher;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// The node's index of indicators, and the generation it follows.
#[derive(Default)]
pub struct DetectionIndex {
    generation: AtomicU64,
    current: RwLock<Option<Arc<Built>>>,
    rebuild: tokio::sync::Mutex<()>,
}

/// One build of the index: the matcher, and for each of its patterns the indicator's id and
/// access label.
pub struct Built {
    generation: u64,
    matcher: Matcher,
    /// For each pattern of the matcher: the indicator's id and access label.
    pub indicators: Vec<(String, AccessLabel)>,
}

impl Built {
    /// The matcher (for measurement: see `examples/detection_latency.rs`).
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }
}

impl DetectionIndex {
    /// An indicator was stored: the next observation rebuilds first.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn fresh(&self, wanted: u64) -> Option<Arc<Built>> {
        let c = self.current.read().ok()?;
        c.as_ref()
            .filter(|b| b.generation >= wanted)
            .map(Arc::clone)
    }
}

/// Whether storing an object of this type may change what detection matches.
pub fn affects_detection(object_type: &str) -> bool {
    object_type == "indicator"
}

/// What an index is built from: each indicator's pattern, id and access label.
pub type Loaded = Vec<(String, (String, AccessLabel))>;

impl DetectionIndex {
    /// The index, rebuilt first (on `pool`, from what `load` reads) if an indicator was stored
    /// since it was built; one rebuild at a time. An indicator whose pattern does not compile is
    /// left out.
    pub async fn current<F, Fut>(
        &self,
        pool: &rayon::ThreadPool,
        load: F,
    ) -> Result<Arc<Built>, NodeError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Loaded, NodeError>>,
    {
        let wanted = self.generation.load(Ordering::SeqCst);
        if let Some(b) = self.fresh(wanted) {
            return Ok(b);
        }
        let _one = self.rebuild.lock().await;
        if let Some(b) = self.fresh(wanted) {
            return Ok(b);
        }
        // Read before the scan: an indicator stored during it leaves the index older than the
        // counter, and the next observation rebuilds again.
        let generation = self.generation.load(Ordering::SeqCst);
        let loaded = load().await?;
        let (matcher, indicators) = crate::cpu::run(pool, move || {
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
            Matcher::new(compiled).map(|m| (m, indicators))
        })
        .await?
        .map_err(NodeError::Internal)?;
        let built = Arc::new(Built {
            generation,
            matcher,
            indicators,
        });
        if let Ok(mut c) = self.current.write() {
            *c = Some(Arc::clone(&built));
        }
        Ok(built)
    }
}

/// The observed-data of an envelope and the SCOs it carries (what an observation's references
/// may name besides what the node already holds), and the places it reports (`location` objects
/// with coordinates: id, longitude, latitude).
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
            if let Ok(v) = serde_json::from_str(json) {
                self.observed.push((id.to_owned(), v));
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

/// The node's index of protected assets (see `crate::detection::alerts`), rebuilt when an asset
/// is stored.
#[derive(Default)]
pub struct AssetIndex {
    generation: AtomicU64,
    current: RwLock<Option<Arc<AssetsBuilt>>>,
    rebuild: tokio::sync::Mutex<()>,
}

/// One build: the corridors, and each asset with its label.
pub struct AssetsBuilt {
    generation: u64,
    pub corridors: entente_assets::Corridors,
    pub assets: Vec<(entente_assets::Asset, AccessLabel)>,
}

/// Whether storing an object of this type may change the asset index.
pub fn affects_assets(object_type: &str) -> bool {
    object_type == entente_assets::asset::ASSET_TYPE
}

impl AssetIndex {
    /// An asset was stored: the next place reported rebuilds first.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn fresh(&self, wanted: u64) -> Option<Arc<AssetsBuilt>> {
        let c = self.current.read().ok()?;
        c.as_ref()
            .filter(|b| b.generation >= wanted)
            .map(Arc::clone)
    }

    /// The index, rebuilt first from what `load` reads (the latest version of every asset, with
    /// its label) if an asset was stored since it was built.
    pub async fn current<F, Fut>(&self, load: F) -> Result<Arc<AssetsBuilt>, NodeError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<
            Output = Result<Vec<(entente_assets::Asset, AccessLabel)>, NodeError>,
        >,
    {
        let wanted = self.generation.load(Ordering::SeqCst);
        if let Some(b) = self.fresh(wanted) {
            return Ok(b);
        }
        let _one = self.rebuild.lock().await;
        if let Some(b) = self.fresh(wanted) {
            return Ok(b);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let assets = load().await?;
        let list: Vec<entente_assets::Asset> = assets.iter().map(|(a, _)| a.clone()).collect();
        let built = Arc::new(AssetsBuilt {
            generation,
            corridors: entente_assets::Corridors::new(&list),
            assets,
        });
        if let Ok(mut c) = self.current.write() {
            *c = Some(Arc::clone(&built));
        }
        Ok(built)
    }
}
