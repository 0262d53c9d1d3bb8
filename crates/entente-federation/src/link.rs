//! A link to a peer node as the operator gives it (`entente peer add --url --token [--ca]`),
//! checked: where the peer is, the token it issued to this node, and the CA its certificate
//! chains to. A token is never sent in clear text beyond this machine, so `http://` is taken
//! only for loopback addresses.

use crate::FederationError;
use entente_core::PartyCode;
use entente_store::PeerLink;
use url::Url;

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

/// Checks what an operator gave and makes the link to store.
pub fn new_link(
    party: &PartyCode,
    url: &str,
    token: &str,
    ca_pem: Option<String>,
) -> Result<PeerLink, FederationError> {
    let url = base_url(url)?;
    let token = token.trim();
    if token.is_empty() || token.len() > 512 || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(FederationError::BadLink(
            "the token must be the one the peer's `entente peer add` printed (printable ASCII, no spaces)".into(),
        ));
    }
    let link = PeerLink {
        party: party.to_string(),
        url: url.to_string(),
        token: token.to_owned(),
        ca_pem,
        cursor: None,
    };
    crate::client::http_client(&link, std::time::Duration::from_secs(1))?;
    Ok(link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_urls_are_read_as_the_node_base() {
        for (given, want) in [
            ("https://kz.example:8443", "https://kz.example:8443/"),
            (
                "https://kz.example:8443/taxii2/",
                "https://kz.example:8443/",
            ),
            (
                "https://kz.example/entente/taxii2/api/collections/",
                "https://kz.example/entente/",
            ),
            (
                "http://127.0.0.1:9000/taxii2/?x=1",
                "http://127.0.0.1:9000/",
            ),
            ("http://localhost:9000", "http://localhost:9000/"),
            ("http://[::1]:9000", "http://[::1]:9000/"),
        ] {
            assert_eq!(base_url(given).unwrap().as_str(), want, "{given}");
        }
        for (given, why) in [
            ("http://kz.example:8443", "loopback"),
            ("ftp://127.0.0.1/", "not http"),
            ("kz.example", "relative URL"),
            ("https://user:pw@kz.example/", "--token"),
        ] {
            let err = base_url(given).unwrap_err().to_string();
            assert!(err.contains(why), "{given}: {err}");
        }
    }

    #[test]
    fn links_refuse_bad_tokens_and_certificates() {
        let kz = PartyCode::parse("KZ").unwrap();
        assert!(new_link(&kz, "https://kz.example", "ent_abc", None).is_ok());
        assert!(new_link(&kz, "https://kz.example", "", None).is_err());
        assert!(new_link(&kz, "https://kz.example", "a b", None).is_err());
        let err = new_link(&kz, "https://kz.example", "t", Some("not a pem".into()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("CA certificate"), "{err}");
    }
}
