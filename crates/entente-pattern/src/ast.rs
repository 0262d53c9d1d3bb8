//! The tree a pattern parses to.

/// An observation expression: what must be observed, and how observations combine.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// `[ comparison ]`: one observation whose objects satisfy the comparison.
    Match(Comparison),
    And(Box<Observation>, Box<Observation>),
    Or(Box<Observation>, Box<Observation>),
    /// The left observed, then the right, later.
    FollowedBy(Box<Observation>, Box<Observation>),
    Qualified(Box<Observation>, Qualifier),
}

/// A qualifier on an observation expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Qualifier {
    /// `WITHIN n SECONDS`: every observation within a window of that length.
    Within { seconds: f64 },
    /// `REPEATS n TIMES`.
    Repeats { times: u64 },
    /// `START t'…' STOP t'…'`: observed between start and stop (microseconds since the epoch;
    /// a start at or after the stop is allowed and matches nothing, as in the reference matcher).
    StartStop { start_us: i64, stop_us: i64 },
}

/// A comparison expression, within one observation.
#[derive(Debug, Clone, PartialEq)]
pub enum Comparison {
    Test(Test),
    And(Box<Comparison>, Box<Comparison>),
    Or(Box<Comparison>, Box<Comparison>),
}

/// One test of an object's property.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `path [NOT] op value`.
    Compare {
        path: ObjectPath,
        negated: bool,
        op: Op,
        value: Literal,
    },
    /// `path [NOT] IN (v, …)`.
    In {
        path: ObjectPath,
        negated: bool,
        set: Vec<Literal>,
    },
    /// `EXISTS path`.
    Exists(ObjectPath),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Neq,
    Lt,
    Gt,
    Le,
    Ge,
    Like,
    Matches,
    IsSubset,
    IsSuperset,
}

/// `type:property.property[0][*]…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectPath {
    pub object_type: String,
    pub steps: Vec<PathStep>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    Property(String),
    Index(i64),
    /// `[*]`: any element.
    AnyIndex,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Binary(Vec<u8>),
    Hex(Vec<u8>),
    /// Microseconds since the epoch (a finer fraction is cut, as the reference matcher cuts it).
    Timestamp(i64),
}
