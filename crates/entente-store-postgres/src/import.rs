//! Writing a whole node into an empty PostgreSQL database, for `entente store copy`
//! ([`entente_store::copy`]): every row as it was, in one transaction under the store's write
//! lock — a copy that fails leaves the database empty, and no process writes while it runs. At
//! the end the sequences and the last `date_added` are set past what was copied, so the node goes
//! on where it stopped.

use crate::{db_err, WRITE_LOCK};
use entente_store::copy::Rows;
use entente_store::StoreError;
use sqlx::{Postgres, QueryBuilder, Transaction};

/// Every object's audience keys (`entente_core::candidates::audience_keys`), from its audience.
pub(crate) const AUDIENCE_KEYS: &str = "INSERT INTO object_audience (key, seq) \
    SELECT 'state:' || s, o.seq FROM objects o, jsonb_array_elements_text(o.audience::jsonb -> 'states') s \
    UNION SELECT 'tier:' || t, o.seq FROM objects o, jsonb_array_elements_text(o.audience::jsonb -> 'tiers') t \
    UNION SELECT 'user:' || u, o.seq FROM objects o, jsonb_array_elements_text(o.audience::jsonb -> 'users') u \
    UNION SELECT 'users-of:' || split_part(u, ':', 1), o.seq \
          FROM objects o, jsonb_array_elements_text(o.audience::jsonb -> 'users') u \
    ON CONFLICT DO NOTHING";

/// Rows per INSERT (14 parameters an object row, under PostgreSQL's 65,535).
const CHUNK: usize = 2_000;

/// A copy into a database under way.
pub struct Import {
    tx: Transaction<'static, Postgres>,
    max_seq: i64,
    max_added: i64,
    max_event: i64,
}

impl Import {
    /// Connects to `url`, brings the schema up to date, and checks that the database holds no
    /// node yet.
    pub async fn open(url: &str) -> Result<Import, StoreError> {
        let pool = crate::open_pool(url).await?;
        let mut tx = pool.begin().await.map_err(db_err)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let (objects, entries, users): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM objects), (SELECT COUNT(*) FROM audit_entries), \
             (SELECT COUNT(*) FROM users)",
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        if objects + entries + users > 0 {
            return Err(StoreError::Database(format!(
                "{} already holds a node ({objects} objects, {entries} audit entries, {users} users): \
                 copy into an empty database",
                crate::redacted(url)
            )));
        }
        Ok(Import {
            tx,
            max_seq: 0,
            max_added: 0,
            max_event: 0,
        })
    }

    /// Writes one page of rows.
    pub async fn put(&mut self, rows: Rows) -> Result<(), StoreError> {
        let tx = &mut *self.tx;
        match rows {
            Rows::Objects(rows) => {
                for chunk in rows.chunks(CHUNK) {
                    let mut q = QueryBuilder::<Postgres>::new(
                        "INSERT INTO objects (seq, collection, id, object_type, version_ns, \
                         date_added_us, is_first, is_last, originator, marking, audience, json, \
                         mac, root) ",
                    );
                    q.push_values(chunk, |mut b, r| {
                        b.push_bind(r.seq)
                            .push_bind(&r.collection)
                            .push_bind(&r.id)
                            .push_bind(&r.object_type)
                            .push_bind(r.version_ns)
                            .push_bind(r.date_added_us)
                            .push_bind(r.is_first)
                            .push_bind(r.is_last)
                            .push_bind(&r.originator)
                            .push_bind(i16::try_from(r.marking).unwrap_or(i16::MAX))
                            .push_bind(&r.audience)
                            .push_bind(&r.json)
                            .push_bind(&r.mac)
                            .push_bind(&r.root);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                    for r in chunk {
                        self.max_seq = self.max_seq.max(r.seq);
                        self.max_added = self.max_added.max(r.date_added_us);
                    }
                }
            }
            Rows::Refs(rows) => {
                for chunk in rows.chunks(CHUNK) {
                    let mut q =
                        QueryBuilder::<Postgres>::new("INSERT INTO object_refs (target, seq) ");
                    q.push_values(chunk, |mut b, (t, s)| {
                        b.push_bind(t).push_bind(s);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
            }
            Rows::AuditEntries(rows) => {
                for chunk in rows.chunks(CHUNK) {
                    let mut q = QueryBuilder::<Postgres>::new(
                        "INSERT INTO audit_entries (seq, entry, leaf_hash) ",
                    );
                    q.push_values(chunk, |mut b, (s, e, h)| {
                        b.push_bind(s).push_bind(e).push_bind(h);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
            }
            Rows::TreeHeads(rows) => {
                for chunk in rows.chunks(CHUNK) {
                    let mut q = QueryBuilder::<Postgres>::new(
                        "INSERT INTO tree_heads (tree_size, root, ts_us, signature) ",
                    );
                    q.push_values(chunk, |mut b, (n, r, t, s)| {
                        b.push_bind(n).push_bind(r).push_bind(t).push_bind(s);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
            }
            Rows::Users(rows) => {
                three(tx, "users (name, role, password_hash)", &rows).await?;
            }
            Rows::Statuses(rows) => {
                three(tx, "statuses (id, owner, json)", &rows).await?;
            }
            Rows::Tokens(rows) => {
                for chunk in rows.chunks(CHUNK) {
                    let mut q =
                        QueryBuilder::<Postgres>::new("INSERT INTO tokens (hash, kind, subject) ");
                    q.push_values(chunk, |mut b, (h, k, s)| {
                        b.push_bind(h).push_bind(k).push_bind(s);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                }
            }
            Rows::Meta(rows) => {
                for (k, v) in &rows {
                    sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
                        .bind(k)
                        .bind(v)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
            }
            Rows::PeerLinks(rows) => {
                for p in &rows {
                    sqlx::query(
                        "INSERT INTO peer_links (party, url, token, ca_pem, cursor) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&p.party)
                    .bind(&p.url)
                    .bind(&p.token)
                    .bind(&p.ca_pem)
                    .bind(&p.cursor)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
            }
            Rows::SecurityEvents(rows) => {
                for chunk in rows.chunks(CHUNK) {
                    let mut q = QueryBuilder::<Postgres>::new(
                        "INSERT INTO security_events (seq, ts_us, kind, source, object, detail) ",
                    );
                    q.push_values(chunk, |mut b, (seq, e)| {
                        b.push_bind(seq)
                            .push_bind(e.ts_us)
                            .push_bind(&e.kind)
                            .push_bind(&e.source)
                            .push_bind(&e.object)
                            .push_bind(&e.detail);
                    });
                    q.build().execute(&mut *tx).await.map_err(db_err)?;
                    for (seq, _) in chunk {
                        self.max_event = self.max_event.max(*seq);
                    }
                }
            }
        }
        Ok(())
    }

    /// Sets the sequences and the last `date_added` past what was copied, and commits.
    pub async fn finish(mut self) -> Result<(), StoreError> {
        let tx = &mut *self.tx;
        if self.max_seq > 0 {
            sqlx::query("SELECT setval('objects_seq', $1)")
                .bind(self.max_seq)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        if self.max_event > 0 {
            sqlx::query("SELECT setval(pg_get_serial_sequence('security_events', 'seq'), $1)")
                .bind(self.max_event)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        // The audience's keys, from the audiences copied (as migration 0002 does).
        sqlx::query(AUDIENCE_KEYS)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("UPDATE store_state SET last_date_added_us = $1 WHERE one = 1")
            .bind(self.max_added)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        self.tx.commit().await.map_err(db_err)
    }
}

/// Inserts rows of three text columns into `table_columns` (`table (a, b, c)`).
async fn three(
    tx: &mut sqlx::PgConnection,
    table_columns: &str,
    rows: &[(String, String, String)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        let mut q = QueryBuilder::<Postgres>::new(format!("INSERT INTO {table_columns} "));
        q.push_values(chunk, |mut b, (x, y, z)| {
            b.push_bind(x).push_bind(y).push_bind(z);
        });
        q.build().execute(&mut *tx).await.map_err(db_err)?;
    }
    Ok(())
}
