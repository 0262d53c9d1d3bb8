//! What the processes serving one node tell each other, through PostgreSQL's `LISTEN`/`NOTIFY`
//! on one channel ([`CHANNEL`]). A write that stores or deletes objects notifies in its own
//! transaction (PostgreSQL delivers a notification only when its transaction commits, so nothing
//! is announced that was not stored, and nothing stored goes unannounced while the listeners'
//! connections hold); a poke is announced on its own. Each process listens on one connection of
//! its own and ignores what it said itself (each store has a random [`Origin`]). A listener whose
//! connection was lost hears [`Announcement::Resumed`] once it is back, since notifications sent
//! meanwhile are gone: the node then treats everything as changed.
//!
//! A payload is `ORIGIN stored TYPE,TYPE,…`, `ORIGIN stored *` (any type: the list would not fit
//! PostgreSQL's 8,000 bytes), or `ORIGIN poke PARTY`.

use crate::db_err;
use entente_store::{Announcement, Listener, StoreError};
use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeSet;
use std::time::Duration;

/// The one channel of a node's database.
pub(crate) const CHANNEL: &str = "entente";

/// The longest list of types a payload carries; past it, `*`.
const MAX_TYPES_BYTES: usize = 4000;

/// Who announced: one per store opened, so a process ignores its own announcements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Origin(String);

impl Origin {
    /// A fresh origin: the process id and a random part (from the standard library's randomly
    /// seeded hasher; uniqueness among a node's processes is all that is needed).
    pub(crate) fn new() -> Origin {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        Origin(format!("{:x}-{:016x}", std::process::id(), h.finish()))
    }
}

/// The payload announcing `announcement` from `origin`.
pub(crate) fn payload(origin: &Origin, announcement: &Announcement) -> String {
    let body = match announcement {
        Announcement::Stored(Some(types)) => {
            let types: BTreeSet<&str> = types
                .iter()
                .map(String::as_str)
                .filter(|t| !t.is_empty() && !t.contains([',', ' ']))
                .collect();
            let list = types.into_iter().collect::<Vec<_>>().join(",");
            if list.len() > MAX_TYPES_BYTES {
                "stored *".to_owned()
            } else {
                format!("stored {list}")
            }
        }
        Announcement::Stored(None) | Announcement::Resumed => "stored *".to_owned(),
        Announcement::Poked(party) => format!("poke {party}"),
    };
    format!("{} {body}", origin.0)
}

/// What a payload announces, unless it is this origin's own or not one of ours.
pub(crate) fn parse(own: &Origin, payload: &str) -> Option<Announcement> {
    let mut parts = payload.splitn(3, ' ');
    let (from, what, rest) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
    if from == own.0 {
        return None;
    }
    match what {
        "stored" if rest == "*" => Some(Announcement::Stored(None)),
        "stored" => Some(Announcement::Stored(Some(
            rest.split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
        ))),
        "poke" if !rest.is_empty() => Some(Announcement::Poked(rest.to_owned())),
        _ => None,
    }
}

/// Sends `announcement` on `conn` (in a write's transaction, it goes out at the commit).
pub(crate) async fn send(
    conn: &mut PgConnection,
    origin: &Origin,
    announcement: &Announcement,
) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload(origin, announcement))
        .execute(conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Starts listening on a connection of its own (taken from `pool` for good) and hands every
/// other origin's announcement to `listener`, until the pool closes or the task is aborted.
pub(crate) async fn listen(
    pool: &PgPool,
    own: Origin,
    listener: Listener,
) -> Result<tokio::task::JoinHandle<()>, StoreError> {
    let mut channel = PgListener::connect_with(pool).await.map_err(db_err)?;
    channel.listen(CHANNEL).await.map_err(db_err)?;
    Ok(tokio::spawn(async move {
        loop {
            match channel.try_recv().await {
                Ok(Some(n)) => {
                    if let Some(a) = parse(&own, n.payload()) {
                        listener(a);
                    }
                }
                // Lost, and listening again already (sqlx reconnects before it says so).
                Ok(None) => {
                    tracing::warn!("the database's notification channel was lost and is back: everything is read again");
                    listener(Announcement::Resumed);
                }
                Err(sqlx::Error::PoolClosed) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "the database's notification channel is lost; trying again every second");
                    // Back once a statement goes through (which reconnects and listens again).
                    loop {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        match sqlx::query("SELECT 1").execute(&mut channel).await {
                            Ok(_) => break,
                            Err(sqlx::Error::PoolClosed) => return,
                            Err(_) => {}
                        }
                    }
                    tracing::info!(
                        "the database's notification channel is back: everything is read again"
                    );
                    listener(Announcement::Resumed);
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_and_a_process_ignores_its_own() {
        let a = Origin::new();
        let b = Origin::new();
        assert_ne!(a, b);
        let stored = Announcement::Stored(Some(vec!["indicator".into(), "note".into()]));
        assert_eq!(parse(&b, &payload(&a, &stored)), Some(stored.clone()));
        assert_eq!(parse(&a, &payload(&a, &stored)), None);
        let poke = Announcement::Poked("CN".into());
        assert_eq!(parse(&b, &payload(&a, &poke)), Some(poke));
        assert_eq!(
            parse(&b, &payload(&a, &Announcement::Stored(None))),
            Some(Announcement::Stored(None))
        );
        // Too many types to list: any type.
        let many = Announcement::Stored(Some((0..1000).map(|i| format!("x-type-{i}")).collect()));
        assert!(payload(&a, &many).len() < 8000);
        assert_eq!(
            parse(&b, &payload(&a, &many)),
            Some(Announcement::Stored(None))
        );
        // Not ours: nothing.
        assert_eq!(parse(&b, "hello"), None);
        assert_eq!(parse(&b, "x poke "), None);
    }
}
