//! A node's configuration: one serde struct, read from `DIR/entente.toml`, then overridden by
//! `ENTENTE_*` environment variables (`__` for nesting: `ENTENTE_LIMITS__MAX_PAGE=500`). Unknown
//! keys, in the file or the environment, are refused rather than ignored. `ENTENTE_LOG` is the
//! log filter and not configuration.

use anyhow::{anyhow, bail, Context, Result};
use entente_core::Tlp;
use entente_node::Settings;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "entente.toml";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// The party this node belongs to.
    pub state: String,
    /// The charter file, relative to the node directory.
    pub charter: PathBuf,
    /// The SQLite database, relative to the node directory.
    pub database: PathBuf,
    /// Where `serve` listens unless `--listen` says otherwise.
    pub listen: String,
    pub tls: TlsConfig,
    #[serde(default)]
    pub limits: Limits,
    /// The marking given to objects posted without one.
    #[serde(default = "default_marking")]
    pub default_marking: String,
    /// The cross-script name-variant table screening uses (rigour's `person_names.txt` format),
    /// relative to the node directory. Unset: the file `ENTENTE_NAME_VARIANTS` names, else the
    /// table built into the binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_variants: Option<PathBuf>,
    /// How this node pulls from its peers (`entente peer add --url`).
    #[serde(default)]
    pub federation: Federation,
    #[serde(default)]
    pub warnings: Warnings,
    /// Where the node's data lives: the SQLite file `database` (the default), or a PostgreSQL
    /// database (`[store] url = "postgres://…"`, or `ENTENTE_STORE__URL`).
    #[serde(default, skip_serializing_if = "StoreConfig::is_default")]
    pub store: StoreConfig,
}

/// The store: unset, the SQLite file `database`; with a `url`, that PostgreSQL database, which
/// several `entente serve` processes may share (see `docs/operating-a-large-node.md`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<StoreUrl>,
}

impl StoreConfig {
    fn is_default(&self) -> bool {
        self.url.is_none()
    }
}

/// A PostgreSQL URL, which may carry a password: its `Debug` and `Display` hide it.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct StoreUrl(pub String);

impl StoreUrl {
    /// The URL itself, to connect with (never to print).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Checks that it is a PostgreSQL URL.
    pub fn check(&self) -> Result<()> {
        if !(self.0.starts_with("postgres://") || self.0.starts_with("postgresql://")) {
            bail!(
                "store.url: `{self}` is not a PostgreSQL URL (postgres://user:password@host:port/database)"
            );
        }
        Ok(())
    }
}

impl std::fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&entente_store_postgres::redacted(&self.0))
    }
}

impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoreUrl({self})")
    }
}

/// Joint warnings: when the issuer is reminded that a review date nears.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Warnings {
    /// Days before a warning's review date at which its issuer is reminded.
    pub remind_days: Vec<u32>,
    /// How often the node looks for reminders to send.
    pub reminder_check_seconds: f64,
}

impl Default for Warnings {
    fn default() -> Self {
        Warnings {
            remind_days: vec![120, 30],
            reminder_check_seconds: 3600.0,
        }
    }
}

impl Warnings {
    pub fn check_every(&self) -> Result<std::time::Duration> {
        std::time::Duration::try_from_secs_f64(self.reminder_check_seconds)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                anyhow!(
                    "warnings.reminder_check_seconds: {} is not a positive number of seconds",
                    self.reminder_check_seconds
                )
            })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Federation {
    /// Seconds between pulls from a peer that has not poked (pokes make pulls immediate).
    pub poll_seconds: f64,
    /// Objects asked for per page.
    pub page_size: usize,
    /// Seconds one request to a peer may take.
    pub request_timeout_seconds: f64,
}

impl Default for Federation {
    fn default() -> Self {
        let s = entente_federation::Settings::default();
        Federation {
            poll_seconds: s.poll_interval.as_secs_f64(),
            page_size: s.page_size,
            request_timeout_seconds: s.request_timeout.as_secs_f64(),
        }
    }
}

impl Federation {
    pub fn settings(&self) -> Result<entente_federation::Settings> {
        let secs = |name: &str, v: f64| {
            std::time::Duration::try_from_secs_f64(v)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    anyhow!("federation.{name}: {v} is not a positive number of seconds")
                })
        };
        if !(1..=10_000).contains(&self.page_size) {
            bail!(
                "federation.page_size: {} is not between 1 and 10000",
                self.page_size
            );
        }
        Ok(entente_federation::Settings {
            poll_interval: secs("poll_seconds", self.poll_seconds)?,
            page_size: self.page_size,
            request_timeout: secs("request_timeout_seconds", self.request_timeout_seconds)?,
            ..Default::default()
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub max_envelope_objects: usize,
    pub max_object_bytes: usize,
    pub default_page: usize,
    pub max_page: usize,
    /// The most JSON values (strings, numbers, lists, objects) one request body may hold.
    pub max_body_values: usize,
    /// The deepest nesting of lists and objects in a request body.
    pub max_body_depth: usize,
    /// The most values the `match[...]` filters of one TAXII query may give, all together.
    pub max_match_values: usize,
    /// The most versions the node keeps of one object.
    pub max_versions_per_object: usize,
    /// The most name parts one screening request may hold, all its names together.
    pub max_screening_parts: usize,
    /// Connections open at once; past it, new ones are closed as soon as accepted.
    pub max_connections: usize,
    /// Seconds a client may take for the TLS handshake, and for the head of each request.
    pub tls_handshake_timeout_seconds: f64,
    pub header_read_timeout_seconds: f64,
    /// Seconds a connection may wait for its next request after a response.
    pub keep_alive_timeout_seconds: f64,
    /// Event streams (`/api/v1/events`) one principal, and the node in all, may hold open.
    pub max_streams_per_principal: usize,
    pub max_streams: usize,
    /// Password checks run at once (each takes about 20 MB for 20 ms).
    pub password_checks_at_once: usize,
    /// Failed sign-ins a user, and a source address, may have in one window before 429.
    pub auth_failures_per_user: u32,
    pub auth_failures_per_source: u32,
    pub auth_window_seconds: f64,
}

impl Default for Limits {
    fn default() -> Self {
        let s = Settings::default();
        let c = entente_server::conn::ConnLimits::default();
        Limits {
            max_body_bytes: s.max_body_bytes,
            max_envelope_objects: s.max_envelope_objects,
            max_object_bytes: s.max_object_bytes,
            default_page: s.default_page,
            max_page: s.max_page,
            max_body_values: s.json_limits.max_values,
            max_body_depth: s.json_limits.max_depth,
            max_match_values: s.max_match_values,
            max_versions_per_object: s.max_versions_per_object,
            max_screening_parts: s.max_screening_parts,
            max_connections: c.max_connections,
            tls_handshake_timeout_seconds: c.tls_handshake_timeout.as_secs_f64(),
            header_read_timeout_seconds: c.header_read_timeout.as_secs_f64(),
            keep_alive_timeout_seconds: c.keep_alive_timeout.as_secs_f64(),
            max_streams_per_principal: s.max_streams_per_principal,
            max_streams: s.max_streams,
            password_checks_at_once: s.auth.concurrent_checks,
            auth_failures_per_user: s.auth.failures_per_user,
            auth_failures_per_source: s.auth.failures_per_source,
            auth_window_seconds: s.auth.window.as_secs_f64(),
        }
    }
}

fn default_marking() -> String {
    "amber".into()
}

impl NodeConfig {
    pub fn new(state: &str) -> NodeConfig {
        NodeConfig {
            state: state.to_owned(),
            charter: "charter.toml".into(),
            database: "node.db".into(),
            listen: "127.0.0.1:8443".into(),
            tls: TlsConfig {
                cert: "tls/cert.pem".into(),
                key: "tls/key.pem".into(),
            },
            limits: Limits::default(),
            default_marking: default_marking(),
            name_variants: None,
            federation: Federation::default(),
            warnings: Warnings::default(),
            store: StoreConfig::default(),
        }
    }

    /// Reads `DIR/entente.toml` and applies the environment's overrides.
    pub fn load(dir: &Path) -> Result<NodeConfig> {
        let path = dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "reading {} (is {} a node directory? `entente init` makes one)",
                path.display(),
                dir.display()
            )
        })?;
        let mut table: toml::Table =
            toml::from_str(&text).with_context(|| format!("in {}", path.display()))?;
        apply_env(&mut table, std::env::vars())?;
        let config: NodeConfig = table
            .try_into()
            .with_context(|| format!("in {} or the ENTENTE_ environment", path.display()))?;
        config.settings()?;
        config.conn_limits()?;
        config.federation.settings()?;
        config.warnings.check_every()?;
        if let Some(url) = &config.store.url {
            url.check()?;
        }
        Ok(config)
    }

    /// What a connection may cost (the HTTP layer's limits).
    pub fn conn_limits(&self) -> Result<entente_server::conn::ConnLimits> {
        let l = &self.limits;
        Ok(entente_server::conn::ConnLimits {
            max_connections: l.max_connections.max(1),
            tls_handshake_timeout: positive_secs(
                "limits.tls_handshake_timeout_seconds",
                l.tls_handshake_timeout_seconds,
            )?,
            header_read_timeout: positive_secs(
                "limits.header_read_timeout_seconds",
                l.header_read_timeout_seconds,
            )?,
            keep_alive_timeout: positive_secs(
                "limits.keep_alive_timeout_seconds",
                l.keep_alive_timeout_seconds,
            )?,
            ..Default::default()
        })
    }

    pub fn settings(&self) -> Result<Settings> {
        let l = &self.limits;
        let secs = positive_secs;
        Ok(Settings {
            max_body_bytes: l.max_body_bytes,
            max_envelope_objects: l.max_envelope_objects,
            max_object_bytes: l.max_object_bytes,
            default_page: l.default_page.max(1),
            max_page: l.max_page.max(1),
            json_limits: entente_stix::json::Limits {
                max_values: l.max_body_values.max(1),
                max_depth: l.max_body_depth.max(1),
            },
            max_match_values: l.max_match_values.max(1),
            max_versions_per_object: l.max_versions_per_object.max(1),
            max_screening_parts: l.max_screening_parts.max(1),
            max_streams_per_principal: l.max_streams_per_principal.max(1),
            max_streams: l.max_streams.max(1),
            auth: entente_node::gate::AuthLimits {
                concurrent_checks: l.password_checks_at_once.max(1),
                failures_per_user: l.auth_failures_per_user.max(1),
                failures_per_source: l.auth_failures_per_source.max(1),
                window: secs("limits.auth_window_seconds", l.auth_window_seconds)?,
                ..Default::default()
            },
            default_marking: Tlp::parse_name(&self.default_marking)
                .map_err(|e| anyhow!("default_marking: {e}"))?,
        })
    }
}

fn positive_secs(name: &str, v: f64) -> Result<std::time::Duration> {
    std::time::Duration::try_from_secs_f64(v)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| anyhow!("{name}: {v} is not a positive number of seconds"))
}

/// Sets `ENTENTE_A__B=v` as `a.b = v` in `table`; `v` is read as a TOML value when it is one
/// (a number, a boolean), else as a string.
pub fn apply_env(
    table: &mut toml::Table,
    vars: impl Iterator<Item = (String, String)>,
) -> Result<()> {
    for (key, value) in vars {
        let Some(rest) = key.strip_prefix("ENTENTE_") else {
            continue;
        };
        if rest == "LOG" {
            continue;
        }
        let path: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
        const SETTINGS: [&str; 11] = [
            "state",
            "charter",
            "database",
            "listen",
            "tls",
            "limits",
            "default_marking",
            "name_variants",
            "federation",
            "warnings",
            "store",
        ];
        if !path.first().is_some_and(|p| SETTINGS.contains(&p.as_str())) {
            bail!("{key} is not a configuration setting: ENTENTE_ variables set {} (ENTENTE_LOG sets the log filter)", SETTINGS.join(", "));
        }
        let parsed: toml::Value = toml::from_str::<toml::Table>(&format!("v = {value}"))
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or(toml::Value::String(value.clone()));
        let mut cursor = &mut *table;
        for (i, part) in path.iter().enumerate() {
            if i + 1 == path.len() {
                cursor.insert(part.clone(), parsed.clone());
            } else {
                let next = cursor
                    .entry(part.clone())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                cursor = next.as_table_mut().ok_or_else(|| {
                    anyhow!("{key}: `{part}` is not a section of the configuration")
                })?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_and_unknown_keys_are_refused() {
        let mut t: toml::Table =
            toml::from_str(&toml::to_string(&NodeConfig::new("KZ")).unwrap()).unwrap();
        let vars = vec![
            ("ENTENTE_LISTEN".to_owned(), "127.0.0.1:9000".to_owned()),
            ("ENTENTE_LIMITS__MAX_PAGE".to_owned(), "50".to_owned()),
            ("ENTENTE_LOG".to_owned(), "debug".to_owned()),
            ("PATH".to_owned(), "/bin".to_owned()),
        ];
        apply_env(&mut t, vars.into_iter()).unwrap();
        let c: NodeConfig = t.clone().try_into().unwrap();
        assert_eq!(c.listen, "127.0.0.1:9000");
        assert_eq!(c.limits.max_page, 50);
        let err = apply_env(
            &mut t,
            [("ENTENTE_COLOUR".to_owned(), "red".to_owned())].into_iter(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("ENTENTE_COLOUR is not a configuration setting"),
            "{err}"
        );
        apply_env(
            &mut t,
            [("ENTENTE_LIMITS__COLOUR".to_owned(), "red".to_owned())].into_iter(),
        )
        .unwrap();
        let err = t.try_into::<NodeConfig>().unwrap_err().to_string();
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn the_store_url_comes_from_the_environment_and_its_password_is_never_shown() {
        let mut t: toml::Table =
            toml::from_str(&toml::to_string(&NodeConfig::new("KZ")).unwrap()).unwrap();
        assert!(
            !t.contains_key("store"),
            "SQLite by default, no [store] written"
        );
        let url = "postgres://entente:s3cret@db.internal:5432/entente";
        apply_env(
            &mut t,
            [("ENTENTE_STORE__URL".to_owned(), url.to_owned())].into_iter(),
        )
        .unwrap();
        let c: NodeConfig = t.try_into().unwrap();
        let u = c.store.url.clone().unwrap();
        assert_eq!(u.expose(), url);
        for shown in [format!("{u}"), format!("{u:?}"), format!("{c:?}")] {
            assert!(!shown.contains("s3cret"), "{shown}");
        }
        assert!(format!("{u}").contains("entente:***@db.internal"));
        assert!(StoreUrl("sqlite://x".into()).check().is_err());
    }
}
