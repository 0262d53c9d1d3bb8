//! The id index: which rows (`seq`) hold the versions of an object id.
//!
//! STIX ids are random UUIDs, so an ordinary B-tree over them is written all over the file: with a
//! million objects stored, each commit of 1,000 objects dirtied about 900 index pages (3.6 MB of
//! WAL, written again by the checkpoint) and ingest fell from ~16,000 to ~8,500 objects/s. So the
//! index is kept in two parts, like the two levels of an LSM tree:
//!
//! - the **table** `id_index (id_key, seq)` holds an entry for every object row with
//!   `seq <= upto` (`id_index_state.upto`);
//! - the **tail**, the rows after `upto`, is indexed in memory ([`Tail`]) and rebuilt on open by a
//!   range scan of `objects` by `seq`.
//!
//! When the tail reaches [`MERGE_AT`] entries, the writer merges it into the table in one sorted
//! transaction (`merge`), which writes each index page once per merge instead of once per commit.
//! No crate offers this over SQLite; it is a few dozen lines.
//!
//! Keys are the first 64 bits of the SHA-256 of the id ([`crate::id_key`]). Databases made before
//! migration 0004 keyed on the first 64 bits of the id's UUID, which whoever posts an object
//! chooses: ids made to share them all landed on one key, and each lookup of one walked them all
//! (quadratic ingest of such a batch). [`rekey`] moves such a database to the new keys when it is
//! opened.
//!
//! Consistency without a lock across the two parts: the writer adds to the tail only after its
//! commit, and clears the tail only after the merge has committed. A reader reads the tail first
//! and then runs one SQL statement that takes the union of the table's entries and the tail's
//! seqs; its snapshot starts after the tail read, so any entry missing from the tail it read is
//! already in the table it sees. Entries left by deleted rows match no row and are harmless.

use crate::{db_err, id_key};
use entente_store::StoreError;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

/// Moves a database of the first key scheme to SHA-256 keys: every object row's `id_key` and the
/// whole index table, in one transaction, once. Run at open, before anything else.
pub(crate) async fn rekey(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    let scheme: i64 = sqlx::query_scalar("SELECT scheme FROM id_index_state WHERE one = 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?
        .unwrap_or(0);
    if scheme == 1 {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(db_err)?;
    let mut after = 0i64;
    let mut rows = 0usize;
    loop {
        let batch: Vec<(i64, String)> =
            sqlx::query_as("SELECT seq, id FROM objects WHERE seq > ? ORDER BY seq LIMIT 10000")
                .bind(after)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
        let Some((last, _)) = batch.last() else {
            break;
        };
        after = *last;
        rows += batch.len();
        for (seq, id) in &batch {
            sqlx::query("UPDATE objects SET id_key = ? WHERE seq = ?")
                .bind(id_key(id))
                .bind(seq)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
    }
    sqlx::query("DELETE FROM id_index")
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    sqlx::query(
        "INSERT INTO id_index (id_key, seq) SELECT id_key, seq FROM objects \
         WHERE seq <= (SELECT upto FROM id_index_state WHERE one = 1) ORDER BY id_key, seq",
    )
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    sqlx::query("UPDATE id_index_state SET scheme = 1 WHERE one = 1")
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    if rows > 0 {
        tracing::info!(
            rows,
            seconds = started.elapsed().as_secs_f64(),
            "the id index was rekeyed (SHA-256 of the id)"
        );
    }
    Ok(())
}

/// Tail size at which the writer merges the tail into the table.
pub(crate) const MERGE_AT: usize = 32_768;

/// The in-memory index of the rows after `upto`: id key → seqs.
#[derive(Default)]
struct Tail {
    upto: i64,
    seqs: HashMap<i64, Vec<i64>>,
    len: usize,
}

/// The shared id index. Only the writer (holding the store's write lock) changes it.
pub(crate) struct IdIndex {
    tail: RwLock<Tail>,
}

impl IdIndex {
    /// Loads `upto` and rebuilds the tail from the rows after it.
    pub(crate) async fn load(conn: &mut SqliteConnection) -> Result<IdIndex, StoreError> {
        let upto: i64 = sqlx::query_scalar("SELECT upto FROM id_index_state WHERE one = 1")
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_err)?
            .unwrap_or(0);
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT id_key, seq FROM objects WHERE seq > ? ORDER BY seq")
                .bind(upto)
                .fetch_all(&mut *conn)
                .await
                .map_err(db_err)?;
        let index = IdIndex {
            tail: RwLock::new(Tail {
                upto,
                ..Tail::default()
            }),
        };
        index.add(rows);
        Ok(index)
    }

    /// The tail's seqs for these ids.
    pub(crate) fn tail_seqs<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<i64> {
        let tail = self.tail.read().unwrap_or_else(PoisonError::into_inner);
        let mut out = Vec::new();
        for id in ids {
            if let Some(seqs) = tail.seqs.get(&id_key(id)) {
                out.extend_from_slice(seqs);
            }
        }
        out
    }

    /// Records committed rows: (id key, seq).
    pub(crate) fn add(&self, entries: impl IntoIterator<Item = (i64, i64)>) {
        let mut tail = self.tail.write().unwrap_or_else(PoisonError::into_inner);
        for (key, seq) in entries {
            tail.seqs.entry(key).or_default().push(seq);
            tail.len += 1;
        }
    }

    /// Forgets the tail entries of deleted rows.
    pub(crate) fn remove(&self, id: &str, deleted: &[i64]) {
        let mut tail = self.tail.write().unwrap_or_else(PoisonError::into_inner);
        let key = id_key(id);
        if let Some(seqs) = tail.seqs.get_mut(&key) {
            let before = seqs.len();
            seqs.retain(|s| !deleted.contains(s));
            let removed = before - seqs.len();
            if seqs.is_empty() {
                tail.seqs.remove(&key);
            }
            tail.len -= removed;
        }
    }

    pub(crate) fn tail_len(&self) -> usize {
        self.tail.read().unwrap_or_else(PoisonError::into_inner).len
    }

    /// Moves every tail entry up to `through` (the last seq committed) into the table, in one
    /// transaction on the writer's connection, then empties the tail. Call with the write lock.
    pub(crate) async fn merge(
        &self,
        conn: &mut SqliteConnection,
        through: i64,
    ) -> Result<(), StoreError> {
        let upto = self
            .tail
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .upto;
        if through <= upto {
            return Ok(());
        }
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(db_err)?;
        sqlx::query(
            "INSERT OR IGNORE INTO id_index (id_key, seq) \
             SELECT id_key, seq FROM objects WHERE seq > ? AND seq <= ? ORDER BY id_key, seq",
        )
        .bind(upto)
        .bind(through)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query("INSERT OR REPLACE INTO id_index_state (one, upto) VALUES (1, ?)")
            .bind(through)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        let mut tail = self.tail.write().unwrap_or_else(PoisonError::into_inner);
        tail.upto = through;
        tail.seqs.retain(|_, seqs| {
            seqs.retain(|s| *s > through);
            !seqs.is_empty()
        });
        tail.len = tail.seqs.values().map(Vec::len).sum();
        Ok(())
    }
}

/// Pushes `seq IN (…)`: the rows the table and the tail name for these ids. The caller still
/// matches `id` itself (keys are 64 bits, so two ids may share one).
pub(crate) fn push_rows_for(q: &mut QueryBuilder<'_, Sqlite>, ids: &[&str], tail_seqs: &[i64]) {
    q.push("seq IN (SELECT seq FROM id_index WHERE id_key IN (");
    let mut sep = q.separated(", ");
    for id in ids {
        sep.push_bind(id_key(id));
    }
    q.push(") UNION ALL SELECT value FROM json_each(");
    let tail = format!(
        "[{}]",
        tail_seqs
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    q.push_bind(tail).push("))");
}
