//! What anyone who can reach the port may cost the node: connections (a cap, connections waiting
//! for a request closed first, header-read and keep-alive timeouts), sign-ins (bounded password
//! checks, failure limits with 429 and `Retry-After`, an unknown user as costly as a wrong
//! password), event streams (caps per principal and in all, one audit write for many streams),
//! and the metrics operators watch.

use crate::helpers::*;
use crate::limits::peak_rss_kb;
use serde_json::{json, Value};
use std::io::Read;
use std::time::{Duration, Instant};

fn with_env(state: &str, env: &[(&str, &str)]) -> TestNode {
    let mut node = TestNode::init(SCO, state);
    for (k, v) in env {
        node.env.push(((*k).to_owned(), (*v).to_owned()));
    }
    node.serve();
    node
}

fn addr(node: &TestNode) -> String {
    node.base_url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

async fn healthz(node: &TestNode) -> Duration {
    let started = Instant::now();
    let r = reqwest::Client::new()
        .get(format!("{}healthz", node.base_url()))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    started.elapsed()
}

#[tokio::test]
async fn silent_sockets_neither_exhaust_the_node_nor_stay_open() {
    let node = with_env(
        "KZ",
        &[
            ("ENTENTE_LIMITS__MAX_CONNECTIONS", "200"),
            ("ENTENTE_LIMITS__HEADER_READ_TIMEOUT_SECONDS", "2"),
        ],
    );
    // A thousand sockets that never say anything, five times the cap.
    let mut idle = Vec::new();
    for _ in 0..1000 {
        idle.push(std::net::TcpStream::connect(addr(&node)).unwrap());
    }
    // The node still answers, at once: the oldest silent sockets make room.
    let took = healthz(&node).await;
    eprintln!("/healthz with 1,000 silent sockets open (cap 200): {took:?}");
    assert!(took < Duration::from_secs(1), "{took:?}");
    // And each silent socket is closed within the header-read timeout.
    let mut sock = std::net::TcpStream::connect(addr(&node)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 16];
    let n = sock.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "the node closes a silent connection");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    drop(idle);
}

/// Sends `request` on `sock` and reads the whole response: its head, lowercased.
fn exchange(sock: &mut std::net::TcpStream, request: &[u8]) -> std::io::Result<String> {
    use std::io::Write;
    sock.write_all(request)?;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = sock.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::Error::other("closed without a response"));
        }
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).to_lowercase();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if got.len() >= end + 4 + length {
                return Ok(text[..end].to_owned());
            }
        }
    }
}

/// `GET /healthz` on `sock`: the response's head, lowercased.
fn get_healthz(sock: &mut std::net::TcpStream) -> std::io::Result<String> {
    exchange(sock, b"GET /healthz HTTP/1.1\r\nHost: node\r\n\r\n")
}

/// How long until the node closes `sock`, at most `within`: a read answers nothing, or the
/// connection is reset (as Linux does when the node closes with bytes unread, or when bytes
/// still being written reach a closed socket).
fn closed_after(sock: &mut std::net::TcpStream, within: Duration) -> Duration {
    use std::io::ErrorKind;
    let started = Instant::now();
    sock.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 64];
    let closed = match sock.read(&mut buf) {
        Ok(n) => n == 0,
        Err(e) => matches!(
            e.kind(),
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe
        ),
    };
    assert!(
        closed,
        "the node should have closed the connection within {within:?}"
    );
    started.elapsed()
}

#[tokio::test]
async fn idle_keep_alive_outlives_the_header_timeout_and_a_trickled_head_does_not() {
    let node = with_env(
        "KZ",
        &[
            ("ENTENTE_LIMITS__MAX_CONNECTIONS", "20"),
            ("ENTENTE_LIMITS__HEADER_READ_TIMEOUT_SECONDS", "1"),
            ("ENTENTE_LIMITS__KEEP_ALIVE_TIMEOUT_SECONDS", "4"),
        ],
    );
    // A client that reuses its connection after longer than the header-read timeout is served
    // (hyper's one clock once closed it at the header-read timeout, racing the client's request).
    let mut sock = std::net::TcpStream::connect(addr(&node)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = get_healthz(&mut sock).unwrap();
    assert!(head.contains("keep-alive: timeout=4"), "{head}");
    std::thread::sleep(Duration::from_secs(2));
    let head = get_healthz(&mut sock).expect("a kept-alive connection reused after 2 s");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    // Left idle, it is closed at the keep-alive timeout.
    let took = closed_after(&mut sock, Duration::from_secs(10));
    assert!(
        took > Duration::from_secs(3) && took < Duration::from_secs(6),
        "{took:?}"
    );

    // A head trickled a byte at a time is closed a header-read timeout after its first byte,
    // though bytes keep coming; after a response, as before the first.
    let mut sock = std::net::TcpStream::connect(addr(&node)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    get_healthz(&mut sock).unwrap();
    let started = Instant::now();
    let trickle = {
        let mut sock = sock.try_clone().unwrap();
        std::thread::spawn(move || {
            use std::io::Write;
            for b in b"GET /healthz HTTP/1.1\r\nHost: node\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaa" {
                if sock.write_all(&[*b]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    };
    closed_after(&mut sock, Duration::from_secs(8));
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "a trickled head held the connection {took:?}"
    );
    trickle.join().unwrap();

    // A request refused before its body was read (401 here, its body still on the way) is
    // answered `Connection: close`: hyper closes that connection after the response, and a
    // client reusing it meanwhile once got "closed without response" or a TLS EOF. A request
    // whose body was read keeps its connection.
    let mut sock = std::net::TcpStream::connect(addr(&node)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = exchange(
        &mut sock,
        b"POST /api/v1/screen HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"name\": ",
    )
    .unwrap();
    assert!(head.starts_with("http/1.1 401"), "{head}");
    assert!(head.contains("connection: close"), "{head}");
    let mut sock = std::net::TcpStream::connect(addr(&node)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = get_healthz(&mut sock).unwrap();
    assert!(!head.contains("connection: close"), "{head}");

    // At the cap, connections waiting between requests make room for a newcomer, as silent ones
    // do.
    let mut waiting = Vec::new();
    for _ in 0..20 {
        let mut s = std::net::TcpStream::connect(addr(&node)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        get_healthz(&mut s).unwrap();
        waiting.push(s);
    }
    let took = healthz(&node).await;
    assert!(took < Duration::from_secs(1), "{took:?}");
}

async fn basic(node: &TestNode, user: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(&node.url)
        .basic_auth(user, Some(password))
        .header("Accept", TAXII)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn guessing_passwords_is_bounded_and_tells_nothing() {
    let node = with_env(
        "KZ",
        &[
            ("ENTENTE_LIMITS__AUTH_FAILURES_PER_USER", "5"),
            ("ENTENTE_LIMITS__AUTH_FAILURES_PER_SOURCE", "1000"),
        ],
    );
    let alice = node.add_user("alice", "analyst");
    let bob = node.add_user("bob", "analyst");

    // An unknown user costs what a wrong password costs (1.1 ms against 18.8 ms before).
    let time = |user: &'static str| {
        let node = &node;
        async move {
            let mut total = Duration::ZERO;
            for _ in 0..4 {
                let started = Instant::now();
                assert_eq!(basic(node, user, "wrong").await.status(), 401);
                total += started.elapsed();
            }
            total / 4
        }
    };
    let unknown = time("nobody").await;
    let wrong = time("bob").await;
    let ratio = unknown.as_secs_f64() / wrong.as_secs_f64();
    eprintln!("sign-in: unknown user {unknown:?}, wrong password {wrong:?} (ratio {ratio:.2})");
    assert!((0.5..2.0).contains(&ratio), "{unknown:?} against {wrong:?}");

    // Past the limit, a user's sign-ins answer 429 with Retry-After, even the right password;
    // another user is not affected.
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(basic(&node, "alice", "wrong").await.status().as_u16());
    }
    assert_eq!(answers, [401; 5]);
    let r = basic(&node, "alice", "wrong").await;
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&retry), "{retry}");
    let body: Value = r.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("try again"),
        "{body}"
    );
    // The right password too, unless it was checked a moment ago (then it is known good).
    assert_eq!(basic(&node, "alice", &alice.password).await.status(), 429);
    assert_eq!(basic(&node, "bob", &bob.password).await.status(), 200);
    // Tokens are not refused for the user's password failures.
    assert_eq!(node.get(&alice.token, &node.url).await.status(), 200);

    // 64 clients guessing at once: checks run a few at a time, the memory stays flat (the node
    // went from 206 MB to 1.47 GB before).
    let pid = node.child.as_ref().unwrap().id();
    let before = peak_rss_kb(pid);
    let started = Instant::now();
    let guesses = futures::future::join_all((0..64).map(|i| {
        let node = &node;
        async move {
            basic(node, &format!("user{i}"), "guess")
                .await
                .status()
                .as_u16()
        }
    }))
    .await;
    let grew = peak_rss_kb(pid).saturating_sub(before) / 1024;
    eprintln!(
        "64 concurrent wrong sign-ins: {:?}, peak memory +{grew} MB",
        started.elapsed()
    );
    assert!(
        guesses.iter().all(|s| *s == 401 || *s == 429),
        "{guesses:?}"
    );
    assert!(grew < 200, "the node grew by {grew} MB");
}

#[tokio::test]
async fn event_streams_are_capped_and_share_their_cost() {
    let node = with_env(
        "KZ",
        &[
            ("ENTENTE_LIMITS__MAX_STREAMS_PER_PRINCIPAL", "300"),
            ("ENTENTE_LIMITS__MAX_STREAMS", "310"),
        ],
    );
    let analyst = node.add_user("analyst", "analyst").token;
    let other = node.add_user("other", "analyst").token;
    let url = format!("{}api/v1/events", node.base_url());
    let open = |token: &str| {
        reqwest::Client::new()
            .get(&url)
            .bearer_auth(token.to_owned())
            .send()
    };
    let mut streams = Vec::new();
    for _ in 0..300 {
        let r = open(&analyst).await.unwrap();
        assert_eq!(r.status(), 200);
        streams.push(r);
    }
    // The principal's cap.
    let r = open(&analyst).await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    let body: Value = r.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("300"), "{body}");
    // The node's: ten more for another principal, then no more.
    for _ in 0..10 {
        let r = open(&other).await.unwrap();
        assert_eq!(r.status(), 200);
        streams.push(r);
    }
    assert_eq!(open(&other).await.unwrap().status(), 503);

    // One warning draft told to 310 streams: answered at once, and its telling audited once per
    // principal, not once per stream.
    let audit_before = audit_entries(&node);
    let started = Instant::now();
    let r = node
        .http
        .post(format!("{}api/v1/warnings", node.base_url()))
        .bearer_auth(&analyst)
        .header("Content-Type", "application/json")
        .body(
            json!({
                "kind": "watch", "title": "Courier of the cell",
                "subject": {"names": ["Timur Aliyev"]},
                "legal_basis": "Shanghai Convention, art. 2", "issuing_authority": "NSC of Kazakhstan",
                "action_requested": "Report any sighting", "contact": "KZ liaison office",
                "purpose": "Prevent an attack", "source": "Human source",
                "review_date": entente_stix::Timestamp::from_micros(
                    (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 + 86_400 * 90) * 1_000_000,
                ).to_stix_string(),
                "grading": {"source": "B", "information": "2", "handling": ["H0"]},
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let took = started.elapsed();
    eprintln!("a warning draft with 310 event streams open: {took:?}");
    assert!(took < Duration::from_secs(1), "{took:?}");
    // Each stream of the issuing state is told.
    let mut told = 0;
    for s in streams.iter_mut().take(20) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), s.chunk())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if String::from_utf8_lossy(&chunk).contains("event: warning") {
            told += 1;
        }
    }
    assert_eq!(told, 20);
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(streams);
    let grew = audit_entries(&node) - audit_before;
    // The draft, the read of it by each of the two principals, and the one-by-one reads above.
    assert!(
        grew <= 10,
        "{grew} audit entries for one draft told to 310 streams"
    );
}

/// How many audit entries the node's log holds.
fn audit_entries(node: &TestNode) -> i64 {
    let (ok, out, err) = run(&["audit", "verify", "--dir", node.dir_str()]);
    assert!(ok, "{out}{err}");
    out.split("audit log: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no entry count in {out}"))
}

#[tokio::test]
async fn operators_read_metrics_from_loopback_or_as_admins() {
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    node.post_ok(&analyst, &[note(1, entente_core::marking::TLP_AMBER)])
        .await;
    assert_eq!(
        node.get(&analyst, &format!("{}nothing-here", node.base_url()))
            .await
            .status(),
        404
    );
    let r = reqwest::get(format!("{}metrics", node.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    for needle in [
        "entente_http_requests_total{",
        "route=\"/taxii2/api/collections/{collection}/objects/\"",
        "route=\"unmatched\"",
        "entente_http_request_duration_seconds_bucket{",
        "entente_store_writes_total{kind=\"objects\"}",
        "entente_store_write_duration_seconds_count{kind=\"objects\"}",
        "entente_open_connections",
        "entente_event_streams",
        "entente_auth_failures_total",
    ] {
        assert!(text.contains(needle), "no {needle} in\n{text}");
    }
    // The path asked never becomes a label.
    assert!(!text.contains("nothing-here"));
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn users_are_managed_while_the_node_runs_and_its_secrets_are_private() {
    let node = TestNode::start(SCO, "KZ").await;
    #[cfg(unix)]
    {
        assert_eq!(mode(&node.dir), 0o700);
        // On PostgreSQL there is no database file: the database is the server's to guard.
        let db = (!on_postgres()).then_some("node.db");
        for f in ["node.key", "entente.toml", "charter.toml", "tls/key.pem"]
            .into_iter()
            .chain(db)
        {
            assert_eq!(mode(&node.dir.join(f)), 0o600, "{f}");
        }
        for f in ["node.db-wal", "node.db-shm"] {
            let p = node.dir.join(f);
            if p.exists() {
                assert_eq!(mode(&p), 0o600, "{f}");
            }
        }
    }
    let alice = node.add_user("alice", "analyst");
    let designate = |token: String| {
        let node = &node;
        async move {
            node.http
                .post(format!("{}api/v1/register", node.base_url()))
                .bearer_auth(token)
                .header("Content-Type", "application/json")
                .body(json!({"kind": "person", "names": ["Rustam Nazarov"]}).to_string())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(designate(alice.token.clone()).await, 403);
    // A Basic check is cached: it must not outlive what is changed below.
    assert_eq!(basic(&node, "alice", &alice.password).await.status(), 200);

    let (ok, out, err) = run(&["user", "list", "--dir", node.dir_str()]);
    assert!(ok, "{err}");
    assert!(out.contains("alice\tanalyst\t1 token(s)"), "{out}");

    let (ok, _, err) = run(&[
        "user",
        "role",
        "--dir",
        node.dir_str(),
        "alice",
        "--role",
        "supervisor",
    ]);
    assert!(ok, "{err}");
    assert_eq!(
        designate(alice.token.clone()).await,
        201,
        "the new role, at once"
    );

    let (ok, out, err) = run(&["user", "token", "new", "--dir", node.dir_str(), "alice"]);
    assert!(ok, "{err}");
    let second = out
        .lines()
        .find_map(|l| l.strip_prefix("token: "))
        .unwrap()
        .to_owned();
    assert_eq!(node.get(&second, &node.url).await.status(), 200);
    let (ok, out, err) = run(&["user", "token", "revoke", "--dir", node.dir_str(), "alice"]);
    assert!(ok, "{err}");
    assert!(out.contains("revoked 2 token(s)"), "{out}");
    assert_eq!(node.get(&alice.token, &node.url).await.status(), 401);
    assert_eq!(node.get(&second, &node.url).await.status(), 401);
    assert_eq!(basic(&node, "alice", &alice.password).await.status(), 200);

    let (ok, _, err) = run(&["user", "remove", "--dir", node.dir_str(), "alice"]);
    assert!(ok, "{err}");
    assert_eq!(
        basic(&node, "alice", &alice.password).await.status(),
        401,
        "the cached check does not outlive the user"
    );
    let (ok, _, err) = run(&["user", "remove", "--dir", node.dir_str(), "alice"]);
    assert!(!ok && err.contains("no user `alice`"), "{err}");
}

#[tokio::test]
async fn rest_errors_are_json_and_taxii_errors_taxii() {
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    for (url, want) in [
        (
            format!("{}api/v1/register/nothing", node.base_url()),
            "application/json",
        ),
        (
            format!(
                "{}api/v1/warnings/x-entente-warning--00000000-0000-4000-8000-000000000000",
                node.base_url()
            ),
            "application/json",
        ),
        (
            format!("{}no/such/path", node.base_url()),
            "application/json",
        ),
        (format!("{}api/collections/nope/", node.url), TAXII),
    ] {
        let r = node.get(&analyst, &url).await;
        assert_eq!(r.status(), 404, "{url}");
        assert_eq!(r.headers()["content-type"], want, "{url}");
    }
}
