//! The node directory: what `entente init` writes and every other command reads — the
//! configuration, a copy of the charter, the node's key (readable by its owner only), the TLS
//! certificate and key, and the database — and how a running [`Node`] is assembled from it.

use crate::config::{NodeConfig, CONFIG_FILE};
use anyhow::{anyhow, bail, Context, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::SigningKey;
use entente_core::{Charter, PartyCode};
use entente_node::node::NodeTreeHeadSigner;
use entente_node::Node;
use entente_stix::NodeSigner;
use entente_store::Store;
use entente_store_postgres::PostgresStore;
use entente_store_sqlite::SqliteStore;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const KEY_FILE: &str = "node.key";

pub struct NodeDir {
    pub dir: PathBuf,
    pub config: NodeConfig,
}

/// Creates an empty file readable by its owner only.
fn create_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    opts.mode(0o600);
    opts.open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    Ok(())
}

/// Makes a directory its owner's alone.
fn restrict_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", dir.display()))?;
    }
    Ok(())
}

fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    opts.mode(0o600);
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

impl NodeDir {
    pub fn open(dir: &Path) -> Result<NodeDir> {
        Ok(NodeDir {
            dir: dir.to_owned(),
            config: NodeConfig::load(dir)?,
        })
    }

    pub fn path(&self, p: &Path) -> PathBuf {
        self.dir.join(p)
    }

    pub fn party(&self) -> Result<PartyCode> {
        PartyCode::parse(&self.config.state).map_err(|e| anyhow!("state in {CONFIG_FILE}: {e}"))
    }

    pub fn charter(&self) -> Result<Charter> {
        let path = self.path(&self.config.charter);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        Charter::parse(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
    }

    pub fn signer(&self) -> Result<NodeSigner> {
        let path = self.dir.join(KEY_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the node key {}", path.display()))?;
        let bytes = B64
            .decode(text.trim())
            .map_err(|e| anyhow!("{}: not a node key: {e}", path.display()))?;
        let secret: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow!("{}: a node key has 32 bytes", path.display()))?;
        Ok(NodeSigner::new(
            self.party()?,
            SigningKey::from_bytes(&secret),
        ))
    }

    /// The node's store: the PostgreSQL database `[store] url` names, else the SQLite file.
    pub async fn store(&self, signer: Arc<NodeSigner>) -> Result<Arc<dyn Store>> {
        let heads = Arc::new(NodeTreeHeadSigner(signer));
        if let Some(url) = &self.config.store.url {
            let store = PostgresStore::connect(url.expose(), heads)
                .await
                .with_context(|| format!("opening the PostgreSQL store {url}"))?;
            return Ok(Arc::new(store));
        }
        let path = self.path(&self.config.database);
        // The database holds every object and the peers' tokens: its owner's alone. SQLite gives
        // its WAL and shared-memory files the database's permissions.
        if !path.exists() {
            create_private(&path)?;
        }
        let store = SqliteStore::open(&path, heads)
            .await
            .with_context(|| format!("opening the database {}", path.display()))?;
        Ok(Arc::new(store))
    }

    /// Everything a running node needs, assembled.
    pub async fn node(&self) -> Result<Arc<Node>> {
        let signer = Arc::new(self.signer()?);
        let charter = self.charter()?;
        let party = self.party()?;
        if let Some(k) = charter.party(&party).and_then(|p| p.key.as_ref()) {
            if k.0 != *signer.verifying_key().as_bytes() {
                tracing::warn!("the charter lists another key for {party}: peers will refuse this node's objects until the charter is updated");
            }
        }
        let store = self.store(signer.clone()).await?;
        let node =
            Node::new(charter, signer, store, self.config.settings()?).map_err(|e| anyhow!(e))?;
        Ok(Arc::new(node))
    }

    /// Creates a node directory: config, charter copy, key, TLS certificate, database.
    pub async fn init(
        dir: &Path,
        charter_text: &str,
        state: &str,
        hosts: &[String],
        store_url: Option<crate::config::StoreUrl>,
    ) -> Result<NodeDir> {
        let charter = Charter::parse(charter_text).map_err(|e| anyhow!("the charter: {e}"))?;
        let party = PartyCode::parse(state)?;
        if charter.party(&party).is_none() {
            bail!("{party} is not a party of this charter");
        }
        // A PostgreSQL store is reached (and its schema made) before anything is written here, so
        // that a wrong URL leaves no half-made node directory behind.
        if let Some(url) = &store_url {
            url.check()?;
            let probe = Arc::new(NodeTreeHeadSigner(Arc::new(NodeSigner::generate(
                party.clone(),
            ))));
            PostgresStore::connect(url.expose(), probe)
                .await
                .with_context(|| format!("opening the PostgreSQL store {url}"))?;
        }
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        if dir.join(CONFIG_FILE).exists() {
            bail!(
                "{} already holds a node ({CONFIG_FILE} exists)",
                dir.display()
            );
        }
        // The node's directory, key, database and configuration are its operator's alone.
        restrict_dir(dir)?;
        let mut config = NodeConfig::new(state);
        config.store.url = store_url;
        let signer = NodeSigner::generate(party.clone());
        write_private(
            &dir.join(KEY_FILE),
            &format!("{}\n", B64.encode(signer.secret_bytes())),
        )?;
        write_private(&dir.join(&config.charter), charter_text)?;
        let mut names = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ];
        names.extend(hosts.iter().cloned());
        let tls = crate::tls::issue(&party, names)?;
        std::fs::create_dir_all(dir.join("tls"))?;
        restrict_dir(&dir.join("tls"))?;
        std::fs::write(dir.join(crate::tls::CA_FILE), tls.ca_pem)?;
        std::fs::write(dir.join(&config.tls.cert), tls.cert_pem)?;
        write_private(&dir.join(&config.tls.key), &tls.key_pem)?;
        write_private(&dir.join(CONFIG_FILE), &toml::to_string(&config)?)?;
        let nd = NodeDir {
            dir: dir.to_owned(),
            config,
        };
        let node = nd.node().await?;
        crate::seed::publish_identity(&node).await?;
        Ok(nd)
    }
}
