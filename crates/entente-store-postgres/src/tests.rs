//! The PostgreSQL store against the store contract (`entente_store::contract`, the SQLite store's
//! too), and what is PostgreSQL's own: two stores on one database — as two processes of one node
//! are — writing at once, and the URL's password never shown.
//!
//! Each test gets a database of its own on the cluster `TEST_POSTGRES_URL` names (`./scripts/test`
//! starts a private one with `scripts/pg-cluster`); without it the tests fail and say so.

use super::*;
use entente_core::Tlp;
use entente_store::contract::{audit, batch, obj};

struct NoSigner;
impl TreeHeadSigner for NoSigner {
    fn sign(&self, _: &[u8]) -> Vec<u8> {
        vec![0; 64]
    }
}

/// A new, empty database on the test cluster: its URL.
async fn fresh_database() -> String {
    let admin = std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "TEST_POSTGRES_URL must name a PostgreSQL database the tests may create databases \
             from (./scripts/test starts a private cluster; by hand: scripts/pg-cluster start DIR)"
        )
    });
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(&admin)
        .await
        .expect("the test cluster answers");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .expect("a test database is created");
    pool.close().await;
    let (base, _) = admin
        .split_once('?')
        .map_or((admin.as_str(), ""), |(b, q)| (b, q));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    format!("{base}/{name}")
}

async fn store() -> ((), PostgresStore) {
    let url = fresh_database().await;
    (
        (),
        PostgresStore::connect(&url, Arc::new(NoSigner))
            .await
            .unwrap(),
    )
}

entente_store::store_contract!(async {
    let (keep, store) = super::store().await;
    (store, keep)
});

/// Visibility in the query: a scan given a reader's candidates returns exactly them — the rows
/// the reader certainly may not see are left out by PostgreSQL, not read and dropped.
#[tokio::test]
async fn scans_leave_out_in_sql_what_the_reader_may_not_see() {
    let (_keep, s) = store().await;
    entente_store::contract::scans_with_candidates_keep_every_row_the_reader_may_see(&s, true)
        .await;
}

/// The keys `store copy` (and migration 0002, the same SQL) derive from the stored audiences are
/// the ones a write stores (`entente_core::candidates::audience_keys`).
#[tokio::test]
async fn audience_keys_derived_in_sql_are_those_a_write_stores() {
    let (_keep, s) = store().await;
    entente_store::contract::scans_with_candidates_keep_every_row_the_reader_may_see(&s, true)
        .await;
    let keys = || {
        sqlx::query_as::<_, (String, i64)>("SELECT key, seq FROM object_audience ORDER BY key, seq")
            .fetch_all(s.pool())
    };
    let written = keys().await.unwrap();
    assert!(written.len() > 50, "{}", written.len());
    sqlx::query("DELETE FROM object_audience")
        .execute(s.pool())
        .await
        .unwrap();
    sqlx::query(crate::import::AUDIENCE_KEYS)
        .execute(s.pool())
        .await
        .unwrap();
    assert_eq!(keys().await.unwrap(), written);
}

#[test]
fn the_password_of_a_url_is_never_shown() {
    assert_eq!(
        redacted("postgres://entente:s3cret@db.example:5432/entente"),
        "postgres://entente:***@db.example:5432/entente"
    );
    assert_eq!(
        redacted("postgres://entente@db.example/entente?sslmode=require&password=s3cret"),
        "postgres://entente@db.example/entente?sslmode=require&password=***"
    );
    assert_eq!(
        redacted("postgres://db.example/entente"),
        "postgres://db.example/entente"
    );
    assert!(!redacted("postgres://a:p@ss@h/d").contains("p@ss"));
}

#[tokio::test]
async fn a_bad_url_is_refused_without_its_password() {
    let e = PostgresStore::connect(
        "postgres://u:s3cret@127.0.0.1:notaport/x",
        Arc::new(NoSigner),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(!e.contains("s3cret"), "{e}");
    assert!(e.contains("***"), "{e}");
}

/// Two stores on one database — two processes of one node — write at once: every write gets a
/// `date_added` of its own, strictly increasing in `seq` order; paging through either sees each
/// object once; one audit log whose tree heads each cover the entries before them.
#[tokio::test]
async fn two_processes_on_one_database_write_as_one_node() {
    let url = fresh_database().await;
    let a = Arc::new(
        PostgresStore::connect(&url, Arc::new(NoSigner))
            .await
            .unwrap(),
    );
    let b = Arc::new(
        PostgresStore::connect(&url, Arc::new(NoSigner))
            .await
            .unwrap(),
    );
    let writes = 40;
    let mut tasks = Vec::new();
    for (k, s) in [a.clone(), b.clone()].into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            for i in 0..writes {
                let id = format!("note--00000000-0000-4000-8000-{k:04}{i:08}");
                let objects = vec![obj(&id, 1, Tlp::Green, "b")];
                s.insert_objects("c", batch(objects, audit(), 1))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    for s in [&a, &b] {
        let rows = s
            .scan("c", &ScanFilter::default(), None, 10_000)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2 * writes);
        let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 2 * writes, "each object once");
        for w in rows.windows(2) {
            assert!(w[0].seq < w[1].seq);
            assert!(
                w[0].date_added_us < w[1].date_added_us,
                "one date_added per write, strictly increasing"
            );
        }
    }
    // One log: 80 entries, and the tree head over each prefix is that prefix's root.
    let entries = a.audit_entries(0, 10_000).await.unwrap();
    assert_eq!(entries.len(), 2 * writes);
    let heads = b.tree_heads().await.unwrap();
    let mut frontier = Frontier::default();
    for (e, h) in entries.iter().zip(&heads) {
        assert_eq!(e.seq, h.tree_size);
        frontier.push(entente_core::audit::leaf_hash(&e.entry));
        assert_eq!(h.root, frontier.root().to_vec());
    }
}

/// What one store on a database announces — the types a write stored (sent with its commit), a
/// poke — reaches every other store listening on that database, and never the store that said it.
#[tokio::test]
async fn announcements_reach_the_other_processes_and_not_their_sender() {
    use entente_store::{Announcement, Listener};
    use std::sync::Mutex;
    let url = fresh_database().await;
    let a = PostgresStore::connect(&url, Arc::new(NoSigner))
        .await
        .unwrap();
    let b = PostgresStore::connect(&url, Arc::new(NoSigner))
        .await
        .unwrap();
    let heard = || {
        let got: Arc<Mutex<Vec<Announcement>>> = Arc::default();
        let sink = got.clone();
        let listener: Listener = Arc::new(move |a| sink.lock().unwrap().push(a));
        (got, listener)
    };
    let (by_a, to_a) = heard();
    let (by_b, to_b) = heard();
    assert!(a.listen(to_a).await.unwrap());
    assert!(b.listen(to_b).await.unwrap());
    a.insert_objects(
        "c",
        batch(vec![obj("note--1", 1, Tlp::Green, "x")], audit(), 1),
    )
    .await
    .unwrap();
    a.announce(Announcement::Poked("CN".into())).await.unwrap();
    let want = vec![
        Announcement::Stored(Some(vec!["note".into()])),
        Announcement::Poked("CN".into()),
    ];
    // Waits, ten seconds at most, until `got` holds `n` announcements.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let until_heard = |got: Arc<Mutex<Vec<Announcement>>>, n: usize| async move {
        while got.lock().unwrap().len() < n && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    until_heard(by_b.clone(), want.len()).await;
    assert_eq!(*by_b.lock().unwrap(), want);
    // A duplicate stores nothing and announces nothing; the sender never hears itself.
    a.insert_objects(
        "c",
        batch(vec![obj("note--1", 1, Tlp::Green, "x")], audit(), 2),
    )
    .await
    .unwrap();
    b.announce(Announcement::Poked("KZ".into())).await.unwrap();
    until_heard(by_a.clone(), 1).await;
    assert_eq!(
        *by_a.lock().unwrap(),
        vec![Announcement::Poked("KZ".into())]
    );
    assert_eq!(by_b.lock().unwrap().len(), want.len());
}
