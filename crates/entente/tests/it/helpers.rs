//! `TestNode`: a real `entente` process (init, users, serve on 127.0.0.1:0 over plain HTTP) and a
//! client for it — the tests' equivalent of zero2prod's `spawn_app`.

use entente_core::PartyCode;
use entente_stix::NodeSigner;
use reqwest::{Client, Response};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const TAXII: &str = "application/taxii+json;version=2.1";
pub const COLLECTION: &str = "365fed99-08fa-4dcd-a1b3-fb247eb41d01";
pub const SCO: &str = include_str!("../../../../examples/sco.toml");

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_entente")
}

/// Runs the binary to completion; returns (success, stdout, stderr).
pub fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(bin())
        .args(args)
        .env("ENTENTE_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn field(text: &str, name: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("no {name} in {text}"))
        .to_owned()
}

/// The demo charter with `code`'s key set to `signer`'s.
pub fn charter_with_key(code: &str, signer: &NodeSigner) -> String {
    let key = entente_core::CharterKey::encode(signer.verifying_key().as_bytes());
    SCO.replacen(
        &format!("code = \"{code}\""),
        &format!("code = \"{code}\"\nkey = \"{key}\""),
        1,
    )
}

pub fn signer(code: &str) -> NodeSigner {
    NodeSigner::generate(PartyCode::parse(code).unwrap())
}

pub struct Creds {
    pub password: String,
    pub token: String,
}

pub struct TestNode {
    pub _tmp: tempfile::TempDir,
    pub dir: PathBuf,
    /// The node's public key as the charter writes it (`ed25519:...`).
    pub key: String,
    pub url: String,
    pub child: Option<Child>,
    pub http: Client,
    pub env: Vec<(String, String)>,
}

/// A new, empty database on the PostgreSQL cluster `TEST_POSTGRES_URL` names (`./scripts/test`
/// starts a private one): its URL. Without the variable the test fails and says why.
pub async fn fresh_postgres_database() -> String {
    use sqlx::Connection;
    let admin = std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "TEST_POSTGRES_URL must name a PostgreSQL database the tests may create databases \
             from (./scripts/test starts a private cluster; by hand: scripts/pg-cluster start DIR)"
        )
    });
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "it_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("the test cluster answers");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("a test database is created");
    let base = admin.split_once('?').map_or(admin.as_str(), |(b, _)| b);
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    format!("{base}/{name}")
}

/// As [`fresh_postgres_database`], from synchronous code (a runtime of its own, on a thread of
/// its own, so that it works inside the tests' runtime too).
pub fn postgres_database_blocking() -> String {
    std::thread::spawn(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(fresh_postgres_database())
    })
    .join()
    .unwrap()
}

/// Whether this run of the suite is the PostgreSQL one (`TEST_STORE=postgres`): the few tests that
/// read or change the SQLite file itself run in the SQLite pass only, and say so.
pub fn on_postgres() -> bool {
    std::env::var("TEST_STORE").as_deref() == Ok("postgres")
}

/// A connection to a node's database, whichever the store (the few tests that change or read the
/// database itself, as an attacker or an auditor would).
pub struct NodeDb {
    pub conn: sqlx::AnyConnection,
    pub postgres: bool,
}

impl NodeDb {
    /// `sql` with `?` placeholders, as this database writes them.
    pub fn sql(&self, sql: &str) -> String {
        if !self.postgres {
            return sql.to_owned();
        }
        let mut out = String::new();
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                out.push_str(&format!("${n}"));
            } else {
                out.push(c);
            }
        }
        out
    }

    /// One of two statements: SQLite's, or PostgreSQL's where they differ.
    pub fn either<'a>(&self, sqlite: &'a str, postgres: &'a str) -> &'a str {
        if self.postgres {
            postgres
        } else {
            sqlite
        }
    }
}

impl TestNode {
    /// The node's database: the PostgreSQL one its configuration names, else its SQLite file.
    pub async fn database(&self) -> NodeDb {
        use sqlx::Connection;
        static DRIVERS: std::sync::Once = std::sync::Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let config = std::fs::read_to_string(self.dir.join("entente.toml")).unwrap();
        let table: toml::Table = toml::from_str(&config).unwrap();
        let url = table
            .get("store")
            .and_then(|s| s.get("url"))
            .and_then(|u| u.as_str())
            .map(str::to_owned);
        let postgres = url.is_some();
        let url = url.unwrap_or_else(|| format!("sqlite://{}", self.db().display()));
        NodeDb {
            conn: sqlx::AnyConnection::connect(&url).await.unwrap(),
            postgres,
        }
    }
}

impl TestNode {
    /// A node on the default SQLite store, or — when `TEST_STORE=postgres` — on a new database of
    /// the test cluster, so that the whole suite runs once against each backend.
    pub fn init(charter: &str, state: &str) -> TestNode {
        match std::env::var("TEST_STORE").as_deref() {
            Ok("postgres") => {
                let url = postgres_database_blocking();
                TestNode::init_on(charter, state, Some(&url))
            }
            Ok("sqlite") | Err(_) => TestNode::init_on(charter, state, None),
            Ok(other) => panic!("TEST_STORE={other}: the stores are `sqlite` and `postgres`"),
        }
    }

    /// A node whose store is the PostgreSQL database `store_url` (else the SQLite file).
    pub fn init_on(charter: &str, state: &str, store_url: Option<&str>) -> TestNode {
        let tmp = tempfile::tempdir().unwrap();
        let charter_path = tmp.path().join("charter.toml");
        std::fs::write(&charter_path, charter).unwrap();
        let dir = tmp.path().join("node");
        let mut args = vec![
            "init",
            "--dir",
            dir.to_str().unwrap(),
            "--charter",
            charter_path.to_str().unwrap(),
            "--state",
            state,
        ];
        if let Some(url) = store_url {
            args.extend(["--store-url", url]);
        }
        let (ok, out, err) = run(&args);
        assert!(ok, "init failed: {err}");
        let key = out
            .lines()
            .find_map(|l| l.strip_prefix("key = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap_or_else(|| panic!("init printed no key: {out}"))
            .to_owned();
        TestNode {
            _tmp: tmp,
            dir,
            key,
            url: String::new(),
            child: None,
            http: Client::new(),
            env: Vec::new(),
        }
    }

    pub async fn start(charter: &str, state: &str) -> TestNode {
        let mut n = TestNode::init(charter, state);
        n.serve();
        n
    }

    /// The state this node belongs to, from its configuration.
    pub fn state(&self) -> String {
        let config = std::fs::read_to_string(self.dir.join("entente.toml")).unwrap();
        let table: toml::Table = toml::from_str(&config).unwrap();
        table["state"].as_str().unwrap().to_owned()
    }

    pub fn dir_str(&self) -> &str {
        self.dir.to_str().unwrap()
    }

    pub fn serve(&mut self) {
        self.serve_on("127.0.0.1:0");
    }

    /// Serves again on the address it served on before (its peers know it by that URL).
    pub fn restart(&mut self) {
        let addr = self
            .url
            .trim_start_matches("http://")
            .trim_end_matches("/taxii2/")
            .to_owned();
        self.serve_on(&addr);
    }

    /// The node's base URL (`http://127.0.0.1:PORT/`).
    pub fn base_url(&self) -> String {
        self.url.trim_end_matches("taxii2/").to_owned()
    }

    pub fn serve_on(&mut self, listen: &str) {
        let mut cmd = Command::new(bin());
        cmd.args([
            "serve",
            "--dir",
            self.dir_str(),
            "--listen",
            listen,
            "--plain-http",
        ])
        .env("ENTENTE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("entente: serving ")
            .unwrap_or_else(|| panic!("node did not start: {line:?}"));
        self.url = url.to_owned();
        self.child = Some(child);
    }

    /// SIGKILL: no chance to flush or close anything.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }

    pub fn add_user(&self, name: &str, role: &str) -> Creds {
        let (ok, out, err) = run(&["user", "add", "--dir", self.dir_str(), name, "--role", role]);
        assert!(ok, "{err}");
        Creds {
            password: field(&out, "password"),
            token: field(&out, "token"),
        }
    }

    pub fn add_peer(&self, state: &str) -> String {
        let (ok, out, err) = run(&["peer", "add", "--dir", self.dir_str(), "--state", state]);
        assert!(ok, "{err}");
        field(&out, "token")
    }

    pub fn objects_url(&self) -> String {
        format!("{}api/collections/{COLLECTION}/objects/", self.url)
    }

    pub fn db(&self) -> PathBuf {
        self.dir.join("node.db")
    }

    pub async fn get(&self, token: &str, url: &str) -> Response {
        self.http
            .get(url)
            .bearer_auth(token)
            .header("Accept", TAXII)
            .send()
            .await
            .unwrap()
    }

    /// A TAXII DELETE of `url` (with its query).
    pub async fn delete(&self, token: &str, url: &str) -> Response {
        self.http
            .delete(url)
            .bearer_auth(token)
            .header("Accept", TAXII)
            .send()
            .await
            .unwrap()
    }

    /// GET, answered with a JSON body.
    pub async fn get_json(&self, token: &str, url: &str) -> Value {
        self.get(token, url).await.json().await.unwrap()
    }

    pub async fn post(&self, token: &str, objects: &[Value]) -> Response {
        self.http
            .post(self.objects_url())
            .bearer_auth(token)
            .header("Accept", TAXII)
            .header("Content-Type", TAXII)
            .body(serde_json::json!({ "objects": objects }).to_string())
            .send()
            .await
            .unwrap()
    }

    /// POSTs a JSON body to a REST path (`/api/v1/...`); the status and the JSON answer.
    pub async fn post_api(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!(
                "{}{}",
                self.base_url(),
                path.trim_start_matches('/')
            ))
            .bearer_auth(token)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Posts and asserts every object was stored.
    pub async fn post_ok(&self, token: &str, objects: &[Value]) -> Value {
        let r = self.post(token, objects).await;
        assert_eq!(r.status(), 202);
        let status: Value = r.json().await.unwrap();
        assert_eq!(status["failure_count"], 0, "{status}");
        status
    }

    /// Every object visible to `token`, through paging.
    pub async fn all_ids(&self, token: &str, extra: &str) -> Vec<String> {
        let mut ids = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let mut url = format!("{}?limit=100{extra}", self.objects_url());
            if let Some(n) = &next {
                url.push_str(&format!("&next={n}"));
            }
            let r = self.get(token, &url).await;
            assert_eq!(r.status(), 200);
            let env: Value = r.json().await.unwrap();
            for o in env["objects"].as_array().into_iter().flatten() {
                ids.push(o["id"].as_str().unwrap().to_owned());
            }
            if env["more"] != true {
                return ids;
            }
            next = Some(env["next"].as_str().unwrap().to_owned());
        }
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn note(id_suffix: u32, marking: &str) -> Value {
    serde_json::json!({
        "type": "note", "spec_version": "2.1",
        "id": format!("note--00000000-0000-4000-8000-{id_suffix:012}"),
        "created": "2019-06-14T08:00:00.000Z", "modified": "2019-06-14T08:00:00.000Z",
        "content": format!("note {id_suffix}"),
        "object_refs": ["identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],
        "object_marking_refs": [marking],
    })
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}
