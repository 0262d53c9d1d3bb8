//! The pattern's tokens, each with the character position it starts at.

use crate::PatternError;
use base64::Engine;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    Colon,
    Dot,
    Star,
    Eq,
    Neq,
    Lt,
    Gt,
    Le,
    Ge,
    /// An upper-case keyword (`AND`, `WITHIN`, …).
    Keyword(&'static str),
    Ident(String),
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Binary(Vec<u8>),
    Hex(Vec<u8>),
    Timestamp(i64),
}

const KEYWORDS: [&str; 16] = [
    "AND",
    "OR",
    "NOT",
    "FOLLOWEDBY",
    "LIKE",
    "MATCHES",
    "ISSUBSET",
    "ISSUPERSET",
    "EXISTS",
    "IN",
    "START",
    "STOP",
    "WITHIN",
    "REPEATS",
    "TIMES",
    "SECONDS",
];

fn err(position: usize, message: impl Into<String>) -> PatternError {
    PatternError {
        position,
        message: message.into(),
    }
}

/// The tokens of `s`, with their positions.
pub fn tokens(s: &str) -> Result<Vec<(usize, Tok)>, PatternError> {
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        let start = i;
        if ch.is_whitespace() {
            i += 1;
            continue;
        }
        let next = c.get(i + 1).copied();
        let single = match ch {
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            ',' => Some(Tok::Comma),
            ':' => Some(Tok::Colon),
            '.' if !next.is_some_and(|n| n.is_ascii_digit()) => Some(Tok::Dot),
            '*' => Some(Tok::Star),
            _ => None,
        };
        if let Some(t) = single {
            out.push((start, t));
            i += 1;
            continue;
        }
        let two: String = c[i..(i + 2).min(c.len())].iter().collect();
        let op = match two.as_str() {
            "==" => Some((Tok::Eq, 2)),
            "!=" | "<>" => Some((Tok::Neq, 2)),
            "<=" => Some((Tok::Le, 2)),
            ">=" => Some((Tok::Ge, 2)),
            _ => match ch {
                '=' => Some((Tok::Eq, 1)),
                '<' => Some((Tok::Lt, 1)),
                '>' => Some((Tok::Gt, 1)),
                _ => None,
            },
        };
        if let Some((t, n)) = op {
            out.push((start, t));
            i += n;
            continue;
        }
        // Quoted literals: 'string', b'base64', h'hex', t'timestamp'.
        let prefixed = matches!(ch, 'b' | 'h' | 't') && next == Some('\'');
        if ch == '\'' || prefixed {
            let open = if prefixed { i + 1 } else { i };
            let (text, end) = quoted(&c, open)?;
            let tok = match ch {
                'b' => Tok::Binary(
                    base64::engine::general_purpose::STANDARD
                        .decode(text.as_bytes())
                        .map_err(|e| err(start, format!("a binary literal is base64: {e}")))?,
                ),
                'h' => Tok::Hex(crate::value::hex(&text).ok_or_else(|| {
                    err(start, "a hex literal holds pairs of hexadecimal digits")
                })?),
                't' => Tok::Timestamp(crate::value::timestamp_micros(&text).ok_or_else(|| {
                    err(
                        start,
                        format!("`{text}` is not a timestamp: YYYY-MM-DDTHH:MM:SS[.s]Z, upper-case T and Z"),
                    )
                })?),
                _ => Tok::Str(text),
            };
            out.push((start, tok));
            i = end;
            continue;
        }
        if ch.is_ascii_digit()
            || ((ch == '-' || ch == '+' || ch == '.')
                && next.is_some_and(|n| n.is_ascii_digit() || n == '.'))
        {
            let (tok, end) = number(&c, i)?;
            out.push((start, tok));
            i = end;
            continue;
        }
        if ch.is_ascii_alphabetic() || ch == '_' {
            let mut j = i;
            while j < c.len() && (c[j].is_ascii_alphanumeric() || c[j] == '_' || c[j] == '-') {
                j += 1;
            }
            let word: String = c[i..j].iter().collect();
            let tok = if let Some(k) = KEYWORDS.iter().find(|k| **k == word) {
                Tok::Keyword(k)
            } else if word == "true" || word == "false" {
                Tok::Bool(word == "true")
            } else {
                Tok::Ident(word)
            };
            out.push((start, tok));
            i = j;
            continue;
        }
        return Err(err(start, format!("unexpected `{ch}`")));
    }
    Ok(out)
}

/// The text of the quoted literal opening at `open` (`\'` and `\\` escaped), and the position
/// after it.
fn quoted(c: &[char], open: usize) -> Result<(String, usize), PatternError> {
    let mut text = String::new();
    let mut j = open + 1;
    while j < c.len() {
        match c[j] {
            '\\' => match c.get(j + 1) {
                Some('\'') => {
                    text.push('\'');
                    j += 2;
                }
                Some('\\') => {
                    text.push('\\');
                    j += 2;
                }
                _ => return Err(err(j, "in a string, `\\` escapes only `'` and `\\`")),
            },
            '\'' => return Ok((text, j + 1)),
            ch => {
                text.push(ch);
                j += 1;
            }
        }
    }
    Err(err(open, "a quoted literal is not closed"))
}

/// An integer or a float from `i`: `[+-]?(0|[1-9][0-9]*)`, `[+-]?[0-9]*\.[0-9]+`.
fn number(c: &[char], i: usize) -> Result<(Tok, usize), PatternError> {
    let mut j = i;
    if c[j] == '+' || c[j] == '-' {
        j += 1;
    }
    let digits_from = j;
    while j < c.len() && c[j].is_ascii_digit() {
        j += 1;
    }
    let int_part: String = c[digits_from..j].iter().collect();
    if j < c.len() && c[j] == '.' {
        j += 1;
        let frac_from = j;
        while j < c.len() && c[j].is_ascii_digit() {
            j += 1;
        }
        if j == frac_from {
            return Err(err(i, "a float has digits after its point"));
        }
        let text: String = c[i..j].iter().collect();
        let v: f64 = text
            .parse()
            .map_err(|_| err(i, format!("`{text}` is not a number")))?;
        return Ok((Tok::Float(v), j));
    }
    if int_part.len() > 1 && int_part.starts_with('0') {
        return Err(err(i, "an integer has no leading zero"));
    }
    let text: String = c[i..j].iter().collect();
    let v: i64 = text
        .parse()
        .map_err(|_| err(i, format!("`{text}` is not a 64-bit integer")))?;
    Ok((Tok::Int(v), j))
}
