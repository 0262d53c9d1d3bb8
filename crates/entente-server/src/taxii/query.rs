//! Parsing TAXII 2.1 query parameters: `added_after`, `limit`, `next` and the `match[...]`
//! filters. Anything malformed is refused with a message naming the parameter.

use crate::error::ApiError;
use entente_stix::Timestamp;
use entente_store::read::{Query, VersionMatch};

#[derive(Debug, Default)]
pub struct Params {
    pub query: Query,
    pub limit: usize,
    /// Where to start: set from `next` by the handler, which opens the token (see `paging`).
    pub after_seq: Option<i64>,
    /// The `next` token as given.
    pub next: Option<String>,
}

fn bad(param: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(format!("`{param}`: {message}"))
}

/// The values of one filter; `left` is how many more values the query may give, all filters
/// together (so that no query can name more ids than one database statement may bind).
fn list(param: &str, value: &str, left: &mut usize, max: usize) -> Result<Vec<String>, ApiError> {
    let mut values = Vec::new();
    for v in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        *left = left.checked_sub(1).ok_or_else(|| {
            bad(
                param,
                format!("the match[...] filters of one query give at most {max} values together"),
            )
        })?;
        values.push(v.to_owned());
    }
    if values.is_empty() {
        return Err(bad(param, "give at least one value"));
    }
    Ok(values)
}

/// Parses a query string. `allowed` lists the `match[...]` fields the endpoint takes.
pub fn parse(
    raw: Option<&str>,
    allowed: &[&str],
    default_limit: usize,
    max_limit: usize,
    max_match_values: usize,
    default_version: VersionMatch,
) -> Result<Params, ApiError> {
    let mut left = max_match_values;
    let mut p = Params {
        limit: default_limit,
        ..Default::default()
    };
    p.query.spec_version_matches = true;
    let mut versions: Option<VersionMatch> = None;
    for (k, v) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let k = k.as_ref();
        if let Some(field) = k.strip_prefix("match[").and_then(|f| f.strip_suffix(']')) {
            if !allowed.contains(&field) {
                return Err(bad(k, "this filter is not supported here"));
            }
        }
        match k {
            "added_after" => {
                let t = Timestamp::parse(&v).map_err(|m| bad(k, m))?;
                p.query.added_after_us = Some(t.micros());
            }
            "limit" => {
                let n: usize = v
                    .parse()
                    .map_err(|_| bad(k, "must be a positive whole number"))?;
                if n == 0 {
                    return Err(bad(k, "must be a positive whole number"));
                }
                p.limit = n.min(max_limit);
            }
            "next" => p.next = Some(v.into_owned()),
            "match[id]" => p
                .query
                .ids
                .extend(list(k, &v, &mut left, max_match_values)?),
            "match[type]" => p
                .query
                .types
                .extend(list(k, &v, &mut left, max_match_values)?),
            "match[version]" => {
                let m = versions.get_or_insert_with(VersionMatch::default);
                for value in list(k, &v, &mut left, max_match_values)? {
                    match value.as_str() {
                        "first" => m.first = true,
                        "last" => m.last = true,
                        "all" => m.all = true,
                        ts => m.at_ns.push(
                            Timestamp::parse(ts)
                                .map_err(|_| {
                                    bad(
                                        k,
                                        format!(
                                            "`{ts}` is neither first, last, all nor a timestamp"
                                        ),
                                    )
                                })?
                                .nanos(),
                        ),
                    }
                }
            }
            "match[spec_version]" => {
                p.query.spec_version_matches = list(k, &v, &mut left, max_match_values)?
                    .iter()
                    .any(|s| s == "2.1");
            }
            _ => {}
        }
    }
    p.query.versions = versions.unwrap_or(default_version);
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[&str] = &["id", "type", "version", "spec_version"];

    fn ok(q: &str) -> Params {
        parse(Some(q), ALL, 100, 1000, 50, VersionMatch::last()).unwrap()
    }

    fn err(q: &str) -> String {
        match parse(Some(q), ALL, 100, 1000, 50, VersionMatch::last()) {
            Err(ApiError::BadRequest(m)) => m,
            other => panic!("{q}: {other:?}"),
        }
    }

    #[test]
    fn parameters() {
        let p = ok("added_after=2019-06-14T00:00:00Z&limit=5000&next=s42&match[id]=a,b&match[type]=note&match[version]=first,2019-06-14T00:00:00.000Z&match[spec_version]=2.0");
        assert_eq!(p.limit, 1000);
        assert_eq!(p.next.as_deref(), Some("s42"));
        assert_eq!(p.query.ids, ["a", "b"]);
        assert!(
            p.query.versions.first && !p.query.versions.last && p.query.versions.at_ns.len() == 1
        );
        assert!(!p.query.spec_version_matches);
        assert!(ok("").query.versions.last);
        assert!(err("limit=0").contains("limit"));
        assert!(err("limit=ten").contains("limit"));
        assert!(err("added_after=yesterday").contains("added_after"));
        assert!(err("match[version]=newest").contains("newest"));
        assert!(err("match[colour]=red").contains("not supported"));
        assert!(err("match[id]=,").contains("at least one"));
        // The values of all filters count together, repeated parameters included.
        let ids: Vec<String> = (0..30).map(|i| format!("note--{i}")).collect();
        let q = format!("match[id]={}&match[id]={}", ids.join(","), ids.join(","));
        assert!(
            err(&q).contains("at most 50 values together"),
            "{}",
            err(&q)
        );
        let q = format!("match[id]={}&match[type]=note", ids[..25].join(","));
        assert_eq!(ok(&q).query.ids.len(), 25);
    }
}
