//! Recursive descent over the tokens (see the crate doc for the grammar).

use crate::ast::{Comparison, Literal, ObjectPath, Observation, Op, PathStep, Qualifier, Test};
use crate::lexer::Tok;
use crate::{PatternError, MAX_DEPTH};

pub struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
    /// The position reported for "the end of the pattern".
    end: usize,
    depth: usize,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Keyword(k) => format!("`{k}`"),
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Str(s) => format!("the string '{s}'"),
        Tok::Int(n) => format!("the number {n}"),
        Tok::Float(f) => format!("the number {f}"),
        Tok::LBracket => "`[`".into(),
        Tok::RBracket => "`]`".into(),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        other => format!("{other:?}"),
    }
}

impl Parser {
    pub fn new(toks: Vec<(usize, Tok)>, end: usize) -> Parser {
        Parser {
            toks,
            at: 0,
            end,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(_, t)| t)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.at).map_or(self.end, |(p, _)| *p)
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, PatternError> {
        Err(PatternError {
            position: self.pos(),
            message: message.into(),
        })
    }

    fn unexpected<T>(&self, wanted: &str) -> Result<T, PatternError> {
        match self.peek() {
            Some(t) => self.fail(format!("expected {wanted}, found {}", describe(t))),
            None => self.fail(format!("expected {wanted}, found the end of the pattern")),
        }
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn keyword(&mut self, k: &str) -> bool {
        self.eat(&Tok::Keyword(match k {
            "AND" => "AND",
            "OR" => "OR",
            "NOT" => "NOT",
            "FOLLOWEDBY" => "FOLLOWEDBY",
            "IN" => "IN",
            "START" => "START",
            "STOP" => "STOP",
            "WITHIN" => "WITHIN",
            "REPEATS" => "REPEATS",
            "TIMES" => "TIMES",
            "SECONDS" => "SECONDS",
            "EXISTS" => "EXISTS",
            _ => return false,
        }))
    }

    fn deeper(&mut self) -> Result<(), PatternError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.fail(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    /// The whole pattern.
    pub fn pattern(mut self) -> Result<Observation, PatternError> {
        if self.toks.is_empty() {
            return self.fail("a pattern is not empty");
        }
        let o = self.followed_by()?;
        if self.peek().is_some() {
            return self.unexpected("`AND`, `OR`, `FOLLOWEDBY`, a qualifier or the end");
        }
        Ok(o)
    }

    fn followed_by(&mut self) -> Result<Observation, PatternError> {
        let mut left = self.obs_or()?;
        while self.keyword("FOLLOWEDBY") {
            let right = self.obs_or()?;
            left = Observation::FollowedBy(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn obs_or(&mut self) -> Result<Observation, PatternError> {
        let mut left = self.obs_and()?;
        while self.keyword("OR") {
            let right = self.obs_and()?;
            left = Observation::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn obs_and(&mut self) -> Result<Observation, PatternError> {
        let mut left = self.qualified()?;
        while self.keyword("AND") {
            let right = self.qualified()?;
            left = Observation::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn qualified(&mut self) -> Result<Observation, PatternError> {
        let mut o = self.observation()?;
        loop {
            let q = if self.keyword("WITHIN") {
                let seconds = match self.peek().cloned() {
                    Some(Tok::Int(n)) if n >= 0 => n as f64,
                    Some(Tok::Float(f)) if f >= 0.0 => f,
                    _ => return self.unexpected("a number of seconds after `WITHIN`"),
                };
                self.at += 1;
                if !self.keyword("SECONDS") {
                    return self.unexpected("`SECONDS`");
                }
                Qualifier::Within { seconds }
            } else if self.keyword("REPEATS") {
                let times = match self.peek().cloned() {
                    Some(Tok::Int(n)) if n >= 0 => n as u64,
                    _ => return self.unexpected("a whole number after `REPEATS`"),
                };
                self.at += 1;
                if !self.keyword("TIMES") {
                    return self.unexpected("`TIMES`");
                }
                Qualifier::Repeats { times }
            } else if self.keyword("START") {
                let Some(Tok::Timestamp(start_us)) = self.peek().cloned() else {
                    return self.unexpected("a timestamp t'…' after `START`");
                };
                self.at += 1;
                if !self.keyword("STOP") {
                    return self.unexpected("`STOP`");
                }
                let Some(Tok::Timestamp(stop_us)) = self.peek().cloned() else {
                    return self.unexpected("a timestamp t'…' after `STOP`");
                };
                self.at += 1;
                Qualifier::StartStop { start_us, stop_us }
            } else {
                return Ok(o);
            };
            o = Observation::Qualified(Box::new(o), q);
        }
    }

    fn observation(&mut self) -> Result<Observation, PatternError> {
        self.deeper()?;
        let r = if self.eat(&Tok::LBracket) {
            let c = self.comparison_or()?;
            if !self.eat(&Tok::RBracket) {
                return self.unexpected("`]`");
            }
            Ok(Observation::Match(c))
        } else if self.eat(&Tok::LParen) {
            let o = self.followed_by()?;
            if !self.eat(&Tok::RParen) {
                return self.unexpected("`)`");
            }
            Ok(o)
        } else {
            self.unexpected("`[` or `(` to begin an observation expression")
        };
        self.depth -= 1;
        r
    }

    fn comparison_or(&mut self) -> Result<Comparison, PatternError> {
        let mut left = self.comparison_and()?;
        while self.keyword("OR") {
            let right = self.comparison_and()?;
            left = Comparison::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn comparison_and(&mut self) -> Result<Comparison, PatternError> {
        let mut left = self.test()?;
        while self.keyword("AND") {
            let right = self.test()?;
            left = Comparison::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn test(&mut self) -> Result<Comparison, PatternError> {
        if self.eat(&Tok::LParen) {
            self.deeper()?;
            let c = self.comparison_or()?;
            if !self.eat(&Tok::RParen) {
                return self.unexpected("`)`");
            }
            self.depth -= 1;
            return Ok(c);
        }
        if self.keyword("EXISTS") {
            return Ok(Comparison::Test(Test::Exists(self.path()?)));
        }
        let path = self.path()?;
        let negated = self.keyword("NOT");
        if self.keyword("IN") {
            if !self.eat(&Tok::LParen) {
                return self.unexpected("`(` to begin the set after `IN`");
            }
            let mut set: Vec<Literal> = Vec::new();
            if !self.eat(&Tok::RParen) {
                loop {
                    let v = self.literal()?;
                    set.push(v);
                    if self.eat(&Tok::RParen) {
                        break;
                    }
                    if !self.eat(&Tok::Comma) {
                        return self.unexpected("`,` or `)` in the set");
                    }
                }
            }
            return Ok(Comparison::Test(Test::In { path, negated, set }));
        }
        let op = match self.peek() {
            Some(Tok::Eq) => Op::Eq,
            Some(Tok::Neq) => Op::Neq,
            Some(Tok::Lt) => Op::Lt,
            Some(Tok::Gt) => Op::Gt,
            Some(Tok::Le) => Op::Le,
            Some(Tok::Ge) => Op::Ge,
            Some(Tok::Keyword("LIKE")) => Op::Like,
            Some(Tok::Keyword("MATCHES")) => Op::Matches,
            Some(Tok::Keyword("ISSUBSET")) => Op::IsSubset,
            Some(Tok::Keyword("ISSUPERSET")) => Op::IsSuperset,
            _ => return self.unexpected("a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)"),
        };
        self.at += 1;
        let value_at = self.pos();
        let value = self.literal()?;
        let string_only = matches!(op, Op::Like | Op::Matches | Op::IsSubset | Op::IsSuperset);
        if string_only && !matches!(value, Literal::Str(_)) {
            return Err(PatternError {
                position: value_at,
                message: format!("{op:?} compares with a string"),
            });
        }
        if matches!(op, Op::Lt | Op::Gt | Op::Le | Op::Ge) && matches!(value, Literal::Bool(_)) {
            return Err(PatternError {
                position: value_at,
                message: "a boolean has no order: use = or !=".into(),
            });
        }
        Ok(Comparison::Test(Test::Compare {
            path,
            negated,
            op,
            value,
        }))
    }

    fn literal(&mut self) -> Result<Literal, PatternError> {
        let v = match self.peek().cloned() {
            Some(Tok::Int(n)) => Literal::Int(n),
            Some(Tok::Float(f)) => Literal::Float(f),
            Some(Tok::Str(s)) => Literal::Str(s),
            Some(Tok::Bool(b)) => Literal::Bool(b),
            Some(Tok::Binary(b)) => Literal::Binary(b),
            Some(Tok::Hex(h)) => Literal::Hex(h),
            Some(Tok::Timestamp(t)) => Literal::Timestamp(t),
            _ => {
                return self
                    .unexpected("a constant (a number, 'string', true/false, b'…', h'…', t'…')")
            }
        };
        self.at += 1;
        Ok(v)
    }

    fn path(&mut self) -> Result<ObjectPath, PatternError> {
        let object_type = match self.peek().cloned() {
            Some(Tok::Ident(s)) => s,
            _ => return self.unexpected("an object path (`type:property`)"),
        };
        self.at += 1;
        if !self.eat(&Tok::Colon) {
            return self.unexpected("`:` after the object type");
        }
        let mut steps = vec![PathStep::Property(self.property()?)];
        loop {
            if self.eat(&Tok::Dot) {
                steps.push(PathStep::Property(self.property()?));
            } else if self.eat(&Tok::LBracket) {
                let step = match self.peek().cloned() {
                    Some(Tok::Star) => PathStep::AnyIndex,
                    Some(Tok::Int(n)) => PathStep::Index(n),
                    _ => return self.unexpected("an index or `*` in `[…]`"),
                };
                self.at += 1;
                if !self.eat(&Tok::RBracket) {
                    return self.unexpected("`]` after the index");
                }
                steps.push(step);
            } else {
                return Ok(ObjectPath { object_type, steps });
            }
        }
    }

    fn property(&mut self) -> Result<String, PatternError> {
        match self.peek().cloned() {
            Some(Tok::Ident(s)) if s.contains('-') => {
                self.fail(format!("a property name with a hyphen is quoted: '{s}'"))
            }
            Some(Tok::Ident(s)) | Some(Tok::Str(s)) => {
                self.at += 1;
                Ok(s)
            }
            _ => self.unexpected("a property name"),
        }
    }
}
