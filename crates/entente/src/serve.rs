//! `entente serve`: the node's HTTP interface, over HTTPS with the node's certificate, or plain
//! HTTP when asked and only on a loopback address. The first line on standard output says where
//! it listens (with the real port when asked for port 0), so scripts and tests can find it.

use crate::nodedir::NodeDir;
use anyhow::{bail, Context, Result};
use entente_node::Node;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

/// Resolves on Ctrl-C or SIGTERM, so that a stopped node (or demo) shuts down cleanly.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Stops a background task when the server stops.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The node's TLS configuration: its certificate chain and key, HTTP/2 and HTTP/1.1 offered.
fn tls_config(cert: &std::path::Path, key: &std::path::Path) -> Result<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("reading {}", cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("reading {}", cert.display()))?;
    let key =
        PrivateKeyDer::from_pem_file(key).with_context(|| format!("reading {}", key.display()))?;
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

pub struct Listening {
    pub url: String,
}

fn install_crypto_provider() {
    // Installing twice (demo, then serve) is harmless: the second call only reports it is set.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Binds `listen` and serves `node` until interrupted. Calls `ready` once listening.
pub async fn serve(
    nd: &NodeDir,
    node: Arc<Node>,
    listen: &str,
    plain_http: bool,
    ready: impl FnOnce(&Listening),
) -> Result<()> {
    let listener = bind(listen, plain_http)?;
    serve_on(nd, node, listener, plain_http, ready).await
}

/// Binds the address a node will listen on, refusing plain HTTP off loopback.
pub fn bind(listen: &str, plain_http: bool) -> Result<TcpListener> {
    let addr: SocketAddr = listen.parse().with_context(|| {
        format!("`{listen}` is not an address to listen on (e.g. 127.0.0.1:8443)")
    })?;
    if plain_http && !addr.ip().is_loopback() {
        bail!("--plain-http is allowed only on a loopback address (127.0.0.1 or ::1), not {addr}: use HTTPS");
    }
    let listener = TcpListener::bind(addr).with_context(|| format!("listening on {addr}"))?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Serves `node` on a bound listener until interrupted, pulling from its peers meanwhile. Calls
/// `ready` once listening.
pub async fn serve_on(
    nd: &NodeDir,
    node: Arc<Node>,
    listener: TcpListener,
    plain_http: bool,
    ready: impl FnOnce(&Listening),
) -> Result<()> {
    let local = listener.local_addr()?;
    let variants = nd.config.name_variants.as_ref().map(|p| nd.dir.join(p));
    // Reading the name table takes a second or two: off the runtime, so other work goes on.
    let groups =
        tokio::task::spawn_blocking(move || crate::screen::load_groups(variants.as_deref(), false))
            .await??;
    node.screening.set_groups(groups);
    // Other processes serving this node on the same database: what they store reaches this one.
    if entente_node::cluster::listen(&node).await? {
        tracing::info!("this node's store can be shared by several processes: listening for their writes and pokes");
    }
    // The effective charter from the decisions held, before the first request is served.
    entente_node::governance::refresh(&node, true).await?;
    let _governance = AbortOnDrop(entente_node::governance::spawn(
        node.clone(),
        std::time::Duration::from_secs(60),
    ));
    let _federation = entente_federation::start(node.clone(), nd.config.federation.settings()?);
    let reminders = entente_node::workflow::spawn_due(
        node.clone(),
        entente_workflow::Warnings::new(nd.config.warnings.remind_days.clone()),
        nd.config.warnings.check_every()?,
    );
    let _reminders = AbortOnDrop(reminders);
    // The secretariat's node reminds invited states before a conference's deadline (the charter's
    // `[consultations] remind_hours`); on any other node nothing falls due. Looked for every
    // minute at most (a reminder two hours before is late by an hour's check).
    let consultation_reminders = entente_node::workflow::spawn_due(
        node.clone(),
        entente_workflow::consultation::Consultations,
        nd.config
            .warnings
            .check_every()?
            .min(std::time::Duration::from_secs(60)),
    );
    let _consultation_reminders = AbortOnDrop(consultation_reminders);
    let limits = nd.config.conn_limits()?;
    let app = entente_server::router(node);
    let scheme = if plain_http { "http" } else { "https" };
    let url = format!("{scheme}://{local}/taxii2/");
    entente_server::conn::raise_open_files_limit();
    let tls = if plain_http {
        None
    } else {
        install_crypto_provider();
        Some(Arc::new(
            tls_config(&nd.path(&nd.config.tls.cert), &nd.path(&nd.config.tls.key))
                .context("loading the TLS certificate and key")?,
        ))
    };
    let listener = tokio::net::TcpListener::from_std(listener)?;
    ready(&Listening { url });
    entente_server::conn::serve(listener, tls, app, limits, shutdown_signal()).await?;
    Ok(())
}
