//! The audit log in PostgreSQL: entries appended inside the caller's transaction, each followed by
//! a tree head over the whole log, signed with the node's key. The Merkle frontier is kept in
//! memory per process and brought up to the database's log under the write lock before each
//! append ([`catch_up`]), so that several processes append to one log.

use crate::db_err;
use entente_core::audit::{leaf_hash, tree_head_message, Frontier};
use entente_store::{AuditRecord, StoreError, StoredAuditEntry, TreeHead, TreeHeadSigner};
use sqlx::{PgConnection, PgPool, Row};

fn leaf(bytes: Vec<u8>) -> Result<[u8; 32], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("an audit leaf hash is not 32 bytes".into()))
}

/// Brings `frontier` up to the log in the database (entries other processes appended), reading
/// only the entries it lacks; from the start if the log is shorter than it (restored from a
/// backup, say).
pub(crate) async fn catch_up(
    conn: &mut PgConnection,
    frontier: &mut Frontier,
) -> Result<(), StoreError> {
    let size: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM audit_entries")
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err)?;
    let have = i64::try_from(frontier.size()).unwrap_or(i64::MAX);
    if size == have {
        return Ok(());
    }
    if size < have {
        *frontier = Frontier::default();
    }
    let from = i64::try_from(frontier.size()).unwrap_or(i64::MAX);
    let leaves: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT leaf_hash FROM audit_entries WHERE seq > $1 ORDER BY seq")
            .bind(from)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
    for l in leaves {
        frontier.push(leaf(l)?);
    }
    Ok(())
}

/// The exact bytes of an entry: a JSON array with a fixed order of fields (as the SQLite store's,
/// so that a log copied from one to the other verifies).
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
    conn: &mut PgConnection,
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
    sqlx::query("INSERT INTO audit_entries (seq, entry, leaf_hash) VALUES ($1, $2, $3)")
        .bind(size)
        .bind(&entry)
        .bind(&leaf[..])
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    sqlx::query(
        "INSERT INTO tree_heads (tree_size, root, ts_us, signature) VALUES ($1, $2, $3, $4)",
    )
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
    pool: &PgPool,
    after_seq: i64,
    limit: usize,
) -> Result<Vec<StoredAuditEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, entry, leaf_hash FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2",
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

fn head(r: &sqlx::postgres::PgRow) -> Result<TreeHead, StoreError> {
    Ok(TreeHead {
        tree_size: r.try_get(0).map_err(db_err)?,
        root: r.try_get(1).map_err(db_err)?,
        ts_us: r.try_get(2).map_err(db_err)?,
        signature: r.try_get(3).map_err(db_err)?,
    })
}

/// The head of the largest tree, by the primary key's order.
pub(crate) async fn latest_head(pool: &PgPool) -> Result<Option<TreeHead>, StoreError> {
    sqlx::query(
        "SELECT tree_size, root, ts_us, signature FROM tree_heads ORDER BY tree_size DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await
    .map_err(db_err)?
    .as_ref()
    .map(head)
    .transpose()
}

pub(crate) async fn heads(pool: &PgPool) -> Result<Vec<TreeHead>, StoreError> {
    sqlx::query("SELECT tree_size, root, ts_us, signature FROM tree_heads ORDER BY tree_size")
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(head)
        .collect()
}
