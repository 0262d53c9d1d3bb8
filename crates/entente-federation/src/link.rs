//! A link to a peer node as the operator gives it (`entente peer add --url --token [--ca]`),
//! checked: where the peer is, the token it issued to this node, and the CA its certificate
//! chains to. A token is never sent in clear text beyond this machine, so `http://` is taken
//! only for loopback addresses.

use crate::client::base_url;
use crate::FederationError;
use entente_core::PartyCode;
use entente_store::PeerLink;

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
