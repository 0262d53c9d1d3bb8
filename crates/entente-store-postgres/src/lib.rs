//! The PostgreSQL implementation of [`entente_store::Store`], through sqlx: the same behaviour as
//! the SQLite store, held to the same contract (`entente_store::contract`), for nodes that outgrow
//! one file and one process.
//!
//! **Several processes, one node.** Every write is one transaction that first takes the store's
//! advisory lock ([`WRITE_LOCK`], `pg_advisory_xact_lock`), so writes from any process on the
//! database are decided and committed one after another: `date_added` (kept in `store_state`)
//! strictly increases from write to write, `seq` comes from a sequence in commit order (paging by
//! it neither skips nor repeats), and the audit log has one Merkle frontier — each process keeps
//! it in memory as a cache and brings it up to the log under the lock before appending
//! (`audit::catch_up`). Reads go to the pool and see committed snapshots. Durability is
//! PostgreSQL's: a write returns after its commit.
//!
//! **The URL.** A connection URL may carry a password: [`redacted`] is what may be logged or shown,
//! and nothing here prints the URL itself.

mod audit;
pub mod import;
mod notify;
mod rows;
mod write;

use async_trait::async_trait;
use entente_core::audit::Frontier;
use entente_store::{
    Announcement, AuditRecord, Batch, InsertOutcome, Listener, ObjectRow, PeerLink, PullCommit,
    ScanFilter, SecurityEvent, StatusDraft, StatusRecord, Store, StoreError, StoredAuditEntry,
    StoredSecurityEvent, TokenSubject, TreeHead, TreeHeadSigner, UserRecord,
};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use std::sync::Arc;
use write::{run_write, Also};

/// The advisory lock every write takes first ("entente" in ASCII).
pub const WRITE_LOCK: i64 = 0x0065_6e74_656e_7465;

pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

/// A PostgreSQL URL with its password replaced by `***`, for logs and messages.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            let tail = redact_query(tail);
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => format!("{scheme}://{authority}{}", redact_query(tail)),
    }
}

/// A `password=` query parameter, hidden too.
fn redact_query(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => kv.to_owned(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// What every write shares (cloned into the task that runs it).
#[derive(Clone)]
pub(crate) struct Shared {
    pool: PgPool,
    signer: Arc<dyn TreeHeadSigner>,
    /// This process's copy of the audit frontier (see the module doc).
    frontier: Arc<tokio::sync::Mutex<Frontier>>,
    /// Who this store is in its announcements (see [`notify`]).
    origin: notify::Origin,
}

/// Connects to the database at `url` and brings its schema up to date (sqlx's migrations take
/// their own lock, so processes starting together do not race).
pub(crate) async fn open_pool(url: &str) -> Result<PgPool, StoreError> {
    let options: PgConnectOptions = url.parse().map_err(|e: sqlx::Error| {
        StoreError::Database(format!(
            "the store URL {} does not parse: {e}",
            redacted(url)
        ))
    })?;
    // A write waiting its turn for the write lock is a "slow statement" to sqlx, which would
    // warn of every one under load: told at info (`ENTENTE_LOG=sqlx=info` shows them).
    let options = sqlx::ConnectOptions::log_slow_statements(
        options,
        log::LevelFilter::Info,
        std::time::Duration::from_secs(1),
    );
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(|e| StoreError::Database(format!("connecting to {}: {e}", redacted(url))))?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .map_err(|e| StoreError::Database(format!("migrating the database: {e}")))?;
    Ok(pool)
}

pub struct PostgresStore {
    shared: Shared,
    /// The tasks listening for other processes' announcements, stopped with the store.
    listening: std::sync::Mutex<Vec<tokio::task::AbortHandle>>,
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        let listening = self.listening.get_mut().unwrap_or_else(|e| e.into_inner());
        for task in listening.drain(..) {
            task.abort();
        }
    }
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`) and brings
    /// its schema up to date (sqlx's migrations take their own lock, so processes starting
    /// together do not race).
    pub async fn connect(
        url: &str,
        signer: Arc<dyn TreeHeadSigner>,
    ) -> Result<PostgresStore, StoreError> {
        let pool = open_pool(url).await?;
        Ok(PostgresStore {
            shared: Shared {
                pool,
                signer,
                frontier: Default::default(),
                origin: notify::Origin::new(),
            },
            listening: Default::default(),
        })
    }

    fn pool(&self) -> &PgPool {
        &self.shared.pool
    }

    fn writes(&self) -> Shared {
        self.shared.clone()
    }
}

#[async_trait]
impl Store for PostgresStore {
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
        let mut q = QueryBuilder::<Postgres>::new("SELECT ");
        q.push(rows::columns(filter.with_json));
        q.push(" FROM objects WHERE collection = ")
            .push_bind(collection.to_owned());
        // One lower bound on `seq`: after `after_seq`, and with `added_after`, after the last row
        // added at or before it (found by index; `date_added_us` rises with `seq`).
        q.push(" AND seq > ");
        match filter.added_after_us {
            Some(after) => {
                q.push("GREATEST(")
                    .push_bind(after_seq.unwrap_or(0))
                    .push(", COALESCE((SELECT seq FROM objects WHERE collection = ")
                    .push_bind(collection.to_owned())
                    .push(" AND date_added_us <= ")
                    .push_bind(after)
                    .push(" ORDER BY date_added_us DESC, seq DESC LIMIT 1), 0))");
            }
            None => {
                q.push_bind(after_seq.unwrap_or(0));
            }
        }
        if !filter.ids.is_empty() {
            q.push(" AND id = ANY(")
                .push_bind(filter.ids.clone())
                .push(")");
        }
        if !filter.types.is_empty() {
            q.push(" AND object_type = ANY(")
                .push_bind(filter.types.clone())
                .push(")");
        }
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
            // left out here, by index, not read and dropped.
            let codes = |ts: &[entente_core::Tlp]| -> Vec<i16> {
                ts.iter().map(|t| i16::from(t.code())).collect()
            };
            q.push(" AND (marking = ANY(")
                .push_bind(codes(&c.any_audience))
                .push(")");
            if let Some(from) = &c.from {
                q.push(" OR originator = ")
                    .push_bind(from.as_str().to_owned());
            }
            q.push(" OR (audience IS NULL AND marking = ANY(")
                .push_bind(codes(&c.unaddressed))
                .push("))");
            if !c.keys.is_empty() {
                q.push(
                    " OR (audience IS NOT NULL AND EXISTS (SELECT 1 FROM object_audience a \
                     WHERE a.seq = objects.seq AND a.key = ANY(",
                )
                .push_bind(c.keys.clone())
                .push(")))");
            }
            q.push(")");
        }
        if let Some(versions) = &filter.versions_ns {
            q.push(" AND version_ns = ANY(")
                .push_bind(versions.clone())
                .push(")");
        }
        q.push(" ORDER BY seq LIMIT ")
            .push_bind(i64::try_from(limit).unwrap_or(i64::MAX));
        let fetched = q.build().fetch_all(self.pool()).await.map_err(db_err)?;
        fetched
            .iter()
            .map(|r| rows::object_row(r, filter.with_json))
            .collect()
    }

    async fn versions_of(&self, collection: &str, id: &str) -> Result<Vec<ObjectRow>, StoreError> {
        let sql = format!(
            "SELECT {} FROM objects WHERE collection = $1 AND id = $2 ORDER BY seq",
            rows::columns(false)
        );
        sqlx::query(&sql)
            .bind(collection)
            .bind(id)
            .fetch_all(self.pool())
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| rows::object_row(r, false))
            .collect()
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
            "SELECT {} FROM objects WHERE seq > $1 ORDER BY seq LIMIT $2",
            rows::columns(true)
        );
        sqlx::query(&sql)
            .bind(after_seq.unwrap_or(0))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(self.pool())
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| rows::object_row(r, true))
            .collect()
    }

    async fn count_objects(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM objects")
            .fetch_one(self.pool())
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
        audit::entries(self.pool(), after_seq, limit).await
    }

    async fn tree_heads(&self) -> Result<Vec<TreeHead>, StoreError> {
        audit::heads(self.pool()).await
    }

    async fn latest_tree_head(&self) -> Result<Option<TreeHead>, StoreError> {
        audit::latest_head(self.pool()).await
    }

    async fn get_status(&self, id: &str) -> Result<Option<StatusRecord>, StoreError> {
        let row = sqlx::query("SELECT id, owner, json FROM statuses WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
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
        let done = sqlx::query(
            "INSERT INTO users (name, role, password_hash) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&user.name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .execute(self.pool())
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::AlreadyExists(format!("user `{}`", user.name)));
        }
        Ok(())
    }

    async fn get_user(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query("SELECT name, role, password_hash FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
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
        let (kind, who) = subject_parts(&subject);
        sqlx::query("INSERT INTO tokens (hash, kind, subject) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(kind)
            .bind(who)
            .execute(self.pool())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn token_subject(&self, token_hash: &[u8]) -> Result<Option<TokenSubject>, StoreError> {
        let row = sqlx::query("SELECT kind, subject FROM tokens WHERE hash = $1")
            .bind(token_hash)
            .fetch_optional(self.pool())
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
        .fetch_all(self.pool())
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
        let mut tx = self.pool().begin().await.map_err(db_err)?;
        sqlx::query("DELETE FROM tokens WHERE kind = 'user' AND subject = $1")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let done = sqlx::query("DELETE FROM users WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_role(&self, name: &str, role: entente_core::Role) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE users SET role = $1 WHERE name = $2")
            .bind(role.as_str())
            .bind(name)
            .execute(self.pool())
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn revoke_tokens(&self, subject: &TokenSubject) -> Result<u64, StoreError> {
        let (kind, who) = subject_parts(subject);
        let done = sqlx::query("DELETE FROM tokens WHERE kind = $1 AND subject = $2")
            .bind(kind)
            .bind(who)
            .execute(self.pool())
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected())
    }

    async fn set_peer_link(&self, link: PeerLink) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO peer_links (party, url, token, ca_pem, cursor) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (party) DO UPDATE SET url = excluded.url, token = excluded.token, \
             ca_pem = excluded.ca_pem",
        )
        .bind(&link.party)
        .bind(&link.url)
        .bind(&link.token)
        .bind(&link.ca_pem)
        .bind(&link.cursor)
        .execute(self.pool())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn peer_links(&self) -> Result<Vec<PeerLink>, StoreError> {
        sqlx::query("SELECT party, url, token, ca_pem, cursor FROM peer_links ORDER BY party")
            .fetch_all(self.pool())
            .await
            .map_err(db_err)?
            .iter()
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
        let done = sqlx::query("UPDATE peer_links SET cursor = NULL WHERE party = $1")
            .bind(party)
            .execute(self.pool())
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn security_events(
        &self,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<StoredSecurityEvent>, StoreError> {
        sqlx::query(
            "SELECT seq, ts_us, kind, source, object, detail FROM security_events \
             WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after_seq)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await
        .map_err(db_err)?
        .iter()
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
        sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await
            .map_err(db_err)
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(self.pool())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn announce(&self, announcement: Announcement) -> Result<(), StoreError> {
        let mut conn = self.pool().acquire().await.map_err(db_err)?;
        notify::send(&mut conn, &self.shared.origin, &announcement).await
    }

    async fn listen(&self, listener: Listener) -> Result<bool, StoreError> {
        let task = notify::listen(self.pool(), self.shared.origin.clone(), listener).await?;
        self.listening
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(task.abort_handle());
        Ok(true)
    }
}

fn subject_parts(subject: &TokenSubject) -> (&'static str, &str) {
    match subject {
        TokenSubject::User(u) => ("user", u.as_str()),
        TokenSubject::Peer(p) => ("peer", p.as_str()),
    }
}

#[cfg(test)]
mod tests;
