//! Connections: how a node accepts them and what each may cost. The accept loop is written here on
//! hyper-util rather than taken from `axum::serve` or `axum-server`, because those set none of the
//! bounds a node needs against anyone who can reach its port:
//! - **a cap on open connections** (`max_connections`), so that sockets never pile up beyond what
//!   the process may hold (a thousand idle sockets once exhausted the file descriptors and
//!   `/healthz` stopped answering; the process's descriptor limit is raised to its hard limit at
//!   start, for the same reason). At the cap, the oldest connection that has not sent a request
//!   yet is closed to make room — silent sockets cannot keep out clients that speak — and if every
//!   connection has, the newcomer is closed at once;
//! - **a TLS handshake timeout**, **a header-read timeout** and **an idle timeout**: a connection
//!   that does not finish its handshake, or send the head of a request, in time is closed; so is
//!   one on which nothing was read or written for [`IDLE`] (an idle keep-alive connection; an
//!   event stream writes a comment every 15 seconds and stays), so a slow or silent client holds
//!   a connection for seconds, not forever;
//! - HTTP/2 with a bounded number of concurrent streams per connection.
//!
//! Each request carries the peer's address (`axum::extract::ConnectInfo`), which authentication
//! uses to limit failed attempts per source. The number of open connections is reported to
//! `entente_node::metrics`.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How long a connection that has sent a request may go with nothing read or written.
pub const IDLE: Duration = Duration::from_secs(60);

/// What a connection may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    /// Connections open at once; past it, new ones are closed at once.
    pub max_connections: usize,
    /// How long the TLS handshake may take.
    pub tls_handshake_timeout: Duration,
    /// How long a client may take to send the head of a request, from when the connection is
    /// ready for one (an idle keep-alive connection is closed after this too).
    pub header_read_timeout: Duration,
    /// Concurrent HTTP/2 streams per connection.
    pub max_h2_streams: u32,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            max_connections: 1024,
            tls_handshake_timeout: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(10),
            max_h2_streams: 64,
        }
    }
}

/// Raises the soft limit on open files to the hard limit, so that the connection cap, not the
/// descriptor limit, is what bounds connections. Answers the limit now in force.
pub fn raise_open_files_limit() -> Option<u64> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let now = getrlimit(Resource::Nofile);
    let hard = now.maximum?;
    if now.current.is_some_and(|c| c >= hard) {
        return now.current;
    }
    let raised = Rlimit {
        current: Some(hard),
        maximum: Some(hard),
    };
    match setrlimit(Resource::Nofile, raised) {
        Ok(()) => Some(hard),
        Err(e) => {
            tracing::warn!(error = %e, "could not raise the open-files limit");
            now.current
        }
    }
}

/// Serves `app` on `listener` (over TLS with `tls`) until `shutdown` resolves, then lets open
/// requests finish for up to five seconds.
pub async fn serve(
    listener: TcpListener,
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    app: Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let silent = Arc::new(Silent::default());
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors, or the peer reset before we took it: go on.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let permit = match open.clone().try_acquire_owned() {
            Ok(p) => Some(p),
            // At the cap: make room by closing the oldest connection that has said nothing.
            Err(_) if silent.evict_oldest() => {
                tokio::time::timeout(Duration::from_millis(200), open.clone().acquire_owned())
                    .await
                    .ok()
                    .and_then(Result::ok)
            }
            Err(_) => None,
        };
        let Some(permit) = permit else {
            entente_node::metrics::connection_refused();
            entente_node::metrics::limit_hit("connections");
            tracing::debug!(%peer, "connection refused: the node holds its most connections");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let acceptor = acceptor.clone();
        let watcher = graceful.watcher();
        let (id, state) = silent.add();
        let silent = silent.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let _open = entente_node::metrics::OpenConnection::new();
            let served = async {
                match acceptor {
                    Some(acceptor) => {
                        let handshake = tokio::time::timeout(
                            limits.tls_handshake_timeout,
                            acceptor.accept(stream),
                        )
                        .await;
                        match handshake {
                            Ok(Ok(tls)) => {
                                serve_one(tls, peer, app, limits, watcher, state.clone()).await
                            }
                            Ok(Err(e)) => {
                                tracing::debug!(%peer, error = %e, "TLS handshake failed")
                            }
                            Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                        }
                    }
                    None => serve_one(stream, peer, app, limits, watcher, state.clone()).await,
                }
            };
            tokio::select! {
                () = served => {}
                () = state.evict.notified() => {
                    tracing::debug!(%peer, "closed a connection that had sent nothing, to make room");
                }
                () = idle(&state, limits.header_read_timeout) => {
                    tracing::debug!(%peer, "closed an idle connection");
                }
            }
            silent.remove(id);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(5)) => {
            tracing::info!("closing connections still open after five seconds");
        }
    }
    Ok(())
}

/// One open connection, as the eviction of silent ones and the idle timeout see it.
struct ConnState {
    accepted: std::time::Instant,
    /// Whether it has sent a request yet.
    spoke: std::sync::atomic::AtomicBool,
    /// When something was last read or written, in milliseconds after `accepted`.
    active_ms: std::sync::atomic::AtomicU64,
    evict: tokio::sync::Notify,
}

impl ConnState {
    fn touch(&self) {
        let ms = u64::try_from(self.accepted.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.active_ms
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        let last = Duration::from_millis(self.active_ms.load(std::sync::atomic::Ordering::Relaxed));
        self.accepted.elapsed().saturating_sub(last)
    }
}

/// Resolves when the connection has been idle too long: `first` before it sent a request,
/// [`IDLE`] after.
async fn idle(state: &ConnState, first: Duration) {
    loop {
        let allowed = if state.spoke.load(std::sync::atomic::Ordering::Relaxed) {
            IDLE
        } else {
            first
        };
        let idle = state.idle_for();
        if idle >= allowed {
            return;
        }
        tokio::time::sleep((allowed - idle).max(Duration::from_millis(100))).await;
    }
}

/// The connection's I/O, which notes when anything was read or written.
struct Activity<S> {
    inner: S,
    state: Arc<ConnState>,
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Activity<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.state.touch();
        }
        r
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Activity<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let r = std::pin::Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, std::task::Poll::Ready(Ok(n)) if n > 0) {
            self.state.touch();
        }
        r
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let r = std::pin::Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, std::task::Poll::Ready(Ok(n)) if n > 0) {
            self.state.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// The open connections, oldest first, for closing the oldest that has not spoken.
#[derive(Default)]
struct Silent {
    next: std::sync::atomic::AtomicU64,
    open: std::sync::Mutex<std::collections::BTreeMap<u64, Arc<ConnState>>>,
}

impl Silent {
    fn add(&self) -> (u64, Arc<ConnState>) {
        let id = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let state = Arc::new(ConnState {
            accepted: std::time::Instant::now(),
            spoke: std::sync::atomic::AtomicBool::new(false),
            active_ms: std::sync::atomic::AtomicU64::new(0),
            evict: tokio::sync::Notify::new(),
        });
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.insert(id, state.clone());
        (id, state)
    }

    fn remove(&self, id: u64) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.remove(&id);
    }

    /// Tells the oldest connection that has not sent a request to close; whether there was one.
    fn evict_oldest(&self) -> bool {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let oldest = open
            .iter()
            .filter(|(_, c)| !c.spoke.load(std::sync::atomic::Ordering::Relaxed))
            .min_by_key(|(_, c)| c.accepted)
            .map(|(id, c)| (*id, c.clone()));
        match oldest {
            Some((id, c)) => {
                open.remove(&id);
                c.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

async fn serve_one<S>(
    stream: S,
    peer: SocketAddr,
    app: Router,
    limits: ConnLimits,
    watcher: hyper_util::server::graceful::Watcher,
    state: Arc<ConnState>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let stream = Activity {
        inner: stream,
        state: state.clone(),
    };
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        state
            .spoke
            .store(true, std::sync::atomic::Ordering::Relaxed);
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move { app.oneshot(req.map(axum::body::Body::new)).await }
    });
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(limits.max_h2_streams)
        .keep_alive_interval(Some(Duration::from_secs(30)))
        .keep_alive_timeout(limits.header_read_timeout);
    let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
    if let Err(e) = watcher.watch(conn).await {
        tracing::debug!(%peer, error = %e, "connection ended with an error");
    }
}
