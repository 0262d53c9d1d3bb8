//! Writes: each in one transaction that first takes the store's advisory lock, so that writes —
//! from this process or another on the same database — are decided and committed one after
//! another. Under the lock a write reads what must advance in step (the last `date_added`, the
//! audit log's size), decides each object against what is held, hands out `seq` from the
//! sequence (in commit order, so paging by `seq` never skips nor repeats), and commits.
//!
//! Each write runs to its end on a task of its own ([`run_write`]): a caller dropped at an await
//! (a client that disconnects) must not leave a commit whose outcome nobody recorded. What this
//! process keeps in memory (the audit frontier) is only a cache: it is brought up to the database
//! under the lock before every write, so a write that committed without updating it costs a
//! catch-up, never a wrong tree.

use crate::{audit, db_err, notify, rows, Shared, WRITE_LOCK};
use entente_core::audit::Frontier;
use entente_store::{
    Announcement, AuditRecord, Batch, HeldVersion, InsertOutcome, PullCommit, SecurityEvent,
    StatusDraft, StoreError,
};
use sqlx::{PgConnection, Postgres, QueryBuilder, Row, Transaction};
use std::collections::HashMap;

/// The most rows one INSERT carries (15 parameters each, under PostgreSQL's 65,535).
const INSERT_CHUNK: usize = 1000;

/// Runs a write to completion on a task of its own and waits for it.
pub(crate) async fn run_write<T: Send + 'static>(
    write: impl std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::spawn(write)
        .await
        .map_err(|e| StoreError::Database(format!("the write did not finish: {e}")))?
}

/// What a write of objects also writes in its transaction.
pub(crate) enum Also {
    Nothing,
    /// The TAXII status resource of the request.
    Status(StatusDraft),
    /// A peer's cursor and the pull's security events.
    Pull(PullCommit),
}

/// A write transaction holding the store's lock, with the audit frontier brought up to date.
struct Locked<'a> {
    tx: Transaction<'a, Postgres>,
    frontier: Frontier,
}

impl Shared {
    async fn lock(&self) -> Result<Locked<'_>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let mut frontier = self.frontier.lock().await.clone();
        audit::catch_up(&mut tx, &mut frontier).await?;
        Ok(Locked { tx, frontier })
    }

    /// Commits, then keeps the frontier the commit made.
    async fn commit(&self, locked: Locked<'_>) -> Result<(), StoreError> {
        let Locked { tx, frontier } = locked;
        tx.commit().await.map_err(db_err)?;
        let mut cached = self.frontier.lock().await;
        if frontier.size() > cached.size() {
            *cached = frontier;
        }
        Ok(())
    }
}

/// One stored version of an object: its version, row, originator and MAC, and — for the latest
/// version of its id only — its JSON.
struct StoredVersion {
    version: i64,
    seq: i64,
    originator: String,
    mac: Vec<u8>,
    json: Option<String>,
}

type Existing = HashMap<String, Vec<StoredVersion>>;

async fn existing_versions(
    conn: &mut PgConnection,
    collection: &str,
    ids: &[String],
) -> Result<Existing, StoreError> {
    let mut existing: Existing = HashMap::new();
    let rows = sqlx::query(
        "SELECT id, version_ns, seq, originator, mac FROM objects \
         WHERE collection = $1 AND id = ANY($2)",
    )
    .bind(collection)
    .bind(ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    for row in rows {
        let id: String = row.try_get(0).map_err(db_err)?;
        existing.entry(id).or_default().push(StoredVersion {
            version: row.try_get(1).map_err(db_err)?,
            seq: row.try_get(2).map_err(db_err)?,
            originator: row.try_get(3).map_err(db_err)?,
            mac: row.try_get(4).map_err(db_err)?,
            json: None,
        });
    }
    let latest: Vec<i64> = existing
        .values()
        .filter_map(|v| v.iter().max_by_key(|k| k.version).map(|k| k.seq))
        .collect();
    if !latest.is_empty() {
        let mut json_of: HashMap<i64, String> = HashMap::new();
        for row in sqlx::query("SELECT seq, json FROM objects WHERE seq = ANY($1)")
            .bind(&latest)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?
        {
            json_of.insert(
                row.try_get(0).map_err(db_err)?,
                row.try_get(1).map_err(db_err)?,
            );
        }
        for versions in existing.values_mut() {
            for k in versions.iter_mut() {
                k.json = json_of.remove(&k.seq);
            }
        }
    }
    Ok(existing)
}

async fn insert_security_events(
    conn: &mut PgConnection,
    events: &[SecurityEvent],
) -> Result<(), StoreError> {
    for e in events {
        sqlx::query(
            "INSERT INTO security_events (ts_us, kind, source, object, detail) \
             VALUES ($1, $2, $3, $4, $5)",
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

impl Shared {
    /// Inserts a batch (see `Store::insert_objects`), with what else the write carries.
    pub(crate) async fn insert(
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
        let mut locked = self.lock().await?;
        let tx = &mut locked.tx;
        let last_added: i64 =
            sqlx::query_scalar("SELECT last_date_added_us FROM store_state WHERE one = 1")
                .fetch_one(&mut **tx)
                .await
                .map_err(db_err)?;
        let commit_added = now_us.max(last_added + 1);
        let ids: Vec<String> = objects.iter().map(|o| o.id.clone()).collect();
        let mut existing = existing_versions(tx, collection, &ids).await?;
        let mut outcomes = Vec::with_capacity(objects.len());
        // (object index, version) of each version to insert; seqs are handed out after.
        let mut to_insert: Vec<(usize, i64)> = Vec::new();
        let mut lose_first: Vec<i64> = Vec::new();
        let mut lose_last: Vec<i64> = Vec::new();
        // Versions decided in this batch have no row yet: a placeholder seq, negative.
        let mut pending = -1i64;
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
            // One `date_added` for the whole write, strictly later than every earlier write's.
            let date_added = commit_added;
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
                if version < first.version && first.seq > 0 {
                    lose_first.push(first.seq);
                }
            }
            if let Some(last) = known.iter().max_by_key(|k| k.version) {
                if version > last.version && last.seq > 0 {
                    lose_last.push(last.seq);
                }
            }
            known.push(StoredVersion {
                version,
                seq: pending,
                originator: o.label.originator.to_string(),
                mac: o.mac.clone(),
                json: Some(o.json.clone()),
            });
            pending -= 1;
            to_insert.push((i, version));
            outcomes.push(InsertOutcome::Stored {
                date_added_us: date_added,
            });
        }
        for (flag, seqs) in [("is_first", &lose_first), ("is_last", &lose_last)] {
            if !seqs.is_empty() {
                sqlx::query(&format!(
                    "UPDATE objects SET {flag} = FALSE WHERE seq = ANY($1)"
                ))
                .bind(seqs)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            }
        }
        let seqs: Vec<i64> = if to_insert.is_empty() {
            Vec::new()
        } else {
            let mut s: Vec<i64> = sqlx::query_scalar(
                "SELECT nextval('objects_seq') FROM generate_series(1, $1::BIGINT)",
            )
            .bind(i64::try_from(to_insert.len()).unwrap_or(i64::MAX))
            .fetch_all(&mut **tx)
            .await
            .map_err(db_err)?;
            s.sort_unstable();
            s
        };
        let rows: Vec<(usize, i64, i64)> = to_insert
            .iter()
            .zip(&seqs)
            .map(|(&(i, v), &seq)| (i, v, seq))
            .collect();
        for chunk in rows.chunks(INSERT_CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new(
                "INSERT INTO objects (seq, collection, id, object_type, version_ns, date_added_us, \
                 is_first, is_last, originator, marking, audience, json, mac, root) ",
            );
            q.push_values(chunk, |mut b, &(i, version, seq)| {
                let o = &objects[i];
                let known = existing.get(&o.id).map(Vec::as_slice).unwrap_or_default();
                let is_first = known.iter().all(|k| k.version >= version);
                let is_last = known.iter().all(|k| k.version <= version);
                b.push_bind(seq)
                    .push_bind(collection)
                    .push_bind(&o.id)
                    .push_bind(&o.object_type)
                    .push_bind(version)
                    .push_bind(commit_added)
                    .push_bind(is_first)
                    .push_bind(is_last)
                    .push_bind(o.label.originator.as_str())
                    .push_bind(i16::from(o.label.marking.code()))
                    .push_bind(rows::audience_json(&o.label))
                    .push_bind(&o.json)
                    .push_bind(&o.mac)
                    .push_bind(&o.root);
            });
            q.build().execute(&mut **tx).await.map_err(db_err)?;
        }
        let refs: Vec<(&str, i64)> = rows
            .iter()
            .flat_map(|&(i, _, seq)| objects[i].refers_to.iter().map(move |t| (t.as_str(), seq)))
            .collect();
        // The audience's keys, for reads that leave out what their reader may not see.
        let audience: Vec<(String, i64)> = rows
            .iter()
            .flat_map(|&(i, _, seq)| {
                objects[i]
                    .audience_keys()
                    .into_iter()
                    .map(move |k| (k, seq))
            })
            .collect();
        for chunk in audience.chunks(INSERT_CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new("INSERT INTO object_audience (key, seq) ");
            q.push_values(chunk, |mut b, (key, seq)| {
                b.push_bind(key).push_bind(*seq);
            });
            q.push(" ON CONFLICT DO NOTHING");
            q.build().execute(&mut **tx).await.map_err(db_err)?;
        }
        for chunk in refs.chunks(INSERT_CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new("INSERT INTO object_refs (target, seq) ");
            q.push_values(chunk, |mut b, &(target, seq)| {
                b.push_bind(target).push_bind(seq);
            });
            q.push(" ON CONFLICT DO NOTHING");
            q.build().execute(&mut **tx).await.map_err(db_err)?;
        }
        if !rows.is_empty() {
            sqlx::query("UPDATE store_state SET last_date_added_us = $1 WHERE one = 1")
                .bind(commit_added)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
        }
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
        insert_security_events(tx, &raised).await?;
        audit::append(
            tx,
            &mut locked.frontier,
            &audit_record,
            self.signer.as_ref(),
        )
        .await?;
        let tx = &mut locked.tx;
        let status_json = match also {
            Also::Nothing => None,
            Also::Pull(pull) => {
                insert_security_events(tx, &pull.events).await?;
                let done = sqlx::query("UPDATE peer_links SET cursor = $1 WHERE party = $2")
                    .bind(&pull.cursor)
                    .bind(&pull.peer)
                    .execute(&mut **tx)
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
                sqlx::query(
                    "INSERT INTO statuses (id, owner, json) VALUES ($1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, json = excluded.json",
                )
                .bind(&draft.id)
                .bind(&draft.owner)
                .bind(&json)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
                Some(json)
            }
        };
        // The other processes hear of it at the commit (and only if it commits).
        let stored_types: Vec<String> = to_insert
            .iter()
            .map(|(i, _)| objects[*i].object_type.clone())
            .collect();
        if !stored_types.is_empty() {
            notify::send(tx, &self.origin, &Announcement::Stored(Some(stored_types))).await?;
        }
        self.commit(locked).await?;
        Ok((outcomes, status_json))
    }

    /// Deletes versions of an object (see `Store::delete_versions`).
    pub(crate) async fn delete_versions(
        self,
        collection: String,
        id: String,
        versions_ns: Vec<i64>,
        audit_record: AuditRecord,
    ) -> Result<u64, StoreError> {
        let mut locked = self.lock().await?;
        let tx = &mut locked.tx;
        let stored = existing_versions(tx, &collection, std::slice::from_ref(&id))
            .await?
            .remove(&id)
            .unwrap_or_default();
        let (gone, kept): (Vec<_>, Vec<_>) = stored
            .into_iter()
            .partition(|k| versions_ns.contains(&k.version));
        let gone: Vec<i64> = gone.iter().map(|k| k.seq).collect();
        if !gone.is_empty() {
            for table in ["object_refs", "object_audience"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE seq = ANY($1)"))
                    .bind(&gone)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
            }
            sqlx::query("DELETE FROM objects WHERE seq = ANY($1)")
                .bind(&gone)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
        }
        let first = kept.iter().map(|k| k.version).min();
        let last = kept.iter().map(|k| k.version).max();
        for k in &kept {
            sqlx::query("UPDATE objects SET is_first = $1, is_last = $2 WHERE seq = $3")
                .bind(Some(k.version) == first)
                .bind(Some(k.version) == last)
                .bind(k.seq)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
        }
        audit::append(
            tx,
            &mut locked.frontier,
            &audit_record,
            self.signer.as_ref(),
        )
        .await?;
        if !gone.is_empty() {
            // A STIX id begins with its object's type.
            let types = id.split_once("--").map(|(t, _)| vec![t.to_owned()]);
            notify::send(&mut locked.tx, &self.origin, &Announcement::Stored(types)).await?;
        }
        self.commit(locked).await?;
        Ok(gone.len() as u64)
    }

    /// Appends audit entries on their own, in one transaction.
    pub(crate) async fn append_audit(self, records: Vec<AuditRecord>) -> Result<(), StoreError> {
        let mut locked = self.lock().await?;
        for record in &records {
            audit::append(
                &mut locked.tx,
                &mut locked.frontier,
                record,
                self.signer.as_ref(),
            )
            .await?;
        }
        self.commit(locked).await
    }
}
