//! Reading a whole SQLite node out, table by table, for `entente store copy`
//! ([`entente_store::copy`]). Everything is read in one read transaction, so the copy is one
//! consistent moment of the node even if it is still serving (what it writes after that moment
//! is not copied: stop it first). Each table is read in pages by its key, so memory stays bounded
//! whatever the node's size. The SQLite store's own lookup tables (`id_index`) are not carried:
//! the destination keeps its own.

use crate::db_err;
use entente_store::copy::{ObjectRecord, PeerRecord, Rows};
use entente_store::{SecurityEvent, StoreError};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Row, SqliteConnection};
use std::path::Path;

/// Rows per page.
const PAGE: i64 = 2_000;

/// The tables, in the order they are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Objects,
    Refs,
    AuditEntries,
    TreeHeads,
    Users,
    Tokens,
    Statuses,
    Meta,
    PeerLinks,
    SecurityEvents,
    Done,
}

/// Where the reading is: the table and the last key read of it.
#[derive(Debug, Clone, PartialEq)]
enum After {
    Start,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
    TextInt(String, i64),
}

/// A node's SQLite database being read out.
pub struct Export {
    conn: SqliteConnection,
    table: Table,
    after: After,
}

/// How many rows the copy will carry: object versions, audit entries, and all rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub objects: u64,
    pub audit_entries: u64,
    pub rows: u64,
}

impl Export {
    /// Opens the database at `path` (brought up to the current schema first) and starts the read
    /// transaction.
    pub async fn open(path: &Path) -> Result<Export, StoreError> {
        if !path.exists() {
            return Err(StoreError::Database(format!(
                "{} does not exist: not a node's database",
                path.display()
            )));
        }
        let options = SqliteConnectOptions::new().filename(path);
        let mut conn = SqliteConnection::connect_with(&options)
            .await
            .map_err(db_err)?;
        sqlx::migrate!("./migrations")
            .run(&mut conn)
            .await
            .map_err(|e| StoreError::Database(format!("migrating the database: {e}")))?;
        conn.close().await.map_err(db_err)?;
        let mut conn = SqliteConnection::connect_with(&options.read_only(true))
            .await
            .map_err(db_err)?;
        sqlx::query("BEGIN")
            .execute(&mut conn)
            .await
            .map_err(db_err)?;
        Ok(Export {
            conn,
            table: Table::Objects,
            after: After::Start,
        })
    }

    /// How many rows there are to copy (read in the transaction: the same moment as the rows).
    pub async fn counts(&mut self) -> Result<Counts, StoreError> {
        let mut counts = Counts::default();
        for (table, into) in [
            ("objects", Some(0)),
            ("audit_entries", Some(1)),
            ("object_refs", None),
            ("tree_heads", None),
            ("users", None),
            ("tokens", None),
            ("statuses", None),
            ("meta", None),
            ("peer_links", None),
            ("security_events", None),
        ] {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut self.conn)
                .await
                .map_err(db_err)?;
            let n = u64::try_from(n).unwrap_or(0);
            match into {
                Some(0) => counts.objects = n,
                Some(_) => counts.audit_entries = n,
                None => {}
            }
            counts.rows += n;
        }
        Ok(counts)
    }

    /// The next page of rows, or `None` once every table is read.
    pub async fn next(&mut self) -> Result<Option<Rows>, StoreError> {
        loop {
            let rows = match self.table {
                Table::Done => return Ok(None),
                Table::Objects => self.objects().await?,
                Table::Refs => self.refs().await?,
                Table::AuditEntries => self.audit_entries().await?,
                Table::TreeHeads => self.tree_heads().await?,
                Table::Users => {
                    self.text_keyed("users", "name", "role, password_hash", Rows::Users)
                        .await?
                }
                Table::Tokens => self.tokens().await?,
                Table::Statuses => {
                    self.text_keyed("statuses", "id", "owner, json", Rows::Statuses)
                        .await?
                }
                Table::Meta => self.meta().await?,
                Table::PeerLinks => self.peer_links().await?,
                Table::SecurityEvents => self.security_events().await?,
            };
            if !rows.is_empty() {
                return Ok(Some(rows));
            }
            self.table = match self.table {
                Table::Objects => Table::Refs,
                Table::Refs => Table::AuditEntries,
                Table::AuditEntries => Table::TreeHeads,
                Table::TreeHeads => Table::Users,
                Table::Users => Table::Tokens,
                Table::Tokens => Table::Statuses,
                Table::Statuses => Table::Meta,
                Table::Meta => Table::PeerLinks,
                Table::PeerLinks => Table::SecurityEvents,
                Table::SecurityEvents | Table::Done => Table::Done,
            };
            self.after = After::Start;
        }
    }

    fn after_int(&self) -> i64 {
        match self.after {
            After::Int(n) => n,
            _ => i64::MIN,
        }
    }

    fn after_text(&self) -> String {
        match &self.after {
            After::Text(t) => t.clone(),
            _ => String::new(),
        }
    }

    async fn objects(&mut self) -> Result<Rows, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, collection, id, object_type, version_ns, date_added_us, is_first, \
             is_last, originator, marking, audience, json, mac, root FROM objects \
             WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(self.after_int())
        .bind(PAGE)
        .fetch_all(&mut self.conn)
        .await
        .map_err(db_err)?;
        let out: Vec<ObjectRecord> = rows
            .iter()
            .map(|r| ObjectRecord {
                seq: r.get(0),
                collection: r.get(1),
                id: r.get(2),
                object_type: r.get(3),
                version_ns: r.get(4),
                date_added_us: r.get(5),
                is_first: r.get::<i64, _>(6) != 0,
                is_last: r.get::<i64, _>(7) != 0,
                originator: r.get(8),
                marking: r.get(9),
                audience: r.get(10),
                json: r.get(11),
                mac: r.get(12),
                root: r.get(13),
            })
            .collect();
        if let Some(last) = out.last() {
            self.after = After::Int(last.seq);
        }
        Ok(Rows::Objects(out))
    }

    async fn refs(&mut self) -> Result<Rows, StoreError> {
        // Keyed by the table's primary key (target, seq), which the row-value comparison uses.
        let (target, seq) = match &self.after {
            After::TextInt(t, s) => (t.clone(), *s),
            _ => (String::new(), i64::MIN),
        };
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT target, seq FROM object_refs WHERE (target, seq) > (?, ?) \
             ORDER BY target, seq LIMIT ?",
        )
        .bind(target)
        .bind(seq)
        .bind(PAGE)
        .fetch_all(&mut self.conn)
        .await
        .map_err(db_err)?;
        if let Some((t, s)) = rows.last() {
            self.after = After::TextInt(t.clone(), *s);
        }
        Ok(Rows::Refs(rows))
    }

    async fn audit_entries(&mut self) -> Result<Rows, StoreError> {
        let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = sqlx::query_as(
            "SELECT seq, entry, leaf_hash FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(self.after_int())
        .bind(PAGE)
        .fetch_all(&mut self.conn)
        .await
        .map_err(db_err)?;
        if let Some(last) = rows.last() {
            self.after = After::Int(last.0);
        }
        Ok(Rows::AuditEntries(rows))
    }

    async fn tree_heads(&mut self) -> Result<Rows, StoreError> {
        let rows: Vec<(i64, Vec<u8>, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT tree_size, root, ts_us, signature FROM tree_heads WHERE tree_size > ? \
             ORDER BY tree_size LIMIT ?",
        )
        .bind(self.after_int())
        .bind(PAGE)
        .fetch_all(&mut self.conn)
        .await
        .map_err(db_err)?;
        if let Some(last) = rows.last() {
            self.after = After::Int(last.0);
        }
        Ok(Rows::TreeHeads(rows))
    }

    /// A table of three text columns keyed by the first (users, statuses).
    async fn text_keyed(
        &mut self,
        table: &str,
        key: &str,
        rest: &str,
        wrap: fn(Vec<(String, String, String)>) -> Rows,
    ) -> Result<Rows, StoreError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(&format!(
            "SELECT {key}, {rest} FROM {table} WHERE {key} > ? ORDER BY {key} LIMIT ?"
        ))
        .bind(self.after_text())
        .bind(PAGE)
        .fetch_all(&mut self.conn)
        .await
        .map_err(db_err)?;
        if let Some(last) = rows.last() {
            self.after = After::Text(last.0.clone());
        }
        Ok(wrap(rows))
    }

    async fn tokens(&mut self) -> Result<Rows, StoreError> {
        let after = match &self.after {
            After::Blob(b) => b.clone(),
            _ => Vec::new(),
        };
        let rows: Vec<(Vec<u8>, String, String)> = sqlx::query_as(
            "SELECT hash, kind, subject FROM tokens WHERE hash > ? ORDER BY hash LIMIT ?",
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(&mut self.conn)
        .await
        .map_err(db_err)?;
        if let Some(last) = rows.last() {
            self.after = After::Blob(last.0.clone());
        }
        Ok(Rows::Tokens(rows))
    }

    async fn meta(&mut self) -> Result<Rows, StoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT key, value FROM meta WHERE key > ? ORDER BY key LIMIT ?")
                .bind(self.after_text())
                .bind(PAGE)
                .fetch_all(&mut self.conn)
                .await
                .map_err(db_err)?;
        if let Some(last) = rows.last() {
            self.after = After::Text(last.0.clone());
        }
        Ok(Rows::Meta(rows))
    }

    async fn peer_links(&mut self) -> Result<Rows, StoreError> {
        let rows = sqlx::query(
            "SELECT party, url, token, ca_pem, cursor FROM peer_links WHERE party > ? \
             ORDER BY party LIMIT ?",
        )
        .bind(self.after_text())
        .bind(PAGE)
        .fetch_all(&mut self.conn)
        .await
        .map_err(db_err)?;
        let links: Vec<PeerRecord> = rows
            .iter()
            .map(|r| PeerRecord {
                party: r.get(0),
                url: r.get(1),
                token: r.get(2),
                ca_pem: r.get(3),
                cursor: r.get(4),
            })
            .collect();
        if let Some(last) = links.last() {
            self.after = After::Text(last.party.clone());
        }
        Ok(Rows::PeerLinks(links))
    }

    async fn security_events(&mut self) -> Result<Rows, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, ts_us, kind, source, object, detail FROM security_events \
             WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(self.after_int())
        .bind(PAGE)
        .fetch_all(&mut self.conn)
        .await
        .map_err(db_err)?;
        let events: Vec<(i64, SecurityEvent)> = rows
            .iter()
            .map(|r| {
                (
                    r.get(0),
                    SecurityEvent {
                        ts_us: r.get(1),
                        kind: r.get(2),
                        source: r.get(3),
                        object: r.get(4),
                        detail: r.get(5),
                    },
                )
            })
            .collect();
        if let Some((seq, _)) = events.last() {
            self.after = After::Int(*seq);
        }
        Ok(Rows::SecurityEvents(events))
    }
}
