//! The HTTP side of a link: fetching a page of the peer's collection over TAXII 2.1 (objects
//! added after the cursor, every version, `next` to page on) and poking the peer. What a peer
//! answers is bounded (a page larger than the limit is refused before it is parsed) and checked
//! for shape; a peer that answers something else gets an error that says what.

use crate::FederationError;
use entente_node::node::COLLECTION_ID;
use entente_stix::Timestamp;
use entente_store::PeerLink;
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;
use url::Url;

const TAXII: &str = "application/taxii+json;version=2.1";
const ADDED_LAST: &str = "x-taxii-date-added-last";

/// The HTTP client of a link: the peer's CA added to the trusted roots when the link names one.
pub fn http_client(link: &PeerLink, timeout: Duration) -> Result<reqwest::Client, FederationError> {
    let mut b = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .user_agent(concat!("entente/", env!("CARGO_PKG_VERSION")));
    if let Some(pem) = &link.ca_pem {
        if !pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(FederationError::BadLink(
                "the CA certificate is not a PEM certificate (no BEGIN CERTIFICATE line)".into(),
            ));
        }
        let cert = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| {
            FederationError::BadLink(format!("the CA certificate is not usable: {e}"))
        })?;
        b = b.add_root_certificate(cert);
    }
    b.build()
        .map_err(|e| FederationError::BadLink(format!("the CA certificate is not usable: {e}")))
}

/// One page of a peer's collection.
#[derive(Debug, Default)]
pub struct Page {
    pub objects: Vec<Value>,
    pub more: bool,
    pub next: Option<String>,
    /// `X-TAXII-Date-Added-Last`: the cursor once this page is stored.
    pub added_last: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    more: bool,
    next: Option<String>,
    #[serde(default)]
    objects: Vec<Value>,
}

/// A peer as this node talks to it.
#[derive(Clone)]
pub struct PeerClient {
    http: reqwest::Client,
    poke_http: reqwest::Client,
    base: Url,
    token: String,
    max_page_bytes: usize,
}

impl PeerClient {
    pub fn new(
        link: &PeerLink,
        timeout: Duration,
        max_page_bytes: usize,
    ) -> Result<PeerClient, FederationError> {
        Ok(PeerClient {
            http: http_client(link, timeout)?,
            poke_http: http_client(link, Duration::from_secs(3))?,
            base: base_url(&link.url)?,
            token: link.token.clone(),
            max_page_bytes,
        })
    }

    fn url(&self, path: &str) -> Result<Url, FederationError> {
        self.base
            .join(path)
            .map_err(|e| FederationError::BadLink(format!("{}{path}: {e}", self.base)))
    }

    /// The objects added after `added_after` (every version), `limit` at most, from `next` on.
    pub async fn fetch(
        &self,
        added_after: Option<&str>,
        next: Option<&str>,
        limit: usize,
    ) -> Result<Page, FederationError> {
        let mut url = self.url(&format!("taxii2/api/collections/{COLLECTION_ID}/objects/"))?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("match[version]", "all");
            q.append_pair("limit", &limit.to_string());
            if let Some(a) = added_after {
                q.append_pair("added_after", a);
            }
            if let Some(n) = next {
                q.append_pair("next", n);
            }
        }
        let resp = self
            .http
            .get(url)
            .bearer_auth(&self.token)
            .header(reqwest::header::ACCEPT, TAXII)
            .send()
            .await?;
        let mut resp = succeeded(resp).await?;
        let added_last = resp
            .headers()
            .get(ADDED_LAST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await? {
            if body.len() + chunk.len() > self.max_page_bytes {
                return Err(FederationError::Malformed(format!(
                    "a page of more than {} bytes",
                    self.max_page_bytes
                )));
            }
            body.extend_from_slice(&chunk);
        }
        // Strictly: a duplicate key in a peer's object would be read one way here and another
        // elsewhere (see `entente_stix::json`).
        let limits = entente_stix::json::Limits {
            max_values: 4_000_000,
            ..Default::default()
        };
        let envelope: Envelope = entente_stix::json::parse(&body, limits)
            .map_err(|e| e.to_string())
            .and_then(|v| serde_json::from_value(v).map_err(|e| e.to_string()))
            .map_err(|e| {
                FederationError::Malformed(format!("the page is not a TAXII envelope: {e}"))
            })?;
        if envelope.more && envelope.next.is_none() {
            return Err(FederationError::Malformed(
                "the page says there is more but gives no `next`".into(),
            ));
        }
        if !envelope.objects.is_empty() {
            let last = added_last.as_deref().ok_or_else(|| {
                FederationError::Malformed(
                    "a page of objects without X-TAXII-Date-Added-Last".into(),
                )
            })?;
            Timestamp::parse(last).map_err(|e| {
                FederationError::Malformed(format!("X-TAXII-Date-Added-Last `{last}`: {e}"))
            })?;
        }
        Ok(Page {
            objects: envelope.objects,
            more: envelope.more,
            next: envelope.next,
            added_last,
        })
    }

    /// Tells the peer this node has something new.
    pub async fn poke(&self) -> Result<(), FederationError> {
        let resp = self
            .poke_http
            .post(self.url("api/v1/federation/poke")?)
            .bearer_auth(&self.token)
            .send()
            .await?;
        succeeded(resp).await.map(|_| ())
    }
}

/// The response if the peer answered success; else the refusal, with the message it gave.
async fn succeeded(resp: reqwest::Response) -> Result<reqwest::Response, FederationError> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let body = resp.text().await.unwrap_or_default();
    Err(FederationError::Refused {
        status: status.as_u16(),
        message: error_message(&body),
    })
}

/// The `message` of an error body, or its first 200 characters.
fn error_message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| body.chars().take(200).collect())
}

/// Reads the peer URL an operator gives — the node's address (`https://host:8443`), its TAXII
/// discovery URL (`.../taxii2/`) or anything under it — as the node's base URL (`.../`).
pub fn base_url(given: &str) -> Result<Url, FederationError> {
    let bad = |why: String| FederationError::BadLink(format!("the peer URL `{given}`: {why}"));
    let mut url = Url::parse(given.trim()).map_err(|e| bad(e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(bad(
                "plain http is taken only on a loopback address: the token would cross the network in clear; use https".into(),
            ))
        }
        other => return Err(bad(format!("`{other}` is not http or https"))),
    }
    if url.host().is_none() {
        return Err(bad("it names no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials go in --token, not in the URL".into()));
    }
    let path = url.path().to_owned();
    let prefix = match path.find("/taxii2") {
        Some(i) => &path[..i],
        None => path.trim_end_matches('/'),
    };
    url.set_path(&format!("{prefix}/"));
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}
