//! The SQLite implementation of [`entente_store::Store`], through sqlx.
//!
//! Durability: WAL with `synchronous=FULL`, so a write is on disk when its transaction commits,
//! and every `Store` write returns only after its commit. SQLite has one writer at a time; this
//! store makes that explicit with one write connection behind a mutex, which also guards what must
//! advance in step with the database: the last `date_added` handed out (one per write, strictly
//! increasing from write to write, so paging by it never skips or repeats a write) and the audit
//! log's Merkle frontier. Readers
//! use a pool and see committed snapshots.
//!
//! Checkpoints: SQLite would copy the WAL back into the database inside whichever commit crosses
//! its threshold, adding a second fsync to that request (it doubled ingest time). The writer turns
//! automatic checkpoints off and a background task checkpoints on its own connection instead.
//! Durability is unchanged: a commit is durable once its WAL frames are synced.

mod audit;
pub mod export;
mod id_index;
mod rows;

use async_trait::async_trait;
use entente_core::audit::Frontier;
use entente_store::{
    AuditRecord, Batch, HeldVersion, InsertOutcome, ObjectRow, PeerLink, PullCommit, ScanFilter,
    SecurityEvent, StatusDraft, StatusRecord, Store, StoreError, StoredAuditEntry,
    StoredSecurityEvent, TokenSubject, TreeHead, TreeHeadSigner, UserRecord,
};
use id_index::IdIndex;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, Notify};

/// The id index key: the first 64 bits of the SHA-256 of the id. Not the id's own UUID bits:
/// those a client chooses, and ids made to share them would all land on one key (see
/// `id_index::KeyScheme`). Rows are still matched on the full id, for 64 bits may collide.
pub(crate) fn id_key(id: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

struct Writer {
    conn: SqliteConnection,
    wal_path: std::path::PathBuf,
    last_date_added_us: i64,
    /// The seq the next object row gets (assigned here, so the id index knows it at commit).
    next_seq: i64,
    frontier: Frontier,
}

pub struct SqliteStore {
    pool: SqlitePool,
    writer: Arc<Mutex<Writer>>,
    ids: Arc<IdIndex>,
    merge_wanted: Arc<Notify>,
    /// Tail size that triggers a merge ([`id_index::MERGE_AT`]; smaller in tests).
    merge_at: usize,
    signer: Arc<dyn TreeHeadSigner>,
    checkpointer: tokio::task::JoinHandle<()>,
    merger: tokio::task::JoinHandle<()>,
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.checkpointer.abort();
        self.merger.abort();
    }
}

/// What a write needs, cloned into the task that runs it. Every write that advances the writer's
/// in-memory state (sequence numbers, the last `date_added`, the audit frontier) runs on a task of
/// its own ([`run_write`]): its caller may be dropped at any await — a client that disconnects
/// drops its request — and a write dropped while SQLite commits would have committed without
/// advancing that state, so that every later write collided with it (found by a killed peer).
/// Once started, a write now runs to its end whatever becomes of its caller.
#[derive(Clone)]
struct Writes {
    writer: Arc<Mutex<Writer>>,
    ids: Arc<IdIndex>,
    merge_wanted: Arc<Notify>,
    merge_at: usize,
    signer: Arc<dyn TreeHeadSigner>,
}

/// Runs a write to completion on a task of its own and waits for it (see [`Writes`]).
async fn run_write<T: Send + 'static>(
    write: impl std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::spawn(write)
        .await
        .map_err(|e| StoreError::Database(format!("the write did not finish: {e}")))?
}

impl SqliteStore {
    fn writes(&self) -> Writes {
        Writes {
            writer: self.writer.clone(),
            ids: self.ids.clone(),
            merge_wanted: self.merge_wanted.clone(),
            merge_at: self.merge_at,
            signer: self.signer.clone(),
        }
    }
}

const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Past this size the writer resets the WAL itself: passive checkpoints copy frames but never
/// restart a WAL that is written to without pause, and it would grow without bound.
const WAL_RESET_BYTES: u64 = 64 * 1024 * 1024;

impl Writer {
    /// Called after each commit, under the write lock: keeps the WAL file bounded.
    async fn bound_wal(&mut self) {
        let size = std::fs::metadata(&self.wal_path)
            .map(|m| m.len())
            .unwrap_or(0);
        if size > WAL_RESET_BYTES {
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&mut self.conn)
                .await
            {
                tracing::warn!(error = %e, "resetting the WAL failed; will retry after the next write");
            }
        }
    }
}

/// Copies committed WAL frames into the database in the background, off the write path.
async fn checkpoint_loop(mut conn: SqliteConnection) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    loop {
        tick.tick().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&mut conn)
            .await
        {
            tracing::warn!(error = %e, "background checkpoint failed; will retry");
        }
    }
}

/// Merges the id index's tail into its table, under the write lock (see `id_index`).
async fn merge_ids(writer: &Mutex<Writer>, ids: &IdIndex) -> Result<(), StoreError> {
    let mut w = writer.lock().await;
    let through = w.next_seq - 1;
    ids.merge(&mut w.conn, through).await?;
    w.bound_wal().await;
    Ok(())
}

/// Merges the id index's tail whenever a write asks for it, off the request path.
async fn merge_loop(writer: Arc<Mutex<Writer>>, ids: Arc<IdIndex>, wanted: Arc<Notify>) {
    loop {
        wanted.notified().await;
        if let Err(e) = merge_ids(&writer, &ids).await {
            tracing::warn!(error = %e, "merging the id index failed; will retry after the next write");
        }
    }
}

const INSERT_CHUNK: usize = 400;

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub async fn open(
        path: &Path,
        signer: Arc<dyn TreeHeadSigner>,
    ) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .pragma("cache_size", "-8000");
        let mut conn = SqliteConnection::connect_with(&options)
            .await
            .map_err(db_err)?;
        sqlx::migrate!("./migrations")
            .run(&mut conn)
            .await
            .map_err(|e| StoreError::Database(format!("migrating the database: {e}")))?;
        // The writer touches index pages all over the file; give it a larger cache than readers.
        sqlx::query("PRAGMA cache_size = -65536")
            .execute(&mut conn)
            .await
            .map_err(db_err)?;
        sqlx::query("PRAGMA wal_autocheckpoint = 0")
            .execute(&mut conn)
            .await
            .map_err(db_err)?;
        let checkpoint_conn = SqliteConnection::connect_with(&options)
            .await
            .map_err(db_err)?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await
            .map_err(db_err)?;
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(date_added_us) FROM objects")
            .fetch_one(&mut conn)
            .await
            .map_err(db_err)?;
        let last_seq: i64 = sqlx::query_scalar(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'objects'), 0), \
             COALESCE((SELECT MAX(seq) FROM objects), 0))",
        )
        .fetch_one(&mut conn)
        .await
        .map_err(db_err)?;
        let frontier = audit::load_frontier(&mut conn).await?;
        id_index::rekey(&mut conn).await?;
        let ids = Arc::new(IdIndex::load(&mut conn).await?);
        let writer = Arc::new(Mutex::new(Writer {
            conn,
            wal_path: {
                let mut p = path.as_os_str().to_owned();
                p.push("-wal");
                p.into()
            },
            last_date_added_us: last.unwrap_or(0),
            next_seq: last_seq + 1,
            frontier,
        }));
        let merge_wanted = Arc::new(Notify::new());
        Ok(SqliteStore {
            pool,
            merger: tokio::spawn(merge_loop(
                writer.clone(),
                ids.clone(),
                merge_wanted.clone(),
            )),
            writer,
            ids,
            merge_wanted,
            merge_at: id_index::MERGE_AT,
            signer,
            checkpointer: tokio::spawn(checkpoint_loop(checkpoint_conn)),
        })
    }
}

/// One stored version of an object: its version, row, originator and MAC, and — for the latest
/// version of its id only — its JSON. Duplicates are told by the MAC (a keyed hash of the JSON),
/// so that writing a version of an object with thousands of versions does not read them all.
struct StoredVersion {
    version: i64,
    seq: i64,
    originator: String,
    mac: Vec<u8>,
    json: Option<String>,
}

/// What is already stored of the objects of a batch, by id.
type Existing = HashMap<String, Vec<StoredVersion>>;

/// Pushes ` AND id IN (…)`.
fn push_ids(q: &mut QueryBuilder<'_, Sqlite>, ids: &[&str]) {
    q.push(" AND id IN (");
    let mut sep = q.separated(", ");
    for id in ids {
        sep.push_bind(id.to_string());
    }
    q.push(")");
}

async fn existing_versions(
    conn: &mut SqliteConnection,
    index: &IdIndex,
    collection: &str,
    ids: &[&str],
) -> Result<Existing, StoreError> {
    let mut existing: Existing = HashMap::new();
    for chunk in ids.chunks(INSERT_CHUNK * 2) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT id, version_ns, seq, originator, mac FROM objects WHERE ",
        );
        id_index::push_rows_for(&mut q, chunk, &index.tail_seqs(chunk.iter().copied()));
        q.push(" AND collection = ").push_bind(collection);
        push_ids(&mut q, chunk);
        for row in q.build().fetch_all(&mut *conn).await.map_err(db_err)? {
            let id: String = row.try_get(0).map_err(db_err)?;
            existing.entry(id).or_default().push(StoredVersion {
                version: row.try_get(1).map_err(db_err)?,
                seq: row.try_get(2).map_err(db_err)?,
                originator: row.try_get(3).map_err(db_err)?,
                mac: row.try_get(4).map_err(db_err)?,
                json: None,
            });
        }
    }
    // The JSON of each id's latest version (what a write guard reads of what is held).
    let latest: Vec<i64> = existing
        .values()
        .filter_map(|versions| versions.iter().max_by_key(|k| k.version).map(|k| k.seq))
        .collect();
    let mut json_of: HashMap<i64, String> = HashMap::new();
    for chunk in latest.chunks(INSERT_CHUNK * 2) {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT seq, json FROM objects WHERE seq IN (");
        let mut sep = q.separated(", ");
        for seq in chunk {
            sep.push_bind(*seq);
        }
        q.push(")");
        for row in q.build().fetch_all(&mut *conn).await.map_err(db_err)? {
            json_of.insert(
                row.try_get(0).map_err(db_err)?,
                row.try_get(1).map_err(db_err)?,
            );
        }
    }
    for versions in existing.values_mut() {
        for k in versions.iter_mut() {
            k.json = json_of.remove(&k.seq);
        }
    }
    Ok(existing)
}

/// What a write of objects also writes in its transaction.
enum Also {
    Nothing,
    /// The TAXII status resource of the request.
    Status(StatusDraft),
    /// A peer's cursor and the pull's security events.
    Pull(PullCommit),
}

async fn insert_security_events(
    conn: &mut SqliteConnection,
    events: &[SecurityEvent],
) -> Result<(), StoreError> {
    for e in events {
        sqlx::query(
            "INSERT INTO security_events (ts_us, kind, source, object, detail) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(e.ts_us)
        .bind(&e.kind)
        .bind(&e.source)
        .bind(&e.object)
        .bind(&e.detail)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

impl Writes {
    /// Inserts a batch (see [`Store::insert_objects`]), with what else the write carries.
    async fn insert(
        self,
        collection: String,
        batch: Batch,
        also: Also,
    ) -> Result<(Vec<InsertOutcome>, Option<String>), StoreError> {
        let Batch {
            objects,
            audit: audit_record,
            now_us,
            guard,
            mut raised,
        } = batch;
        let collection = collection.as_str();
        let mut w = self.writer.lock().await;
        let w = &mut *w;
        let mut last_added = w.last_date_added_us;
        let commit_added = now_us.max(last_added + 1);
        let mut next_seq = w.next_seq;
        let mut frontier = w.frontier.clone();
        let mut tx = w.conn.begin().await.map_err(db_err)?;

        let ids: Vec<&str> = objects.iter().map(|o| o.id.as_str()).collect();
        let mut existing = existing_versions(&mut tx, &self.ids, collection, &ids).await?;
        let mut outcomes = Vec::with_capacity(objects.len());
        // (object index, version, date_added, seq) of each version to insert.
        let mut to_insert: Vec<(usize, i64, i64, i64)> = Vec::new();
        // Stored rows whose first/last flag a new version takes over, by seq.
        let mut lose_first: Vec<i64> = Vec::new();
        let mut lose_last: Vec<i64> = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            let known = existing.entry(o.id.clone()).or_default();
            let same_version = o
                .version_ns
                .and_then(|v| known.iter().find(|k| k.version == v));
            if same_version.is_some_and(|k| k.mac == o.mac)
                || (o.version_ns.is_none() && known.iter().any(|k| k.mac == o.mac))
            {
                outcomes.push(InsertOutcome::Duplicate);
                continue;
            }
            let held: Vec<HeldVersion<'_>> = known
                .iter()
                .map(|k| HeldVersion {
                    version_ns: k.version,
                    originator: &k.originator,
                    json: k.json.as_deref(),
                })
                .collect();
            if let Err(refusal) = guard.check(o, &held) {
                outcomes.push(InsertOutcome::Refused(refusal));
                continue;
            }
            if same_version.is_some() {
                outcomes.push(InsertOutcome::Equivocation);
                continue;
            }
            // One `date_added` for the whole write: strictly later than every earlier write's,
            // so that paging by it never skips nor repeats across writes, and the same for every
            // object of this one, so that the gaps between the `date_added` of the objects a
            // reader sees say nothing of how many it may not see between them.
            let date_added = commit_added;
            last_added = date_added;
            // An object without a version (an SCO) is versioned by when it was added; two of one
            // id in one write, one nanosecond apart.
            let version = o.version_ns.unwrap_or_else(|| {
                let earlier = known
                    .iter()
                    .filter(|k| k.version / 1000 == date_added)
                    .count();
                date_added
                    .saturating_mul(1000)
                    .saturating_add(i64::try_from(earlier).unwrap_or(0))
            });
            if let Some(first) = known.iter().min_by_key(|k| k.version) {
                if version < first.version {
                    lose_first.push(first.seq);
                }
            }
            if let Some(last) = known.iter().max_by_key(|k| k.version) {
                if version > last.version {
                    lose_last.push(last.seq);
                }
            }
            let seq = next_seq;
            next_seq += 1;
            known.push(StoredVersion {
                version,
                seq,
                originator: o.label.originator.to_string(),
                mac: o.mac.clone(),
                json: Some(o.json.clone()),
            });
            to_insert.push((i, version, date_added, seq));
            outcomes.push(InsertOutcome::Stored {
                date_added_us: date_added,
            });
        }
        for (flag, seqs) in [("is_first", &lose_first), ("is_last", &lose_last)] {
            for seq in seqs {
                sqlx::query(&format!("UPDATE objects SET {flag} = 0 WHERE seq = ?"))
                    .bind(seq)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
        }
        for chunk in to_insert.chunks(INSERT_CHUNK) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO objects (seq, collection, id, id_key, object_type, version_ns, date_added_us, is_first, \
                 is_last, originator, marking, audience, json, mac, root) ",
            );
            q.push_values(chunk, |mut b, &(i, version, date_added, seq)| {
                let o = &objects[i];
                let known = existing.get(&o.id).map(Vec::as_slice).unwrap_or_default();
                let is_first = known.iter().all(|k| k.version >= version);
                let is_last = known.iter().all(|k| k.version <= version);
                b.push_bind(seq)
                    .push_bind(collection)
                    .push_bind(&o.id)
                    .push_bind(id_key(&o.id))
                    .push_bind(&o.object_type)
                    .push_bind(version)
                    .push_bind(date_added)
                    .push_bind(is_first)
                    .push_bind(is_last)
                    .push_bind(o.label.originator.as_str())
                    .push_bind(i64::from(o.label.marking.code()))
                    .push_bind(rows::audience_json(&o.label))
                    .push_bind(&o.json)
                    .push_bind(&o.mac)
                    .push_bind(&o.root);
            });
            q.build().execute(&mut *tx).await.map_err(db_err)?;
        }
        let refs: Vec<(&str, i64)> = to_insert
            .iter()
            .flat_map(|&(i, _, _, seq)| objects[i].refers_to.iter().map(move |t| (t.as_str(), seq)))
            .collect();
        // The audience's keys, for reads that leave out what their reader may not see.
        let audience: Vec<(String, i64)> = to_insert
            .iter()
            .flat_map(|&(i, _, _, seq)| {
                objects[i]
                    .audience_keys()
                    .into_iter()
                    .map(move |k| (k, seq))
            })
            .collect();
        for chunk in audience.chunks(INSERT_CHUNK) {
            let mut q =
                QueryBuilder::<Sqlite>::new("INSERT OR IGNORE INTO object_audience (key, seq) ");
            q.push_values(chunk, |mut b, (key, seq)| {
                b.push_bind(key).push_bind(*seq);
            });
            q.build().execute(&mut *tx).await.map_err(db_err)?;
        }
        for chunk in refs.chunks(INSERT_CHUNK) {
            let mut q =
                QueryBuilder::<Sqlite>::new("INSERT OR IGNORE INTO object_refs (target, seq) ");
            q.push_values(chunk, |mut b, &(target, seq)| {
                b.push_bind(target).push_bind(seq);
            });
            q.build().execute(&mut *tx).await.map_err(db_err)?;
        }
        // Who sent what was refused is the principal of this request, never whoever sent the
        // version already held.
        raised.extend(objects.iter().zip(&outcomes).filter_map(|(o, outcome)| {
            let (kind, detail) = match outcome {
                InsertOutcome::Equivocation => (
                    "equivocation",
                    "a different object with the same id and version is already stored: \
                         the newcomer was refused"
                        .to_owned(),
                ),
                InsertOutcome::Refused(r) if !r.is_conflict() => (
                    if matches!(also, Also::Pull(_)) {
                        "refused-from-peer"
                    } else {
                        "refused-write"
                    },
                    format!("the write policy refused it: {r}"),
                ),
                _ => return None,
            };
            Some(SecurityEvent {
                ts_us: now_us,
                kind: kind.into(),
                source: audit_record.principal.clone(),
                object: Some(match o.version_ns {
                    Some(v) => format!("{}@{v}", o.id),
                    None => o.id.clone(),
                }),
                detail,
            })
        }));
        insert_security_events(&mut tx, &raised).await?;
        audit::append(&mut tx, &mut frontier, &audit_record, self.signer.as_ref()).await?;
        let status_json = match also {
            Also::Nothing => None,
            Also::Pull(pull) => {
                insert_security_events(&mut tx, &pull.events).await?;
                let done = sqlx::query("UPDATE peer_links SET cursor = ? WHERE party = ?")
                    .bind(&pull.cursor)
                    .bind(&pull.peer)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::Corrupt(format!(
                        "no link to peer {} to advance the cursor of",
                        pull.peer
                    )));
                }
                None
            }
            Also::Status(draft) => {
                let json = (draft.render)(&outcomes);
                sqlx::query("INSERT OR REPLACE INTO statuses (id, owner, json) VALUES (?, ?, ?)")
                    .bind(&draft.id)
                    .bind(&draft.owner)
                    .bind(&json)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                Some(json)
            }
        };
        tx.commit().await.map_err(db_err)?;
        self.ids.add(
            to_insert
                .iter()
                .map(|&(i, _, _, seq)| (id_key(&objects[i].id), seq)),
        );
        if self.ids.tail_len() >= self.merge_at {
            self.merge_wanted.notify_one();
        }
        w.bound_wal().await;
        w.last_date_added_us = last_added;
        w.next_seq = next_seq;
        w.frontier = frontier;
        Ok((outcomes, status_json))
    }

    /// Deletes versions of an object (see [`Store::delete_versions`]).
    async fn delete_versions(
        self,
        collection: String,
        id: String,
        versions_ns: Vec<i64>,
        audit_record: AuditRecord,
    ) -> Result<u64, StoreError> {
        let (collection, id) = (collection.as_str(), id.as_str());
        let mut w = self.writer.lock().await;
        let w = &mut *w;
        let mut frontier = w.frontier.clone();
        let mut tx = w.conn.begin().await.map_err(db_err)?;
        let stored = existing_versions(&mut tx, &self.ids, collection, &[id])
            .await?
            .remove(id)
            .unwrap_or_default();
        let (gone, kept): (Vec<_>, Vec<_>) = stored
            .into_iter()
            .partition(|k| versions_ns.contains(&k.version));
        let gone: Vec<i64> = gone.iter().map(|k| k.seq).collect();
        for seq in &gone {
            // Its references, looked up by key: every string at the top of its JSON or in a list
            // there is a candidate target (the row's `seq` keeps the match to its own entries).
            sqlx::query(
                "DELETE FROM object_refs WHERE seq = ?1 AND target IN ( \
                 SELECT e.value FROM objects o, json_each(o.json) e \
                 WHERE o.seq = ?1 AND e.type = 'text' \
                 UNION SELECT a.value FROM objects o, json_each(o.json) e, json_each(e.value) a \
                 WHERE o.seq = ?1 AND e.type = 'array' AND a.type = 'text')",
            )
            .bind(seq)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query("DELETE FROM object_audience WHERE seq = ?")
                .bind(seq)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query("DELETE FROM objects WHERE seq = ?")
                .bind(seq)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query("DELETE FROM id_index WHERE id_key = ? AND seq = ?")
                .bind(id_key(id))
                .bind(seq)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        // The surviving versions take over the first/last flags.
        let first = kept.iter().map(|k| k.version).min();
        let last = kept.iter().map(|k| k.version).max();
        for k in &kept {
            sqlx::query("UPDATE objects SET is_first = ?, is_last = ? WHERE seq = ?")
                .bind(Some(k.version) == first)
                .bind(Some(k.version) == last)
                .bind(k.seq)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        audit::append(&mut tx, &mut frontier, &audit_record, self.signer.as_ref()).await?;
        tx.commit().await.map_err(db_err)?;
        self.ids.remove(id, &gone);
        w.bound_wal().await;
        w.frontier = frontier;
        Ok(gone.len() as u64)
    }

    /// Appends audit entries on their own, in one transaction (see [`Store::append_audits`]).
    async fn append_audit(self, records: Vec<AuditRecord>) -> Result<(), StoreError> {
        let mut w = self.writer.lock().await;
        let w = &mut *w;
        let mut frontier = w.frontier.clone();
        let mut tx = w.conn.begin().await.map_err(db_err)?;
        for record in &records {
            audit::append(&mut tx, &mut frontier, record, self.signer.as_ref()).await?;
        }
        tx.commit().await.map_err(db_err)?;
        w.bound_wal().await;
        w.frontier = frontier;
        Ok(())
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn insert_objects(
        &self,
        collection: &str,
        batch: Batch,
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        let (outcomes, _) = run_write(self.writes().insert(
            collection.to_owned(),
            batch,
            Also::Nothing,
        ))
        .await?;
        Ok(outcomes)
    }

    async fn insert_pulled(
        &self,
        collection: &str,
        batch: Batch,
        pull: PullCommit,
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        let (outcomes, _) = run_write(self.writes().insert(
            collection.to_owned(),
            batch,
            Also::Pull(pull),
        ))
        .await?;
        Ok(outcomes)
    }

    async fn insert_objects_with_status(
        &self,
        collection: &str,
        batch: Batch,
        status: StatusDraft,
    ) -> Result<(Vec<InsertOutcome>, String), StoreError> {
        let (outcomes, json) = run_write(self.writes().insert(
            collection.to_owned(),
            batch,
            Also::Status(status),
        ))
        .await?;
        Ok((outcomes, json.unwrap_or_default()))
    }

    async fn scan(
        &self,
        collection: &str,
        filter: &ScanFilter,
        after_seq: Option<i64>,
        limit: usize,
    ) -> Result<Vec<ObjectRow>, StoreError> {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT ");
        q.push(rows::columns(filter.with_json));
        // Every thread of a workflow: the rows that name a root are few among all, and the partial
        // index holds only them; left to itself SQLite walks every row in `seq` order instead
        // (1.1 s at a million objects, for twenty warnings).
        let every_thread =
            matches!(filter.root, Some(entente_store::Root::Any)) && filter.ids.is_empty();
        q.push(if every_thread {
            " FROM objects INDEXED BY objects_by_root WHERE collection = "
        } else {
            " FROM objects WHERE collection = "
        })
        .push_bind(collection);
        // One lower bound on `seq`, so the planner walks from it: after `after_seq`, and with
        // `added_after`, after the last row added at or before it (found by index:
        // `date_added_us` rises with `seq`, one value per write assigned under the writer lock).
        q.push(" AND seq > ");
        match filter.added_after_us {
            Some(after) => {
                q.push("MAX(")
                    .push_bind(after_seq.unwrap_or(0))
                    .push(", COALESCE((SELECT seq FROM objects WHERE collection = ")
                    .push_bind(collection)
                    .push(" AND date_added_us <= ")
                    .push_bind(after)
                    .push(" ORDER BY date_added_us DESC LIMIT 1), 0))");
            }
            None => {
                q.push_bind(after_seq.unwrap_or(0));
            }
        }
        if !filter.ids.is_empty() {
            let ids: Vec<&str> = filter.ids.iter().map(String::as_str).collect();
            q.push(" AND ");
            id_index::push_rows_for(&mut q, &ids, &self.ids.tail_seqs(ids.iter().copied()));
        }
        let push_in = |q: &mut QueryBuilder<'_, Sqlite>, column: &str, values: &[String]| {
            if !values.is_empty() {
                q.push(format!(" AND {column} IN ("));
                let mut sep = q.separated(", ");
                for v in values {
                    sep.push_bind(v.clone());
                }
                q.push(")");
            }
        };
        push_in(&mut q, "id", &filter.ids);
        push_in(&mut q, "object_type", &filter.types);
        if let Some(after) = filter.added_after_us {
            q.push(" AND date_added_us > ").push_bind(after);
        }
        match &filter.root {
            Some(entente_store::Root::Of(root)) => {
                q.push(" AND root = ").push_bind(root.clone());
            }
            Some(entente_store::Root::Any) => {
                q.push(" AND root IS NOT NULL");
            }
            None => {}
        }
        if let Some(target) = &filter.refers_to {
            q.push(" AND seq IN (SELECT seq FROM object_refs WHERE target = ")
                .push_bind(target.clone())
                .push(")");
        }
        if let Some(c) = &filter.candidates {
            // What the reader may see is among these (entente_core::candidates): the rest is
            // left out here, not decoded and dropped.
            let in_list = |q: &mut QueryBuilder<'_, Sqlite>, ts: &[entente_core::Tlp]| {
                q.push("(");
                let mut sep = q.separated(", ");
                for t in ts {
                    sep.push_bind(i64::from(t.code()));
                }
                if ts.is_empty() {
                    sep.push("NULL");
                }
                q.push(")");
            };
            q.push(" AND (marking IN ");
            in_list(&mut q, &c.any_audience);
            if let Some(from) = &c.from {
                q.push(" OR originator = ")
                    .push_bind(from.as_str().to_owned());
            }
            q.push(" OR (audience IS NULL AND marking IN ");
            in_list(&mut q, &c.unaddressed);
            q.push(")");
            if !c.keys.is_empty() {
                q.push(
                    " OR (audience IS NOT NULL AND EXISTS (SELECT 1 FROM object_audience a \
                     WHERE a.seq = objects.seq AND a.key IN (",
                );
                let mut sep = q.separated(", ");
                for k in &c.keys {
                    sep.push_bind(k.clone());
                }
                q.push(")))");
            }
            q.push(")");
        }
        if let Some(versions) = &filter.versions_ns {
            q.push(" AND version_ns IN (");
            let mut sep = q.separated(", ");
            for v in versions {
                sep.push_bind(*v);
            }
            if versions.is_empty() {
                sep.push("NULL");
            }
            q.push(")");
        }
        q.push(" ORDER BY seq LIMIT ")
            .push_bind(i64::try_from(limit).unwrap_or(i64::MAX));
        let fetched = q.build().fetch_all(&self.pool).await.map_err(db_err)?;
        fetched
            .iter()
            .map(|r| rows::object_row(r, filter.with_json))
            .collect()
    }

    async fn versions_of(&self, collection: &str, id: &str) -> Result<Vec<ObjectRow>, StoreError> {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT ");
        q.push(rows::columns(false)).push(" FROM objects WHERE ");
        id_index::push_rows_for(&mut q, &[id], &self.ids.tail_seqs([id]));
        q.push(" AND collection = ").push_bind(collection);
        q.push(" AND id = ").push_bind(id).push(" ORDER BY seq");
        let fetched = q.build().fetch_all(&self.pool).await.map_err(db_err)?;
        fetched.iter().map(|r| rows::object_row(r, false)).collect()
    }

    async fn delete_versions(
        &self,
        collection: &str,
        id: &str,
        versions_ns: &[i64],
        audit_record: AuditRecord,
    ) -> Result<u64, StoreError> {
        run_write(self.writes().delete_versions(
            collection.to_owned(),
            id.to_owned(),
            versions_ns.to_vec(),
            audit_record,
        ))
        .await
    }

    async fn all_objects(
        &self,
        after_seq: Option<i64>,
        limit: usize,
    ) -> Result<Vec<ObjectRow>, StoreError> {
        let sql = format!(
            "SELECT {} FROM objects WHERE seq > ? ORDER BY seq LIMIT ?",
            rows::columns(true)
        );
        let fetched = sqlx::query(&sql)
            .bind(after_seq.unwrap_or(0))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        fetched.iter().map(|r| rows::object_row(r, true)).collect()
    }

    async fn count_objects(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM objects")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn append_audit(&self, audit_record: AuditRecord) -> Result<(), StoreError> {
        run_write(self.writes().append_audit(vec![audit_record])).await
    }

    async fn append_audits(&self, records: Vec<AuditRecord>) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        run_write(self.writes().append_audit(records)).await
    }

    async fn audit_entries(
        &self,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<StoredAuditEntry>, StoreError> {
        audit::entries(&self.pool, after_seq, limit).await
    }

    async fn tree_heads(&self) -> Result<Vec<TreeHead>, StoreError> {
        audit::heads(&self.pool).await
    }

    async fn latest_tree_head(&self) -> Result<Option<TreeHead>, StoreError> {
        audit::latest_head(&self.pool).await
    }

    async fn get_status(&self, id: &str) -> Result<Option<StatusRecord>, StoreError> {
        let row = sqlx::query("SELECT id, owner, json FROM statuses WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map(|r| {
            Ok(StatusRecord {
                id: r.try_get(0).map_err(db_err)?,
                owner: r.try_get(1).map_err(db_err)?,
                json: r.try_get(2).map_err(db_err)?,
            })
        })
        .transpose()
    }

    async fn add_user(&self, user: UserRecord) -> Result<(), StoreError> {
        let mut w = self.writer.lock().await;
        let done =
            sqlx::query("INSERT OR IGNORE INTO users (name, role, password_hash) VALUES (?, ?, ?)")
                .bind(&user.name)
                .bind(user.role.as_str())
                .bind(&user.password_hash)
                .execute(&mut w.conn)
                .await
                .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::AlreadyExists(format!("user `{}`", user.name)));
        }
        Ok(())
    }

    async fn get_user(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query("SELECT name, role, password_hash FROM users WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map(|r| {
            let role: String = r.try_get(1).map_err(db_err)?;
            Ok(UserRecord {
                name: r.try_get(0).map_err(db_err)?,
                role: entente_core::Role::parse(&role)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                password_hash: r.try_get(2).map_err(db_err)?,
            })
        })
        .transpose()
    }

    async fn add_token(&self, token_hash: &[u8], subject: TokenSubject) -> Result<(), StoreError> {
        let (kind, who) = match &subject {
            TokenSubject::User(u) => ("user", u.as_str()),
            TokenSubject::Peer(p) => ("peer", p.as_str()),
        };
        let mut w = self.writer.lock().await;
        sqlx::query("INSERT INTO tokens (hash, kind, subject) VALUES (?, ?, ?)")
            .bind(token_hash)
            .bind(kind)
            .bind(who)
            .execute(&mut w.conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn token_subject(&self, token_hash: &[u8]) -> Result<Option<TokenSubject>, StoreError> {
        let row = sqlx::query("SELECT kind, subject FROM tokens WHERE hash = ?")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map(|r| {
            let kind: String = r.try_get(0).map_err(db_err)?;
            let subject: String = r.try_get(1).map_err(db_err)?;
            match kind.as_str() {
                "user" => Ok(TokenSubject::User(subject)),
                "peer" => Ok(TokenSubject::Peer(subject)),
                other => Err(StoreError::Corrupt(format!("token kind `{other}`"))),
            }
        })
        .transpose()
    }

    async fn users(&self) -> Result<Vec<(UserRecord, u64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.name, u.role, u.password_hash, \
             (SELECT COUNT(*) FROM tokens t WHERE t.kind = 'user' AND t.subject = u.name) \
             FROM users u ORDER BY u.name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get(1).map_err(db_err)?;
                let tokens: i64 = r.try_get(3).map_err(db_err)?;
                Ok((
                    UserRecord {
                        name: r.try_get(0).map_err(db_err)?,
                        role: entente_core::Role::parse(&role)
                            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                        password_hash: r.try_get(2).map_err(db_err)?,
                    },
                    u64::try_from(tokens).unwrap_or(0),
                ))
            })
            .collect()
    }

    async fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        let mut w = self.writer.lock().await;
        let mut tx = w.conn.begin().await.map_err(db_err)?;
        sqlx::query("DELETE FROM tokens WHERE kind = 'user' AND subject = ?")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let done = sqlx::query("DELETE FROM users WHERE name = ?")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_role(&self, name: &str, role: entente_core::Role) -> Result<bool, StoreError> {
        let mut w = self.writer.lock().await;
        let done = sqlx::query("UPDATE users SET role = ? WHERE name = ?")
            .bind(role.as_str())
            .bind(name)
            .execute(&mut w.conn)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn revoke_tokens(&self, subject: &TokenSubject) -> Result<u64, StoreError> {
        let (kind, who) = match subject {
            TokenSubject::User(u) => ("user", u.as_str()),
            TokenSubject::Peer(p) => ("peer", p.as_str()),
        };
        let mut w = self.writer.lock().await;
        let done = sqlx::query("DELETE FROM tokens WHERE kind = ? AND subject = ?")
            .bind(kind)
            .bind(who)
            .execute(&mut w.conn)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected())
    }

    async fn set_peer_link(&self, link: PeerLink) -> Result<(), StoreError> {
        let mut w = self.writer.lock().await;
        sqlx::query(
            "INSERT INTO peer_links (party, url, token, ca_pem, cursor) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (party) DO UPDATE SET url = excluded.url, token = excluded.token, \
             ca_pem = excluded.ca_pem",
        )
        .bind(&link.party)
        .bind(&link.url)
        .bind(&link.token)
        .bind(&link.ca_pem)
        .bind(&link.cursor)
        .execute(&mut w.conn)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn peer_links(&self) -> Result<Vec<PeerLink>, StoreError> {
        let rows =
            sqlx::query("SELECT party, url, token, ca_pem, cursor FROM peer_links ORDER BY party")
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(PeerLink {
                    party: r.try_get(0).map_err(db_err)?,
                    url: r.try_get(1).map_err(db_err)?,
                    token: r.try_get(2).map_err(db_err)?,
                    ca_pem: r.try_get(3).map_err(db_err)?,
                    cursor: r.try_get(4).map_err(db_err)?,
                })
            })
            .collect()
    }

    async fn reset_peer_cursor(&self, party: &str) -> Result<bool, StoreError> {
        let mut w = self.writer.lock().await;
        let done = sqlx::query("UPDATE peer_links SET cursor = NULL WHERE party = ?")
            .bind(party)
            .execute(&mut w.conn)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn security_events(
        &self,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<StoredSecurityEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, ts_us, kind, source, object, detail FROM security_events \
             WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after_seq)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(StoredSecurityEvent {
                    seq: r.try_get(0).map_err(db_err)?,
                    event: SecurityEvent {
                        ts_us: r.try_get(1).map_err(db_err)?,
                        kind: r.try_get(2).map_err(db_err)?,
                        source: r.try_get(3).map_err(db_err)?,
                        object: r.try_get(4).map_err(db_err)?,
                        detail: r.try_get(5).map_err(db_err)?,
                    },
                })
            })
            .collect()
    }

    async fn get_meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let mut w = self.writer.lock().await;
        sqlx::query("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")
            .bind(key)
            .bind(value)
            .execute(&mut w.conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
