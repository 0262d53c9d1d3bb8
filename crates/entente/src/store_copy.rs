//! `entente store copy --from DIR --to postgres://…`: moves a node from its SQLite file to an
//! empty PostgreSQL database — every row as it was (`entente_store::copy`), read in one moment of
//! the SQLite file and written in one PostgreSQL transaction, with a progress bar — and then runs
//! `entente audit verify` against the copy. The node directory is left as it was: it serves from
//! PostgreSQL once its `[store] url` (or `ENTENTE_STORE__URL`) names the database.

use crate::config::StoreUrl;
use crate::nodedir::NodeDir;
use anyhow::{bail, Context, Result};
use entente_store_postgres::import::Import;
use entente_store_sqlite::export::Export;
use std::path::Path;

/// What was copied, and the audit of the copy.
pub struct Copied {
    pub objects: u64,
    pub audit_entries: u64,
    pub rows: u64,
    pub verified: crate::audit::Report,
}

pub async fn copy(from: &Path, to: StoreUrl, progress: bool) -> Result<Copied> {
    to.check()?;
    let nd = NodeDir::open(from)?;
    if let Some(url) = &nd.config.store.url {
        bail!(
            "{} is served from PostgreSQL already ({url}): there is no SQLite file to copy",
            from.display()
        );
    }
    let path = nd.path(&nd.config.database);
    let mut export = Export::open(&path)
        .await
        .with_context(|| format!("reading {}", path.display()))?;
    let counts = export.counts().await?;
    let mut import = Import::open(to.expose())
        .await
        .with_context(|| format!("opening {to}"))?;
    let bar = progress.then(|| crate::progress::bar(counts.rows, "copying rows"));
    let mut rows = 0u64;
    while let Some(page) = export.next().await? {
        let n = page.len() as u64;
        import
            .put(page)
            .await
            .with_context(|| format!("writing to {to}"))?;
        rows += n;
        if let Some(b) = &bar {
            b.inc(n);
        }
    }
    import
        .finish()
        .await
        .with_context(|| format!("committing the copy to {to}"))?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    // The copy is the node: its audit log and every object verify there as they did here.
    let mut copy = nd;
    copy.config.store.url = Some(to);
    let verified = crate::audit::verify(&copy, progress).await?;
    Ok(Copied {
        objects: counts.objects,
        audit_entries: counts.audit_entries,
        rows,
        verified,
    })
}
