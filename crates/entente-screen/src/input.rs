//! Reading lists and names to screen from text: the formats `entente screen` takes, in one
//! place the CLI, the evaluation and the fuzz targets share. No I/O: the text is given.
//!
//! A list is JSON Lines, one entry a line: `{"id": ..., "names": [...]}` with optional `kind`
//! (`person` or `organization`), `birth_date` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) and
//! `nationality` (a list of codes, or one string `"KZ;RU"`). Names to screen are CSV with a
//! header (`id,name`, optional `birth_date`, `nationality`) or JSON Lines with the same fields;
//! text whose first non-blank character is `{` is JSON Lines. A line that cannot be read is
//! answered with its number and why; the others are still read.

use crate::matcher::{Entry, PartialDate, Query};
use crate::parts::Kind;
use serde::Deserialize;

#[derive(Deserialize)]
struct ListLine {
    id: String,
    names: Vec<String>,
    kind: Option<String>,
    birth_date: Option<String>,
    #[serde(default)]
    nationality: Nationality,
}

/// Nationality as a list (`["KZ", "RU"]`) or a string (`"KZ"`, `"KZ;RU"`).
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum Nationality {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Nationality {
    fn codes(self) -> Vec<String> {
        match self {
            Nationality::None => Vec::new(),
            Nationality::One(s) => s
                .split([';', ',', ' '])
                .filter(|c| !c.is_empty())
                .map(|c| c.trim().to_uppercase())
                .collect(),
            Nationality::Many(v) => v.into_iter().map(|c| c.trim().to_uppercase()).collect(),
        }
    }
}

/// One name to screen, as a line of input gives it.
#[derive(Deserialize)]
pub struct InputLine {
    id: String,
    name: String,
    birth_date: Option<String>,
    #[serde(default)]
    nationality: Nationality,
}

fn birth_date(s: Option<String>) -> Result<Option<PartialDate>, crate::ScreenError> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => PartialDate::parse(d).map(Some),
    }
}

fn entry(line: ListLine) -> Result<Entry, crate::ScreenError> {
    if line.names.iter().all(|n| n.trim().is_empty()) {
        return Err("`names` holds no name".into());
    }
    let kind = match line.kind.as_deref() {
        None | Some("person") => Kind::Person,
        Some("organization") => Kind::Organization,
        Some(other) => {
            return Err(
                format!("`kind` is `{other}`; it must be `person` or `organization`").into(),
            )
        }
    };
    Ok(Entry {
        id: line.id,
        kind,
        names: line.names,
        birth_date: birth_date(line.birth_date)?,
        nationality: line.nationality.codes(),
    })
}

/// One line of a list.
pub fn list_line(line: &str) -> Result<Entry, crate::ScreenError> {
    serde_json::from_str::<ListLine>(line)
        .map_err(|e| crate::ScreenError::from(e.to_string()))
        .and_then(entry)
}

/// A list: its entries, and the lines (numbered from 1) that could not be read, with why.
pub fn list(text: &str) -> (Vec<Entry>, Vec<(usize, String)>) {
    let (mut entries, mut bad) = (Vec::new(), Vec::new());
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match list_line(line) {
            Ok(e) => entries.push(e),
            Err(e) => bad.push((n + 1, e.to_string())),
        }
    }
    (entries, bad)
}

/// One input line: its line number and the query with its id, or why it could not be read.
pub type InputItem = (usize, Result<(String, Query), crate::ScreenError>);

/// The query of an input line, with its id.
pub fn query(line: InputLine) -> Result<(String, Query), crate::ScreenError> {
    if line.name.trim().is_empty() {
        return Err("`name` is empty".into());
    }
    Ok((
        line.id,
        Query {
            name: line.name,
            birth_date: birth_date(line.birth_date)?,
            nationality: line.nationality.codes(),
        },
    ))
}

/// Names to screen, CSV or JSON Lines; `Err` only when a CSV header cannot be read or lacks
/// `id` or `name`.
pub fn input(text: &str) -> Result<Vec<InputItem>, crate::ScreenError> {
    let json = text.trim_start().starts_with('{');
    let mut items = Vec::new();
    if json {
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let q = serde_json::from_str::<InputLine>(line)
                .map_err(|e| crate::ScreenError::from(e.to_string()))
                .and_then(query);
            items.push((n + 1, q));
        }
        return Ok(items);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| crate::ScreenError::from(format!("reading the CSV header: {e}")))?
        .clone();
    for column in ["id", "name"] {
        if !headers.iter().any(|h| h == column) {
            return Err(format!(
                "the CSV header has no `{column}` column (it has: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            )
            .into());
        }
    }
    for (i, record) in reader.records().enumerate() {
        // The header is line 1.
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i + 2, |p| usize::try_from(p.line()).unwrap_or(i + 2));
        let q = record
            .map_err(|e| crate::ScreenError::from(e.to_string()))
            .and_then(|r| {
                if r.len() != headers.len() {
                    return Err(format!(
                        "{} fields where the header has {}",
                        r.len(),
                        headers.len()
                    )
                    .into());
                }
                r.deserialize::<InputLine>(Some(&headers))
                    .map_err(|e| crate::ScreenError::from(e.to_string()))
            })
            .and_then(query);
        items.push((line, q));
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_inputs_in_every_format() {
        let (entries, bad) = list(
            "{\"id\":\"a\",\"names\":[\"Igor Morgulov\"],\"nationality\":\"RU;KZ\"}\n\nnot json\n{\"id\":\"b\",\"names\":[\" \"]}\n",
        );
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].nationality, vec!["RU", "KZ"]);
        assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), vec![3, 4]);
        let items =
            input("id,name,birth_date\n1,Igor Morgulov,1961-05\n2,,\n3,A B,May 1961\n4\n").unwrap();
        assert!(items[0].1.is_ok());
        assert_eq!(items.iter().filter(|i| i.1.is_err()).count(), 3);
        assert!(input("ident,nom\n1,x\n")
            .unwrap_err()
            .to_string()
            .contains("`id`"));
        let items = input("{\"id\":\"1\",\"name\":\"Cheng Guoping\"}\n{\"id\":2}\n").unwrap();
        assert!(items[0].1.is_ok() && items[1].1.is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_or_refused_line_by_line(s in proptest::prelude::any::<String>()) {
            let _ = list(&s);
            let _ = input(&s);
        }
    }
}
