//! Tamper evidence: an object changed in the database is withheld on read and reported by
//! `entente audit verify`; an audit entry changed, removed or reordered is reported too.

use crate::helpers::*;
use entente_core::marking::TLP_AMBER;

async fn node_with_history() -> (TestNode, String) {
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    for i in 0..5 {
        node.post_ok(&analyst, &[note(i, TLP_AMBER)]).await;
        // Reads of AMBER data are audited too.
        node.all_ids(&analyst, "").await;
    }
    (node, analyst)
}

fn verify(node: &TestNode) -> (bool, String) {
    let (ok, out, err) = run(&["audit", "verify", "--dir", node.dir_str()]);
    (ok, format!("{out}{err}"))
}

#[tokio::test]
async fn a_changed_object_is_withheld_and_reported() {
    let (mut node, analyst) = node_with_history().await;
    node.kill();
    let id = note(2, TLP_AMBER)["id"].as_str().unwrap().to_owned();
    let mut db = node.database().await;
    let sql = db
        .sql("UPDATE objects SET json = replace(json, 'note 2', 'note 2 (altered)') WHERE id = ?");
    sqlx::query(&sql)
        .bind(&id)
        .execute(&mut db.conn)
        .await
        .unwrap();
    drop(db);
    let (ok, out) = verify(&node);
    assert!(!ok);
    assert!(
        out.contains(&id) && out.contains("changed in the database"),
        "{out}"
    );
    node.serve();
    let body = node
        .get(&analyst, &format!("{}{id}/", node.objects_url()))
        .await
        .text()
        .await
        .unwrap();
    assert!(!body.contains("altered"), "{body}");
    let listed = node.all_ids(&analyst, "").await;
    assert!(!listed.contains(&id));
    assert_eq!(listed.len(), 5, "the others are still served");
}

#[tokio::test]
async fn changed_removed_and_reordered_audit_entries_are_found() {
    type Tamper = (&'static str, &'static str, &'static str);
    // The one statement PostgreSQL writes otherwise (bytes to text and back).
    const CHANGE_PG: &str = "UPDATE audit_entries SET entry = convert_to(replace(convert_from(entry, 'UTF8'), 'analyst', 'mallory'), 'UTF8') WHERE seq = 4";
    let cases: [Tamper; 4] = [
        ("change", "UPDATE audit_entries SET entry = CAST(replace(CAST(entry AS TEXT), 'analyst', 'mallory') AS BLOB) WHERE seq = 4", "entry 4 was changed"),
        ("remove", "DELETE FROM audit_entries WHERE seq = 3", "entry 3 is missing"),
        ("reorder", "UPDATE audit_entries SET seq = -2 WHERE seq = 2; UPDATE audit_entries SET seq = 2 WHERE seq = 5; UPDATE audit_entries SET seq = 5 WHERE seq = -2", "entries were moved"),
        ("truncate", "DELETE FROM audit_entries WHERE seq = (SELECT MAX(seq) FROM audit_entries)", "removed from the end"),
    ];
    for (what, sql, needle) in cases {
        let (mut node, _) = node_with_history().await;
        node.kill();
        let (ok, out) = verify(&node);
        assert!(ok, "before tampering ({what}): {out}");
        let mut db = node.database().await;
        let sql = if what == "change" {
            db.either(sql, CHANGE_PG)
        } else {
            sql
        };
        sqlx::raw_sql(sql).execute(&mut db.conn).await.unwrap();
        drop(db);
        let (ok, out) = verify(&node);
        assert!(!ok, "{what} went unnoticed: {out}");
        assert!(out.contains(needle), "{what}: {out}");
    }
}
