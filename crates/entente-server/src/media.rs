//! TAXII 2.1 content negotiation: what a client may put in `Accept` (else 406) and in
//! `Content-Type` (else 415).

use axum::http::{header, HeaderMap};

/// Why a request's media types are refused (the error table maps each to 406 or 415).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaRefusal {
    /// `Accept` admits no TAXII 2.1 (406).
    NotAcceptable,
    /// `Content-Type` is not TAXII 2.1 (415).
    UnsupportedMediaType,
}

pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";

/// Whether a media range names TAXII 2.1 (or anything, by wildcard).
fn is_taxii(range: &str, wildcards: bool) -> bool {
    let mut parts = range.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default().to_ascii_lowercase();
    let version_ok = parts
        .filter_map(|p| p.split_once('='))
        .filter(|(k, _)| k.trim().eq_ignore_ascii_case("version"))
        .all(|(_, v)| v.trim().trim_matches('"') == "2.1");
    match essence.as_str() {
        "application/taxii+json" => version_ok,
        "*/*" | "application/*" => wildcards,
        _ => false,
    }
}

/// A request without `Accept` takes what the endpoint gives; with one, it must admit TAXII 2.1.
pub fn check_accept(headers: &HeaderMap) -> Result<(), MediaRefusal> {
    let values: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty()
        || values
            .iter()
            .flat_map(|v| v.split(','))
            .any(|r| is_taxii(r, true))
    {
        Ok(())
    } else {
        Err(MediaRefusal::NotAcceptable)
    }
}

pub fn check_content_type(headers: &HeaderMap) -> Result<(), MediaRefusal> {
    match headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        Some(ct) if is_taxii(ct, false) => Ok(()),
        _ => Err(MediaRefusal::UnsupportedMediaType),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn h(name: header::HeaderName, v: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(name, HeaderValue::from_str(v).unwrap());
        m
    }

    #[test]
    fn negotiation() {
        for ok in [
            "application/taxii+json;version=2.1",
            "application/taxii+json",
            "*/*",
            "text/html, */*;q=0.1",
            "application/taxii+json; version=\"2.1\"",
        ] {
            assert!(check_accept(&h(header::ACCEPT, ok)).is_ok(), "{ok}");
        }
        for bad in [
            "application/json",
            "application/taxii+json;version=2.0",
            "text/html",
        ] {
            assert!(check_accept(&h(header::ACCEPT, bad)).is_err(), "{bad}");
        }
        assert!(check_accept(&HeaderMap::new()).is_ok());
        assert!(check_content_type(&h(
            header::CONTENT_TYPE,
            "application/taxii+json;version=2.1"
        ))
        .is_ok());
        for bad in [
            "application/json",
            "*/*",
            "application/taxii+json;version=2.0",
        ] {
            assert!(
                check_content_type(&h(header::CONTENT_TYPE, bad)).is_err(),
                "{bad}"
            );
        }
        assert!(check_content_type(&HeaderMap::new()).is_err());
    }
}
