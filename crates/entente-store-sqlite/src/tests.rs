//! The SQLite store against its contract: idempotent inserts, equivocation refused, first/last
//! flags kept right across inserts and deletes, one `date_added` per write and strictly increasing
//! from write to write, and visible
//! reads that neither skip nor repeat.

use super::*;
use entente_core::{AccessLabel, Audience, PartyCode, Role, Tier, Tlp, UserRef, Viewer};
use entente_store::read::{page, visible_versions, Query, VersionMatch};
use entente_store::{Batch, NewObject, WriteGuard};

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

/// The store's own tests are of the store: every write is allowed (the node's guard is tested
/// with the node).
struct AllowAll;
impl WriteGuard for AllowAll {
    fn check(
        &self,
        _: &NewObject,
        _: &[HeldVersion<'_>],
    ) -> Result<(), entente_core::WriteRefusal> {
        Ok(())
    }
}

fn batch(objects: Vec<NewObject>, audit: AuditRecord, now_us: i64) -> Batch {
    Batch {
        objects,
        audit,
        now_us,
        guard: Arc::new(AllowAll),
        raised: Vec::new(),
    }
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

fn label(marking: Tlp) -> AccessLabel {
    AccessLabel {
        originator: PartyCode::parse("KZ").unwrap(),
        marking,
        audience: None,
    }
}

fn obj(id: &str, version: i64, marking: Tlp, body: &str) -> NewObject {
    let json = format!("{{\"id\":\"{id}\",\"v\":{version},\"b\":\"{body}\"}}");
    NewObject {
        id: id.into(),
        object_type: "note".into(),
        version_ns: Some(version),
        label: label(marking),
        // The store tells duplicates by the MAC: any function of the content will do here.
        mac: json.as_bytes().to_vec(),
        json,
        class: entente_core::write::Class::Plain,
        based_on: Default::default(),
        root: None,
    }
}

fn audit() -> AuditRecord {
    AuditRecord {
        ts_us: 1,
        principal: "test".into(),
        action: "add".into(),
        collection: None,
        objects: vec![],
        outcome: "ok".into(),
        detail: None,
    }
}

fn observer() -> Viewer {
    Viewer::Node {
        party: PartyCode::parse("MN").unwrap(),
        tier: Tier::Observer,
        holder: PartyCode::parse("KZ").unwrap(),
    }
}

#[tokio::test]
async fn duplicates_equivocation_flags_and_date_added() {
    let (_d, s) = store().await;
    let out = s
        .insert_objects(
            "c",
            batch(
                vec![
                    obj("a", 2, Tlp::Green, "x"),
                    obj("a", 1, Tlp::Green, "y"),
                    obj("a", 3, Tlp::Green, "z"),
                ],
                audit(),
                100,
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![
            // One write, one date_added: its gaps tell nothing of what a reader may not see.
            InsertOutcome::Stored { date_added_us: 100 },
            InsertOutcome::Stored { date_added_us: 100 },
            InsertOutcome::Stored { date_added_us: 100 }
        ]
    );
    let out = s
        .insert_objects(
            "c",
            batch(
                vec![
                    obj("a", 2, Tlp::Green, "x"),
                    obj("a", 2, Tlp::Green, "forged"),
                ],
                audit(),
                50,
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![InsertOutcome::Duplicate, InsertOutcome::Equivocation]
    );
    // The refused equivocation is a security event, written in the same transaction.
    let events = s.security_events(0, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event.kind, "equivocation");
    assert_eq!(events[0].event.object.as_deref(), Some("a@2"));
    assert_eq!(events[0].event.source, "test");
    let flags = |rows: Vec<ObjectRow>| {
        rows.iter()
            .map(|r| (r.version_ns, r.is_first, r.is_last))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        flags(s.versions_of("c", "a").await.unwrap()),
        vec![(2, false, false), (1, true, false), (3, false, true)]
    );
    // The clock went backwards; date_added still increases.
    let out = s
        .insert_objects("c", batch(vec![obj("a", 4, Tlp::Green, "w")], audit(), 50))
        .await
        .unwrap();
    assert_eq!(out, vec![InsertOutcome::Stored { date_added_us: 101 }]);
    s.delete_versions("c", "a", &[4, 1], audit()).await.unwrap();
    assert_eq!(
        flags(s.versions_of("c", "a").await.unwrap()),
        vec![(2, true, false), (3, false, true)]
    );
    // Every write left one audit entry and one tree head.
    assert_eq!(s.audit_entries(0, 100).await.unwrap().len(), 4);
    assert_eq!(s.tree_heads().await.unwrap().len(), 4);
}

#[tokio::test]
async fn last_and_first_are_among_visible_versions() {
    let (_d, s) = store().await;
    s.insert_objects(
        "c",
        batch(
            vec![obj("a", 1, Tlp::Green, "x"), obj("a", 2, Tlp::Amber, "y")],
            audit(),
            1,
        ),
    )
    .await
    .unwrap();
    let q = Query {
        versions: VersionMatch::last(),
        spec_version_matches: true,
        ..Default::default()
    };
    // An observer may not see the AMBER version: version 1 is the last it can see.
    let p = page(&s, "c", &observer(), &q, None, 10, true)
        .await
        .unwrap();
    assert_eq!(
        p.rows.iter().map(|r| r.version_ns).collect::<Vec<_>>(),
        vec![1]
    );
    let member = Viewer::User {
        user: UserRef::parse("RU:a").unwrap(),
        tier: Tier::Member,
        role: Role::Analyst,
    };
    let p = page(&s, "c", &member, &q, None, 10, true).await.unwrap();
    assert_eq!(
        p.rows.iter().map(|r| r.version_ns).collect::<Vec<_>>(),
        vec![2]
    );
    assert_eq!(
        visible_versions(&s, "c", &observer(), "a")
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn paging_neither_skips_nor_repeats_while_others_add() {
    let (_d, s) = store().await;
    let mut n = 0;
    let mut add = |count: usize| {
        let batch: Vec<NewObject> = (0..count)
            .map(|_| {
                n += 1;
                let marking = if n % 3 == 0 { Tlp::Amber } else { Tlp::Green };
                obj(&format!("o{n}"), 1, marking, "b")
            })
            .collect();
        batch
    };
    s.insert_objects("c", batch(add(50), audit(), 1))
        .await
        .unwrap();
    let q = Query {
        versions: VersionMatch::last(),
        spec_version_matches: true,
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let p = page(&s, "c", &observer(), &q, cursor, 7, false)
            .await
            .unwrap();
        seen.extend(p.rows.iter().map(|r| r.id.clone()));
        cursor = p.rows.last().map(|r| r.seq);
        s.insert_objects("c", batch(add(5), audit(), 1))
            .await
            .unwrap();
        if !p.more {
            break;
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no repeats");
    // Every GREEN object that existed when its page was read was seen: none skipped.
    let all_visible = s
        .scan("c", &ScanFilter::default(), None, 100_000)
        .await
        .unwrap();
    let expected: Vec<String> = all_visible
        .iter()
        .filter(|r| r.label.marking == Tlp::Green)
        .map(|r| r.id.clone())
        .take(seen.len())
        .collect();
    assert_eq!(seen, expected);
    assert!(seen.len() > 30);
}

#[tokio::test]
async fn audience_round_trips_through_the_database() {
    let (_d, s) = store().await;
    let mut o = obj("r", 1, Tlp::Red, "x");
    o.label.audience = Some(Audience {
        users: vec![UserRef::parse("MN:a").unwrap()],
        ..Default::default()
    });
    s.insert_objects("c", batch(vec![o], audit(), 1))
        .await
        .unwrap();
    let rows = s.versions_of("c", "r").await.unwrap();
    assert_eq!(
        rows[0].label.audience.as_ref().unwrap().users[0].to_string(),
        "MN:a"
    );
    // The observer's node receives it (a user of its state is named).
    let q = Query {
        versions: VersionMatch::all(),
        spec_version_matches: true,
        ..Default::default()
    };
    assert_eq!(
        page(&s, "c", &observer(), &q, None, 10, true)
            .await
            .unwrap()
            .rows
            .len(),
        1
    );
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

fn link(party: &str, cursor: Option<&str>) -> PeerLink {
    PeerLink {
        party: party.into(),
        url: format!("http://{party}.example/"),
        token: "secret".into(),
        ca_pem: None,
        cursor: cursor.map(str::to_owned),
    }
}

fn pull(peer: &str, cursor: &str, events: Vec<SecurityEvent>) -> PullCommit {
    PullCommit {
        peer: peer.into(),
        cursor: cursor.into(),
        events,
    }
}

#[tokio::test]
async fn a_pull_advances_its_cursor_and_records_its_events_with_its_objects() {
    let (_d, s) = store().await;
    s.set_peer_link(link("CN", None)).await.unwrap();
    let refused = SecurityEvent {
        ts_us: 7,
        kind: "refused-from-peer".into(),
        source: "peer:CN".into(),
        object: Some("b".into()),
        detail: "the signature does not verify".into(),
    };
    let out = s
        .insert_pulled(
            "c",
            batch(vec![obj("a", 1, Tlp::Green, "x")], audit(), 10),
            pull("CN", "2019-06-14T08:00:00.000001Z", vec![refused.clone()]),
        )
        .await
        .unwrap();
    assert_eq!(out, vec![InsertOutcome::Stored { date_added_us: 10 }]);
    let links = s.peer_links().await.unwrap();
    assert_eq!(
        links[0].cursor.as_deref(),
        Some("2019-06-14T08:00:00.000001Z")
    );
    assert_eq!(s.security_events(0, 10).await.unwrap()[0].event, refused);
    // Re-adding the link (a new URL or token) keeps how far the pull has come.
    let mut moved = link("CN", None);
    moved.url = "http://cn2.example/".into();
    s.set_peer_link(moved).await.unwrap();
    let links = s.peer_links().await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].url, "http://cn2.example/");
    assert_eq!(
        links[0].cursor.as_deref(),
        Some("2019-06-14T08:00:00.000001Z")
    );
    assert!(!format!("{:?}", links[0]).contains("secret"));
    // A resync starts the pull over.
    assert!(s.reset_peer_cursor("CN").await.unwrap());
    assert_eq!(s.peer_links().await.unwrap()[0].cursor, None);
    assert!(!s.reset_peer_cursor("RU").await.unwrap());
    // A pull from a peer with no link is refused whole: nothing of it is stored.
    let err = s
        .insert_pulled(
            "c",
            batch(vec![obj("z", 1, Tlp::Green, "x")], audit(), 20),
            pull("RU", "x", vec![refused]),
        )
        .await;
    assert!(err.is_err());
    assert!(s.versions_of("c", "z").await.unwrap().is_empty());
    assert_eq!(s.security_events(0, 10).await.unwrap().len(), 1);
    assert_eq!(s.count_objects().await.unwrap(), 1);
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

#[tokio::test]
async fn scans_select_workflow_threads_by_their_stored_root() {
    let (_d, s) = store().await;
    let rooted = |id: &str, root: Option<&str>| {
        let mut o = obj(id, 1, Tlp::Green, "x");
        o.root = root.map(str::to_owned);
        o
    };
    s.insert_objects(
        "c",
        batch(
            vec![
                rooted("w1", Some("w1")),
                rooted("plain", None),
                rooted("ack", Some("w1")),
                rooted("w2", Some("w2")),
            ],
            audit(),
            1,
        ),
    )
    .await
    .unwrap();
    let ids = |root: Option<entente_store::Root>| {
        let filter = ScanFilter {
            root,
            ..Default::default()
        };
        let s = &s;
        async move {
            s.scan("c", &filter, None, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids(Some(entente_store::Root::Of("w1".into()))).await,
        ["w1", "ack"]
    );
    assert_eq!(
        ids(Some(entente_store::Root::Any)).await,
        ["w1", "ack", "w2"]
    );
    assert_eq!(ids(None).await.len(), 4);
    // The thread is read by the index, not by a scan of every row.
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

/// Migration 0005's backfill gives the rows stored before it their root, from their JSON.
#[tokio::test]
async fn the_roots_of_rows_stored_before_the_migration_are_backfilled() {
    let (_d, s) = store().await;
    let ext = "extension-definition--84bb86cc-86f5-5b0d-a56d-92409f953efa";
    let w = "x-entente-warning--00000000-0000-4000-8000-000000000001";
    let row = |id: &str, ty: &str, json: String| NewObject {
        id: id.into(),
        object_type: ty.into(),
        version_ns: Some(1),
        label: label(Tlp::Green),
        mac: json.as_bytes().to_vec(),
        json,
        class: entente_core::write::Class::Plain,
        based_on: Default::default(),
        root: None,
    };
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
    let migration = include_str!("../migrations/0005_roots.sql");
    let backfill: String = migration
        .split(';')
        .filter(|st| st.contains("UPDATE"))
        .map(|st| format!("{st};"))
        .collect();
    let mut w_conn = s.writer.lock().await;
    sqlx::raw_sql(&backfill)
        .execute(&mut w_conn.conn)
        .await
        .unwrap();
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
