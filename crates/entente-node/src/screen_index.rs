//! The index screening asks, as the node holds it: the latest version of every designated
//! register entry and the subject of every published warning about a person, each with its access
//! label, and the generation it was built at (see [`crate::screening`] for how it follows every
//! change and how a query is answered from it). What it is built from is read by its caller.

use crate::error::NodeError;
use entente_core::{may_see, AccessLabel, Viewer};
use entente_screen::groups::NameGroups;
use entente_screen::matcher::{Entry, Match, Query, Register};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// What an index is built from, in the order of its entries.
pub struct Loaded {
    pub entries: Vec<Entry>,
    pub labels: Vec<AccessLabel>,
    pub modified: Vec<String>,
    /// For an entry that is the subject of a warning: the warning.
    pub warnings: Vec<Option<WarningSubject>>,
    /// For a register entry on the organization's unified list: the decision that designated
    /// it (`None`: on its state's national list, or a warning's subject).
    pub decisions: Vec<Option<String>>,
}

/// The register index of a node and what it was built from.
pub struct ScreenIndex {
    groups: RwLock<Arc<NameGroups>>,
    /// Bumped whenever a register entry is stored; the index is current when it was built at
    /// this generation.
    generation: AtomicU64,
    current: RwLock<Arc<Indexed>>,
    rebuild: tokio::sync::Mutex<()>,
}

/// One build of the index.
pub struct Indexed {
    generation: u64,
    pub register: Register,
    /// The access label of each entry, by index.
    labels: Vec<AccessLabel>,
    /// The distinct labels, by class: each entry is indexed in the class of its label, and a
    /// query is screened in the view of the classes its asker may see (so rarity is counted
    /// among what the asker may see, and no score tells of what it may not).
    class_labels: Vec<AccessLabel>,
    /// When each entry's latest version was made (its `modified`), as the object says it.
    pub modified: Vec<String>,
    /// For an entry that is the subject of a warning: the warning (`None` for register entries).
    pub warnings: Vec<Option<WarningSubject>>,
    /// For an entry on the unified list, the decision that designated it.
    pub decisions: Vec<Option<String>>,
}

/// The warning whose subject an index entry is.
#[derive(Debug, Clone)]
pub struct WarningSubject {
    pub kind: String,
    pub title: String,
    pub issuer: String,
    /// Its review date: past it, the warning has expired and no longer matches.
    pub expires_ns: i64,
}

impl Default for ScreenIndex {
    fn default() -> Self {
        ScreenIndex {
            groups: RwLock::new(Arc::new(NameGroups::default())),
            generation: AtomicU64::new(1),
            current: RwLock::new(Arc::new(Indexed {
                generation: 0,
                register: Register::new(Vec::new()),
                labels: Vec::new(),
                class_labels: Vec::new(),
                modified: Vec::new(),
                warnings: Vec::new(),
                decisions: Vec::new(),
            })),
            rebuild: tokio::sync::Mutex::new(()),
        }
    }
}

impl ScreenIndex {
    /// Sets the cross-script name-variant table; the next request rebuilds with it.
    pub fn set_groups(&self, groups: Arc<NameGroups>) {
        if let Ok(mut g) = self.groups.write() {
            *g = groups;
        }
        self.changed();
    }

    /// Says that the register changed.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The index, rebuilt first (on `pool`, from what `load` reads: the entries, their labels,
    /// their `modified`, and the warning each is the subject of) if the register changed since
    /// it was built.
    pub async fn current<F, Fut>(
        &self,
        pool: &rayon::ThreadPool,
        load: F,
    ) -> Result<Arc<Indexed>, NodeError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Loaded, NodeError>>,
    {
        let wanted = self.generation.load(Ordering::SeqCst);
        if let Some(i) = self.fresh(wanted) {
            return Ok(i);
        }
        let _one_at_a_time = self.rebuild.lock().await;
        if let Some(i) = self.fresh(wanted) {
            return Ok(i);
        }
        // Read the generation before the scan: a change stored during the scan leaves the
        // index older than the counter, and the next request rebuilds again.
        let generation = self.generation.load(Ordering::SeqCst);
        let Loaded {
            entries,
            labels,
            modified,
            warnings,
            decisions,
        } = load().await?;
        let groups =
            self.groups.read().map(|g| Arc::clone(&g)).map_err(|_| {
                NodeError::Internal("the name-variant table lock is poisoned".into())
            })?;
        let (classes, class_labels) = classes_of(&labels);
        let register = crate::cpu::run(pool, move || {
            Register::with_classes(entries, &classes, groups)
        })
        .await?;
        let built = Arc::new(Indexed {
            generation,
            register,
            labels,
            class_labels,
            modified,
            warnings,
            decisions,
        });
        if let Ok(mut c) = self.current.write() {
            *c = Arc::clone(&built);
        }
        Ok(built)
    }

    fn fresh(&self, wanted: u64) -> Option<Arc<Indexed>> {
        let c = self.current.read().ok()?;
        (c.generation >= wanted).then(|| Arc::clone(&c))
    }
}

impl Indexed {
    /// The entries matching `query` that `viewer` may see, best first: designated register
    /// entries, and the subjects of published warnings not past their review date at `now_ns`.
    pub fn screen(
        &self,
        viewer: &Viewer,
        query: &Query,
        threshold: f64,
        limit: usize,
        now_ns: i64,
    ) -> Vec<Match> {
        let view = self.register.view(&|c| {
            self.class_labels
                .get(c as usize)
                .is_some_and(|l| may_see(viewer, l))
        });
        self.register
            .screen_in(query, threshold, limit, &view, &|i| {
                self.labels.get(i).is_some_and(|l| may_see(viewer, l))
                    && self
                        .warnings
                        .get(i)
                        .is_some_and(|w| w.as_ref().is_none_or(|w| now_ns < w.expires_ns))
            })
    }

    /// Says where a match comes from: the register, or which warning.
    pub fn source_json(&self, m: &Match) -> Value {
        match self.warnings.get(m.entry).and_then(Option::as_ref) {
            Some(w) => serde_json::json!({
                "source": "warning",
                "warning": {
                    "id": self.register.entries().get(m.entry).map(|e| e.id.as_str()),
                    "kind": w.kind, "title": w.title, "issuer": w.issuer,
                    "colour": entente_core::warning::Kind::parse(&w.kind).map(|k| k.colour()).unwrap_or_default(),
                },
            }),
            None => match self.decisions.get(m.entry).and_then(Option::as_ref) {
                Some(d) => {
                    serde_json::json!({"source": "register", "list": "organization", "decision": d})
                }
                None => serde_json::json!({"source": "register", "list": "national"}),
            },
        }
    }
}

/// The class of each label (one per distinct label) and the label of each class.
fn classes_of(labels: &[AccessLabel]) -> (Vec<u32>, Vec<AccessLabel>) {
    let mut by_label: HashMap<String, u32> = HashMap::new();
    let mut class_labels = Vec::new();
    let classes = labels
        .iter()
        .map(|l| {
            let key = format!(
                "{}|{}|{}",
                l.originator,
                l.marking.code(),
                l.audience
                    .as_ref()
                    .and_then(|a| serde_json::to_string(a).ok())
                    .unwrap_or_default()
            );
            *by_label.entry(key).or_insert_with(|| {
                class_labels.push(l.clone());
                u32::try_from(class_labels.len() - 1).unwrap_or(u32::MAX)
            })
        })
        .collect();
    (classes, class_labels)
}
