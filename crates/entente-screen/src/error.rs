//! Screening's errors: one enum, each variant a sentence that names the limit or the shape expected.

/// Why a name, a date or a line of input cannot be screened or listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScreenError {
    #[error("a name of {chars} characters; a name has at most {max}")]
    NameTooLong { chars: usize, max: usize },
    #[error("a name of {size} parts; a name has at most {max} (a name in Chinese characters counts a part per character)")]
    TooManyParts { size: usize, max: usize },
    #[error("`{0}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")]
    BadDate(String),
    #[error("`names` must hold at least one name")]
    NoName,
    #[error("name {index} is blank (white space or control characters only)")]
    BlankName { index: usize },
    #[error("at most {max} names")]
    TooManyNames { max: usize },
    /// A line of a list or of names to screen that does not read, saying what is wrong.
    #[error("{0}")]
    BadLine(String),
}

impl From<String> for ScreenError {
    fn from(s: String) -> Self {
        ScreenError::BadLine(s)
    }
}

impl From<&str> for ScreenError {
    fn from(s: &str) -> Self {
        ScreenError::BadLine(s.to_owned())
    }
}
