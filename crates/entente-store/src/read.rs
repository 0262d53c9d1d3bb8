//! Visible reads: the only way objects leave a store. Each function takes the viewer and asks the
//! access policy ([`entente_core::may_see`]) about every row before anything else is done with
//! it, so an invisible object is indistinguishable from an absent one: it is not returned, not
//! counted, and does not move "first" or "last" — those are computed over the versions the viewer
//! may see.

use crate::{ObjectRow, ScanFilter, Store, StoreError};
use entente_core::{may_see, Viewer};

/// `match[version]` as TAXII defines it: any of `first`, `last`, `all` and exact versions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionMatch {
    pub all: bool,
    pub first: bool,
    pub last: bool,
    pub at_ns: Vec<i64>,
}

impl VersionMatch {
    pub fn last() -> Self {
        VersionMatch {
            last: true,
            ..Default::default()
        }
    }

    pub fn all() -> Self {
        VersionMatch {
            all: true,
            ..Default::default()
        }
    }

    /// Whether `version` is selected, given the first and last versions the viewer may see.
    pub fn selects(&self, version: i64, first: Option<i64>, last: Option<i64>) -> bool {
        self.all
            || self.at_ns.contains(&version)
            || (self.first && first == Some(version))
            || (self.last && last == Some(version))
    }
}

/// A TAXII object query, parsed.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub ids: Vec<String>,
    pub types: Vec<String>,
    pub versions: VersionMatch,
    pub added_after_us: Option<i64>,
    /// `false` when `match[spec_version]` excludes 2.1, the only version the node stores.
    pub spec_version_matches: bool,
    /// Only the objects of these workflow threads (see [`crate::Root`]).
    pub root: Option<crate::Root>,
    /// Only the objects that point to this one (see [`ScanFilter::refers_to`]).
    pub refers_to: Option<String>,
}

#[derive(Debug, Default)]
pub struct Page {
    pub rows: Vec<ObjectRow>,
    pub more: bool,
    /// The `seq` of the last row of the page as it was read (a caller may drop rows after, and
    /// still continue after this one).
    pub last_row: Option<i64>,
    /// When there is no more: the last row the scan examined, visible or not. A reader that asks
    /// the same again may start after it, for nothing up to it was for this viewer.
    pub scanned_to: Option<i64>,
}

/// The visible rows matching `query` after `after_seq`, at most `limit`, and whether more follow.
pub async fn page(
    store: &dyn Store,
    collection: &str,
    viewer: &Viewer,
    query: &Query,
    after_seq: Option<i64>,
    limit: usize,
    with_json: bool,
) -> Result<Page, StoreError> {
    if !query.spec_version_matches || limit == 0 {
        return Ok(Page::default());
    }
    let v = &query.versions;
    let only_timestamps = !v.all && !v.first && !v.last;
    let filter = ScanFilter {
        ids: query.ids.clone(),
        types: query.types.clone(),
        added_after_us: query.added_after_us,
        versions_ns: only_timestamps.then(|| v.at_ns.clone()),
        root: query.root.clone(),
        refers_to: query.refers_to.clone(),
        with_json,
        candidates: entente_core::candidates::candidates(viewer),
    };
    let batch = (limit + 1).clamp(64, 2000);
    let mut out = Vec::new();
    let mut cursor = after_seq;
    // The first and last visible versions of each id met, read once per id: an object with
    // thousands of versions would otherwise be read once per version (quadratic).
    let mut bounds = Bounds::default();
    'scan: loop {
        let rows = store.scan(collection, &filter, cursor, batch).await?;
        let exhausted = rows.len() < batch;
        for row in rows {
            cursor = Some(row.seq);
            if !may_see(viewer, &row.label)
                || !version_matches(store, collection, viewer, v, &row, &mut bounds).await?
            {
                continue;
            }
            out.push(row);
            if out.len() > limit {
                break 'scan;
            }
        }
        if exhausted {
            break;
        }
    }
    let more = out.len() > limit;
    out.truncate(limit);
    Ok(Page {
        last_row: out.last().map(|r| r.seq),
        rows: out,
        more,
        scanned_to: cursor.filter(|_| !more),
    })
}

/// The first and last versions the viewer may see, by id, for the ids one page met.
#[derive(Default)]
struct Bounds(std::collections::HashMap<String, (Option<i64>, Option<i64>)>);

async fn version_matches(
    store: &dyn Store,
    collection: &str,
    viewer: &Viewer,
    v: &VersionMatch,
    row: &ObjectRow,
    bounds: &mut Bounds,
) -> Result<bool, StoreError> {
    if v.all || v.at_ns.contains(&row.version_ns) {
        return Ok(true);
    }
    // A visible row flagged first/last is first/last among the visible versions too.
    if (v.first && row.is_first) || (v.last && row.is_last) {
        return Ok(true);
    }
    if !(v.first || v.last) || (row.is_first && row.is_last) {
        return Ok(false);
    }
    // Versions the viewer may not see do not count: look at the visible ones.
    let (first, last) = match bounds.0.get(&row.id) {
        Some(b) => *b,
        None => {
            let visible = visible_versions(store, collection, viewer, &row.id).await?;
            let b = (
                visible.iter().map(|r| r.version_ns).min(),
                visible.iter().map(|r| r.version_ns).max(),
            );
            bounds.0.insert(row.id.clone(), b);
            b
        }
    };
    Ok(v.selects(row.version_ns, first, last))
}

/// The versions of one object the viewer may see, in `seq` order (metadata only).
pub async fn visible_versions(
    store: &dyn Store,
    collection: &str,
    viewer: &Viewer,
    id: &str,
) -> Result<Vec<ObjectRow>, StoreError> {
    Ok(store
        .versions_of(collection, id)
        .await?
        .into_iter()
        .filter(|r| may_see(viewer, &r.label))
        .collect())
}
