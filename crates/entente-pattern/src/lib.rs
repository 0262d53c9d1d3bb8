//! STIX 2.1 patterning (STIX 2.1 part 9), with no I/O: a pattern parsed to a tree ([`ast`]), or
//! refused with the character position and the reason ([`PatternError`]); compiled for matching
//! ([`compile`], the rules by which an observation satisfies a comparison, as the OASIS reference
//! matcher applies them); indexed so that an observation's cost does not grow with the number of
//! patterns ([`index`]); and decided over time ([`solve`]: `AND`, `OR`, `FOLLOWEDBY`, `WITHIN`,
//! `REPEATS`, `START … STOP`). [`batch`] matches many patterns against many observations, as
//! `entente match` does.
//!
//! Written by hand: no maintained Rust crate parses the STIX patterning language (the OASIS
//! reference is an ANTLR grammar with Python and Java runtimes; the one Rust STIX library found,
//! at 0.1, validates objects, not this grammar to this depth), and a hand-written
//! recursive-descent parser gives the error positions an analyst needs and no generated code.
//!
//! The grammar, from the specification's ANTLR grammar (`STIXPattern.g4`): observation
//! expressions joined by `AND`, `OR` and `FOLLOWEDBY` (that precedence, loosest last), each a
//! bracketed comparison expression or a parenthesized group, qualified by `WITHIN n SECONDS`,
//! `REPEATS n TIMES` or `START t'…' STOP t'…'`; comparison expressions joined by `AND` and `OR`
//! (`AND` binds tighter), each `path [NOT] op literal`, `path [NOT] IN (…)`, `EXISTS path` or a
//! parenthesized comparison expression; object paths `type:property` followed by `.property`,
//! `[n]`, `[*]`; literals: integers, floats, strings, booleans, binary `b'…'` (base64), hex
//! `h'…'`, timestamps `t'…'`. Keywords are upper case, booleans `true`/`false`.
//! What the reference grammar accepts, this parser accepts (so that an indicator another system
//! wrote is not refused here), and timestamps must be real moments. What the reference matcher
//! refuses only when it matches — a set of mixed kinds, `REPEATS 0`, `WITHIN 0`, a `MATCHES`
//! expression that does not compile — [`compile::Compiled::new`] refuses. Comparisons joined by
//! `AND` across object types parse and never match, as in the reference.

pub mod ast;
pub mod batch;
pub mod compile;
pub mod index;
mod lexer;
pub mod like;
pub mod observed;
mod parser;
#[cfg(test)]
mod property;
#[cfg(test)]
mod reference_cases;
pub mod solve;
pub mod value;

#[cfg(test)]
mod tests;

pub use ast::{Comparison, Literal, ObjectPath, Observation, Op, PathStep, Qualifier, Test};

/// Why a pattern was refused: at which character (0-based) and what was wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub position: usize,
    pub message: String,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at character {}: {}", self.position, self.message)
    }
}

impl std::error::Error for PatternError {}

/// The longest pattern parsed, in bytes, and the deepest nesting: a pattern's cost is bounded.
pub const MAX_PATTERN_BYTES: usize = 64 * 1024;
pub const MAX_DEPTH: usize = 64;

/// Parses a STIX 2.1 pattern.
pub fn parse(pattern: &str) -> Result<Observation, PatternError> {
    if pattern.len() > MAX_PATTERN_BYTES {
        return Err(PatternError {
            position: 0,
            message: format!("a pattern is at most {MAX_PATTERN_BYTES} bytes"),
        });
    }
    let tokens = lexer::tokens(pattern)?;
    parser::Parser::new(tokens, pattern.chars().count()).pattern()
}
