//! Connections: how a node accepts them and what each may cost. The accept loop is written here on
//! hyper-util rather than taken from `axum::serve` or `axum-server`, because those set none of the
//! bounds a node needs against anyone who can reach its port:
//! - **a cap on open connections** (`max_connections`), so that sockets never pile up beyond what
//!   the process may hold (a thousand idle sockets once exhausted the file descriptors and
//!   `/healthz` stopped answering; the process's descriptor limit is raised to its hard limit at
//!   start, for the same reason). At the cap, the connection that has waited longest for a
//!   request (its first, or its next) is closed to make room — sockets that say nothing cannot
//!   keep out clients that speak — and if every connection is serving a request, the newcomer is
//!   closed at once;
//! - **timeouts for each stage of a connection**, as Go's server and Envoy keep them: the TLS
//!   handshake; the first request begun within the header-read timeout of the connection being
//!   ready; a request's head whole within the header-read timeout of its first byte (against
//!   clients that trickle it); the next request begun within the keep-alive timeout (60 s) of the
//!   last response; and, while a request is served, something read or written every [`IDLE`] (an
//!   event stream writes a comment every 15 seconds and stays). hyper has one clock for the last
//!   three, which starts when it waits for a head: with it at 10 s, a client reusing a
//!   connection it had left idle for 10 s raced the node closing it and got "connection closed
//!   without response" (schemathesis did, through `requests`). A response says
//!   `Keep-Alive: timeout=60`, for the clients that stop reusing a connection before that — or,
//!   when it was given before its request's body was read, `Connection: close`, since hyper
//!   closes that connection after it;
//! - HTTP/2 with a bounded number of concurrent streams per connection.
//!
//! Each request carries the peer's address (`axum::extract::ConnectInfo`), which authentication
//! uses to limit failed attempts per source. The number of open connections is reported to
//! `entente_node::metrics`.

use axum::extract::ConnectInfo;
use axum::http::HeaderValue;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
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
    /// ready for its first, or from the first byte of any later one.
    pub header_read_timeout: Duration,
    /// How long a connection may wait for its next request after a response.
    pub keep_alive_timeout: Duration,
    /// Concurrent HTTP/2 streams per connection.
    pub max_h2_streams: u32,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            max_connections: 1024,
            tls_handshake_timeout: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(10),
            keep_alive_timeout: Duration::from_secs(60),
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
    let registry = Arc::new(Open::default());
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
            // At the cap: make room by closing the connection that has waited longest for a
            // request.
            Err(_) if registry.evict_longest_waiting() => {
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
        let (id, state) = registry.add();
        let registry = registry.clone();
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
                    tracing::debug!(%peer, "closed a connection waiting for a request, to make room");
                }
                reason = idle(&state, &limits) => {
                    tracing::debug!(%peer, reason, "closed a connection");
                }
            }
            registry.remove(id);
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

/// When a [`ConnState`] time is not set.
const UNSET: u64 = u64::MAX;

/// One open connection, as the eviction of idle ones and the timeouts see it. Times are in
/// milliseconds after `accepted`.
struct ConnState {
    accepted: std::time::Instant,
    /// Whether it has sent a request yet.
    spoke: AtomicBool,
    /// Whether it speaks HTTP/2 (whose frames between requests are no request's head).
    h2: AtomicBool,
    /// Requests received whose response has not ended yet.
    in_flight: AtomicUsize,
    /// When something was last read or written.
    active_ms: AtomicU64,
    /// Since when it has waited for a request: the end of the last response, or the end of the
    /// TLS handshake (of the accept, without TLS) before the first.
    waiting_ms: AtomicU64,
    /// When the first byte of the request head now arriving was read, or [`UNSET`].
    head_ms: AtomicU64,
    /// Told when `in_flight` or `head_ms` changes, so that [`idle`] waits on the right deadline.
    changed: tokio::sync::Notify,
    evict: tokio::sync::Notify,
}

impl ConnState {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.accepted.elapsed().as_millis()).unwrap_or(UNSET - 1)
    }

    fn touch(&self) {
        self.active_ms.store(self.now_ms(), Relaxed);
    }

    /// Bytes were read: the first read while the connection waits for an HTTP/1 request starts
    /// the clock of that request's head.
    fn read_some(&self) {
        let now = self.now_ms();
        self.active_ms.store(now, Relaxed);
        if self.in_flight.load(Relaxed) == 0
            && !self.h2.load(Relaxed)
            && self
                .head_ms
                .compare_exchange(UNSET, now, Relaxed, Relaxed)
                .is_ok()
        {
            self.changed.notify_one();
        }
    }

    /// A request's head has arrived: answers the guard that ends it when its response has.
    fn request(self: &Arc<Self>, version: hyper::Version) -> InFlight {
        self.spoke.store(true, Relaxed);
        if version == hyper::Version::HTTP_2 {
            self.h2.store(true, Relaxed);
        }
        self.in_flight.fetch_add(1, Relaxed);
        self.head_ms.store(UNSET, Relaxed);
        self.changed.notify_one();
        InFlight(self.clone())
    }

    /// Whether it is waiting for a request (so that closing it loses no request), and since when.
    fn waiting_since(&self) -> Option<std::time::Instant> {
        if self.in_flight.load(Relaxed) > 0 {
            return None;
        }
        Some(self.accepted + Duration::from_millis(self.waiting_ms.load(Relaxed)))
    }
}

/// A request being served; dropped when its response has ended (or was abandoned).
struct InFlight(Arc<ConnState>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let state = &self.0;
        state.waiting_ms.store(state.now_ms(), Relaxed);
        if state.in_flight.fetch_sub(1, Relaxed) == 1 {
            state.changed.notify_one();
        }
    }
}

/// A response's body that holds its request's [`InFlight`] until hyper has written it all.
struct Tracked {
    inner: axum::body::Body,
    _in_flight: InFlight,
}

impl hyper::body::Body for Tracked {
    type Data = <axum::body::Body as hyper::body::Body>::Data;
    type Error = <axum::body::Body as hyper::body::Body>::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// A request's body that notes when it has been read to its end (or had none).
struct ReadToEnd {
    inner: Incoming,
    ended: Arc<AtomicBool>,
}

impl hyper::body::Body for ReadToEnd {
    type Data = <Incoming as hyper::body::Body>::Data;
    type Error = <Incoming as hyper::body::Body>::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let polled = std::pin::Pin::new(&mut self.inner).poll_frame(cx);
        let ended = match &polled {
            std::task::Poll::Ready(None) => true,
            std::task::Poll::Ready(Some(Ok(_))) => self.inner.is_end_stream(),
            _ => false,
        };
        if ended {
            self.ended.store(true, Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        let end = self.inner.is_end_stream();
        if end {
            self.ended.store(true, Relaxed);
        }
        end
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// Why a connection should be closed now, or how long until it may be.
enum Verdict {
    Close(&'static str),
    Wait(Duration),
}

/// The timeouts of one connection at this moment:
/// - serving a request, nothing read or written for [`IDLE`];
/// - the head of a request not whole `header_read_timeout` after its first byte (HTTP/1);
/// - no request begun `header_read_timeout` after the connection was ready for its first, or
///   `keep_alive_timeout` after the last response ended.
fn verdict(state: &ConnState, limits: &ConnLimits) -> Verdict {
    let now = state.now_ms();
    let since = |ms: u64| Duration::from_millis(now.saturating_sub(ms));
    let (elapsed, allowed, reason) = if state.in_flight.load(Relaxed) > 0 {
        (
            since(state.active_ms.load(Relaxed)),
            IDLE,
            "nothing read or written during a request",
        )
    } else if state.head_ms.load(Relaxed) != UNSET {
        (
            since(state.head_ms.load(Relaxed)),
            limits.header_read_timeout,
            "a request's head took too long",
        )
    } else if !state.spoke.load(Relaxed) {
        (
            since(state.waiting_ms.load(Relaxed)),
            limits.header_read_timeout,
            "no request was sent",
        )
    } else {
        (
            since(state.waiting_ms.load(Relaxed)),
            limits.keep_alive_timeout,
            "idle between requests",
        )
    };
    if elapsed >= allowed {
        Verdict::Close(reason)
    } else {
        Verdict::Wait(allowed - elapsed)
    }
}

/// Resolves, with the reason, when the connection has broken one of its timeouts ([`verdict`]).
async fn idle(state: &ConnState, limits: &ConnLimits) -> &'static str {
    loop {
        match verdict(state, limits) {
            Verdict::Close(reason) => return reason,
            Verdict::Wait(d) => {
                tokio::select! {
                    () = tokio::time::sleep(d.max(Duration::from_millis(50))) => {}
                    () = state.changed.notified() => {}
                }
            }
        }
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
            self.state.read_some();
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

/// The open connections, for closing the one that has waited longest for a request.
#[derive(Default)]
struct Open {
    next: AtomicU64,
    open: std::sync::Mutex<std::collections::BTreeMap<u64, Arc<ConnState>>>,
}

impl Open {
    fn add(&self) -> (u64, Arc<ConnState>) {
        let id = self.next.fetch_add(1, Relaxed);
        let state = Arc::new(ConnState {
            accepted: std::time::Instant::now(),
            spoke: AtomicBool::new(false),
            h2: AtomicBool::new(false),
            in_flight: AtomicUsize::new(0),
            active_ms: AtomicU64::new(0),
            waiting_ms: AtomicU64::new(0),
            head_ms: AtomicU64::new(UNSET),
            changed: tokio::sync::Notify::new(),
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

    /// Tells the connection that has waited longest for a request (its first, or its next) to
    /// close; whether there was one. One serving a request is never chosen.
    fn evict_longest_waiting(&self) -> bool {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let longest = open
            .iter()
            .filter_map(|(id, c)| Some((c.waiting_since()?, *id)))
            .min()
            .and_then(|(_, id)| Some((id, open.get(&id)?.clone())));
        match longest {
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
    // Ready for its first request from now (after the TLS handshake).
    state.waiting_ms.store(state.now_ms(), Relaxed);
    let stream = Activity {
        inner: stream,
        state: state.clone(),
    };
    let keep_alive = HeaderValue::from_str(&format!(
        "timeout={}",
        limits.keep_alive_timeout.as_secs().max(1)
    ))
    .ok();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        let in_flight = state.request(req.version());
        let http1 = req.version() < hyper::Version::HTTP_2;
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        let keep_alive = keep_alive.clone();
        let read_to_end = Arc::new(AtomicBool::new(false));
        let req = req.map(|inner| {
            // A request without a body has nothing to read.
            read_to_end.store(hyper::body::Body::is_end_stream(&inner), Relaxed);
            axum::body::Body::new(ReadToEnd {
                inner,
                ended: read_to_end.clone(),
            })
        });
        async move {
            let response = app.oneshot(req).await?;
            let (mut parts, inner) = response.into_parts();
            if http1 {
                if read_to_end.load(Relaxed) {
                    // Says how long an idle connection stays open, for the clients that heed
                    // it (and stop reusing a connection just before the node closes it).
                    if let Some(v) = keep_alive {
                        parts
                            .headers
                            .entry(hyper::header::HeaderName::from_static("keep-alive"))
                            .or_insert(v);
                    }
                } else {
                    // Answered before its body was read (refused early: 401, 404, 413, ...):
                    // hyper closes such a connection after the response, having said nothing,
                    // and a client reusing it meanwhile got "connection closed without
                    // response" or a TLS EOF. Said, the client opens a new one.
                    parts
                        .headers
                        .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
                }
            }
            let body = Tracked {
                inner,
                _in_flight: in_flight,
            };
            Ok::<_, std::convert::Infallible>(hyper::Response::from_parts(parts, body))
        }
    });
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        // hyper's clock runs from when it waits for a head, idle time included: [`idle`] keeps
        // the finer timeouts, and this is only a bound behind them.
        .header_read_timeout(limits.keep_alive_timeout + limits.header_read_timeout)
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
