//! What operators watch: the node's metrics, kept in one process-wide registry
//! (prometheus-client) that the connection layer, the handlers, ingest, streams and the federation
//! feed through the functions here, and rendered in the OpenMetrics text format ([`render`]) that
//! the HTTP layer serves at `GET /metrics`:
//!
//! | metric | what |
//! |---|---|
//! | `entente_http_requests_total{route,method,status}` | requests answered |
//! | `entente_http_request_duration_seconds{route,method}` | how long they took |
//! | `entente_refusals_total{code}` | requests refused, by error code (`forbidden`, `payload_too_large`, ...) |
//! | `entente_limits_hit_total{limit}` | refusals by the limit that made them (`body_bytes`, `screening_parts`, ...) |
//! | `entente_auth_failures_total` | wrong or unknown credentials |
//! | `entente_auth_rate_limited_total{by}` | attempts answered 429, by `user` or `source` |
//! | `entente_open_connections`, `entente_connections_refused_total` | connections, and those closed at the cap |
//! | `entente_event_streams`, `entente_event_streams_refused_total` | open event streams, and those refused at a cap |
//! | `entente_store_writes_total{kind}`, `entente_store_write_duration_seconds{kind}` | durable writes and their latency |
//! | `entente_federation_lag_seconds{peer}` | how far behind a peer this node is: age of the newest object pulled, 0 when caught up |
//! | `entente_federation_pull_errors_total{peer}` | pulls that failed |
//!
//! Routes are named by their pattern (`/taxii2/api/collections/{collection}/objects/`), never by
//! the path asked, so a scan of random paths cannot grow the registry; a path that matches no
//! route counts as `unmatched`.

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;
use std::sync::LazyLock;
use std::time::Instant;

type Labels = Vec<(&'static str, String)>;

fn latency_histogram() -> Histogram {
    // 0.5 ms to about 33 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 17))
}

struct Metrics {
    registry: Registry,
    requests: Family<Labels, Counter>,
    latency: Family<Labels, Histogram, fn() -> Histogram>,
    refusals: Family<Labels, Counter>,
    limits: Family<Labels, Counter>,
    auth_failures: Counter,
    rate_limited: Family<Labels, Counter>,
    open_connections: Gauge,
    connections_refused: Counter,
    streams: Gauge,
    streams_refused: Counter,
    writes: Family<Labels, Counter>,
    write_latency: Family<Labels, Histogram, fn() -> Histogram>,
    federation_lag: Family<Labels, Gauge<f64, AtomicU64>>,
    federation_errors: Family<Labels, Counter>,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("entente");
    let m = Metrics {
        requests: Family::default(),
        latency: Family::new_with_constructor(latency_histogram),
        refusals: Family::default(),
        limits: Family::default(),
        auth_failures: Counter::default(),
        rate_limited: Family::default(),
        open_connections: Gauge::default(),
        connections_refused: Counter::default(),
        streams: Gauge::default(),
        streams_refused: Counter::default(),
        writes: Family::default(),
        write_latency: Family::new_with_constructor(latency_histogram),
        federation_lag: Family::default(),
        federation_errors: Family::default(),
        registry: Registry::default(),
    };
    registry.register("http_requests", "Requests answered", m.requests.clone());
    registry.register(
        "http_request_duration_seconds",
        "How long requests took, by route",
        m.latency.clone(),
    );
    registry.register(
        "refusals",
        "Requests refused, by error code",
        m.refusals.clone(),
    );
    registry.register(
        "limits_hit",
        "Refusals by the limit that made them",
        m.limits.clone(),
    );
    registry.register(
        "auth_failures",
        "Wrong or unknown credentials",
        m.auth_failures.clone(),
    );
    registry.register(
        "auth_rate_limited",
        "Authentication attempts answered 429, by user or source",
        m.rate_limited.clone(),
    );
    registry.register(
        "open_connections",
        "Connections open now",
        m.open_connections.clone(),
    );
    registry.register(
        "connections_refused",
        "Connections closed at once because the node held its most",
        m.connections_refused.clone(),
    );
    registry.register("event_streams", "Event streams open now", m.streams.clone());
    registry.register(
        "event_streams_refused",
        "Event streams refused at a cap",
        m.streams_refused.clone(),
    );
    registry.register("store_writes", "Durable writes, by kind", m.writes.clone());
    registry.register(
        "store_write_duration_seconds",
        "How long durable writes took, by kind",
        m.write_latency.clone(),
    );
    registry.register(
        "federation_lag_seconds",
        "Age of the newest object pulled from a peer; 0 when caught up",
        m.federation_lag.clone(),
    );
    registry.register(
        "federation_pull_errors",
        "Pulls from a peer that failed",
        m.federation_errors.clone(),
    );
    Metrics { registry, ..m }
});

/// A connection open, counted while it lives.
pub struct OpenConnection(());

impl OpenConnection {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        METRICS.open_connections.inc();
        OpenConnection(())
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        METRICS.open_connections.dec();
    }
}

/// An event stream open, counted while it lives.
pub struct OpenStream(());

impl OpenStream {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        METRICS.streams.inc();
        OpenStream(())
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        METRICS.streams.dec();
    }
}

pub fn connection_refused() {
    METRICS.connections_refused.inc();
}

pub fn stream_refused() {
    METRICS.streams_refused.inc();
}

/// A request refused, by the error code it was answered with.
pub fn refused(code: &'static str) {
    METRICS
        .refusals
        .get_or_create(&vec![("code", code.into())])
        .inc();
}

/// A refusal made by a named limit.
pub fn limit_hit(limit: &'static str) {
    METRICS
        .limits
        .get_or_create(&vec![("limit", limit.into())])
        .inc();
}

pub fn auth_failed() {
    METRICS.auth_failures.inc();
}

/// An authentication attempt answered 429, limited `by` user or source.
pub fn rate_limited(by: &'static str) {
    METRICS
        .rate_limited
        .get_or_create(&vec![("by", by.into())])
        .inc();
}

/// A durable write of `kind` (`objects`, `pull`, `audit`, `delete`) that took `started.elapsed()`.
pub fn store_write(kind: &'static str, started: Instant) {
    let labels = vec![("kind", kind.into())];
    METRICS.writes.get_or_create(&labels).inc();
    METRICS
        .write_latency
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
}

/// How far behind `peer` this node is, in seconds.
pub fn federation_lag(peer: &str, seconds: f64) {
    METRICS
        .federation_lag
        .get_or_create(&vec![("peer", peer.to_owned())])
        .set(seconds);
}

pub fn federation_error(peer: &str) {
    METRICS
        .federation_errors
        .get_or_create(&vec![("peer", peer.to_owned())])
        .inc();
}

/// The registry in the Prometheus text format.
pub fn render() -> String {
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, &METRICS.registry).is_err() {
        out.clear();
    }
    out
}

/// A request answered: its route pattern (or `unmatched`), method, status and how long it took.
pub fn request(route: String, method: String, status: u16, seconds: f64) {
    METRICS
        .requests
        .get_or_create(&vec![
            ("route", route.clone()),
            ("method", method.clone()),
            ("status", status.to_string()),
        ])
        .inc();
    METRICS
        .latency
        .get_or_create(&vec![("route", route), ("method", method)])
        .observe(seconds);
}
