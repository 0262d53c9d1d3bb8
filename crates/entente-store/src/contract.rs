//! The store's contract, written once against the [`Store`] trait: what any backend must do
//! (idempotent inserts, equivocation refused, first/last flags kept right, one `date_added` per
//! write and strictly increasing from write to write, visible reads that neither skip nor repeat,
//! labels that round-trip, a pull's cursor and events committed with its objects, threads
//! selected by their stored root). A backend runs the whole suite with
//! [`store_contract!`](crate::store_contract), given an expression that makes an empty store:
//!
//! ```ignore
//! entente_store::store_contract!(async { let d = tempfile::tempdir().unwrap(); (SqliteStore::open(..).await.unwrap(), d) });
//! ```
//!
//! Built only with the `contract` feature (a backend's dev-dependency). The store's own
//! contract is of the store: every write is allowed (the node's guard is tested with the node).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::read::{page, visible_versions, Query, VersionMatch};
use crate::{
    AuditRecord, Batch, HeldVersion, InsertOutcome, NewObject, ObjectRow, PeerLink, PullCommit,
    ScanFilter, SecurityEvent, Store, WriteGuard,
};
use entente_core::{AccessLabel, Audience, PartyCode, Role, Tier, Tlp, UserRef, Viewer};
use std::sync::Arc;

/// Every write allowed.
pub struct AllowAll;
impl WriteGuard for AllowAll {
    fn check(
        &self,
        _: &NewObject,
        _: &[HeldVersion<'_>],
    ) -> Result<(), entente_core::WriteRefusal> {
        Ok(())
    }
}

/// A batch of `objects` under [`AllowAll`].
pub fn batch(objects: Vec<NewObject>, audit: AuditRecord, now_us: i64) -> Batch {
    Batch {
        objects,
        audit,
        now_us,
        guard: Arc::new(AllowAll),
        raised: Vec::new(),
    }
}

pub fn label(marking: Tlp) -> AccessLabel {
    AccessLabel {
        originator: PartyCode::parse("KZ").unwrap(),
        marking,
        audience: None,
    }
}

/// A note of KZ's: `id` at `version`, marked `marking`, its content told apart by `body`.
pub fn obj(id: &str, version: i64, marking: Tlp, body: &str) -> NewObject {
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
        refers_to: Vec::new(),
    }
}

pub fn audit() -> AuditRecord {
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

pub fn observer() -> Viewer {
    Viewer::Node {
        party: PartyCode::parse("MN").unwrap(),
        tier: Tier::Observer,
        holder: PartyCode::parse("KZ").unwrap(),
    }
}

pub fn link(party: &str, cursor: Option<&str>) -> PeerLink {
    PeerLink {
        party: party.into(),
        url: format!("http://{party}.example/"),
        token: "secret".into(),
        ca_pem: None,
        cursor: cursor.map(str::to_owned),
    }
}

pub fn pull(peer: &str, cursor: &str, events: Vec<SecurityEvent>) -> PullCommit {
    PullCommit {
        peer: peer.into(),
        cursor: cursor.into(),
        events,
    }
}

pub async fn duplicates_equivocation_flags_and_date_added(s: &dyn Store) {
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

/// The latest tree head is the last of all the heads, and none before any write.
pub async fn the_latest_tree_head_is_the_last(s: &dyn Store) {
    assert!(s.latest_tree_head().await.unwrap().is_none());
    for n in 1..=3 {
        s.insert_objects(
            "c",
            batch(
                vec![obj(&format!("h{n}"), 1, Tlp::Green, "x")],
                audit(),
                100 + n,
            ),
        )
        .await
        .unwrap();
    }
    let all = s.tree_heads().await.unwrap();
    assert!(!all.is_empty());
    assert_eq!(s.latest_tree_head().await.unwrap().as_ref(), all.last());
}

pub async fn last_and_first_are_among_visible_versions(s: &dyn Store) {
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
    let p = page(s, "c", &observer(), &q, None, 10, true).await.unwrap();
    assert_eq!(
        p.rows.iter().map(|r| r.version_ns).collect::<Vec<_>>(),
        vec![1]
    );
    let member = Viewer::User {
        user: UserRef::parse("RU:a").unwrap(),
        tier: Tier::Member,
        role: Role::Analyst,
    };
    let p = page(s, "c", &member, &q, None, 10, true).await.unwrap();
    assert_eq!(
        p.rows.iter().map(|r| r.version_ns).collect::<Vec<_>>(),
        vec![2]
    );
    assert_eq!(
        visible_versions(s, "c", &observer(), "a")
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn paging_neither_skips_nor_repeats_while_others_add(s: &dyn Store) {
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
        let p = page(s, "c", &observer(), &q, cursor, 7, false)
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

pub async fn audience_round_trips_through_the_database(s: &dyn Store) {
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
        page(s, "c", &observer(), &q, None, 10, true)
            .await
            .unwrap()
            .rows
            .len(),
        1
    );
}

pub async fn a_pull_advances_its_cursor_and_records_its_events_with_its_objects(s: &dyn Store) {
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

/// The first ten rows of collection `c` that `filter` selects.
async fn scanned(s: &dyn Store, filter: &ScanFilter) -> Vec<crate::ObjectRow> {
    s.scan("c", filter, None, 10).await.unwrap()
}

/// Scans select a workflow's threads by their stored root.
pub async fn scans_select_workflow_threads_by_their_stored_root(s: &dyn Store) {
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
    let ids = |root: Option<crate::Root>| async move {
        let filter = ScanFilter {
            root,
            ..Default::default()
        };
        let rows = scanned(s, &filter).await;
        rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(Some(crate::Root::Of("w1".into()))).await, ["w1", "ack"]);
    assert_eq!(ids(Some(crate::Root::Any)).await, ["w1", "ack", "w2"]);
    assert_eq!(ids(None).await.len(), 4);
}

/// Scans select what points to an object by the stored references, and a deleted version no
/// longer points anywhere.
pub async fn scans_select_what_points_to_an_object(s: &dyn Store) {
    let pointing = |id: &str, version: i64, to: &[&str]| {
        let mut o = obj(id, version, Tlp::Green, "x");
        o.refers_to = to.iter().map(|t| (*t).to_owned()).collect();
        o
    };
    s.insert_objects(
        "c",
        batch(
            vec![
                pointing("actor", 1, &[]),
                pointing("rel1", 1, &["actor", "malware"]),
                pointing("report", 1, &["malware"]),
                pointing("rel2", 1, &["actor"]),
                pointing("rel2", 2, &["actor"]),
            ],
            audit(),
            1,
        ),
    )
    .await
    .unwrap();
    s.insert_objects(
        "other",
        batch(vec![pointing("far", 1, &["actor"])], audit(), 2),
    )
    .await
    .unwrap();
    let ids = |to: &str| {
        let filter = ScanFilter {
            refers_to: Some(to.to_owned()),
            ..Default::default()
        };
        async move {
            let rows = scanned(s, &filter).await;
            rows.into_iter()
                .map(|r| (r.id, r.version_ns))
                .collect::<Vec<_>>()
        }
    };
    let at = |id: &str, v: i64| (id.to_owned(), v);
    assert_eq!(
        ids("actor").await,
        [at("rel1", 1), at("rel2", 1), at("rel2", 2)]
    );
    assert_eq!(ids("malware").await, [at("rel1", 1), at("report", 1)]);
    assert!(ids("nothing").await.is_empty());
    s.delete_versions("c", "rel2", &[1], audit()).await.unwrap();
    assert_eq!(ids("actor").await, [at("rel1", 1), at("rel2", 2)]);
}

/// Runs the whole contract against a backend: `$make` is an expression (evaluated once per test)
/// that gives a future of `(store, guard)`, the guard kept alive for the test (a temporary
/// directory).
/// Labels of every shape the candidates tell apart: three originators, every marking, and no
/// audience or one naming a state, a tier, a user, or a user of another state.
fn labelled_objects() -> Vec<NewObject> {
    let audiences: Vec<Option<Audience>> = vec![
        None,
        Some(Audience {
            states: vec![PartyCode::parse("MN").unwrap()],
            ..Default::default()
        }),
        Some(Audience {
            tiers: vec![Tier::Observer],
            ..Default::default()
        }),
        Some(Audience {
            users: vec![UserRef::parse("MN:a").unwrap()],
            ..Default::default()
        }),
        Some(Audience {
            users: vec![UserRef::parse("CN:a").unwrap()],
            ..Default::default()
        }),
    ];
    let mut out = Vec::new();
    for (o, originator) in ["KZ", "CN", "MN"].iter().enumerate() {
        for (m, marking) in Tlp::ALL.into_iter().enumerate() {
            for (a, audience) in audiences.iter().enumerate() {
                let id = format!("note--00000000-0000-4000-8000-00000000{o}{m}{a}0");
                let mut object = obj(&id, 1, marking, "c");
                object.label = AccessLabel {
                    originator: PartyCode::parse(originator).unwrap(),
                    marking,
                    audience: audience.clone(),
                };
                out.push(object);
            }
        }
    }
    out
}

fn readers() -> Vec<Viewer> {
    let user = |u: &str, tier| Viewer::User {
        user: UserRef::parse(u).unwrap(),
        tier,
        role: Role::Analyst,
    };
    let node = |party: &str, tier, holder: &str| Viewer::Node {
        party: PartyCode::parse(party).unwrap(),
        tier,
        holder: PartyCode::parse(holder).unwrap(),
    };
    vec![
        Viewer::Public,
        user("KZ:a", Tier::Member),
        user("MN:a", Tier::Observer),
        user("MN:b", Tier::Observer),
        user("CN:a", Tier::Member),
        node("MN", Tier::Observer, "KZ"),
        node("CN", Tier::Member, "KZ"),
        node("SECRETARIAT", Tier::Secretariat, "KZ"),
    ]
}

/// A scan given a reader's candidates (`entente_core::candidates`) keeps every row the reader may
/// see; a store that leaves the others out in its query (`exact`) returns exactly the candidates.
/// And a visible read is the same as filtering every row by the policy.
pub async fn scans_with_candidates_keep_every_row_the_reader_may_see(s: &dyn Store, exact: bool) {
    let objects = labelled_objects();
    s.insert_objects("c", batch(objects.clone(), audit(), 1))
        .await
        .unwrap();
    let q = Query {
        versions: VersionMatch::all(),
        spec_version_matches: true,
        ..Default::default()
    };
    for reader in readers() {
        let candidates = entente_core::candidates::candidates(&reader);
        let filter = ScanFilter {
            candidates: candidates.clone(),
            ..Default::default()
        };
        let rows = s.scan("c", &filter, None, 10_000).await.unwrap();
        let returned: std::collections::BTreeSet<&str> =
            rows.iter().map(|r| r.id.as_str()).collect();
        for o in &objects {
            let admitted = candidates
                .as_ref()
                .is_none_or(|c| entente_core::candidates::admits(c, &o.label));
            if entente_core::may_see(&reader, &o.label) {
                assert!(
                    returned.contains(o.id.as_str()),
                    "{reader:?} may see {:?}, left out",
                    o.label
                );
            }
            if exact {
                assert_eq!(
                    returned.contains(o.id.as_str()),
                    admitted,
                    "{reader:?}, {:?}: candidate {admitted}",
                    o.label
                );
            }
        }
        let visible: Vec<String> = page(s, "c", &reader, &q, None, 10_000, false)
            .await
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.id)
            .collect();
        let expected: Vec<String> = objects
            .iter()
            .filter(|o| entente_core::may_see(&reader, &o.label))
            .map(|o| o.id.clone())
            .collect();
        assert_eq!(visible, expected, "{reader:?}");
    }
}

#[macro_export]
macro_rules! store_contract {
    ($make:expr) => {
        mod store_contract {
            #[allow(unused_imports)]
            use super::*;
        #[tokio::test]
        async fn duplicates_equivocation_flags_and_date_added() {
            let (store, _keep) = $make.await;
            $crate::contract::duplicates_equivocation_flags_and_date_added(&store).await;
        }

        #[tokio::test]
        async fn last_and_first_are_among_visible_versions() {
            let (store, _keep) = $make.await;
            $crate::contract::last_and_first_are_among_visible_versions(&store).await;
        }

        #[tokio::test]
        async fn paging_neither_skips_nor_repeats_while_others_add() {
            let (store, _keep) = $make.await;
            $crate::contract::paging_neither_skips_nor_repeats_while_others_add(&store).await;
        }

        #[tokio::test]
        async fn scans_with_candidates_keep_every_row_the_reader_may_see() {
            let (store, _keep) = $make.await;
            $crate::contract::scans_with_candidates_keep_every_row_the_reader_may_see(&store, true).await;
        }

        #[tokio::test]
        async fn audience_round_trips_through_the_database() {
            let (store, _keep) = $make.await;
            $crate::contract::audience_round_trips_through_the_database(&store).await;
        }

        #[tokio::test]
        async fn a_pull_advances_its_cursor_and_records_its_events_with_its_objects() {
            let (store, _keep) = $make.await;
            $crate::contract::a_pull_advances_its_cursor_and_records_its_events_with_its_objects(&store).await;
        }

        #[tokio::test]
        async fn the_latest_tree_head_is_the_last() {
            let (store, _keep) = $make.await;
            $crate::contract::the_latest_tree_head_is_the_last(&store).await;
        }

        #[tokio::test]
        async fn scans_select_workflow_threads_by_their_stored_root() {
            let (store, _keep) = $make.await;
            $crate::contract::scans_select_workflow_threads_by_their_stored_root(&store).await;
        }

        #[tokio::test]
        async fn scans_select_what_points_to_an_object() {
            let (store, _keep) = $make.await;
            $crate::contract::scans_select_what_points_to_an_object(&store).await;
        }
        }
    };
}
