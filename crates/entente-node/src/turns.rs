//! One step at a time on each object of a workflow. A step reads the object's thread, decides, and
//! writes; two steps on one warning taken at once (two acknowledgements by one state, a publish
//! and a cancel) would each decide on what the other had not yet written. Each step therefore
//! takes the turn of its root object first. The turns are striped over a fixed set of locks, so
//! memory stays bounded whatever ids are asked for; two roots sharing a stripe only wait for each
//! other. Under the store's writer lock the write guard also refuses a version decided on a stale
//! view (`BasedOn`), which covers writes that reach the store by other paths.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use tokio::sync::{Mutex, MutexGuard};

const STRIPES: usize = 64;

pub struct Turns(Vec<Mutex<()>>);

impl Default for Turns {
    fn default() -> Self {
        Turns((0..STRIPES).map(|_| Mutex::new(())).collect())
    }
}

impl Turns {
    /// Waits for the turn of `root` (a workflow's root object id) and holds it until dropped.
    pub async fn take(&self, root: &str) -> Option<MutexGuard<'_, ()>> {
        let mut h = DefaultHasher::new();
        root.hash(&mut h);
        let stripe = usize::try_from(h.finish() % STRIPES as u64).unwrap_or(0);
        Some(self.0.get(stripe)?.lock().await)
    }
}
