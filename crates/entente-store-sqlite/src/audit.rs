//! The audit log in SQLite: entries appended inside the caller's transaction, each followed by a
//! tree head over the whole log, signed with the node's key.

use crate::db_err;
use entente_core::audit::{leaf_hash, tree_head_message, Frontier};
use entente_store::{AuditRecord, StoreError, StoredAuditEntry, TreeHead, TreeHeadSigner};
use sqlx::{Row, SqliteConnection, SqlitePool};

pub(crate) async fn load_frontier(conn: &mut SqliteConnection) -> Result<Frontier, StoreError> {
    let mut frontier = Frontier::default();
    let leaves: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT leaf_hash FROM audit_entries ORDER BY seq")
            .fetch_all(conn)
            .await
            .map_err(db_err)?;
    for l in leaves {
        let l: [u8; 32] = l
            .try_into()
            .map_err(|_| StoreError::Corrupt("an audit leaf hash is not 32 bytes".into()))?;
        frontier.push(l);
    }
    Ok(frontier)
}

/// The exact bytes of an entry: a JSON array with a fixed order of fields.
pub(crate) fn entry_bytes(seq: u64, r: &AuditRecord) -> Vec<u8> {
    serde_json::json!([
        seq,
        r.ts_us,
        r.principal,
        r.action,
        r.collection,
        r.objects,
        r.outcome,
        r.detail
    ])
    .to_string()
    .into_bytes()
}

pub(crate) async fn append(
    conn: &mut SqliteConnection,
    frontier: &mut Frontier,
    record: &AuditRecord,
    signer: &dyn TreeHeadSigner,
) -> Result<(), StoreError> {
    let seq = frontier.size() + 1;
    let entry = entry_bytes(seq, record);
    let leaf = leaf_hash(&entry);
    frontier.push(leaf);
    let root = frontier.root();
    let size = i64::try_from(frontier.size())
        .map_err(|_| StoreError::Corrupt("audit log too large".into()))?;
    let signature = signer.sign(&tree_head_message(frontier.size(), &root, record.ts_us));
    sqlx::query("INSERT INTO audit_entries (seq, entry, leaf_hash) VALUES (?, ?, ?)")
        .bind(size)
        .bind(&entry)
        .bind(&leaf[..])
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    sqlx::query("INSERT INTO tree_heads (tree_size, root, ts_us, signature) VALUES (?, ?, ?, ?)")
        .bind(size)
        .bind(&root[..])
        .bind(record.ts_us)
        .bind(signature)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn entries(
    pool: &SqlitePool,
    after_seq: i64,
    limit: usize,
) -> Result<Vec<StoredAuditEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, entry, leaf_hash FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?",
    )
    .bind(after_seq)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(StoredAuditEntry {
                seq: r.try_get(0).map_err(db_err)?,
                entry: r.try_get(1).map_err(db_err)?,
                leaf_hash: r.try_get(2).map_err(db_err)?,
            })
        })
        .collect()
}

/// The head of the largest tree, by the primary key's order (no scan of the others).
pub(crate) async fn latest_head(pool: &SqlitePool) -> Result<Option<TreeHead>, StoreError> {
    let row = sqlx::query(
        "SELECT tree_size, root, ts_us, signature FROM tree_heads ORDER BY tree_size DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    row.map(|r| {
        Ok(TreeHead {
            tree_size: r.try_get(0).map_err(db_err)?,
            root: r.try_get(1).map_err(db_err)?,
            ts_us: r.try_get(2).map_err(db_err)?,
            signature: r.try_get(3).map_err(db_err)?,
        })
    })
    .transpose()
}

pub(crate) async fn heads(pool: &SqlitePool) -> Result<Vec<TreeHead>, StoreError> {
    let rows =
        sqlx::query("SELECT tree_size, root, ts_us, signature FROM tree_heads ORDER BY tree_size")
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(TreeHead {
                tree_size: r.try_get(0).map_err(db_err)?,
                root: r.try_get(1).map_err(db_err)?,
                ts_us: r.try_get(2).map_err(db_err)?,
                signature: r.try_get(3).map_err(db_err)?,
            })
        })
        .collect()
}
