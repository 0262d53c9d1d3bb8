//! The SQLite store against the store contract (`entente_store::contract`, written once for
//! every backend), and what is SQLite's own: the id index and its migrations, the root column and
//! its backfill, writes cancelled at any point.

use super::*;
use entente_core::Tlp;
use entente_store::contract::{audit, batch, label, obj};
use entente_store::NewObject;

entente_store::store_contract!(async {
    let (dir, store) = super::store().await;
    (store, dir)
});

/// The key of the first scheme: the first 64 bits of the UUID (to make databases as
/// they were before migration 0004, and ids that shared a key).
fn uuid_prefix_key(id: &str) -> i64 {
    let uuid = id.rsplit_once("--").map_or(id, |(_, u)| u);
    let mut key: u64 = 0;
    let mut digits = 0;
    for c in uuid.bytes() {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => continue,
        };
        key = key << 4 | u64::from(d);
        digits += 1;
        if digits == 16 {
            return key as i64;
        }
    }
    0
}

struct NoSigner;
impl TreeHeadSigner for NoSigner {
    fn sign(&self, _: &[u8]) -> Vec<u8> {
        vec![0; 64]
    }
}

async fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("node.db"), Arc::new(NoSigner))
        .await
        .unwrap();
    (dir, s)
}

#[tokio::test]
async fn ids_sharing_an_index_key_stay_distinct() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("node.db");
    // Same first 64 bits of UUID, different ids (and one of another type): under the first key
    // scheme they shared a key; now their keys differ.
    let a = "note--11111111-2222-4333-8444-555555555555";
    let b = "note--11111111-2222-4333-9444-666666666666";
    let c = "report--11111111-2222-4333-8444-555555555555";
    assert_eq!(uuid_prefix_key(a), uuid_prefix_key(b));
    assert_eq!(uuid_prefix_key(a), uuid_prefix_key(c));
    assert_ne!(id_key(a), id_key(b));
    assert_ne!(id_key(a), id_key(c));
    {
        let s = SqliteStore::open(&path, Arc::new(NoSigner)).await.unwrap();
        let out = s
            .insert_objects(
                "c",
                batch(
                    vec![
                        obj(a, 1, Tlp::Green, "a"),
                        obj(b, 1, Tlp::Green, "b"),
                        obj(c, 1, Tlp::Green, "c"),
                    ],
                    audit(),
                    1,
                ),
            )
            .await
            .unwrap();
        assert!(
            out.iter()
                .all(|o| matches!(o, InsertOutcome::Stored { .. })),
            "{out:?}"
        );
    }
    // Make 64-bit keys collide, as they may by chance: the index of `a`'s key also names the
    // rows of `b` and `c`. Rows must still be matched on the full id.
    {
        let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        sqlx::query("UPDATE id_index_state SET upto = (SELECT MAX(seq) FROM objects)")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("INSERT OR IGNORE INTO id_index (id_key, seq) SELECT id_key, seq FROM objects")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("INSERT OR IGNORE INTO id_index (id_key, seq) SELECT ?, seq FROM objects")
            .bind(id_key(a))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let s = SqliteStore::open(&path, Arc::new(NoSigner)).await.unwrap();
    assert_eq!(s.ids.tail_len(), 0);
    for id in [a, b, c] {
        let v = s.versions_of("c", id).await.unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].id, id);
        let f = ScanFilter {
            ids: vec![id.to_owned()],
            with_json: true,
            ..Default::default()
        };
        let rows = s.scan("c", &f, None, 10).await.unwrap();
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            vec![id]
        );
    }
    // A duplicate of one is recognised as such, not confused with its neighbours.
    let out = s
        .insert_objects(
            "c",
            batch(
                vec![obj(b, 1, Tlp::Green, "b"), obj(a, 1, Tlp::Green, "x")],
                audit(),
                1,
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![InsertOutcome::Duplicate, InsertOutcome::Equivocation]
    );
    s.delete_versions("c", b, &[1], audit()).await.unwrap();
    assert!(s.versions_of("c", b).await.unwrap().is_empty());
    assert_eq!(s.versions_of("c", a).await.unwrap().len(), 1);
}

/// Each id with its versions as (version, is_first, is_last).
type VersionsById = Vec<(String, Vec<(i64, bool, bool)>)>;

/// Every id's versions with their first/last flags, as the store answers by id and by scan.
async fn by_id(s: &SqliteStore, ids: &[String]) -> VersionsById {
    let mut out = Vec::new();
    for id in ids {
        let versions: Vec<(i64, bool, bool)> = s
            .versions_of("c", id)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.version_ns, r.is_first, r.is_last))
            .collect();
        let f = ScanFilter {
            ids: vec![id.clone()],
            with_json: false,
            ..Default::default()
        };
        let scanned: Vec<(i64, bool, bool)> = s
            .scan("c", &f, None, 100)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.version_ns, r.is_first, r.is_last))
            .collect();
        assert_eq!(versions, scanned, "{id}: versions_of and scan disagree");
        out.push((id.clone(), versions));
    }
    out
}

#[tokio::test]
async fn id_index_answers_alike_from_table_tail_and_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("node.db");
    let mut s = SqliteStore::open(&path, Arc::new(NoSigner)).await.unwrap();
    s.merge_at = usize::MAX;
    let ids: Vec<String> = (0..16)
        .map(|i| format!("note--{i:08x}-0000-4000-8000-000000000000"))
        .collect();
    async fn insert(s: &SqliteStore, ids: &[String], version: i64) {
        let objects = ids
            .iter()
            .map(|id| obj(id, version, Tlp::Green, "x"))
            .collect();
        s.insert_objects("c", batch(objects, audit(), 1))
            .await
            .unwrap();
    }
    // Version 2 of 0..10 goes to the table; then version 1 of 0..5 (new first versions), version
    // 3 of 5..10 (new last versions) and version 2 of 10..16 stay in the tail.
    insert(&s, &ids[0..10], 2).await;
    merge_ids(&s.writer, &s.ids).await.unwrap();
    assert_eq!(s.ids.tail_len(), 0);
    insert(&s, &ids[0..5], 1).await;
    insert(&s, &ids[5..10], 3).await;
    insert(&s, &ids[10..16], 2).await;
    assert_eq!(s.ids.tail_len(), 16);
    let expected: VersionsById = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let v = match i {
                0..5 => vec![(2, false, true), (1, true, false)],
                5..10 => vec![(2, true, false), (3, false, true)],
                _ => vec![(2, true, true)],
            };
            (id.clone(), v)
        })
        .collect();
    assert_eq!(by_id(&s, &ids).await, expected);

    // Duplicates and equivocation are recognised wherever the stored version is indexed.
    let out = s
        .insert_objects(
            "c",
            batch(
                vec![
                    obj(&ids[0], 2, Tlp::Green, "x"),
                    obj(&ids[0], 1, Tlp::Green, "x"),
                    obj(&ids[12], 2, Tlp::Green, "other"),
                ],
                audit(),
                1,
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![
            InsertOutcome::Duplicate,
            InsertOutcome::Duplicate,
            InsertOutcome::Equivocation
        ]
    );

    // Deleting a version indexed in the table and one in the tail; the survivors take the flags.
    assert_eq!(
        s.delete_versions("c", &ids[1], &[2], audit())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.delete_versions("c", &ids[6], &[3], audit())
            .await
            .unwrap(),
        1
    );
    let mut expected = expected;
    expected[1].1 = vec![(1, true, true)];
    expected[6].1 = vec![(2, true, true)];
    assert_eq!(by_id(&s, &ids).await, expected);

    // Reopened with part of the index in the table and part in the tail: the same answers.
    drop(s);
    let s = SqliteStore::open(&path, Arc::new(NoSigner)).await.unwrap();
    assert_eq!(
        s.ids.tail_len(),
        15,
        "the tail is rebuilt from the rows after the table"
    );
    assert_eq!(by_id(&s, &ids).await, expected);
    merge_ids(&s.writer, &s.ids).await.unwrap();
    assert_eq!(by_id(&s, &ids).await, expected);

    // New rows after a reopen continue the sequence; the background merge runs once asked.
    let mut s = s;
    s.merge_at = 2;
    let more: Vec<String> = (0..3)
        .map(|i| format!("note--ffff{i:04x}-0000-4000-8000-000000000000"))
        .collect();
    s.insert_objects(
        "c",
        batch(
            more.iter().map(|id| obj(id, 1, Tlp::Green, "y")).collect(),
            audit(),
            1,
        ),
    )
    .await
    .unwrap();
    for _ in 0..200 {
        if s.ids.tail_len() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(s.ids.tail_len(), 0, "the background merge did not run");
    assert_eq!(by_id(&s, &ids).await, expected);
    assert_eq!(
        by_id(&s, &more).await,
        more.iter()
            .map(|id| (id.clone(), vec![(1, true, true)]))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_database_of_the_first_schema_keeps_its_objects_findable_by_id() {
    // A node created before the id index moved to its own table (migration 0002), with the keys
    // of the first scheme (rekeyed on open).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("node.db");
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
    let mut first = sqlx::migrate!("./migrations");
    first.migrations = first
        .migrations
        .iter()
        .filter(|m| m.version == 1)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    first.run(&mut conn).await.unwrap();
    let ids: Vec<String> = (0..5)
        .map(|i| format!("note--{i:08x}-1111-4000-8000-000000000000"))
        .collect();
    for (seq, id) in ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO objects (seq, collection, id, id_key, object_type, version_ns, date_added_us, \
             is_first, is_last, originator, marking, audience, json, mac) \
             VALUES (?, 'c', ?, ?, 'note', 7, ?, 1, 1, 'KZ', 1, NULL, '{}', x'01')",
        )
        .bind(seq as i64 + 1)
        .bind(id)
        .bind(uuid_prefix_key(id))
        .bind(seq as i64 + 1)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    drop(conn);

    let s = SqliteStore::open(&path, Arc::new(NoSigner)).await.unwrap();
    assert_eq!(
        s.ids.tail_len(),
        0,
        "migrated rows are in the table, not the tail"
    );
    for id in &ids {
        assert_eq!(
            by_id(&s, std::slice::from_ref(id)).await[0].1,
            vec![(7, true, true)]
        );
    }
    // New rows continue after the old ones.
    let out = s
        .insert_objects(
            "c",
            batch(vec![obj(&ids[0], 8, Tlp::Green, "x")], audit(), 1),
        )
        .await
        .unwrap();
    assert!(matches!(out[0], InsertOutcome::Stored { .. }));
    assert_eq!(
        by_id(&s, &ids[..1]).await[0].1,
        vec![(7, true, false), (8, false, true)]
    );
}

/// A write whose caller goes away (a client that disconnects drops its request's future) still
/// either happens whole or not at all, and the store keeps working: cancelled at any point —
/// even while SQLite commits — it must not leave the writer's sequence numbers and audit frontier
/// behind the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_cancelled_at_any_point_leave_the_store_consistent() {
    let (_d, s) = store().await;
    let s = Arc::new(s);
    for i in 0..400u32 {
        let s2 = s.clone();
        let write = async move {
            s2.insert_objects(
                "c",
                batch(
                    vec![obj(&format!("id-{i}"), 1, Tlp::Green, "x")],
                    audit(),
                    i64::from(i),
                ),
            )
            .await
        };
        // Give up on the write after a varying few microseconds, as a vanishing client would.
        let _ = tokio::time::timeout(Duration::from_micros(u64::from(i % 40) * 25), write).await;
        let _ = tokio::time::timeout(
            Duration::from_micros(u64::from(i % 7) * 30),
            s.append_audit(audit()),
        )
        .await;
    }
    // Every later write works, and the audit log is whole.
    s.insert_objects(
        "c",
        batch(vec![obj("after", 1, Tlp::Green, "x")], audit(), 10_000),
    )
    .await
    .unwrap();
    s.append_audit(audit()).await.unwrap();
    let entries = s.audit_entries(0, 100_000).await.unwrap();
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(
            e.seq,
            i as i64 + 1,
            "audit entries are numbered without gaps"
        );
    }
    let heads = s.tree_heads().await.unwrap();
    assert_eq!(heads.last().unwrap().tree_size, entries.len() as i64);
    let rows = s.all_objects(None, 100_000).await.unwrap();
    let mut seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
    seqs.dedup();
    assert_eq!(seqs.len(), rows.len());
}

/// The thread is read by the index, not by a scan of every row.
#[tokio::test]
async fn threads_are_read_by_the_root_index() {
    let (_d, s) = store().await;
    let plan: Vec<String> = sqlx::query(
        "EXPLAIN QUERY PLAN SELECT seq FROM objects WHERE collection = 'c' AND root = 'w1' ORDER BY seq",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<String, _>(3))
    .collect();
    assert!(
        plan.iter().any(|d| d.contains("objects_by_root")),
        "{plan:?}"
    );
}

/// A row as a store before a migration would have written it: nothing indexed beyond its id.
fn stored_before(id: &str, object_type: &str, json: &str) -> NewObject {
    NewObject {
        id: id.into(),
        object_type: object_type.into(),
        version_ns: Some(1),
        label: label(Tlp::Green),
        mac: json.as_bytes().to_vec(),
        json: json.into(),
        class: entente_core::write::Class::Plain,
        based_on: Default::default(),
        root: None,
        refers_to: Vec::new(),
    }
}

/// Runs the statements of a migration that hold `kind` (its backfill), on rows already stored.
async fn backfill(conn: &mut sqlx::SqliteConnection, migration: &str, kind: &str) {
    let statements: String = migration
        .split(';')
        .filter(|st| st.contains(kind))
        .map(|st| format!("{st};"))
        .collect();
    sqlx::raw_sql(&statements).execute(conn).await.unwrap();
}

/// Migration 0005's backfill gives the rows stored before it their root, from their JSON.
#[tokio::test]
async fn the_roots_of_rows_stored_before_the_migration_are_backfilled() {
    let (_d, s) = store().await;
    let ext = "extension-definition--84bb86cc-86f5-5b0d-a56d-92409f953efa";
    let w = "x-entente-warning--00000000-0000-4000-8000-000000000001";
    let row = |id: &str, ty: &str, json: String| stored_before(id, ty, &json);
    let objects = vec![
        row(w, "x-entente-warning", format!(r#"{{"id":"{w}"}}"#)),
        row(
            "sighting--1",
            "sighting",
            format!(r#"{{"sighting_of_ref":"{w}"}}"#),
        ),
        row(
            "note--ack",
            "note",
            format!(
                r#"{{"object_refs":["identity--x","{w}"],"extensions":{{"{ext}":{{"warning":{{"role":"acknowledgement"}}}}}}}}"#
            ),
        ),
        row(
            "note--plain",
            "note",
            format!(r#"{{"object_refs":["{w}"]}}"#),
        ),
        row(
            "sighting--2",
            "sighting",
            r#"{"sighting_of_ref":"indicator--1"}"#.into(),
        ),
    ];
    s.insert_objects("c", batch(objects, audit(), 1))
        .await
        .unwrap();
    let mut w_conn = s.writer.lock().await;
    backfill(
        &mut w_conn.conn,
        include_str!("../migrations/0005_roots.sql"),
        "UPDATE",
    )
    .await;
    let roots: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, root FROM objects ORDER BY seq")
            .fetch_all(&mut w_conn.conn)
            .await
            .unwrap();
    assert_eq!(
        roots,
        vec![
            (w.to_owned(), Some(w.to_owned())),
            ("sighting--1".into(), Some(w.to_owned())),
            ("note--ack".into(), Some(w.to_owned())),
            ("note--plain".into(), None),
            ("sighting--2".into(), None),
        ]
    );
}

/// What points to an object is read by the references' key, not by a scan of every row.
#[tokio::test]
async fn what_points_to_an_object_is_read_by_the_refs_key() {
    let (_d, s) = store().await;
    let plan: Vec<String> = sqlx::query(
        "EXPLAIN QUERY PLAN SELECT seq FROM objects WHERE collection = 'c' AND seq > 0 \
         AND seq IN (SELECT seq FROM object_refs WHERE target = 'x') ORDER BY seq LIMIT 10",
    )
    .fetch_all(&s.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<String, _>(3))
    .collect();
    assert!(
        plan.iter()
            .any(|d| d.contains("object_refs") && d.contains("target=?")),
        "{plan:?}"
    );
    assert!(
        !plan.iter().any(|d| d.starts_with("SCAN objects")),
        "{plan:?}"
    );
}

/// Migration 0007's backfill gives the rows stored before it their references, from their JSON:
/// single and listed references, not the creator nor the markings.
#[tokio::test]
async fn the_refs_of_rows_stored_before_the_migration_are_backfilled() {
    let (_d, s) = store().await;
    let row = |id: &str, json: &str| stored_before(id, "relationship", json);
    let objects = vec![
        row(
            "relationship--1",
            r#"{"source_ref":"a","target_ref":"b","created_by_ref":"me","object_marking_refs":["m"]}"#,
        ),
        row("report--1", r#"{"object_refs":["b","c"],"name":"b"}"#),
    ];
    s.insert_objects("c", batch(objects, audit(), 1))
        .await
        .unwrap();
    let mut w_conn = s.writer.lock().await;
    backfill(
        &mut w_conn.conn,
        include_str!("../migrations/0007_refs.sql"),
        "INSERT",
    )
    .await;
    let refs: Vec<(String, i64)> =
        sqlx::query_as("SELECT target, seq FROM object_refs ORDER BY seq, target")
            .fetch_all(&mut w_conn.conn)
            .await
            .unwrap();
    let seqs: Vec<i64> = sqlx::query_scalar("SELECT seq FROM objects ORDER BY seq")
        .fetch_all(&mut w_conn.conn)
        .await
        .unwrap();
    assert_eq!(
        refs,
        vec![
            ("a".to_owned(), seqs[0]),
            ("b".to_owned(), seqs[0]),
            ("b".to_owned(), seqs[1]),
            ("c".to_owned(), seqs[1]),
        ]
    );
}

/// Migration 0008's backfill derives from the stored audiences the keys a write stores
/// (`entente_core::candidates::audience_keys`): rows stored before it are read as rows after.
#[tokio::test]
async fn the_audience_keys_of_rows_stored_before_the_migration_are_backfilled() {
    let (d, s) = store().await;
    entente_store::contract::scans_with_candidates_keep_every_row_the_reader_may_see(&s, true)
        .await;
    let keys = || {
        sqlx::query_as::<_, (String, i64)>("SELECT key, seq FROM object_audience ORDER BY key, seq")
            .fetch_all(&s.pool)
    };
    let written = keys().await.unwrap();
    assert!(written.len() > 50, "{}", written.len());
    let migration = include_str!("../migrations/0008_audience.sql");
    let backfill = &migration[migration.find("INSERT OR IGNORE").unwrap()..];
    let mut conn = SqliteConnection::connect_with(
        &SqliteConnectOptions::new().filename(d.path().join("node.db")),
    )
    .await
    .unwrap();
    sqlx::query("DELETE FROM object_audience")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(backfill).execute(&mut conn).await.unwrap();
    assert_eq!(keys().await.unwrap(), written);
}
